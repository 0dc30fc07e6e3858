// SPDX-License-Identifier: GPL-2.0-only
#include "recorder/tracefs.h"

#include <errno.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

static const char *const candidates[] = {
	"/sys/kernel/tracing",
	"/sys/kernel/debug/tracing",
};

static bool has_events(const char *dir)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/events/syscalls", dir);
	return access(p, F_OK) == 0;
}

const char *ior_tracefs__dir(void)
{
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (has_events(candidates[i]))
			return candidates[i];
	if (mount("tracefs", candidates[0], "tracefs", 0, NULL) && errno != EBUSY)
		return NULL;
	if (!has_events(candidates[0])) {
		errno = ENOENT; /* mounted, but this kernel has no syscall tracepoints */
		return NULL;
	}
	return candidates[0];
}

bool ior_tracefs__syscall_event(const char *dir, const char *name, char *buf, size_t len)
{
	static const char *const forms[] = { "%s", "new%s", "%s64" };
	char p[512];

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if ((size_t)snprintf(buf, len, forms[i], name) >= len)
			continue;
		snprintf(p, sizeof(p), "%s/events/syscalls/sys_enter_%s", dir, buf);
		if (access(p, F_OK) == 0)
			return true;
	}
	return false;
}
