// SPDX-License-Identifier: GPL-2.0-only
#include "analyzer/vmaps.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct ior_vmaps *ior_vmaps__new(void)
{
	struct ior_vmaps *m = calloc(1, sizeof(*m));

	if (m)
		m->refs = 1;
	return m;
}

struct ior_vmaps *ior_vmaps__clone(const struct ior_vmaps *m)
{
	struct ior_vmaps *c = ior_vmaps__new();

	if (!c || !m->n)
		return c;
	c->v = malloc(m->n * sizeof(*c->v));
	if (!c->v) {
		free(c);
		errno = ENOMEM;
		return NULL;
	}
	memcpy(c->v, m->v, m->n * sizeof(*c->v));
	c->n = c->cap = m->n;
	return c;
}

void ior_vmaps__put(struct ior_vmaps *m)
{
	if (!m || --m->refs)
		return;
	free(m->v);
	free(m);
}

/* [addr, end) with len rounded up to whole pages and the end clamped at 2^64 - 1. */
static uint64_t range_end(uint64_t addr, uint64_t len)
{
	uint64_t pages = len / IOR_VMAP_PAGE + (len % IOR_VMAP_PAGE != 0);

	if (pages > (UINT64_MAX - addr) / IOR_VMAP_PAGE)
		return UINT64_MAX;
	return addr + pages * IOR_VMAP_PAGE;
}

/* Index of the first range ending after addr (n when none). */
static uint32_t first_after(const struct ior_vmaps *m, uint64_t addr)
{
	uint32_t lo = 0, hi = m->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (m->v[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int insert_at(struct ior_vmaps *m, uint32_t i, const struct ior_vmap *r)
{
	if (m->n == m->cap) {
		uint32_t cap = m->cap ? m->cap * 2 : 16;
		struct ior_vmap *v;

		if (cap < m->cap)
			return -ENOMEM;
		v = realloc(m->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		m->v = v;
		m->cap = cap;
	}
	memmove(&m->v[i + 1], &m->v[i], (m->n - i) * sizeof(*m->v));
	m->v[i] = *r;
	m->n++;
	return 0;
}

static void shrink(struct ior_vmaps *m)
{
	struct ior_vmap *v;

	if (m->cap <= 16 || m->n * 4 > m->cap)
		return;
	v = realloc(m->v, m->cap / 2 * sizeof(*v));
	if (v) {
		m->v = v;
		m->cap /= 2;
	}
}

/* Cut [start, end) out of every range; a range holding it whole is split in two. */
static int cut(struct ior_vmaps *m, uint64_t start, uint64_t end)
{
	uint32_t i = first_after(m, start), j;

	if (i < m->n && m->v[i].start < start && m->v[i].end > end) {
		struct ior_vmap right = m->v[i];

		right.start = end;
		m->v[i].end = start;
		return insert_at(m, i + 1, &right);
	}
	if (i < m->n && m->v[i].start < start) {
		m->v[i].end = start; /* keeps its head */
		i++;
	}
	for (j = i; j < m->n && m->v[j].end <= end; j++)
		; /* wholly inside: dropped */
	if (j < m->n && m->v[j].start < end)
		m->v[j].start = end; /* keeps its tail */
	if (j == i)
		return 0;
	memmove(&m->v[i], &m->v[j], (m->n - j) * sizeof(*m->v));
	m->n -= j - i;
	shrink(m);
	return 0;
}

int ior_vmaps__map(struct ior_vmaps *m, uint64_t addr, uint64_t len, uint32_t name,
		   uint8_t resolved, uint8_t kind)
{
	struct ior_vmap r = {.start = addr,
			     .end = range_end(addr, len),
			     .name = name,
			     .resolved = resolved,
			     .kind = kind};
	int err;

	if (r.end <= r.start)
		return 0;
	err = cut(m, r.start, r.end);
	if (!err)
		err = insert_at(m, first_after(m, r.start), &r);
	return err;
}

int ior_vmaps__unmap(struct ior_vmaps *m, uint64_t addr, uint64_t len)
{
	uint64_t end = range_end(addr, len);

	return end > addr ? cut(m, addr, end) : 0;
}

const struct ior_vmap *ior_vmaps__find(const struct ior_vmaps *m, uint64_t addr)
{
	uint32_t i = first_after(m, addr);

	return i < m->n && m->v[i].start <= addr ? &m->v[i] : NULL;
}
