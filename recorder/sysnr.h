/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The syscall number <-> name table of this machine's architecture: the build host's
 * <asm/unistd.h> (generated into the build folder), completed by the numbers of newer
 * syscalls older headers lack. It goes into every recording's header, so the analyzer
 * never needs the numbers of its own host.
 */
#ifndef IOR_RECORDER_SYSNR_H
#define IOR_RECORDER_SYSNR_H

#include <stddef.h>
#include <stdint.h>

#include "format/ior_format.h"

/* The table, sorted by number; static storage. */
const struct ior_syscall_name *ior_sysnr_table(size_t *n);

/* The number of name, or -1 when this architecture has no such syscall. */
int ior_sysnr_by_name(const char *name);

/* The name of nr, or NULL. */
const char *ior_sysnr_name(uint32_t nr);

#endif
