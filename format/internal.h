/* SPDX-License-Identifier: GPL-2.0-only */
/* Constants of the .ior byte layout shared by writer and reader. SPEC.md is normative. */
#ifndef IOR_FORMAT_INTERNAL_H
#define IOR_FORMAT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "format/ior_format.h"

/* zstd frame magics (little-endian on disk) */
#define IOR_ZSTD_MAGIC 0xFD2FB528u
#define IOR_SKIP_MAGIC_MIN 0x184D2A50u
#define IOR_SKIP_MAGIC_MAX 0x184D2A5Fu
#define IOR_MAGIC_FRAME 0x184D2A50u /* first frame: "IOR\0" major minor */
#define IOR_INDEX_FRAME 0x184D2A5Eu /* last frame on clean close: the index */
#define IOR_MAGIC_LEN 16
#define IOR_INDEX_TRAILER "IORX"

/* Readers refuse chunks that decompress to more than this (writers stay far below). */
#define IOR_CHUNK_MAX (64u << 20)
#define IOR_CHUNK_DEFAULT (4u << 20)
/* Largest zstd window a reader accepts (16 MiB); writers use levels <= 19 (window <= 8 MiB). */
#define IOR_WINDOW_LOG_MAX 24
/* Largest window a writer uses (SPEC.md 2.3 rule 4: 8 MiB). */
#define IOR_WINDOW_LOG_WRITE 23
#define IOR_LEVEL_MAX 19

/* An index frame bigger than this is not buffered (it is skipped like any other). */
#define IOR_INDEX_MAX (16u << 20)

/* Header frames are small; anything bigger is damage. */
#define IOR_HEADER_MAX (4u << 20)

/* Little-endian words of the frame layer (magics, sizes, the index trailer). */
static inline uint32_t ior_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t ior_get_le64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t w; /* one load: gcc 12 does not merge the two halves below */

	memcpy(&w, p, sizeof(w));
	return w;
#else
	return ior_get_le32(p) | (uint64_t)ior_get_le32(p + 4) << 32;
#endif
}

static inline bool ior_format_major_supported(unsigned major)
{
	return major >= IOR_FORMAT_MAJOR_OLDEST && major <= IOR_FORMAT_MAJOR;
}

/* Control records are CBOR maps; key 0 holds the type. */
enum ior_ctl {
	IOR_CTL_CHUNK = 1,
	IOR_CTL_STRING = 2,
	IOR_CTL_THREAD = 3,
	IOR_CTL_SYNC = 4,
	IOR_CTL_LOST = 5,
	IOR_CTL_PROC = 6,
	IOR_CTL_END = 7,
	IOR_CTL_EVENTS = 8, /* 2.0: an event block (evblock.h) */
	IOR_CTL_HEADER = 16,
};

/* Positions in an event array. Fields 0..4 are mandatory. */
enum ior_ev_field {
	IOR_EV_DT = 0,
	IOR_EV_DUR,
	IOR_EV_THREAD,
	IOR_EV_NR,
	IOR_EV_RET,
	IOR_EV_FD,
	IOR_EV_BYTES,
	IOR_EV_AUX,
	IOR_EV_FLAGS,
	IOR_EV_PATH,
	IOR_EV_PATH2,
	IOR_EV_FD2,
	IOR_EV_STRFLAGS,
	IOR_EV_NFIELDS,
	IOR_EV_MANDATORY = IOR_EV_RET + 1,
};

/* Header map keys. */
enum ior_hdr_key {
	IOR_HDR_MAJOR = 1,
	IOR_HDR_MINOR,
	IOR_HDR_TOOL,
	IOR_HDR_HOST,
	IOR_HDR_KERNEL,
	IOR_HDR_ARCH,
	IOR_HDR_NCPUS,
	IOR_HDR_CLOCK,
	IOR_HDR_WALL_OFFSET,
	IOR_HDR_START,
	IOR_HDR_ARGV,
	IOR_HDR_OPTIONS,
	IOR_HDR_SYSCALLS,
	IOR_HDR_SELECTED, /* 1.1: the syscall numbers asked for */
};

/* Process record keys (type IOR_CTL_PROC). */
enum ior_proc_key {
	IOR_PK_KIND = 1,
	IOR_PK_TIME,
	IOR_PK_PID,
	IOR_PK_TID,
	IOR_PK_PPID,
	IOR_PK_PTID,
	IOR_PK_CLONE,
	IOR_PK_CODE,
	IOR_PK_FLAGS,
	IOR_PK_COMM,
	IOR_PK_PATH,
	IOR_PK_PATH2,
};

#endif /* IOR_FORMAT_INTERNAL_H */
