/* SPDX-License-Identifier: GPL-2.0-only */
/* The live status line and the end-of-recording summary, formatted (not printed). */
#ifndef IOR_RECORDER_STATUS_H
#define IOR_RECORDER_STATUS_H

#include <stddef.h>
#include <stdint.h>

struct ior_status {
	uint64_t elapsed_ns;
	uint64_t events;
	uint64_t rate;  /* events per second over the last interval */
	uint64_t lost;
	uint64_t bytes; /* written to the output */
};

/* "1.5 KiB", "12.3 MiB", "512 B" into buf. */
void ior_status__bytes(char *buf, size_t len, uint64_t bytes);

/* "  12s  1234567 events  102345/s  0 lost  12.3 MiB" into buf; returns its length. */
size_t ior_status__line(char *buf, size_t len, const struct ior_status *s);

#endif
