/* SPDX-License-Identifier: EUPL-1.2 */
/* notify.c — sd_notify's datagram protocol (see notify.h). */
#include "notify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct notify {
	int fd;
};

int notify_open(struct notify **out, char *err, size_t errlen)
{
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t len;
	size_t n;
	struct notify *nt;

	*out = NULL;
	if (name == NULL || name[0] == '\0')
		return 0;
	n = strlen(name);
	if ((name[0] != '/' && name[0] != '@') || n >= sizeof sa.sun_path) {
		snprintf(err, errlen, "NOTIFY_SOCKET: '%.80s' is no AF_UNIX socket path or @name", name);
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, name, n);
	if (name[0] == '@')
		sa.sun_path[0] = '\0'; /* the abstract namespace: the name's bytes, no NUL at the end */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (name[0] == '/'));
	nt = calloc(1, sizeof *nt);
	if (nt == NULL) {
		snprintf(err, errlen, "NOTIFY_SOCKET: out of memory");
		return -1;
	}
	nt->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (nt->fd < 0 || connect(nt->fd, (const struct sockaddr *)&sa, len) != 0) {
		snprintf(err, errlen, "NOTIFY_SOCKET %s: %s", name, strerror(errno));
		notify_close(nt);
		return -1;
	}
	*out = nt;
	return 0;
}

void notify_send(struct notify *n, const char *state)
{
	if (n == NULL)
		return;
	/* MSG_NOSIGNAL: no SIGPIPE (also ignored in main); MSG_DONTWAIT: never block on systemd. */
	(void)send(n->fd, state, strlen(state), MSG_NOSIGNAL | MSG_DONTWAIT);
}

void notify_close(struct notify *n)
{
	if (n == NULL)
		return;
	if (n->fd >= 0)
		close(n->fd);
	free(n);
}
