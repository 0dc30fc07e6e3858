// SPDX-License-Identifier: GPL-2.0-only
#include "analyzer/agg.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/buf.h"
#include "analyzer/escape.h"
#include "analyzer/replay.h"
#include "common/hash.h"

/* A key slot per field, plus one for flags (whose text depends on the syscall). */
#define KEY_MAX (2 * IOR_FIELDS_MAX)

struct ior_agg {
	struct ior_fields fs;
	struct ior_agg_opts o;
	unsigned nkey;
	struct ior_intern *strings;  /* comm, path and dir texts -> ids */
	/*
	 * A group per text (its collapsed frames), and keys leading to them: two keys may
	 * show the same (the flags of two syscalls that have none are both "-"), and one
	 * text must be one group, one line of output, however events were keyed.
	 */
	struct ior_group *groups;
	size_t ngroups, cap;
	struct ior_intern *texts;    /* frames -> group index + 1 */
	uint64_t *keys;              /* nkey per key */
	uint32_t *key_group;         /* per key: its group's index */
	size_t nkeys, keys_cap;
	uint32_t *slots;             /* hash table of key index + 1 */
	size_t nslots;
	unsigned slot_bits;          /* log2(nslots) */
	size_t last;                 /* index + 1 of the last event's key: runs are common */
	struct ior_group *last_g;    /* and its group */
	/*
	 * The replay whose comm and path ids (revent.comm_id/path_id) the keys hold: ids of
	 * another mean other texts. A replay freed and another made at its address would
	 * look the same: feed one aggregation from one replay while it lives
	 * (ior_agg_cli__run() does).
	 */
	const void *id_src;
	/*
	 * When every field's key is a 32-bit word of the event (all but flags and errno),
	 * its offset in struct ior_revent: then most keys are loads, with no switch.
	 */
	bool loads;
	bool has_comm, has_path;
	uint16_t key_off[IOR_FIELDS_MAX];
	struct ior_group total;
	bool total_merged;          /* total holds the sum of every group */
	struct ior_buf tmp, line;
	char **owned;                /* rendered texts, freed with the aggregation */
	size_t nowned, owned_cap;
};

/* The offset of the 32-bit word of a revent that is field id's key; 0 when none is. */
static size_t key_offset(enum ior_field_id id)
{
	switch (id) {
	case IOR_FIELD_COMM: return offsetof(struct ior_revent, comm_id);
	case IOR_FIELD_PID: return offsetof(struct ior_revent, ev.pid);
	case IOR_FIELD_TID: return offsetof(struct ior_revent, ev.tid);
	case IOR_FIELD_PATH:
	case IOR_FIELD_DIR: return offsetof(struct ior_revent, path_id);
	case IOR_FIELD_SYSCALL: return offsetof(struct ior_revent, ev.nr);
	case IOR_FIELD_CLASS: return offsetof(struct ior_revent, cls);
	case IOR_FIELD_FD: return offsetof(struct ior_revent, ev.fd);
	default: return 0;
	}
}

static void plan_loads(struct ior_agg *a)
{
	a->loads = true;
	for (unsigned i = 0; i < a->fs.n; i++) {
		enum ior_field_id id = a->fs.f[i].id;

		a->key_off[i] = (uint16_t)key_offset(id);
		a->loads = a->loads && a->key_off[i];
		a->has_comm = a->has_comm || id == IOR_FIELD_COMM;
		a->has_path = a->has_path || id == IOR_FIELD_PATH || id == IOR_FIELD_DIR;
	}
}

struct ior_agg *ior_agg__new(const struct ior_fields *fs, const struct ior_agg_opts *opts)
{
	struct ior_agg *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->fs = *fs;
	if (opts)
		a->o = *opts;
	for (unsigned i = 0; i < fs->n; i++)
		a->nkey += fs->f[i].id == IOR_FIELD_FLAGS ? 2 : 1;
	plan_loads(a);
	a->strings = ior_intern__new();
	a->texts = ior_intern__new();
	a->slot_bits = 10;
	a->nslots = (size_t)1 << a->slot_bits;
	a->slots = calloc(a->nslots, sizeof(*a->slots));
	if (!a->strings || !a->texts || !a->slots) {
		ior_agg__free(a);
		return NULL;
	}
	return a;
}

void ior_agg__free(struct ior_agg *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->ngroups; i++)
		ior_hist__free(&a->groups[i].hist);
	ior_hist__free(&a->total.hist);
	for (size_t i = 0; i < a->nowned; i++)
		free(a->owned[i]);
	free(a->owned);
	free(a->groups);
	free(a->keys);
	free(a->key_group);
	free(a->slots);
	ior_intern__free(a->texts);
	ior_intern__free(a->strings);
	ior_buf__free(&a->tmp);
	ior_buf__free(&a->line);
	free(a);
}

/*
 * Text fields (comm, path, dir) are keyed by the id the replay gave their text, which
 * never changes its bytes; a text without one by this bit and the aggregation's own id
 * of it. Equal texts may so get several keys: their groups are one all the same (the
 * group of a new key is found by its text), and a key costs a load, not a lookup.
 */
#define TEXT_KEY (1ull << 32)

/* The key of a text without a replay id; 0 on ENOMEM. */
static uint64_t text_key(struct ior_agg *a, const char *s, size_t len)
{
	uint32_t id = ior_intern__get(a->strings, s, len, NULL);

	return id ? TEXT_KEY | id : 0;
}

/* Forget every key (not the groups): the ids of another replay mean other texts. */
static void drop_keys(struct ior_agg *a, const void *src)
{
	a->nkeys = 0;
	memset(a->slots, 0, a->nslots * sizeof(*a->slots));
	a->last = 0;
	a->id_src = src;
}

/*
 * The key of a field that is a number of the event itself (not comm, path, dir or
 * class); flags take two slots. Returns the slots used.
 */
static inline unsigned event_key(const struct ior_field *f, const struct ior_event *ev,
				 uint64_t *k)
{
	switch (f->id) {
	case IOR_FIELD_PID: k[0] = ev->pid; return 1;
	case IOR_FIELD_TID: k[0] = ev->tid; return 1;
	case IOR_FIELD_SYSCALL: k[0] = ev->nr; return 1;
	case IOR_FIELD_FD: k[0] = (uint32_t)ev->fd; return 1;
	case IOR_FIELD_FLAGS: k[0] = ev->flags; k[1] = ev->nr; return 2;
	case IOR_FIELD_ERRNO: k[0] = ior_event_failed(ev) ? (uint64_t)-ev->ret : 0; return 1;
	default: k[0] = 0; return 1;
	}
}

/*
 * The key of re in k (ior_agg.nkey words); false on ENOMEM. Text fields by their replay
 * ids (TEXT_KEY). This runs for every replayed event: loads when every key is a word of
 * the event, else one switch per field.
 */
static inline __attribute__((always_inline)) bool
revent_keys(struct ior_agg *a, const struct ior_revent *re, uint64_t *k, unsigned nkey)
{
	uint64_t *at = k;

	if (re->id_src != a->id_src)
		drop_keys(a, re->id_src);
	/* a comm without an id, or a path without one, takes the switch below */
	if (a->loads && (re->comm_id || !a->has_comm) &&
	    (re->path_id || !re->path || !a->has_path)) {
#pragma GCC unroll 4 /* whole: nkey is a constant up to four */
		for (unsigned i = 0; i < nkey; i++) { /* loads: one word per field */
			uint32_t w;

			memcpy(&w, (const char *)re + a->key_off[i], sizeof(w));
			k[i] = w;
		}
		return true;
	}
	for (unsigned i = 0; i < a->fs.n; i++) {
		switch (a->fs.f[i].id) {
		case IOR_FIELD_COMM:
			*at = re->comm_id ? re->comm_id
					  : text_key(a, re->comm ? re->comm : "",
						     re->comm ? strlen(re->comm) : 0);
			if (!*at++)
				return false;
			break;
		case IOR_FIELD_PATH:
		case IOR_FIELD_DIR: /* by the whole path: its groups are by the directory's text */
			if (!re->path)
				*at++ = 0; /* no file: its own group, "[no path]" */
			else if (!(*at++ = re->path_id ? re->path_id
						       : text_key(a, re->path, re->path_len)))
				return false;
			break;
		case IOR_FIELD_CLASS: *at++ = (uint64_t)re->cls; break;
		default: at += event_key(&a->fs.f[i], &re->ev, at); break;
		}
	}
	return true;
}

#define HASH_SEED 0x243f6a8885a308d3ULL
#define HASH_MUL 0x9e3779b97f4a7c15ULL

/*
 * Each word folded in with a multiply; slots are taken from the top bits, which the
 * multiplies mix (home_slot()), so the hash needs no final mixing. Unrolled whole when n
 * is a constant (ior_agg__add() up to four words); by two when it varies, where a wider
 * unrolling's remainder loop would cost keys of one word more.
 */
static inline uint64_t hash_key(const uint64_t *k, unsigned n)
{
	uint64_t h = HASH_SEED;

	if (__builtin_constant_p(n)) {
#pragma GCC unroll 4
		for (unsigned i = 0; i < n; i++)
			h = (h ^ k[i]) * HASH_MUL;
	} else {
#pragma GCC unroll 2
		for (unsigned i = 0; i < n; i++)
			h = (h ^ k[i]) * HASH_MUL;
	}
	return h;
}

/* The slot where the probe run of hash h starts, in a table of 2^bits slots. */
static inline size_t home_slot(uint64_t h, unsigned bits)
{
	return (size_t)(h >> (64 - bits));
}

/* size bytes owned by the aggregation (freed with it); NULL on ENOMEM. */
static void *own_alloc(struct ior_agg *a, size_t size)
{
	void *p;

	if (a->nowned == a->owned_cap) {
		size_t cap = a->owned_cap ? a->owned_cap * 2 : 256;
		char **o = realloc(a->owned, cap * sizeof(*o));

		if (!o)
			return NULL;
		a->owned = o;
		a->owned_cap = cap;
	}
	p = malloc(size ? size : 1);
	if (p)
		a->owned[a->nowned++] = p;
	return p;
}

static char *own_str(struct ior_agg *a, const char *s, size_t len)
{
	char *p = own_alloc(a, len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

/* Room for g's n field values and lengths, owned by a; false on ENOMEM. */
static bool values_alloc(struct ior_agg *a, struct ior_group *g, char ***vals, size_t **lens)
{
	size_t n = a->fs.n;

	*vals = own_alloc(a, n * (sizeof(char *) + sizeof(size_t)));
	if (!*vals)
		return false;
	*lens = (size_t *)(*vals + n);
	g->values = (const char *const *)*vals;
	g->vlens = *lens;
	return true;
}

/* Render a new group's raw field values once. */
static int render_values(struct ior_agg *a, struct ior_group *g, const struct ior_revent *re)
{
	char **vals;
	size_t *lens;

	if (!values_alloc(a, g, &vals, &lens))
		return -ENOMEM;
	for (size_t i = 0; i < a->fs.n; i++) {
		ior_buf__reset(&a->tmp);
		if (ior_field__render(&a->tmp, &a->fs.f[i], re) ||
		    !(vals[i] = own_str(a, ior_buf__str(&a->tmp), a->tmp.len)))
			return -ENOMEM;
		lens[i] = a->tmp.len;
	}
	return 0;
}

/* Copy the raw field values of another aggregation's group s. */
static int copy_values(struct ior_agg *a, struct ior_group *g, const struct ior_group *s)
{
	char **vals;
	size_t *lens;

	if (!values_alloc(a, g, &vals, &lens))
		return -ENOMEM;
	for (size_t i = 0; i < a->fs.n; i++) {
		lens[i] = s->vlens[i];
		if (!(vals[i] = own_str(a, s->values[i], s->vlens[i])))
			return -ENOMEM;
	}
	return 0;
}

/* The first free slot from i on, in a table of n slots. */
static size_t free_slot(const uint32_t *slots, size_t n, size_t i)
{
	while (slots[i])
		i = (i + 1) & (n - 1);
	return i;
}

static int grow_slots(struct ior_agg *a)
{
	size_t n = a->nslots * 2;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t k = 0; k < a->nkeys; k++) {
		uint64_t h = hash_key(a->keys + k * a->nkey, a->nkey);

		slots[free_slot(slots, n, home_slot(h, a->slot_bits + 1))] = (uint32_t)k + 1;
	}
	free(a->slots);
	a->slots = slots;
	a->nslots = n;
	a->slot_bits++;
	return 0;
}

/* Room for one more key; 0 or -ENOMEM. */
static int reserve_key(struct ior_agg *a)
{
	if (a->nkeys == a->keys_cap) {
		size_t cap = a->keys_cap ? a->keys_cap * 2 : 64;
		uint64_t *ks = realloc(a->keys, cap * a->nkey * sizeof(*ks));
		uint32_t *kg;

		if (!ks)
			return -ENOMEM;
		a->keys = ks;
		kg = realloc(a->key_group, cap * sizeof(*kg));
		if (!kg)
			return -ENOMEM;
		a->key_group = kg;
		a->keys_cap = cap;
	}
	return 0;
}

/* Key k, at hash slot i, leads to group gi from now on; returns that group. */
static struct ior_group *add_key(struct ior_agg *a, const uint64_t *k, size_t i, size_t gi)
{
	memcpy(a->keys + a->nkeys * a->nkey, k, a->nkey * sizeof(*k));
	a->key_group[a->nkeys] = (uint32_t)gi;
	a->slots[i] = (uint32_t)++a->nkeys;
	a->last = a->nkeys;
	return a->last_g = &a->groups[gi];
}

/*
 * The group whose frames are a->line (just built): the one another key made when it
 * shows the same, else a new zeroed one (*is_new). NULL on ENOMEM.
 */
static struct ior_group *group_of_text(struct ior_agg *a, bool *is_new)
{
	struct ior_group *g;
	uint32_t id;

	if (a->ngroups == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		struct ior_group *gs = realloc(a->groups, cap * sizeof(*gs));

		if (!gs)
			return NULL;
		a->groups = gs;
		a->cap = cap;
	}
	id = ior_intern__get(a->texts, ior_buf__str(&a->line), a->line.len, is_new);
	if (!id)
		return NULL;
	if (!*is_new)
		return &a->groups[id - 1];
	g = &a->groups[a->ngroups++]; /* ids count from 1 in the order texts come */
	memset(g, 0, sizeof(*g));
	g->frames = ior_intern__str(a->texts, id, &g->frames_len);
	return g;
}

/* The group of new key k (hash slot i), rendered from re when new; NULL on ENOMEM. */
static struct ior_group *new_key(struct ior_agg *a, const uint64_t *k, size_t i,
				 const struct ior_revent *re)
{
	struct ior_group *g;
	bool is_new;

	ior_buf__reset(&a->line);
	if (ior_fields__collapse(&a->line, &a->tmp, &a->fs, re, a->o.path_frames) ||
	    reserve_key(a) || !(g = group_of_text(a, &is_new)) ||
	    (is_new && render_values(a, g, re)))
		return NULL;
	return add_key(a, k, i, (size_t)(g - a->groups));
}

/*
 * Keys of up to four words (most field lists) are compared without a loop, the last
 * field first: the innermost frame (a path, an fd) differs most often.
 */
static inline bool keys_equal(const uint64_t *x, const uint64_t *y, unsigned n)
{
	switch (n) {
	case 4:
		if (x[3] != y[3])
			return false;
		/* fallthrough */
	case 3:
		if (x[2] != y[2])
			return false;
		/* fallthrough */
	case 2:
		if (x[1] != y[1])
			return false;
		/* fallthrough */
	case 1:
		return x[0] == y[0];
	}
	for (unsigned i = 0; i < n; i++)
		if (x[i] != y[i])
			return false;
	return true;
}

/* The last event's group when k is its key: runs of events of one group are common. */
static inline __attribute__((always_inline)) struct ior_group *
last_group(struct ior_agg *a, const uint64_t *k, unsigned nkey)
{
	if (a->last && keys_equal(a->keys + (a->last - 1) * nkey, k, nkey))
		return a->last_g;
	return NULL;
}

/*
 * The group of key k from the hash table, or NULL with *slot the free hash slot for it
 * (the table grown first when the key would fill it past half); *slot is SIZE_MAX on
 * ENOMEM. Inline in ior_agg__add(): collapse by path probes for most events (a call
 * costs it 3 % more instructions).
 */
static inline __attribute__((always_inline)) struct ior_group *
lookup_group(struct ior_agg *a, const uint64_t *k, size_t *slot, unsigned nkey)
{
	uint64_t h = hash_key(k, nkey);
	size_t i;

	*slot = SIZE_MAX;
	for (i = home_slot(h, a->slot_bits); a->slots[i]; i = (i + 1) & (a->nslots - 1)) {
		size_t at = a->slots[i] - 1;

		if (keys_equal(a->keys + at * nkey, k, nkey)) {
			a->last = at + 1;
			return a->last_g = &a->groups[a->key_group[at]];
		}
	}
	if ((a->nkeys + 1) * 2 <= a->nslots)
		*slot = i;
	else if (!grow_slots(a))
		*slot = free_slot(a->slots, a->nslots, home_slot(h, a->slot_bits));
	return NULL;
}

/* The group for new key k at hash slot i, rendered from re; NULL on ENOMEM. */
static struct ior_group *add_group(struct ior_agg *a, const uint64_t *k, size_t i,
				   const struct ior_revent *re)
{
	struct ior_group *g = i == SIZE_MAX ? NULL : new_key(a, k, i, re);

	if (!g)
		a->last = 0;
	return g;
}

static inline int account(struct ior_group *g, const struct ior_event *ev, uint64_t gap_ns,
			  bool hist)
{
	g->count++;
	/* a branch, not an add of the test: failures are rare, and with the add GCC packs
	 * the sums into vector registers at more instructions than it saves */
	if (ior_event_failed(ev))
		g->errors++;
	g->bytes += ev->bytes;
	g->dur_sum += ev->dur_ns;
	g->gap_sum += gap_ns;
	return hist ? ior_hist__record(&g->hist, ev->dur_ns) : 0;
}

/* ior_agg__add() with nkey a constant: the key's loops unroll. */
static inline __attribute__((always_inline)) int add_revent(struct ior_agg *a,
							   const struct ior_revent *re,
							   unsigned nkey)
{
	uint64_t k[KEY_MAX];
	struct ior_group *g;
	size_t slot;

	if (!revent_keys(a, re, k, nkey))
		return -ENOMEM;
	g = last_group(a, k, nkey);
	if (!g && !(g = lookup_group(a, k, &slot, nkey)))
		g = add_group(a, k, slot, re);
	if (!g || account(g, &re->ev, re->gap_ns, a->o.histograms))
		return -ENOMEM;
	a->total_merged = false; /* the total is summed from the groups when asked for */
	return 0;
}

int ior_agg__add(struct ior_agg *a, const struct ior_revent *re)
{
	switch (a->nkey) {
	case 1: return add_revent(a, re, 1);
	case 2: return add_revent(a, re, 2);
	case 3: return add_revent(a, re, 3);
	case 4: return add_revent(a, re, 4);
	default: return add_revent(a, re, a->nkey);
	}
}

bool ior_fields__direct(const struct ior_fields *fs, unsigned *skip)
{
	unsigned s = IOR_SKIP_ALL;

	for (unsigned i = 0; i < fs->n; i++) {
		switch (fs->f[i].id) {
		case IOR_FIELD_PID:
		case IOR_FIELD_TID: s &= ~IOR_SKIP_THREAD; break;
		case IOR_FIELD_FD: s &= ~IOR_SKIP_FD; break;
		case IOR_FIELD_FLAGS: s &= ~IOR_SKIP_FLAGS; break;
		case IOR_FIELD_SYSCALL:
		case IOR_FIELD_CLASS:
		case IOR_FIELD_ERRNO: break;
		default: return false;
		}
	}
	*skip = s;
	return true;
}

/* The key of a raw event (fields as ior_fields__direct() allows). */
static inline void event_keys(const struct ior_agg *a, const struct ior_replay *rp,
			      const struct ior_event *ev, uint64_t *k)
{
	unsigned at = 0;

	for (unsigned i = 0; i < a->fs.n; i++) {
		const struct ior_field *f = &a->fs.f[i];

		if (f->id == IOR_FIELD_CLASS)
			k[at++] = (uint64_t)ior_replay__class(rp, ev->nr);
		else
			at += event_key(f, ev, k + at);
	}
}

/* The group of key k when it is not the last one's: found or made; NULL on ENOMEM. */
static struct ior_group *event_group_slow(struct ior_agg *a, struct ior_replay *rp,
					  const struct ior_event *ev, const uint64_t *k)
{
	struct ior_revent re;
	size_t slot;
	struct ior_group *g = lookup_group(a, k, &slot, a->nkey);

	if (g)
		return g;
	ior_replay__stateless(rp, ev, &re); /* a new group is rendered from its first event */
	return add_group(a, k, slot, &re);
}

/*
 * ior_agg__add_events() for one field of one key word, inlined once per field id so
 * the key is a load and the last group a compare: `top --by syscall` spends a tenth
 * fewer instructions than through the general loop.
 */
static inline __attribute__((always_inline)) int
add_events_one_key(struct ior_agg *a, struct ior_replay *rp, const struct ior_event *ev,
		   size_t n, enum ior_field_id id)
{
	const struct ior_field f = { .id = id };
	bool hist = a->o.histograms;

	for (size_t i = 0; i < n; i++) {
		uint64_t k;
		struct ior_group *g;

		if (id == IOR_FIELD_CLASS)
			k = (uint64_t)ior_replay__class(rp, ev[i].nr);
		else
			event_key(&f, &ev[i], &k);
		if (a->last && a->keys[a->last - 1] == k)
			g = a->last_g;
		else if (!(g = event_group_slow(a, rp, &ev[i], &k)))
			return -ENOMEM;
		if (account(g, &ev[i], 0, hist))
			return -ENOMEM;
	}
	a->total_merged = false;
	return 0;
}

int ior_agg__add_events(struct ior_agg *a, struct ior_replay *rp, const struct ior_event *ev,
			size_t n)
{
	bool hist = a->o.histograms;

	if (a->nkey == 1) {
		switch (a->fs.f[0].id) {
		case IOR_FIELD_PID: return add_events_one_key(a, rp, ev, n, IOR_FIELD_PID);
		case IOR_FIELD_TID: return add_events_one_key(a, rp, ev, n, IOR_FIELD_TID);
		case IOR_FIELD_SYSCALL: return add_events_one_key(a, rp, ev, n, IOR_FIELD_SYSCALL);
		case IOR_FIELD_CLASS: return add_events_one_key(a, rp, ev, n, IOR_FIELD_CLASS);
		case IOR_FIELD_FD: return add_events_one_key(a, rp, ev, n, IOR_FIELD_FD);
		case IOR_FIELD_ERRNO: return add_events_one_key(a, rp, ev, n, IOR_FIELD_ERRNO);
		default: break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t k[KEY_MAX];
		struct ior_group *g;

		event_keys(a, rp, &ev[i], k);
		g = last_group(a, k, a->nkey);
		if (!g && !(g = event_group_slow(a, rp, &ev[i], k)))
			return -ENOMEM;
		if (account(g, &ev[i], 0, hist))
			return -ENOMEM;
	}
	a->total_merged = false;
	return 0;
}

/* Add the sums and durations of s to g. 0 or -ENOMEM. */
static int merge_group(struct ior_group *g, const struct ior_group *s)
{
	g->count += s->count;
	g->errors += s->errors;
	g->bytes += s->bytes;
	g->dur_sum += s->dur_sum;
	g->gap_sum += s->gap_sum;
	return ior_hist__merge(&g->hist, &s->hist);
}

/* dst's group showing what src's group s shows, made when new; NULL on ENOMEM. */
static struct ior_group *group_like(struct ior_agg *dst, const struct ior_group *s)
{
	struct ior_group *g;
	bool is_new;

	ior_buf__reset(&dst->line);
	if (ior_buf__add(&dst->line, s->frames, s->frames_len) ||
	    !(g = group_of_text(dst, &is_new)) || (is_new && copy_values(dst, g, s)))
		return NULL;
	return g;
}

int ior_agg__merge(struct ior_agg *dst, const struct ior_agg *src)
{
	uint32_t *to = src->ngroups ? malloc(src->ngroups * sizeof(*to)) : NULL;
	unsigned skip;
	int err = 0;

	if (!ior_fields__direct(&dst->fs, &skip) || dst->nkey != src->nkey ||
	    dst->fs.n != src->fs.n) {
		free(to);
		return -EINVAL;
	}
	if (src->ngroups && !to)
		return -ENOMEM;
	for (size_t j = 0; j < src->ngroups && !err; j++) {
		struct ior_group *g = group_like(dst, &src->groups[j]);

		err = g ? merge_group(g, &src->groups[j]) : -ENOMEM;
		to[j] = g ? (uint32_t)(g - dst->groups) : 0;
	}
	/* and src's keys, so that events added later find their groups */
	for (size_t j = 0; j < src->nkeys && !err; j++) {
		const uint64_t *k = src->keys + j * src->nkey;
		size_t slot;

		if (lookup_group(dst, k, &slot, dst->nkey))
			continue;
		if (slot == SIZE_MAX || reserve_key(dst))
			err = -ENOMEM;
		else
			add_key(dst, k, slot, to[src->key_group[j]]);
	}
	free(to);
	dst->last = 0;
	dst->total_merged = false;
	return err;
}

struct ior_group *ior_agg__groups(struct ior_agg *a, size_t *n)
{
	*n = a->ngroups;
	return a->groups;
}

const struct ior_group *ior_agg__total(struct ior_agg *a)
{
	struct ior_group *t = &a->total;

	if (a->total_merged)
		return t;
	ior_hist__free(&t->hist);
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < a->ngroups; i++)
		if (merge_group(t, &a->groups[i])) /* histograms are empty unless kept */
			return NULL;
	a->total_merged = true;
	return t;
}

static const char *const weight_names[] = { "count", "duration", "bytes", "gap" };

int ior_weight_parse(const char *s, enum ior_weight *w)
{
	for (unsigned i = 0; i < sizeof(weight_names) / sizeof(weight_names[0]); i++)
		if (!strcmp(s, weight_names[i])) {
			*w = (enum ior_weight)i;
			return 0;
		}
	return -EINVAL;
}

const char *ior_weight_name(enum ior_weight w)
{
	return (unsigned)w < 4 ? weight_names[w] : "?";
}

uint64_t ior_group_weight(const struct ior_group *g, enum ior_weight w)
{
	switch (w) {
	case IOR_WEIGHT_COUNT: return g->count;
	case IOR_WEIGHT_DURATION: return g->dur_sum;
	case IOR_WEIGHT_BYTES: return g->bytes;
	case IOR_WEIGHT_GAP: return g->gap_sum;
	}
	return 0;
}

int ior_group_cmp_frames(const struct ior_group *a, const struct ior_group *b)
{
	size_t n = a->frames_len < b->frames_len ? a->frames_len : b->frames_len;
	int c = memcmp(a->frames, b->frames, n);

	if (c)
		return c;
	return (a->frames_len > b->frames_len) - (a->frames_len < b->frames_len);
}

static int cmp_frames(const void *x, const void *y)
{
	return ior_group_cmp_frames(x, y);
}

void ior_groups_sort_by_frames(struct ior_group *g, size_t n)
{
	qsort(g, n, sizeof(*g), cmp_frames);
}

void ior_group__json_fields(struct ior_buf *b, const struct ior_fields *fs,
			    const struct ior_group *g)
{
	for (unsigned i = 0; i < fs->n; i++) {
		ior_buf__addc(b, '"');
		ior_field__label(b, &fs->f[i]);
		ior_buf__adds(b, "\":");
		ior_json_string(b, g->values[i], g->vlens[i]);
		ior_buf__addc(b, ',');
	}
}

void ior_group__csv_fields(struct ior_buf *b, const struct ior_fields *fs,
			   const struct ior_group *g)
{
	for (unsigned i = 0; i < fs->n; i++) {
		ior_csv_field(b, g->values[i], g->vlens[i]);
		ior_buf__addc(b, ',');
	}
}

void ior_fields__csv_header(struct ior_buf *b, const struct ior_fields *fs)
{
	for (unsigned i = 0; i < fs->n; i++) {
		ior_field__label(b, &fs->f[i]);
		ior_buf__addc(b, ',');
	}
}
