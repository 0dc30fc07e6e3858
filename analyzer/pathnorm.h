/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lexical path resolution for the replay: a path argument joined to the directory it is
 * relative to, with "." and empty components dropped and ".." folded, the way the kernel
 * walks it but without a filesystem: symlinks are not followed (what the program asked
 * for is what ior shows), so "a/link/.." folds to "a".
 *
 * Results are absolute paths as ior-record saw them from its own root (format/SPEC.md),
 * like every path a recording holds: a process chrooted below that root has "/etc/x"
 * resolved to its root + "/etc/x", and ".." never climbs above its root.
 * Normalised form: starts with '/', no "." or ".." components, no "//", no trailing '/'
 * except for "/" itself.
 */
#ifndef IOR_ANALYZER_PATHNORM_H
#define IOR_ANALYZER_PATHNORM_H

#include <stdbool.h>
#include <stddef.h>

#include "analyzer/buf.h"

/*
 * Resolve path (len bytes, no NUL needed) into out (reset first; NUL-terminated).
 * An absolute path starts at root, a relative one at base. root and base must be
 * normalised absolute paths (rlen/blen bytes); base may lie outside root (a chroot
 * without chdir), and then ".." from it stops at "/" instead. Returns 0 or -ENOMEM.
 */
int ior_path_resolve(struct ior_buf *out, const char *root, size_t rlen, const char *base,
		     size_t blen, const char *path, size_t len);

/* Whether s (len bytes) is in normalised form. */
bool ior_path_is_norm(const char *s, size_t len);

#endif /* IOR_ANALYZER_PATHNORM_H */
