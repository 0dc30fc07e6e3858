// SPDX-License-Identifier: GPL-2.0-only
/*
 * Frame layer of the reader (see source.h). A whole zstd frame is decoded in one call;
 * when that fails it is decoded again one block at a time, so a failing call never
 * hides output an earlier block produced. A chunk is handed out only once its checksum
 * is verified (or, under salvage, when the input ended inside it).
 */
#include "format/source.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "format/internal.h"
#include "format/ior_format.h"

#define IN_CHUNK (1u << 20)
#define BLOCK_MAX (128u << 10)
#define WARN_LINES_MAX 32

struct ior_source {
	int fd;
	bool salvage, eof;
	struct ior_warnings *warn;
	/* input window: file bytes [base, base + len) are in in[0..len) */
	uint8_t *in;
	size_t pos, len, cap;
	uint64_t base;
	ZSTD_DCtx *dctx;
	struct ior_source_stats st;
	bool done;           /* the end (or a read error) was reached: last_status repeats */
	int last_status;
	bool cancelable;     /* read() runs on a thread that may be cancelled there */
};

/* ---- warnings ----------------------------------------------------------------------- */

void ior_warnings__init(struct ior_warnings *w)
{
	memset(w, 0, sizeof(*w));
	pthread_mutex_init(&w->lock, NULL);
}

void ior_warnings__free(struct ior_warnings *w)
{
	free(w->text);
	pthread_mutex_destroy(&w->lock);
}

void ior_warnings__add(struct ior_warnings *w, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	pthread_mutex_lock(&w->lock);
	if (w->lines > WARN_LINES_MAX)
		goto out;
	va_start(ap, fmt);
	if (w->lines == WARN_LINES_MAX)
		n = snprintf(line, sizeof(line) - 1, "(further warnings not shown)");
	else
		n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		goto out;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (w->len + (size_t)n + 1 > w->cap) {
		size_t cap = (w->cap ? w->cap * 2 : 1024) + (size_t)n;
		char *t = realloc(w->text, cap);

		if (!t)
			goto out;
		w->text = t;
		w->cap = cap;
	}
	memcpy(w->text + w->len, line, (size_t)n);
	w->len += (size_t)n;
	w->text[w->len] = '\0';
	w->lines++;
out:
	pthread_mutex_unlock(&w->lock);
}

/* ---- input window ------------------------------------------------------------------- */

static size_t avail(const struct ior_source *s)
{
	return s->len - s->pos;
}

static uint64_t offset_now(const struct ior_source *s)
{
	return s->base + s->pos;
}

/* Make at least need bytes available at pos unless the input ends; returns avail(). */
static ssize_t fill(struct ior_source *s, size_t need)
{
	while (avail(s) < need && !s->eof) {
		ssize_t n;

		if (s->pos) { /* slide the window */
			memmove(s->in, s->in + s->pos, avail(s));
			s->base += s->pos;
			s->len -= s->pos;
			s->pos = 0;
		}
		if (s->cap - s->len < IN_CHUNK / 4 || s->cap < need) {
			size_t cap = s->cap * 2 > need + IN_CHUNK ? s->cap * 2 : need + IN_CHUNK;
			uint8_t *p = realloc(s->in, cap);

			if (!p)
				return -ENOMEM;
			s->in = p;
			s->cap = cap;
		}
		/* a decoding thread may be cancelled here, and only here */
		if (s->cancelable)
			pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
		n = read(s->fd, s->in + s->len, s->cap - s->len);
		if (s->cancelable)
			pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			s->eof = true;
		s->len += (size_t)n;
	}
	return (ssize_t)avail(s);
}

/* ---- frame decoding ----------------------------------------------------------------- */

enum frame_result {
	FRAME_OK,        /* complete and checksum-verified */
	FRAME_TRUNCATED, /* input ended inside the frame; the chunk holds what decoded */
	FRAME_DAMAGED,   /* not decodable or checksum mismatch */
};

static int chunk_reserve(struct ior_chunk *c, size_t more)
{
	size_t need = c->len + more, cap;
	uint8_t *p;

	if (need <= c->cap)
		return 0;
	if (need > IOR_CHUNK_MAX + BLOCK_MAX)
		return -EFBIG;
	cap = c->cap ? c->cap : (1u << 20);
	while (cap < need)
		cap *= 2;
	p = realloc(c->buf, cap);
	if (!p)
		return -ENOMEM;
	c->buf = p;
	c->cap = cap;
	return 0;
}

/* Feed n input bytes at pos to the decoder, appending output to c. */
static int feed(struct ior_source *s, struct ior_chunk *c, size_t n, size_t *ret)
{
	ZSTD_inBuffer in = { s->in + s->pos, n, 0 };

	while (in.pos < in.size) {
		int err = chunk_reserve(c, BLOCK_MAX);
		ZSTD_outBuffer out;

		if (err)
			return err;
		out = (ZSTD_outBuffer){ c->buf + c->len, c->cap - c->len, 0 };
		*ret = ZSTD_decompressStream(s->dctx, &out, &in);
		c->len += out.pos;
		if (ZSTD_isError(*ret))
			return -EIO;
		if (c->len > IOR_CHUNK_MAX)
			return -EFBIG;
	}
	s->pos += n;
	return 0;
}

/* Bytes of the block (header included) whose 3-byte header is at p, 0 when damaged. */
static size_t block_size_at(const uint8_t *p, bool *last)
{
	uint32_t bh = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
	size_t size = bh >> 3;

	*last = bh & 1;
	switch ((bh >> 1) & 3) {
	case 1: /* RLE: one byte repeated */
		return 3 + 1;
	case 3: /* reserved */
		return 0;
	}
	if (size > BLOCK_MAX)
		return 0;
	return 3 + size;
}

/* Bytes of the next block (header included) at pos, or 0 on damage / truncation. */
static size_t block_size(struct ior_source *s, bool *last)
{
	if (fill(s, 3) < 3)
		return 0;
	return block_size_at(s->in + s->pos, last);
}

/*
 * Size of the zstd frame header at p (RFC 8878 3.1.1.1), 0 when damaged. *checksum is
 * the Content_Checksum_flag. Parsed here rather than through zstd's experimental API.
 */
static size_t frame_header_size(const uint8_t *p, size_t n, bool *checksum)
{
	static const uint8_t did_size[4] = { 0, 1, 2, 4 };
	static const uint8_t fcs_size[4] = { 0, 2, 4, 8 };
	uint8_t fhd;
	bool single;
	size_t size;

	if (n < 5)
		return 0;
	fhd = p[4];
	if (fhd & 0x08) /* reserved bit */
		return 0;
	single = fhd & 0x20;
	*checksum = fhd & 0x04;
	size = 5 + (single ? 0 : 1) + did_size[fhd & 3] + fcs_size[fhd >> 6];
	if (single && (fhd >> 6) == 0)
		size += 1;
	return size;
}

/*
 * Bytes of the whole frame at pos whose header has hsize bytes, once all of it is in
 * the window; *out_max bounds what it decodes to (a block decodes to at most
 * BLOCK_MAX). 0 when a block header is damaged or the input ends first.
 */
static size_t frame_extent(struct ior_source *s, size_t hsize, size_t *out_max)
{
	size_t at = hsize, n;
	bool last = false;

	*out_max = 0;
	while (!last) {
		if ((size_t)fill(s, at + 3) < at + 3)
			return 0;
		n = block_size_at(s->in + s->pos + at, &last);
		if (!n)
			return 0;
		at += n;
		*out_max += BLOCK_MAX;
	}
	at += 4; /* the checksum */
	return (size_t)fill(s, at) < at ? 0 : at;
}

/*
 * Decode a whole frame at pos in one call, straight into c: streaming would copy every
 * byte out of zstd's window (~4 % of a report's instructions). Verifies the checksum.
 * false, with nothing consumed, when it is damaged, cut or too large: the caller then
 * decodes block by block to keep what the blocks before the damage hold.
 */
static bool decode_frame_at_once(struct ior_source *s, struct ior_chunk *c, size_t hsize)
{
	size_t out_max, size = frame_extent(s, hsize, &out_max), r;

	if (!size || chunk_reserve(c, out_max))
		return false;
	r = ZSTD_decompressDCtx(s->dctx, c->buf, c->cap, s->in + s->pos, size);
	if (ZSTD_isError(r) || r > IOR_CHUNK_MAX)
		return false;
	c->len = r;
	s->pos += size;
	return true;
}

/*
 * Decode the zstd frame at pos into c. On FRAME_DAMAGED pos is left where block-by-block
 * decoding stopped; the caller resynchronises.
 */
static enum frame_result decode_frame(struct ior_source *s, struct ior_chunk *c)
{
	size_t hsize, ret = 1, n;
	bool last = false, checksum = false;

	c->len = 0;
	ZSTD_DCtx_reset(s->dctx, ZSTD_reset_session_only);
	if (fill(s, 5) < 5)
		return FRAME_TRUNCATED;
	hsize = frame_header_size(s->in + s->pos, avail(s), &checksum);
	if (!hsize || !checksum)
		return FRAME_DAMAGED; /* ior writes every chunk with a checksum */
	if (decode_frame_at_once(s, c, hsize))
		return FRAME_OK;
	c->len = 0;
	ZSTD_DCtx_reset(s->dctx, ZSTD_reset_session_only);
	if ((size_t)fill(s, hsize) < hsize)
		return FRAME_TRUNCATED;
	if (feed(s, c, hsize, &ret))
		return FRAME_DAMAGED;
	while (!last) {
		n = block_size(s, &last);
		if (!n)
			return fill(s, 3) < 3 ? FRAME_TRUNCATED : FRAME_DAMAGED;
		if ((size_t)fill(s, n) < n)
			return FRAME_TRUNCATED;
		if (feed(s, c, n, &ret))
			return FRAME_DAMAGED;
	}
	if ((size_t)fill(s, 4) < 4)
		return FRAME_TRUNCATED;
	if (feed(s, c, 4, &ret) || ret != 0)
		return FRAME_DAMAGED;
	return FRAME_OK;
}

/* ---- walking frames ----------------------------------------------------------------- */

/* Skip to the next plausible frame start after damage; counts what was skipped. */
static int resync(struct ior_source *s, uint64_t from)
{
	for (;;) {
		ssize_t n = fill(s, 4);
		uint32_t m;

		if (n < 0)
			return (int)n;
		if (n < 4) {
			s->st.skipped_bytes += offset_now(s) + (uint64_t)n - from;
			s->pos = s->len;
			return 0;
		}
		m = ior_get_le32(s->in + s->pos);
		if (m == IOR_ZSTD_MAGIC || (m >= IOR_SKIP_MAGIC_MIN && m <= IOR_SKIP_MAGIC_MAX)) {
			s->st.skipped_bytes += offset_now(s) - from;
			return 0;
		}
		s->pos++;
	}
}

static int skip_bytes(struct ior_source *s, uint32_t size, uint64_t start)
{
	while (size) { /* without buffering all of it */
		ssize_t n = fill(s, 1);
		size_t step;

		if (n <= 0) {
			s->st.truncated = true;
			ior_warnings__add(s->warn, "the recording ends inside a skippable frame at "
					  "byte %llu", (unsigned long long)start);
			return n < 0 ? (int)n : 0;
		}
		step = (size_t)n < size ? (size_t)n : size;
		s->pos += step;
		size -= (uint32_t)step;
	}
	return 0;
}

/* A skippable frame: the index on clean close; anything else is skipped. */
static int skip_frame(struct ior_source *s)
{
	uint32_t magic, size;
	uint64_t start = offset_now(s);

	if (fill(s, 8) < 8) {
		s->st.truncated = true;
		s->st.skipped_bytes += avail(s);
		s->pos = s->len;
		return 0;
	}
	magic = ior_get_le32(s->in + s->pos);
	size = ior_get_le32(s->in + s->pos + 4);
	s->pos += 8;
	if (magic == IOR_INDEX_FRAME && size >= 12 && size <= IOR_INDEX_MAX &&
	    (size_t)fill(s, size) >= size &&
	    memcmp(s->in + s->pos + size - 4, IOR_INDEX_TRAILER, 4) == 0) {
		s->st.has_index = true;
		s->pos += size;
		return 0;
	}
	return skip_bytes(s, size, start);
}

/* A zstd frame: decode and verify it. 1 when c holds records to return, else 0. */
static int load_frame(struct ior_source *s, struct ior_chunk *c)
{
	uint64_t start = offset_now(s);
	enum frame_result fr = decode_frame(s, c);

	c->offset = start;
	c->unverified = false;
	if (fr == FRAME_OK) {
		s->st.chunks++;
		return 1;
	}
	if (fr == FRAME_TRUNCATED) {
		s->st.truncated = true;
		s->st.skipped_bytes += offset_now(s) + avail(s) - start;
		s->pos = s->len;
		if (s->salvage && c->len) {
			ior_warnings__add(s->warn, "the recording ends inside a chunk at byte %llu; "
					  "its records are returned unverified (--salvage)",
					  (unsigned long long)start);
			c->unverified = true;
			return 1;
		}
		ior_warnings__add(s->warn, "the recording ends inside the chunk at byte %llu (the "
				  "recorder did not finish it); its records cannot be verified and "
				  "were skipped (--salvage reads them)", (unsigned long long)start);
		return 0;
	}
	s->st.bad_chunks++;
	ior_warnings__add(s->warn, "damaged chunk at byte %llu skipped", (unsigned long long)start);
	if (offset_now(s) == start)
		s->pos++;
	return resync(s, start);
}

/* Produce the next chunk into c: c->status 1, 0 at the end, or -errno. */
static void produce(struct ior_source *s, struct ior_chunk *c)
{
	int got = 0;

	while (!got) {
		ssize_t n = fill(s, 4);
		uint32_t m;

		if (n <= 0 || n < 4) {
			if (n > 0) {
				s->st.truncated = true;
				s->st.skipped_bytes += (uint64_t)n;
				s->pos = s->len;
			}
			got = n < 0 ? (int)n : 0;
			break;
		}
		m = ior_get_le32(s->in + s->pos);
		if (m == IOR_ZSTD_MAGIC) {
			got = load_frame(s, c);
		} else if (m >= IOR_SKIP_MAGIC_MIN && m <= IOR_SKIP_MAGIC_MAX) {
			got = skip_frame(s);
		} else {
			uint64_t at = offset_now(s);

			ior_warnings__add(s->warn, "unexpected bytes at byte %llu; "
					  "resynchronising", (unsigned long long)at);
			s->pos++;
			got = resync(s, at);
		}
		if (got < 0)
			break;
	}
	s->st.file_bytes = offset_now(s);
	c->status = got;
	c->st = s->st;
}

/* ---- public: opening ----------------------------------------------------------------- */

struct ior_source *ior_source__new(int fd, bool salvage, struct ior_warnings *w)
{
	struct ior_source *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->fd = fd;
	s->salvage = salvage;
	s->warn = w;
	s->dctx = ZSTD_createDCtx();
	if (!s->dctx) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	/* a hostile frame header must not make the decoder allocate a huge window */
	ZSTD_DCtx_setParameter(s->dctx, ZSTD_d_windowLogMax, IOR_WINDOW_LOG_MAX);
	return s;
}

int ior_source__magic(struct ior_source *s, unsigned *major, unsigned *minor, const char **msg)
{
	const uint8_t *m;

	if (fill(s, IOR_MAGIC_LEN) < IOR_MAGIC_LEN) {
		*msg = "not an ior recording (too short)";
		return -EINVAL;
	}
	m = s->in + s->pos;
	if (ior_get_le32(m) != IOR_MAGIC_FRAME || ior_get_le32(m + 4) != 8 ||
	    memcmp(m + 8, "IOR", 4)) {
		*msg = "not an ior recording (bad magic)";
		return -EINVAL;
	}
	*major = m[12] | m[13] << 8;
	*minor = m[14] | m[15] << 8;
	s->pos += IOR_MAGIC_LEN;
	return ior_format_major_supported(*major) ? 0 : -EPROTONOSUPPORT;
}

int ior_source__header(struct ior_source *s, struct ior_chunk *c)
{
	if (fill(s, 4) < 4 || ior_get_le32(s->in + s->pos) != IOR_ZSTD_MAGIC ||
	    decode_frame(s, c) != FRAME_OK || c->len > IOR_HEADER_MAX)
		return -EIO;
	return 0;
}

int ior_source__next(struct ior_source *s, struct ior_chunk *c)
{
	if (s->done) {
		c->status = s->last_status;
		c->st = s->st;
		return c->status;
	}
	produce(s, c);
	s->done = c->status <= 0;
	s->last_status = c->status;
	return c->status;
}

void ior_source__cancelable(struct ior_source *s, bool on)
{
	s->cancelable = on;
}

void ior_chunk__free(struct ior_chunk *c)
{
	free(c->buf);
	memset(c, 0, sizeof(*c));
}

void ior_source__free(struct ior_source *s)
{
	if (!s)
		return;
	ZSTD_freeDCtx(s->dctx);
	free(s->in);
	free(s);
}
