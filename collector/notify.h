/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * notify.h — readiness and status for systemd (Type=notify): the datagram
 * protocol of sd_notify(3), which systemd documents as stable, in a few
 * lines instead of linking libsystemd: newline-separated "KEY=VALUE"
 * assignments sent to the AF_UNIX socket named by $NOTIFY_SOCKET (a path,
 * or "@name" in the abstract namespace). Without $NOTIFY_SOCKET every call
 * does nothing. The socket is connected once at start, before privileges
 * are dropped, so the service user need not reach it later.
 */
#ifndef LOTSE_NOTIFY_H
#define LOTSE_NOTIFY_H

#include <stddef.h>

struct notify;

/*
 * Connects to $NOTIFY_SOCKET. Returns 0 and *out (NULL when the variable is
 * unset or empty: not started by systemd), or -1 with a reason in err (the
 * variable names no usable socket).
 */
int notify_open(struct notify **out, char *err, size_t errlen);

/* Sends state ("READY=1\nSTATUS=…"); failures are ignored (systemd may be gone). NULL n: nothing. */
void notify_send(struct notify *n, const char *state);

/* Closes the socket and frees n; NULL is ignored. */
void notify_close(struct notify *n);

#endif
