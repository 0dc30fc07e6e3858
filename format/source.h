/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The reader's frame layer: walks a recording's zstd frames, decodes each chunk frame
 * block by block and verifies its checksum, skips damage and resynchronises, and hands
 * out verified chunks (decompressed CBOR bytes).
 *
 * Warnings from both layers go to one mutex-protected list (struct ior_warnings).
 */
#ifndef IOR_FORMAT_SOURCE_H
#define IOR_FORMAT_SOURCE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ior_warnings {
	pthread_mutex_t lock;
	char *text;
	size_t len, cap;
	unsigned lines;
};

void ior_warnings__init(struct ior_warnings *w);
void ior_warnings__free(struct ior_warnings *w);
/* Append one line (at most a few dozen are kept, then one "not shown" line). */
__attribute__((format(printf, 2, 3))) void ior_warnings__add(struct ior_warnings *w,
							      const char *fmt, ...);

/* What the frame layer has seen so far. */
struct ior_source_stats {
	uint64_t chunks, bad_chunks, skipped_bytes, file_bytes;
	bool truncated, has_index;
};

/* A decoded chunk; the caller owns it (ior_chunk__free). */
struct ior_chunk {
	uint8_t *buf;
	size_t len, cap;
	uint64_t offset;           /* of its frame in the file */
	bool unverified;           /* a truncated last chunk returned under salvage */
	int status;                /* 1 chunk, 0 end of input, -errno read error */
	struct ior_source_stats st; /* the source's stats once this chunk was produced */
};

struct ior_source;

/* NULL with errno ENOMEM. The source reads fd (not closed by it) and warns into w. */
struct ior_source *ior_source__new(int fd, bool salvage, struct ior_warnings *w);

/*
 * Read and check the 16-byte magic frame; 0, or -EINVAL (not a recording; msg says why)
 * or -EPROTONOSUPPORT (another major version; *major and *minor say which).
 */
int ior_source__magic(struct ior_source *s, unsigned *major, unsigned *minor, const char **msg);

/* Decode the header frame into *c (verified). 0 or -EIO / -ENOMEM. */
int ior_source__header(struct ior_source *s, struct ior_chunk *c);

/*
 * Decode the next chunk into c (whose buffer is reused): returns c->status, 1 with
 * records, 0 at the end of the input, -errno on a read error; c->st is the source's
 * stats after it. After 0 or an error every call returns the same.
 */
int ior_source__next(struct ior_source *s, struct ior_chunk *c);

/* Whether the calling thread may be cancelled while blocked in read() (and only there). */
void ior_source__cancelable(struct ior_source *s, bool on);

/* Frees everything. NULL is a no-op. */
void ior_source__free(struct ior_source *s);

void ior_chunk__free(struct ior_chunk *c);

#endif /* IOR_FORMAT_SOURCE_H */
