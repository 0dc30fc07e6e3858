/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The zstd parameters a recording is compressed with, in one place: the writer uses
 * them, and bench/format_bench.c times zstd alone with the very same.
 */
#ifndef IOR_FORMAT_ZPARAMS_H
#define IOR_FORMAT_ZPARAMS_H

#include <stddef.h>
#include <zstd.h>

/* The default level (ior_writer_opts.level 0); see ior_zstd_params(). */
#define IOR_LEVEL_DEFAULT 0

/*
 * Set cc's compression for level: 0 is ior's default, any other value zstd's level of
 * that number (at most IOR_LEVEL_MAX). The window covers frames of up to frame_bytes
 * (a chunk: the writer's chunk_bytes), within SPEC.md's 8 MiB. Content checksums are
 * always on (SPEC.md 2.3). Returns 0 or -EINVAL.
 */
int ior_zstd_params(ZSTD_CCtx *cc, int level, size_t frame_bytes);

#endif /* IOR_FORMAT_ZPARAMS_H */
