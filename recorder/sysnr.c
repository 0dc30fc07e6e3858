// SPDX-License-Identifier: GPL-2.0-only
/*
 * Syscall numbers of this architecture. The generated list comes from the build host's
 * kernel headers; a recording host may run a newer kernel, so numbers assigned after
 * those headers were released are added from a small table, each only when the headers
 * lack the name (a build on newer headers uses its own).
 */
#include "recorder/sysnr.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const struct ior_syscall_name generated[] = {
#define IOR_NR(name, nr) { nr, #name },
#include "recorder/syscall_nrs.inc"
#undef IOR_NR
};

/* Newer than Debian 12's headers (Linux 6.1 UAPI); numbers from the kernel's tables. */
static const struct ior_syscall_name newer[] = {
#if defined(__x86_64__) || defined(__aarch64__)
	/* the generic table (arm64) and x86_64 agree from 424 on */
	{ 451, "cachestat" },	   { 452, "fchmodat2" },     { 453, "map_shadow_stack" },
	{ 454, "futex_wake" },	   { 455, "futex_wait" },    { 456, "futex_requeue" },
	{ 457, "statmount" },	   { 458, "listmount" },     { 459, "lsm_get_self_attr" },
	{ 460, "lsm_set_self_attr" }, { 461, "lsm_list_self_attr" }, { 462, "mseal" },
	{ 463, "setxattrat" },	   { 464, "getxattrat" },    { 465, "listxattrat" },
	{ 466, "removexattrat" },  { 467, "open_tree_attr" }, { 468, "file_getattr" },
	{ 469, "file_setattr" },
#endif
};

#define NGEN (sizeof(generated) / sizeof(generated[0]))
#define NNEW (sizeof(newer) / sizeof(newer[0]))

static struct ior_syscall_name merged[NGEN + NNEW];
static size_t nmerged;

static int by_nr(const void *a, const void *b)
{
	const struct ior_syscall_name *x = a, *y = b;

	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

static bool in_generated(const struct ior_syscall_name *s)
{
	for (size_t i = 0; i < NGEN; i++)
		if (generated[i].nr == s->nr || strcmp(generated[i].name, s->name) == 0)
			return true;
	return false;
}

const struct ior_syscall_name *ior_sysnr_table(size_t *n)
{
	if (!nmerged) {
		memcpy(merged, generated, sizeof(generated));
		nmerged = NGEN;
		for (size_t i = 0; i < NNEW; i++)
			if (!in_generated(&newer[i]))
				merged[nmerged++] = newer[i];
		qsort(merged, nmerged, sizeof(merged[0]), by_nr);
	}
	*n = nmerged;
	return merged;
}

int ior_sysnr_by_name(const char *name)
{
	size_t n;
	const struct ior_syscall_name *t = ior_sysnr_table(&n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return (int)t[i].nr;
	return -1;
}

const char *ior_sysnr_name(uint32_t nr)
{
	size_t n;
	const struct ior_syscall_name *t = ior_sysnr_table(&n);
	struct ior_syscall_name key = { .nr = nr };
	const struct ior_syscall_name *hit = bsearch(&key, t, n, sizeof(*t), by_nr);

	return hit ? hit->name : NULL;
}
