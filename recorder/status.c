// SPDX-License-Identifier: GPL-2.0-only
#include "recorder/status.h"

#include <stdio.h>

void ior_status__bytes(char *buf, size_t len, uint64_t bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	unsigned int u = 0;

	while (v >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
}

size_t ior_status__line(char *buf, size_t len, const struct ior_status *s)
{
	char size[32];
	int n;

	ior_status__bytes(size, sizeof(size), s->bytes);
	n = snprintf(buf, len, "%5llus  %llu events  %llu/s  %llu lost  %s",
		     (unsigned long long)(s->elapsed_ns / 1000000000ull),
		     (unsigned long long)s->events, (unsigned long long)s->rate,
		     (unsigned long long)s->lost, size);
	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}
