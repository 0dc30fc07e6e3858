/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The reader's id tables: interned strings, threads and the recording host's syscall
 * names. Ids come from the file, so they are looked up through hash maps (a hostile id
 * cannot force a huge array) and strings live in a block arena whose pointers stay
 * valid until tables_free().
 */
#ifndef IOR_FORMAT_TABLES_H
#define IOR_FORMAT_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/hash.h"

struct arena_block;

/* Ids below this are looked up in arrays (the common case: the writer numbers from 1). */
#define TABLES_SMALL_IDS 65536u

struct reader_thread {
	uint32_t pid, tid;
};

struct reader_tables {
	uint32_t *str_small;       /* id -> index + 1, ids < str_small_n */
	uint32_t str_small_n;
	struct reader_thread *thr_small;
	uint8_t *thr_small_set;
	uint32_t thr_small_n;
	struct ior_u64map strings; /* larger ids: id -> index + 1 */
	const char **str_ptr;
	uint32_t *str_len;
	size_t nstr, str_cap;
	struct arena_block *blocks;
	struct ior_u64map threads; /* larger ids: id -> pid << 32 | tid */
	const char **syscalls;     /* by number, < IOR_SYSCALL_NR_MAX */
	uint32_t nsyscalls;
};

#define IOR_SYSCALL_NR_MAX 65536u

int tables_init(struct reader_tables *t);
void tables_free(struct reader_tables *t);

/* size bytes, 16-byte aligned, living until tables_free(); NULL on ENOMEM. */
void *tables_alloc(struct reader_tables *t, size_t size);

/*
 * A copy of len bytes, NUL-terminated, that lives until tables_free(); NULL on ENOMEM.
 */
char *tables_strdup(struct reader_tables *t, const void *s, size_t len);

/*
 * Define string id. Returns 0, 1 when id was already defined with other bytes (the first
 * definition wins), -EINVAL for id 0, -ENOMEM.
 */
int tables_define_string(struct reader_tables *t, uint64_t id, const void *s, size_t len);
const char *tables_string(const struct reader_tables *t, uint32_t id, size_t *len);

int tables_define_thread(struct reader_tables *t, uint64_t id, uint32_t pid, uint32_t tid);
bool tables_thread_large(struct reader_tables *t, uint64_t id, uint32_t *pid, uint32_t *tid);

/* Forget every thread definition (a reader scoping them to a chunk). */
void tables_clear_threads(struct reader_tables *t);

/* Whether every string id defined in both a and b has the same bytes in both. */
bool tables_strings_agree(const struct reader_tables *a, const struct reader_tables *b);

/* false when id is not defined. Inline: the reader looks up a thread per event. */
static inline bool tables_thread(struct reader_tables *t, uint64_t id, uint32_t *pid,
				 uint32_t *tid)
{
	if (id >= t->thr_small_n)
		return tables_thread_large(t, id, pid, tid);
	if (!t->thr_small_set[id])
		return false;
	*pid = t->thr_small[id].pid;
	*tid = t->thr_small[id].tid;
	return true;
}

/* Whether string id is defined; inline like tables_thread(). */
static inline bool tables_has_string(const struct reader_tables *t, uint32_t id)
{
	return id < t->str_small_n ? t->str_small[id] != 0 : tables_string(t, id, NULL) != NULL;
}

/* name must live as long as the tables (use tables_strdup). */
int tables_set_syscall(struct reader_tables *t, uint64_t nr, const char *name);
const char *tables_syscall(const struct reader_tables *t, uint32_t nr);

#endif
