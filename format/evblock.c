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

#if EVB_HAVE_PEXT
#include <immintrin.h>
#endif

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

static inline __attribute__((always_inline)) unsigned optional_fields(struct evb_encoder *e,
								       const struct ior_event *ev)
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

/* One value after the other, each with a branch per byte and per optional value. */
static inline __attribute__((always_inline)) void
add_branchy(struct evb_encoder *e, const struct ior_event *ev, uint32_t thread, int64_t prev_start)
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

#if EVB_HAVE_PEXT
#define PDEP_ATTR __attribute__((target("bmi,bmi2,lzcnt")))

/* An unaligned 64-bit store that, unlike memcpy, cannot alias the encoder's pointers. */
typedef uint64_t __attribute__((aligned(1))) evb_u64_unaligned;

/*
 * By the leading zeros of a value: its LEB128 length, ceil((64 - lz) / 7) and 1 for 0;
 * the continuation bits of its first len - 1 bytes (meant for values of at most eight
 * bytes, lz >= 8); and the length of an optional value that is absent when 0.
 */
#define LEB_LEN(lz) ((lz) == 64 ? 1 : (70 - (lz)) / 7)
#define LEB_CONT(lz) (0x0080808080808080ULL >> (8 * (8 - ((lz) < 8 ? 8 : LEB_LEN(lz)))))
#define LEB_LEN_NONZERO(lz) ((lz) == 64 ? 0 : LEB_LEN(lz))
#define BY_LZ8(f, b) f(b), f(b + 1), f(b + 2), f(b + 3), f(b + 4), f(b + 5), f(b + 6), f(b + 7)
#define BY_LZ(f)                                                                           \
	{ BY_LZ8(f, 0), BY_LZ8(f, 8), BY_LZ8(f, 16), BY_LZ8(f, 24), BY_LZ8(f, 32),             \
	  BY_LZ8(f, 40), BY_LZ8(f, 48), BY_LZ8(f, 56), f(64) }

/* One object, so that the branch-free encoder addresses all three from one register. */
static const struct {
	uint64_t cont[65];
	uint8_t len[65], len_nonzero[65];
} leb = { BY_LZ(LEB_CONT), BY_LZ(LEB_LEN), BY_LZ(LEB_LEN_NONZERO) };

/*
 * Store v (< 2^56) at p without a branch: eight bytes, of which the value's length
 * counts. Returns v's leading zeros, which index the length tables. The streams have
 * room for eight bytes past any value (STREAM_CAP).
 */
static inline __attribute__((always_inline)) PDEP_ATTR size_t store_var8(uint8_t *p, uint64_t v)
{
	size_t lz = (size_t)_lzcnt_u64(v);

	*(evb_u64_unaligned *)p = _pdep_u64(v, 0x7f7f7f7f7f7f7f7fULL) | leb.cont[lz];
	return lz;
}

/* Put v into stream i; without a branch. */
static inline __attribute__((always_inline)) PDEP_ATTR void put_var8(struct evb_encoder *e, int i,
								    uint64_t v)
{
	e->end[i] += leb.len[store_var8(e->end[i], v)];
}

/* Put v into stream i when present; without a branch either way. */
static inline __attribute__((always_inline)) PDEP_ATTR void
put_var8_if(struct evb_encoder *e, int i, uint64_t v, bool present)
{
	e->end[i] += leb.len[store_var8(e->end[i], v)] & -(size_t)present;
}

/* Put v into stream i unless it is 0 (an absent aux, flags or path); without a branch. */
static inline __attribute__((always_inline)) PDEP_ATTR void
put_var8_nonzero(struct evb_encoder *e, int i, uint64_t v)
{
	e->end[i] += leb.len_nonzero[store_var8(e->end[i], v)];
}

/*
 * evb_encoder__add() without a branch on the values' lengths or on which optional
 * values an event has. Where events of different shapes interleave (format_bench's
 * stream: several syscalls from 300 threads) those branches mispredict about 1.5
 * times per event, and this path takes 30-40 % less time than add_branchy(). Where
 * shapes and lengths repeat (a real recording) the branches are predicted, and its
 * ~50 more instructions make it 1.4 times slower: choose_encoding() picks per block
 * (BENCHMARKS.md). Events with a value of more than eight bytes, or with ext values,
 * take the general path.
 */
static __attribute__((noinline)) PDEP_ATTR void
add_branch_free(struct evb_encoder *e, const struct ior_event *ev, uint32_t thread,
		int64_t prev_start)
{
	uint64_t dt = zigzag((int64_t)((uint64_t)ev->start_ns - (uint64_t)prev_start));
	uint64_t ret = zigzag(ev->ret), bytes = ev->bytes, aux = ev->aux, flags = ev->flags;
	bool has_fd = ev->fd != IOR_FD_NONE, bytes_ret, has_bytes;
	unsigned shape;

	if ((dt | ev->dur_ns | ret | bytes | aux | flags) >> 56 || ev->path2 ||
	    ev->fd2 != IOR_FD_NONE || ev->str_flags) {
		add_branchy(e, ev, thread, prev_start);
		return;
	}
	bytes_ret = (bytes == (uint64_t)ev->ret) & (ev->ret > 0);
	has_bytes = (bytes != 0) & !bytes_ret;
	shape = (unsigned)has_fd * EVB_HAS_FD | (unsigned)bytes_ret * EVB_BYTES_RET |
		(unsigned)has_bytes * EVB_HAS_BYTES | (unsigned)(aux != 0) * EVB_HAS_AUX |
		(unsigned)(flags != 0) * EVB_HAS_FLAGS | (unsigned)(ev->path != 0) * EVB_HAS_PATH;
	put_var8(e, EVB_DT, dt);
	put_var8(e, EVB_DUR, ev->dur_ns);
	put_var8(e, EVB_THREAD, thread);
	put_var8(e, EVB_NR, ev->nr);
	put_var8(e, EVB_RET, ret);
	put_var8_if(e, EVB_FD, zigzag(ev->fd), has_fd);
	put_var8_if(e, EVB_BYTES, bytes, has_bytes);
	put_var8_nonzero(e, EVB_AUX, aux);
	put_var8_nonzero(e, EVB_FLAGS, flags);
	put_var8_nonzero(e, EVB_PATH, ev->path);
	*e->end[EVB_SHAPE]++ = (uint8_t)shape;
	e->n++;
}
#endif

void evb_encoder__add(struct evb_encoder *e, const struct ior_event *ev, uint32_t thread,
		      int64_t prev_start)
{
#if EVB_HAVE_PEXT
	if (e->branch_free) {
		add_branch_free(e, ev, thread, prev_start); /* a tail call */
		return;
	}
#endif
	add_branchy(e, ev, thread, prev_start);
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

/*
 * How to encode the next block: without branches when the events of this one changed
 * shape often. A change of shape (which optional values an event has) goes with the
 * branches on values that mispredict: format_bench's stream changes shape at 55 % of
 * its events, real minidb recordings at about 5 %. Mixes of the two encode at the same
 * speed both ways at about 27 % (BENCHMARKS.md); above 30 % goes branch-free. One pair
 * in eight is looked at.
 */
static void choose_encoding(struct evb_encoder *e)
{
	const uint8_t *shape = e->buf[EVB_SHAPE];
	uint32_t changes = 0;

	if (evb_walk_best() != EVB_WALK_PEXT) /* pdep is fast where pext is */
		return;
	for (uint32_t i = 1; i < e->n; i += 8)
		changes += shape[i] != shape[i - 1];
	e->branch_free = changes * 8 * 10 > e->n * 3; /* more than three events in ten */
}

uint8_t *evb_encoder__emit(struct evb_encoder *e, uint8_t *p)
{
	uint8_t lens[(1 + EVB_NSTREAMS) * 3], *l = lens;
	size_t bytes = evb_encoder__bytes(e);

	choose_encoding(e);

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
 * One value at p, with at least VARINT_MAX bytes readable so that no byte needs a bound
 * check. Most values are one to four bytes: those take no loop. NULL when longer than
 * ten bytes or more than 64 bits.
 */
static inline const uint8_t *var_fast(const uint8_t *p, uint64_t *v)
{
	uint64_t x = p[0], b;
	unsigned shift;

	if (x < 0x80)
		goto done1;
	b = p[1];
	x += (b << 7) - 0x80; /* the continuation bit of p[0] cancels out */
	if (b < 0x80)
		goto done2;
	b = p[2];
	x += (b << 14) - (0x80u << 7);
	if (b < 0x80)
		goto done3;
	b = p[3];
	x += (b << 21) - (0x80u << 14);
	if (b < 0x80)
		goto done4;
	x -= 0x80u << 21;
	for (p += 4, shift = 28; shift < 7 * VARINT_MAX; shift += 7) {
		b = *p++;
		x |= (b & 0x7f) << shift;
		if (b < 0x80) {
			if (shift == 63 && b > 1)
				return NULL; /* more than 64 bits */
			*v = x;
			return p;
		}
	}
	return NULL;
done1:
	*v = x;
	return p + 1;
done2:
	*v = x;
	return p + 2;
done3:
	*v = x;
	return p + 3;
done4: /* file offsets up to 256 MiB */
	*v = x;
	return p + 4;
}

static inline bool get_var(struct evb_cursor *c, uint64_t *v)
{
	const uint8_t *p;

	if (c->end - c->p < VARINT_MAX)
		return get_var_slow(c, v);
	p = var_fast(c->p, v);
	if (!p)
		return false;
	c->p = p;
	return true;
}

static inline int64_t unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static inline bool get_u32(struct evb_cursor *c, uint32_t *out)
{
	uint64_t v;

	if (!get_var(c, &v) || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static inline bool get_fd(struct evb_cursor *c, int32_t *fd)
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

/* After the last event: every stream decoded must be used up exactly. */
static bool streams_used_up(const struct evb_decoder *d)
{
	for (int i = 0; i < EVB_NSTREAMS; i++)
		if (!(d->skip >> i & 1) && d->s[i].p != d->s[i].end)
			return false;
	return true;
}

/*
 * Values in a stream: the bytes without the continuation bit, eight at a time (the
 * multiply adds the eight 0/1 bytes into the top one; no popcount instruction needed).
 */
static uint64_t values_in(const struct evb_cursor *c)
{
	const uint8_t *p = c->p;
	uint64_t n = 0, w;

	for (; c->end - p >= 8; p += 8) {
		memcpy(&w, p, 8);
		n += ((~w & 0x8080808080808080ULL) >> 7) * 0x0101010101010101ULL >> 56;
	}
	for (; p < c->end; p++)
		n += *p < 0x80;
	return n;
}

/* Which streams the fields of skip (enum ior_event_skip) live in, as evb_stream bits. */
static unsigned skip_streams(unsigned skip)
{
	static const unsigned stream_of[] = { EVB_THREAD, EVB_FD,   EVB_AUX,
					      EVB_FLAGS,  EVB_PATH, EVB_EXT };
	unsigned out = 0;

	for (unsigned i = 0; i < sizeof(stream_of) / sizeof(stream_of[0]); i++)
		if (skip >> i & 1)
			out |= 1u << stream_of[i];
	return out;
}

/* The optional streams: the shape bit of the events that have values in each, and how many. */
static const struct optional_stream {
	enum evb_stream s;
	unsigned bit, per_event;
} optional_streams[] = { { EVB_FD, EVB_HAS_FD, 1 },	  { EVB_AUX, EVB_HAS_AUX, 1 },
			 { EVB_FLAGS, EVB_HAS_FLAGS, 1 }, { EVB_PATH, EVB_HAS_PATH, 1 },
			 { EVB_EXT, EVB_HAS_EXT, 3 } };
#define N_OPTIONAL_STREAMS (sizeof(optional_streams) / sizeof(optional_streams[0]))

/* The sum of the eight bytes of w (each at most 255). */
static uint64_t byte_sum(uint64_t w)
{
	w = (w & 0x00ff00ff00ff00ffULL) + (w >> 8 & 0x00ff00ff00ff00ffULL);
	return w * 0x0001000100010001ULL >> 48;
}

/*
 * How many of the n shape bytes at p have each bit set, eight bytes at a time: each
 * bit of the eight is added into its own byte lane, and the lanes are summed every 255
 * words, before one could pass 255. A table of counts by shape value made a chain of
 * increments of one counter (most events share a shape) that perf found costing a
 * tenth of `top --by syscall`'s decoding.
 */
static void shape_bit_counts(const uint8_t *p, uint64_t n, uint64_t count[8])
{
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t i = 0;

	memset(count, 0, 8 * sizeof(*count));
	while (n - i >= 8) {
		uint64_t lanes[8] = { 0 }, w;

		for (unsigned k = 0; k < 255 && n - i >= 8; k++, i += 8) {
			memcpy(&w, p + i, 8);
#pragma GCC unroll 8
			for (unsigned b = 0; b < 8; b++)
				lanes[b] += w >> b & ones;
		}
		for (unsigned b = 0; b < 8; b++)
			count[b] += byte_sum(lanes[b]);
	}
	for (; i < n; i++)
		for (unsigned b = 0; b < 8; b++)
			count[b] += p[i] >> b & 1;
}

/*
 * Whether each stream of skip (evb_stream bits) holds exactly the values its events
 * need, and ends with a whole value: then skipping it cannot change which events a
 * full decode finds good, but for values that break a rule of their own.
 */
static bool skipped_streams_framed(const struct evb_cursor *s, uint64_t n, unsigned skip)
{
	uint64_t want[EVB_NSTREAMS] = { [EVB_THREAD] = n }, with_bit[8];
	const struct optional_stream *opt = optional_streams;

	shape_bit_counts(s[EVB_SHAPE].p, n, with_bit);
	for (unsigned j = 0; j < N_OPTIONAL_STREAMS; j++)
		want[opt[j].s] = with_bit[__builtin_ctz(opt[j].bit)] * opt[j].per_event;
	for (int i = 0; i < EVB_NSTREAMS; i++) {
		const struct evb_cursor *c = &s[i];

		if (!(skip >> i & 1))
			continue;
		if (values_in(c) != want[i] || (c->p < c->end && c->end[-1] >= 0x80))
			return false;
	}
	return true;
}

/* Nothing is opened unless the whole layout is valid: d is only written on success. */
bool evb_decoder__open(struct evb_decoder *d, const uint8_t *payload, size_t len, uint64_t n,
		       unsigned skip)
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
	d->walk = evb_walk_best();
	d->skip = skip_streams(skip);
	if (d->skip && !skipped_streams_framed(s, n, d->skip))
		d->skip = 0;
	/* a skipped optional value reads as absent: its default */
	d->shape_keep = 0xff;
	for (unsigned j = 0; j < N_OPTIONAL_STREAMS; j++)
		if (d->skip >> optional_streams[j].s & 1)
			d->shape_keep &= ~optional_streams[j].bit;
	return true;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/*
 * Store value v of mandatory stream s into ev: false when v breaks a rule. Inlined with
 * s a constant, each stream's loop gets its own code.
 */
static inline __attribute__((always_inline)) bool
put_value(struct ior_event *ev, enum evb_stream s, uint64_t v, uint64_t *t)
{
	switch (s) {
	case EVB_DT: /* the start times accumulate modulo 2^64 */
		ev->start_ns = (int64_t)(*t += (uint64_t)unzigzag(v));
		return true;
	case EVB_DUR:
		ev->dur_ns = v;
		return true;
	case EVB_THREAD:
		ev->tid = (uint32_t)v; /* a thread id: the caller resolves it */
		return v <= UINT32_MAX;
	case EVB_NR:
		ev->nr = (uint32_t)v;
		return v <= UINT32_MAX;
	case EVB_RET:
		ev->ret = unzigzag(v);
		return true;
	default:
		return false;
	}
}

/*
 * The values of stream s, one per event of ev[0..n): how many events are good. Values
 * that surely fit in what is left of the stream (ten bytes each) need no bound check.
 */
static inline __attribute__((always_inline)) size_t
stream_values(struct evb_cursor *c, enum evb_stream s, struct ior_event *ev, size_t n,
	      uint64_t *t)
{
	const uint8_t *p = c->p;
	uint64_t v;
	size_t i = 0;

	for (size_t k; i < n && (k = i + (size_t)(c->end - p) / VARINT_MAX) > i;) {
		for (k = min_size(k, n); i < k; i++)
			if (!(p = var_fast(p, &v)) || !put_value(&ev[i], s, v, t))
				return i; /* the cursor no longer matters: the block is bad */
	}
	c->p = p;
	for (; i < n; i++)
		if (!get_var_slow(c, &v) || !put_value(&ev[i], s, v, t))
			return i;
	return n;
}

/*
 * The optional values of one event; absent ones take their defaults. aux_var reads
 * the aux values: file offsets, whose lengths vary most from event to event.
 */
static inline __attribute__((always_inline)) bool
optional_values_by(struct evb_decoder *d, unsigned shape, struct ior_event *ev,
		   bool (*aux_var)(struct evb_cursor *c, uint64_t *v))
{
	ev->fd = ev->fd2 = IOR_FD_NONE;
	ev->bytes = ev->aux = ev->flags = 0;
	ev->path = ev->path2 = ev->str_flags = 0;
	if ((shape & EVB_HAS_FD) && !get_fd(&d->s[EVB_FD], &ev->fd))
		return false;
	if (shape & EVB_BYTES_RET) {
		if (ev->ret <= 0 || (shape & EVB_HAS_BYTES))
			return false;
		ev->bytes = (uint64_t)ev->ret;
	}
	if ((shape & EVB_HAS_BYTES) && !get_var(&d->s[EVB_BYTES], &ev->bytes))
		return false;
	if ((shape & EVB_HAS_AUX) && !aux_var(&d->s[EVB_AUX], &ev->aux))
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

static bool optional_values(struct evb_decoder *d, unsigned shape, struct ior_event *ev)
{
	return optional_values_by(d, shape, ev, get_var);
}

/* optional_values() when only bytes are decoded (the others skipped): 1 or 0. */
static inline bool bytes_only(struct evb_decoder *d, unsigned shape, struct ior_event *ev)
{
	ev->fd = ev->fd2 = IOR_FD_NONE;
	ev->aux = ev->flags = 0;
	ev->path = ev->path2 = ev->str_flags = 0;
	if (shape & EVB_BYTES_RET) {
		ev->bytes = (uint64_t)ev->ret;
		return ev->ret > 0 && !(shape & EVB_HAS_BYTES);
	}
	ev->bytes = 0;
	return !(shape & EVB_HAS_BYTES) || get_var(&d->s[EVB_BYTES], &ev->bytes);
}

/* ---- the mandatory streams side by side, with pext -------------------------------- */

#if EVB_HAVE_PEXT
/*
 * Why: stream_values() decodes one stream after the other, and each value's position
 * waits on the length of the value before it. The lengths of times and durations
 * change from event to event, so its branches are often mispredicted. Here one loop
 * over the events reads dt, dur, thread, nr and ret each from its own stream: a
 * value's length comes from the continuation bits of one eight-byte load, BMI2's pext
 * packs its 7-bit groups, and the five streams are five independent chains that the
 * processor overlaps. bench/read_bench on format_bench's stream: 86 -> 71 ns/event
 * (BENCHMARKS.md). The same without pext (three shift-and-mask steps) was not faster
 * than stream_values(), so processors without a fast pext keep that.
 */
#define PEXT_ATTR __attribute__((target("bmi,bmi2")))

/*
 * One value of up to eight bytes at p, with eight bytes readable: its length minus
 * one, or 8 when it is longer (*v is then meaningless). Without a branch: tzcnt of
 * no stop bit at all is 64.
 */
static inline __attribute__((always_inline)) PEXT_ATTR unsigned pext_value(const uint8_t *p,
									   uint64_t *v)
{
	uint64_t w = ior_get_le64(p), stops = ~w & 0x8080808080808080ULL;

	/* stops ^ (stops - 1): every bit up to the value's last byte's stop bit */
	*v = _pext_u64(w & (stops ^ (stops - 1)), 0x7f7f7f7f7f7f7f7fULL);
	return (unsigned)_tzcnt_u64(stops) >> 3;
}

/* Values of eight bytes or fewer that surely fit in what is left of c from p on. */
static inline size_t room8(const struct evb_cursor *c, const uint8_t *p)
{
	return (size_t)(c->end - p) / 8;
}

/*
 * dt, dur, thread (unless skipped: tid 0), nr and ret of the first events of
 * ev[0..n), start times following *t: how many events were decoded. It stops before
 * a value longer than eight bytes or out of range, and where a stream has less than
 * eight bytes left; stream_values() decodes the rest from there.
 */
static inline __attribute__((always_inline)) PEXT_ATTR size_t
pext_mandatory(struct evb_cursor *s, struct ior_event *ev, size_t n, uint64_t *t, bool thread)
{
	const uint8_t *pd = s[EVB_DT].p, *pu = s[EVB_DUR].p, *pt = s[EVB_THREAD].p;
	const uint8_t *pn = s[EVB_NR].p, *pr = s[EVB_RET].p;
	struct ior_event *e = ev, *stop;
	uint64_t start = *t;
	size_t k;

	/* a pointer, not an index, walks the events: one register less to spill */
	while (e < ev + n) {
		k = min_size(room8(&s[EVB_DT], pd), room8(&s[EVB_DUR], pu));
		k = min_size(k, min_size(room8(&s[EVB_NR], pn), room8(&s[EVB_RET], pr)));
		if (thread)
			k = min_size(k, room8(&s[EVB_THREAD], pt));
		if (!(k = min_size(k, (size_t)(ev + n - e))))
			break;
		for (stop = e + k; e < stop; e++) {
			uint64_t vd, vu, vt = 0, vn, vr;
			unsigned ld = pext_value(pd, &vd), lu = pext_value(pu, &vu);
			unsigned ln = pext_value(pn, &vn), lr = pext_value(pr, &vr);
			unsigned lt = thread ? pext_value(pt, &vt) : 0;

			/* one test: a length of 8 (minus one) has bit 3, shorter ones do not */
			if (__builtin_expect(((ld | lu | lt | ln | lr) & 8) || (vt | vn) >> 32, 0))
				goto out;
			e->start_ns = (int64_t)(start += (uint64_t)unzigzag(vd));
			e->dur_ns = vu;
			e->tid = (uint32_t)vt;
			e->nr = (uint32_t)vn;
			e->ret = unzigzag(vr);
			pd += ld + 1, pu += lu + 1, pn += ln + 1, pr += lr + 1;
			if (thread)
				pt += lt + 1;
		}
	}
out:
	s[EVB_DT].p = pd, s[EVB_DUR].p = pu, s[EVB_THREAD].p = pt;
	s[EVB_NR].p = pn, s[EVB_RET].p = pr;
	*t = start;
	return (size_t)(e - ev);
}

/* get_var() by pext where eight bytes are readable and the value fits in them. */
static inline __attribute__((always_inline)) PEXT_ATTR bool pext_var(struct evb_cursor *c,
								    uint64_t *v)
{
	if (c->end - c->p >= 8) {
		unsigned l = pext_value(c->p, v);

		if (l < 8) {
			c->p += l + 1;
			return true;
		}
	}
	return get_var(c, v);
}

/*
 * The optional values of ev[0..n) with the aux values (file offsets, one to four bytes
 * from one event to the next) read by pext: how many events are good. Only aux: the
 * lengths of fds, byte counts and paths repeat, and there the branches of get_var()
 * are predicted and cost less than pext's chain (read_bench, BENCHMARKS.md).
 */
static PEXT_ATTR size_t pext_optional(struct evb_decoder *d, const uint8_t *shape,
				      struct ior_event *ev, size_t n)
{
	size_t i;

	for (i = 0; i < n && optional_values_by(d, shape[i] & d->shape_keep, &ev[i], pext_var); i++)
		;
	return i;
}

static PEXT_ATTR size_t pext_with_thread(struct evb_cursor *s, struct ior_event *ev, size_t n,
					 uint64_t *t)
{
	return pext_mandatory(s, ev, n, t, true);
}

static PEXT_ATTR size_t pext_without_thread(struct evb_cursor *s, struct ior_event *ev, size_t n,
					    uint64_t *t)
{
	return pext_mandatory(s, ev, n, t, false);
}

/* AMD before Zen 3 (and Hygon) runs pext in microcode, slower than stream_values(). */
static bool pext_is_fast(void)
{
	__builtin_cpu_init();
	if (!__builtin_cpu_supports("bmi2"))
		return false;
	if (__builtin_cpu_is("intel"))
		return true;
	return __builtin_cpu_is("amd") && !__builtin_cpu_is("znver1") &&
	       !__builtin_cpu_is("znver2") && !__builtin_cpu_is("bdver4");
}
#endif

enum evb_walk evb_walk_best(void)
{
#if EVB_HAVE_PEXT
	static int best = -1; /* racing first calls store the same value */
	int b = __atomic_load_n(&best, __ATOMIC_RELAXED);

	if (b < 0) {
		b = pext_is_fast() ? EVB_WALK_PEXT : EVB_WALK_STREAMS;
		__atomic_store_n(&best, b, __ATOMIC_RELAXED);
	}
	return (enum evb_walk)b;
#else
	return EVB_WALK_STREAMS;
#endif
}

/* The first events' mandatory values by d's walk: how many (stream_values() does the rest). */
static size_t walked_values(struct evb_decoder *d, struct ior_event *ev, size_t n, uint64_t *t)
{
#if EVB_HAVE_PEXT
	if (d->walk == EVB_WALK_PEXT)
		return d->skip >> EVB_THREAD & 1 ? pext_without_thread(d->s, ev, n, t)
						 : pext_with_thread(d->s, ev, n, t);
#else
	(void)d, (void)ev, (void)n, (void)t;
#endif
	return 0;
}

/*
 * Up to n events (n <= pending): how many decoded well. The streams every event has are
 * walked side by side with pext where that is fast (pext_mandatory()); from where it
 * stops, or throughout elsewhere, they are decoded one after the other, each in its
 * own loop that keeps its cursor in a register (callgrind: 167 instructions per event
 * on bench/format_bench.c's stream against 247 decoding event by event). The optional
 * ones, sparse, go event by event. Each step returns how many of its values were good:
 * the first bad value's event is where the block turns malformed.
 */
static size_t decode_step(struct evb_decoder *d, struct ior_event *ev, size_t n,
			  int64_t *prev_start)
{
	const uint8_t *shape = d->s[EVB_SHAPE].p;
	uint64_t t = (uint64_t)*prev_start;
	size_t i, walked = walked_values(d, ev, n, &t);
	struct ior_event *rest = ev + walked;
	size_t r = n - walked;

	r = stream_values(&d->s[EVB_DT], EVB_DT, rest, r, &t);
	r = stream_values(&d->s[EVB_DUR], EVB_DUR, rest, r, &t);
	if (d->skip >> EVB_THREAD & 1)
		for (i = 0; i < r; i++)
			rest[i].tid = 0;
	else
		r = stream_values(&d->s[EVB_THREAD], EVB_THREAD, rest, r, &t);
	r = stream_values(&d->s[EVB_NR], EVB_NR, rest, r, &t);
	r = stream_values(&d->s[EVB_RET], EVB_RET, rest, r, &t);
	n = walked + r;
	*prev_start = (int64_t)t;
	if ((d->shape_keep & EVB_OPTIONAL) == (EVB_BYTES_RET | EVB_HAS_BYTES))
		for (i = 0; i < n && bytes_only(d, shape[i], &ev[i]); i++)
			;
#if EVB_HAVE_PEXT
	else if (d->walk == EVB_WALK_PEXT)
		i = pext_optional(d, shape, ev, n);
#endif
	else
		for (i = 0; i < n && optional_values(d, shape[i] & d->shape_keep, &ev[i]); i++)
			;
	d->s[EVB_SHAPE].p += i;
	return i;
}

size_t evb_decoder__decode(struct evb_decoder *d, struct ior_event *ev, size_t max,
			   int64_t *prev_start)
{
	size_t done = 0, want = min_size(max, evb_decoder__pending(d));
	int64_t first_prev = *prev_start;

	while (done < want) {
		size_t n = min_size(want - done, EVB_STEP);
		size_t got = decode_step(d, ev + done, n, prev_start);

		done += got;
		if (got < n)
			goto bad;
	}
	/* the last event is only good when every stream is used up exactly */
	if (done && !evb_decoder__pending(d) && !streams_used_up(d)) {
		done--;
		goto bad;
	}
	return done;
bad:
	evb_decoder__stop(d);
	*prev_start = done ? ev[done - 1].start_ns : first_prev;
	return done;
}
