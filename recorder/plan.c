// SPDX-License-Identifier: GPL-2.0-only
#include "recorder/plan.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/syscalls.h"
#include "recorder/sysnr.h"

static unsigned char role_of(const struct ior_syscall_desc *d)
{
	if (strcmp(d->name, "fcntl") == 0)
		return IOR_WIRE_ROLE_FCNTL;
	if (strcmp(d->name, "chdir") == 0 || strcmp(d->name, "fchdir") == 0)
		return IOR_WIRE_ROLE_CWD;
	if (strcmp(d->name, "chroot") == 0)
		return IOR_WIRE_ROLE_ROOT;
	if (d->cls == IOR_CLASS_CLOSE)
		return IOR_WIRE_ROLE_CLOSE;
	if (d->ret == IOR_RET_FD)
		return d->cls == IOR_CLASS_DUP ? IOR_WIRE_ROLE_DUP : IOR_WIRE_ROLE_NEWFD;
	return IOR_WIRE_ROLE_NONE;
}

static void plan_entry(struct ior_wire_plan *w, const struct ior_syscall_desc *d)
{
	static const unsigned char special[] = {
		[IOR_SPECIAL_NONE] = IOR_WIRE_SPECIAL_NONE,
		[IOR_SPECIAL_OPEN_HOW] = IOR_WIRE_SPECIAL_OPEN_HOW,
		[IOR_SPECIAL_FD_PAIR] = IOR_WIRE_SPECIAL_FD_PAIR,
		[IOR_SPECIAL_CREAT] = IOR_WIRE_SPECIAL_CREAT,
	};

	memset(w, 0, sizeof(*w));
	w->on = 1;
	w->special = d->special < sizeof(special) ? special[d->special] : 0;
	w->role = role_of(d);
	w->fd = d->fd;
	w->fd2 = d->fd2;
	w->path = d->path;
	w->path2 = d->path2;
	w->flags = d->flags;
	w->aux = d->aux;
	w->bytes = d->bytes == IOR_FROM_RET ? IOR_WIRE_ARG_RET : d->bytes;
}

/*
 * Mark in sel[] the syscalls matched by the comma-separated regexes in list; each must
 * match one at least.
 */
static int select_names(const char *list, const char *opt, bool *sel, bool value, char *err,
			size_t errlen)
{
	size_t n;
	const struct ior_syscall_desc *t = ior_syscalls(&n);
	char *copy = strdup(list), *save = NULL, *re;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (re = strtok_r(copy, ",", &save); re && !ret; re = strtok_r(NULL, ",", &save)) {
		char anchored[512];
		regex_t rx;
		bool hit = false;

		snprintf(anchored, sizeof(anchored), "^(%s)$", re);
		if (regcomp(&rx, anchored, REG_EXTENDED | REG_NOSUB)) {
			snprintf(err, errlen, "%s '%s': not a valid regular expression", opt, re);
			ret = -EINVAL;
			break;
		}
		for (size_t i = 0; i < n; i++) {
			if (regexec(&rx, t[i].name, 0, NULL, 0) == 0) {
				sel[i] = value;
				hit = true;
			}
		}
		regfree(&rx);
		if (!hit) {
			snprintf(err, errlen, "%s '%s': matches no syscall ior traces", opt, re);
			ret = -EINVAL;
		}
	}
	free(copy);
	return ret;
}

static bool *selection(const struct ior_plan_opts *o, size_t n, char *err, size_t errlen,
		       int *ret)
{
	bool *sel = calloc(n, sizeof(*sel));

	*ret = -ENOMEM;
	if (!sel)
		return NULL;
	for (size_t i = 0; i < n; i++)
		sel[i] = !o->include;
	*ret = 0;
	if (o->include)
		*ret = select_names(o->include, "-e", sel, true, err, errlen);
	if (!*ret && o->exclude)
		*ret = select_names(o->exclude, "-x", sel, false, err, errlen);
	if (*ret) {
		free(sel);
		return NULL;
	}
	return sel;
}

static unsigned char max_arg(const struct ior_syscall_desc *d)
{
	const unsigned char pos[] = { d->fd, d->fd2, d->path, d->path2, d->flags, d->aux, d->bytes };
	unsigned char m = 0;

	for (size_t i = 0; i < sizeof(pos); i++)
		if (pos[i] <= IOR_ARG6 && pos[i] > m)
			m = pos[i];
	return m;
}

/*
 * Whether the replay needs d to know what fds, the cwd, the root or mappings name: it is
 * recorded whatever -e/-x select (SPEC.md, header key 14).
 */
static bool for_attribution(const struct ior_syscall_desc *d)
{
	unsigned char role = role_of(d);

	return d->ret == IOR_RET_FD || d->special == IOR_SPECIAL_FD_PAIR ||
	       d->cls == IOR_CLASS_CLOSE || d->cls == IOR_CLASS_DUP || d->cls == IOR_CLASS_MMAP ||
	       role == IOR_WIRE_ROLE_CWD || role == IOR_WIRE_ROLE_ROOT;
}

static bool place(struct ior_plan *pl, const struct ior_plan_opts *o,
		  const struct ior_syscall_desc *d)
{
	int nr = ior_sysnr_by_name(d->name);
	char *ev;

	if (nr < 0 || nr >= IOR_WIRE_MAX_NR)
		return false;
	ev = pl->event[nr];
	if (o->event) {
		if (!o->event(d->name, ev, IOR_PLAN_EVENT_LEN, o->ctx))
			return false;
	} else {
		snprintf(ev, IOR_PLAN_EVENT_LEN, "%s", d->name);
	}
	plan_entry(&pl->nr[nr], d);
	pl->nargs[nr] = max_arg(d);
	pl->count++;
	return true;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int ior_plan__build(struct ior_plan *pl, const struct ior_plan_opts *o, char *err, size_t errlen)
{
	size_t n;
	const struct ior_syscall_desc *t = ior_syscalls(&n);
	bool *sel;
	int ret;

	unsigned int extra = 0;

	memset(pl, 0, sizeof(*pl));
	sel = selection(o, n, err, errlen, &ret);
	if (!sel)
		return ret;
	for (size_t i = 0; i < n; i++) {
		if (!sel[i] && !for_attribution(&t[i]))
			continue;
		if (!place(pl, o, &t[i]))
			pl->missing += sel[i];
		else if (sel[i])
			pl->selected[pl->nselected++] = (uint32_t)ior_sysnr_by_name(t[i].name);
		else
			extra++;
	}
	free(sel);
	if (!pl->nselected) {
		snprintf(err, errlen, "no selected syscall exists on this kernel");
		return -EINVAL;
	}
	qsort(pl->selected, pl->nselected, sizeof(pl->selected[0]), cmp_u32);
	if (!extra)
		pl->nselected = 0;
	return 0;
}
