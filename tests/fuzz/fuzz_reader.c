// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: any bytes as a recording. The reader must never crash, hang or
 * leak, and every record it returns must reference only strings it can resolve.
 * The first input byte chooses salvage mode so both paths are explored.
 */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ior_reader_opts o = { .salvage = size && (data[0] & 1) };
	struct ior_record rec;
	struct ior_reader *r;
	int fd = memfd_create("fuzz", 0);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	lseek(fd, 0, SEEK_SET);
	r = ior_reader__open(fd, &o);
	if (r) {
		const struct ior_header *h = ior_reader__header(r);

		for (uint32_t i = 0; i < h->argc; i++)
			(void)strlen(h->argv[i]);
		while (ior_reader__next(r, &rec) > 0) {
			if (rec.type == IOR_REC_EVENT) {
				touch_string(r, rec.event.path);
				touch_string(r, rec.event.path2);
				(void)ior_reader__syscall_name(r, rec.event.nr);
			} else if (rec.type == IOR_REC_PROC) {
				touch_string(r, rec.proc.comm);
				touch_string(r, rec.proc.path);
			}
		}
		(void)strlen(ior_reader__warning(r));
		ior_reader__close(r);
	}
	close(fd);
	return 0;
}
