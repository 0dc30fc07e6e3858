// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event blocks: the packing of events into per-field streams of LEB128 integers.
 * SPEC.md "Event blocks" is normative; evblock.h says why blocks exist.
 */
#include "format/evblock.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "format/cbor.h"
#include "format/internal.h"

/* Room per event in one stream: the ext stream holds three integers. */
#define STREAM_CAP (EVB_MAX_EVENTS * 16u)
#define VARINT_MAX 10

/* ---- encoding -------------------------------------------------------------------- */

static inline uint64_t zigzag(int64_t v)
{
	return (uint64_t)v << 1 ^ (uint64_t)(v >> 63);
}

static inline uint8_t *put_var(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

int evb_encoder__init(struct evb_encoder *e)
{
	memset(e, 0, sizeof(*e));
	for (int i = 0; i < EVB_NSTREAMS; i++) {
		e->buf[i] = malloc(STREAM_CAP);
		if (!e->buf[i]) {
			evb_encoder__free(e);
			return -ENOMEM;
		}
		e->end[i] = e->buf[i];
	}
	return 0;
}

void evb_encoder__free(struct evb_encoder *e)
{
	for (int i = 0; i < EVB_NSTREAMS; i++)
		free(e->buf[i]);
	memset(e, 0, sizeof(*e));
}

static unsigned optional_fields(struct evb_encoder *e, const struct ior_event *ev)
{
	unsigned shape = 0;

	if (ev->fd != IOR_FD_NONE) {
		shape |= EVB_HAS_FD;
		e->end[EVB_FD] = put_var(e->end[EVB_FD], zigzag(ev->fd));
	}
	if (ev->bytes && ev->ret > 0 && ev->bytes == (uint64_t)ev->ret) {
		shape |= EVB_BYTES_RET;
	} else if (ev->bytes) {
		shape |= EVB_HAS_BYTES;
		e->end[EVB_BYTES] = put_var(e->end[EVB_BYTES], ev->bytes);
	}
	if (ev->aux) {
		shape |= EVB_HAS_AUX;
		e->end[EVB_AUX] = put_var(e->end[EVB_AUX], ev->aux);
	}
	if (ev->flags) {
		shape |= EVB_HAS_FLAGS;
		e->end[EVB_FLAGS] = put_var(e->end[EVB_FLAGS], ev->flags);
	}
	if (ev->path) {
		shape |= EVB_HAS_PATH;
		e->end[EVB_PATH] = put_var(e->end[EVB_PATH], ev->path);
	}
	if (ev->path2 || ev->fd2 != IOR_FD_NONE || ev->str_flags) {
		uint8_t *p = e->end[EVB_EXT];

		shape |= EVB_HAS_EXT;
		p = put_var(p, ev->path2);
		p = put_var(p, zigzag(ev->fd2));
		e->end[EVB_EXT] = put_var(p, ev->str_flags);
	}
	return shape;
}

void evb_encoder__add(struct evb_encoder *e, const struct ior_event *ev, uint32_t thread,
		      int64_t prev_start)
{
	/* the difference modulo 2^64, read as int64: exact for every pair of times */
	e->end[EVB_DT] = put_var(e->end[EVB_DT],
				 zigzag((int64_t)((uint64_t)ev->start_ns - (uint64_t)prev_start)));
	e->end[EVB_DUR] = put_var(e->end[EVB_DUR], ev->dur_ns);
	e->end[EVB_THREAD] = put_var(e->end[EVB_THREAD], thread);
	e->end[EVB_NR] = put_var(e->end[EVB_NR], ev->nr);
	e->end[EVB_RET] = put_var(e->end[EVB_RET], zigzag(ev->ret));
	*e->end[EVB_SHAPE]++ = (uint8_t)optional_fields(e, ev);
	e->n++;
}

size_t evb_encoder__bytes(const struct evb_encoder *e)
{
	size_t n = 0;

	for (int i = 0; i < EVB_NSTREAMS; i++)
		n += (size_t)(e->end[i] - e->buf[i]);
	return n;
}

size_t evb_encoder__bound(const struct evb_encoder *e)
{
	/* map head, three keys, type, n, byte string head, stream count and lengths */
	return 4 + 2 * CBOR_HEAD_MAX + CBOR_HEAD_MAX + (1 + EVB_NSTREAMS) * 3 +
	       evb_encoder__bytes(e);
}

uint8_t *evb_encoder__emit(struct evb_encoder *e, uint8_t *p)
{
	uint8_t lens[(1 + EVB_NSTREAMS) * 3], *l = lens;
	size_t bytes = evb_encoder__bytes(e);

	l = put_var(l, EVB_NSTREAMS);
	for (int i = 0; i < EVB_NSTREAMS; i++)
		l = put_var(l, (uint64_t)(e->end[i] - e->buf[i]));
	*p++ = 0xa3; /* map(3) */
	p = cbor_put_uint(cbor_put_uint(p, 0), IOR_CTL_EVENTS);
	p = cbor_put_uint(cbor_put_uint(p, 1), e->n);
	p = cbor_put_head(cbor_put_uint(p, 2), CBOR_BSTR, (size_t)(l - lens) + bytes);
	memcpy(p, lens, (size_t)(l - lens));
	p += l - lens;
	for (int i = 0; i < EVB_NSTREAMS; i++) {
		size_t len = (size_t)(e->end[i] - e->buf[i]);

		memcpy(p, e->buf[i], len);
		p += len;
		e->end[i] = e->buf[i];
	}
	e->n = 0;
	return p;
}

/* ---- decoding -------------------------------------------------------------------- */

static bool get_var_slow(struct evb_cursor *c, uint64_t *v)
{
	uint64_t x = 0;

	for (unsigned shift = 0; shift < 7 * VARINT_MAX; shift += 7) {
		uint8_t b;

		if (c->p == c->end)
			return false;
		b = *c->p++;
		if (shift == 63 && b > 1)
			return false; /* more than 64 bits */
		x |= (uint64_t)(b & 0x7f) << shift;
		if (b < 0x80) {
			*v = x;
			return true;
		}
	}
	return false;
}

/*
 * Most values are one or two bytes. With ten bytes left in the stream (the longest
 * value) the loop needs no bound check; a stream's last bytes take get_var_slow.
 */
static inline bool get_var(struct evb_cursor *c, uint64_t *v)
{
	const uint8_t *p = c->p;
	uint64_t x, b;
	unsigned shift = 7;

	if (c->end - p < VARINT_MAX)
		return get_var_slow(c, v);
	x = *p++;
	if (x >= 0x80) {
		x &= 0x7f;
		do {
			b = *p++;
			x |= (b & 0x7f) << shift;
			shift += 7;
		} while (b >= 0x80 && shift < 7 * VARINT_MAX);
		if (b >= 0x80 || (shift == 7 * VARINT_MAX && b > 1))
			return false; /* longer than ten bytes, or more than 64 bits */
	}
	*v = x;
	c->p = p;
	return true;
}

static inline int64_t unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static bool get_u32(struct evb_cursor *c, uint32_t *out)
{
	uint64_t v;

	if (!get_var(c, &v) || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool get_fd(struct evb_cursor *c, int32_t *fd)
{
	uint64_t v;
	int64_t x;

	if (!get_var(c, &v))
		return false;
	x = unzigzag(v);
	if (x < INT32_MIN || x > INT32_MAX)
		return false;
	*fd = (int32_t)x;
	return true;
}

/* After the last event: every stream must be used up exactly. */
static bool streams_used_up(const struct evb_decoder *d)
{
	for (int i = 0; i < EVB_NSTREAMS; i++)
		if (d->s[i].p != d->s[i].end)
			return false;
	return true;
}

/* Nothing is opened unless the whole layout is valid: d is only written on success. */
bool evb_decoder__open(struct evb_decoder *d, const uint8_t *payload, size_t len, uint64_t n)
{
	struct evb_cursor in = { payload, payload + len }, s[EVB_NSTREAMS];
	uint64_t nstreams, slen[EVB_NSTREAMS], extra = 0;

	if (!get_var(&in, &nstreams) || nstreams < EVB_NSTREAMS || nstreams > 64)
		return false;
	for (uint64_t i = 0; i < nstreams; i++) {
		uint64_t l;

		if (!get_var(&in, &l) || l > len)
			return false;
		if (i < EVB_NSTREAMS)
			slen[i] = l;
		else
			extra += l; /* streams of a later minor version, skipped */
	}
	for (int i = 0; i < EVB_NSTREAMS; i++) {
		if (slen[i] > (uint64_t)(in.end - in.p))
			return false;
		s[i] = (struct evb_cursor){ in.p, in.p + slen[i] };
		in.p += slen[i];
	}
	/* one shape byte per event, and nothing after the streams */
	if (n == 0 || slen[EVB_SHAPE] != n || extra != (uint64_t)(in.end - in.p))
		return false;
	memcpy(d->s, s, sizeof(s));
	return true;
}

static bool optional_values(struct evb_decoder *d, unsigned shape, struct ior_event *ev)
{
	if ((shape & EVB_HAS_FD) && !get_fd(&d->s[EVB_FD], &ev->fd))
		return false;
	if (shape & EVB_BYTES_RET) {
		if (ev->ret <= 0 || (shape & EVB_HAS_BYTES))
			return false;
		ev->bytes = (uint64_t)ev->ret;
	}
	if ((shape & EVB_HAS_BYTES) && !get_var(&d->s[EVB_BYTES], &ev->bytes))
		return false;
	if ((shape & EVB_HAS_AUX) && !get_var(&d->s[EVB_AUX], &ev->aux))
		return false;
	if ((shape & EVB_HAS_FLAGS) && !get_var(&d->s[EVB_FLAGS], &ev->flags))
		return false;
	if ((shape & EVB_HAS_PATH) && !get_u32(&d->s[EVB_PATH], &ev->path))
		return false;
	if (shape & EVB_HAS_EXT)
		return get_u32(&d->s[EVB_EXT], &ev->path2) && get_fd(&d->s[EVB_EXT], &ev->fd2) &&
		       get_u32(&d->s[EVB_EXT], &ev->str_flags);
	return true;
}

bool evb_decoder__next(struct evb_decoder *d, struct ior_event *ev, uint64_t *thread,
		       int64_t *prev_start)
{
	uint64_t dt, nr, ret;
	unsigned shape;

	if (!evb_decoder__pending(d))
		return false;
	shape = *d->s[EVB_SHAPE].p++;
	*ev = (struct ior_event){ .fd = IOR_FD_NONE, .fd2 = IOR_FD_NONE };
	if (!get_var(&d->s[EVB_DT], &dt) || !get_var(&d->s[EVB_DUR], &ev->dur_ns) ||
	    !get_var(&d->s[EVB_THREAD], thread) || !get_var(&d->s[EVB_NR], &nr) ||
	    nr > UINT32_MAX || !get_var(&d->s[EVB_RET], &ret))
		return false;
	ev->nr = (uint32_t)nr;
	ev->ret = unzigzag(ret);
	if (!optional_values(d, shape, ev))
		return false;
	if (!evb_decoder__pending(d) && !streams_used_up(d))
		return false;
	*prev_start = ev->start_ns = (int64_t)((uint64_t)*prev_start + (uint64_t)unzigzag(dt));
	return true;
}
