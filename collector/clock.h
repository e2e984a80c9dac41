/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * clock.h — the collector's two clocks in milliseconds (wall time for event
 * times and the visit key's day; monotonic time for deadlines, the rate
 * limit and the log's seconds) and absolute deadlines for timed waits.
 */
#ifndef LOTSE_CLOCK_H
#define LOTSE_CLOCK_H

#include <stdint.h>
#include <time.h>

/* UTC milliseconds since 1970 (CLOCK_REALTIME). */
int64_t clock_realtime_ms(void);

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t clock_monotonic_ms(void);

/* The time ms milliseconds from now on clock id, for pthread_cond_timedwait on that clock. */
struct timespec clock_after_ms(clockid_t id, unsigned ms);

#endif
