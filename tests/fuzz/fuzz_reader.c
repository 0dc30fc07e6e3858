// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: any bytes as a recording. The reader must never crash, hang or
 * leak, and every record it returns must reference only strings it can resolve.
 * Bits of the first input byte choose salvage mode (1), reading events in runs (2) and,
 * in the six bits above, the fields skipped (ior_reader_opts.skip), so that every path
 * is explored. Skipped fields must read as their defaults. The lowest bit of the last
 * byte has the reader and a fork of it (ior_reader__fork) take the chunks in turns.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "format/ior_format.h"

static void touch_string(struct ior_reader *r, uint32_t id)
{
	size_t len;
	const char *s = ior_reader__string(r, id, &len);

	if (id && !s)
		abort(); /* the reader returned an id it cannot resolve */
	if (s && s[len] != '\0')
		abort();
}

static void touch_event(struct ior_reader *r, const struct ior_event *ev, unsigned skip)
{
	if (((skip & IOR_SKIP_THREAD) && (ev->pid || ev->tid)) ||
	    ((skip & IOR_SKIP_FD) && ev->fd != IOR_FD_NONE) || ((skip & IOR_SKIP_AUX) && ev->aux) ||
	    ((skip & IOR_SKIP_FLAGS) && ev->flags) || ((skip & IOR_SKIP_PATH) && ev->path) ||
	    ((skip & IOR_SKIP_EXT) && (ev->path2 || ev->str_flags || ev->fd2 != IOR_FD_NONE)))
		abort(); /* a skipped field was read */
	touch_string(r, ev->path);
	touch_string(r, ev->path2);
	(void)ior_reader__syscall_name(r, ev->nr);
}

static int next(struct ior_reader *r, struct ior_record *rec, bool runs)
{
	return runs ? ior_reader__next_run(r, rec) : ior_reader__next(r, rec);
}

static void touch_record(struct ior_reader *r, const struct ior_record *rec, unsigned skip)
{
	if (rec->type == IOR_REC_EVENT) {
		touch_event(r, &rec->event, skip);
	} else if (rec->type == IOR_REC_EVENTS) {
		if (!rec->events.n)
			abort(); /* a run is never empty */
		for (size_t i = 0; i < rec->events.n; i++)
			touch_event(r, &rec->events.v[i], skip);
	} else if (rec->type == IOR_REC_PROC) {
		touch_string(r, rec->proc.comm);
		touch_string(r, rec->proc.path);
	}
}

/* Every record of r, or of r and its fork f in turns (each resolves its own strings). */
static void read_all(struct ior_reader *r, struct ior_reader *f, bool runs, unsigned skip)
{
	struct ior_record rec;
	bool r_done = false, f_done = !f;

	while (!r_done || !f_done) {
		if (!r_done && next(r, &rec, runs) > 0)
			touch_record(r, &rec, skip);
		else
			r_done = true;
		if (!f_done && next(f, &rec, runs) > 0)
			touch_record(f, &rec, skip);
		else
			f_done = true;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ior_reader_opts o = { .salvage = size && (data[0] & 1),
				     .skip = size ? (unsigned)data[0] >> 2 & IOR_SKIP_ALL : 0 };
	struct ior_reader *r, *f = NULL;
	int fd = memfd_create("fuzz", 0);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	lseek(fd, 0, SEEK_SET);
	r = ior_reader__open(fd, &o);
	if (r) {
		const struct ior_header *h = ior_reader__header(r);

		for (uint32_t i = 0; i < h->argc; i++)
			(void)strlen(h->argv[i]);
		if (size > 1 && (data[size - 1] & 1) && !(f = ior_reader__fork(r)))
			abort(); /* a fresh unthreaded reader can always fork */
		read_all(r, f, size && (data[0] & 2), o.skip);
		if (f && *ior_reader__warning(f))
			abort(); /* a fork warns into its root's list */
		(void)strlen(ior_reader__warning(r));
		ior_reader__close(f);
		ior_reader__close(r);
	}
	close(fd);
	return 0;
}
