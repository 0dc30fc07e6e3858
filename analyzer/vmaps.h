/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The file mappings of one address space, as the replay learns them from mmap, munmap
 * and the /proc snapshot's mappings (IOR_PROC_MAP), so that munmap and msync (which take
 * an address, not an fd) can name the file.
 * Anonymous memory is not kept: an address outside every range is "no file".
 *
 * Shared (reference counted) by threads and CLONE_VM children; fork copies; exec starts
 * empty. A sorted array of disjoint ranges: lookups are a binary search, and memory
 * follows the live mappings. Functions returning int return 0 or -errno.
 */
#ifndef IOR_ANALYZER_VMAPS_H
#define IOR_ANALYZER_VMAPS_H

#include <stdint.h>

struct ior_vmap {
	uint64_t start, end; /* [start, end), page-rounded */
	uint32_t name;	     /* id in the replay's name table */
	uint8_t resolved;
	uint8_t kind; /* enum ior_fd_kind: a memfd, an io_uring ring, ... are mapped too */
};

struct ior_vmaps {
	uint32_t refs;
	uint32_t n, cap;
	struct ior_vmap *v;
};

/* Pages are assumed 4 KiB: a larger page size only makes ranges end early inside a page. */
#define IOR_VMAP_PAGE 4096u

struct ior_vmaps *ior_vmaps__new(void);
struct ior_vmaps *ior_vmaps__clone(const struct ior_vmaps *m);
void ior_vmaps__put(struct ior_vmaps *m); /* NULL is a no-op */

/* [addr, addr + len) now maps file name (replacing what was there). */
int ior_vmaps__map(struct ior_vmaps *m, uint64_t addr, uint64_t len, uint32_t name,
		   uint8_t resolved, uint8_t kind);

/* [addr, addr + len) no longer maps a file (munmap, or anonymous memory placed there). */
int ior_vmaps__unmap(struct ior_vmaps *m, uint64_t addr, uint64_t len);

/* The mapping holding addr, or NULL. Valid until the next change of m. */
const struct ior_vmap *ior_vmaps__find(const struct ior_vmaps *m, uint64_t addr);

#endif /* IOR_ANALYZER_VMAPS_H */
