// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>

#include "format/internal.h"
#include "format/zparams.h"

/*
 * The smallest window that holds a whole frame, up to 8 MiB. Why not zstd's default
 * for the level (512 KiB at level -1): a streaming compressor keeps the window in a
 * ring of window + 128 KiB, and once a 4 MiB frame has wrapped it, every block is
 * matched against two segments by zstd's slower "extDict" loop. That was 15-20 % of
 * the writer's compression time (BENCHMARKS.md, "A window as large as the chunk").
 * Frames are independent, so a window larger than a frame would buy nothing.
 */
static int window_log(size_t frame_bytes)
{
	int log = 10; /* ZSTD_WINDOWLOG_MIN */

	while (log < IOR_WINDOW_LOG_WRITE && ((size_t)1 << log) < frame_bytes)
		log++;
	return log;
}

/*
 * Why the default is not a plain level: zstd's time on our event blocks goes with the
 * number of matches it finds, not with the bytes (most bytes are times and durations,
 * coded as literals). Level -1 (fast, one step of acceleration) with matches of at
 * least five bytes finds fewer, longer ones than level 1: on a real recording it
 * decompresses ~29 % faster and compresses ~9 % faster, for 2 % more bytes; on
 * format_bench's synthetic stream 9.98 bytes/event instead of 9.69, decompression
 * ~15-35 % faster, compression about the same (BENCHMARKS.md, "zstd's parameters").
 */
int ior_zstd_params(ZSTD_CCtx *cc, int level, size_t frame_bytes)
{
	size_t rc;

	if (level > IOR_LEVEL_MAX)
		level = IOR_LEVEL_MAX;
	if (level == IOR_LEVEL_DEFAULT) {
		rc = ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, -1);
		if (!ZSTD_isError(rc))
			rc = ZSTD_CCtx_setParameter(cc, ZSTD_c_minMatch, 5);
	} else {
		rc = ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, level);
	}
	if (!ZSTD_isError(rc))
		rc = ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, window_log(frame_bytes));
	if (!ZSTD_isError(rc))
		rc = ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
	return ZSTD_isError(rc) ? -EINVAL : 0;
}
