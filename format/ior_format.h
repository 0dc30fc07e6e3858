/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The .ior recording format: writer and streaming reader.
 *
 * format/SPEC.md is the normative description of the bytes; this header is the C API.
 * A recording is a sequence of zstd frames whose decompressed bytes form one CBOR
 * Sequence: a header, then independent chunks of records (events, string and thread
 * definitions, lifecycle and snapshot records, sync and lost-event records), an end
 * record, and an index in a skippable frame on clean close.
 *
 * Errors: int functions return 0 or -errno; constructors return NULL and set errno.
 * This layer never prints; the reader reports damage through ior_reader__stats() and
 * ior_reader__warning().
 */
#ifndef IOR_FORMAT_H
#define IOR_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The version written; a reader reads every major from IOR_FORMAT_MAJOR_OLDEST on. */
#define IOR_FORMAT_MAJOR 2
#define IOR_FORMAT_MINOR 0
#define IOR_FORMAT_MAJOR_OLDEST 1

/* "not applicable" for fd, fd2: distinct from every real fd argument (-1 is a real one). */
#define IOR_FD_NONE INT32_MIN
/* string id 0 means "no string" */
#define IOR_STR_NONE 0u

/*
 * ior_event.str_flags bits: a string was cut at the recorder's limit, or could not be
 * read; or the call's entry was not seen (it was in flight when the recording started:
 * start_ns is the recording start and dur_ns a lower bound).
 */
enum ior_str_flag {
	IOR_STR_PATH_TRUNCATED = 1u << 0,
	IOR_STR_PATH_UNREADABLE = 1u << 1,
	IOR_STR_PATH2_TRUNCATED = 1u << 2,
	IOR_STR_PATH2_UNREADABLE = 1u << 3,
	IOR_EV_ENTRY_UNSEEN = 1u << 4,
};

/*
 * One completed syscall. Absent optional values: fd/fd2 = IOR_FD_NONE, strings =
 * IOR_STR_NONE, numbers 0. Meaning of flags/aux/bytes per syscall: SPEC.md, "Events".
 */
struct ior_event {
	int64_t start_ns;  /* entry time, recording clock (see header.clock) */
	uint64_t dur_ns;   /* exit - entry */
	uint32_t pid;      /* thread-group id */
	uint32_t tid;      /* thread id */
	uint32_t nr;       /* syscall number on the recording host (header.syscalls) */
	uint32_t str_flags;
	int64_t ret;       /* raw kernel return value, -errno on failure */
	int32_t fd;        /* fd or dirfd argument */
	int32_t fd2;       /* second fd or dirfd (dup2's newfd, renameat's newdirfd, ...) */
	uint64_t bytes;    /* bytes transferred or affected */
	uint64_t flags;    /* open flags, mmap flags, fcntl cmd, ... */
	uint64_t aux;      /* a further argument: mode, prot, fcntl arg, whence, ... */
	uint32_t path;     /* interned string id: path argument */
	uint32_t path2;    /* interned string id: second path (rename, link, symlink) */
};

/* Process lifecycle and /proc snapshot records: SPEC.md, "Process records". */
enum ior_proc_kind {
	IOR_PROC_FORK = 1,  /* a new task: child pid/tid, parent pid/tid, clone flags */
	IOR_PROC_EXEC = 2,  /* pid executed path; comm is the new comm */
	IOR_PROC_EXIT = 3,  /* a task ended; code is its exit code */
	IOR_PROC_COMM = 4,  /* comm changed (prctl PR_SET_NAME, pthread_setname_np) */
	IOR_PROC_SNAP = 5,  /* snapshot: a task alive at start, with comm, cwd, root */
	IOR_PROC_FD = 6,    /* snapshot: fd of pid is path, with open flags */
	IOR_PROC_CWD = 7,   /* cwd (or root) of pid changed: path is the new absolute one */
	IOR_PROC_MAP = 8,   /* snapshot: pid maps path at [clone_flags, flags), file offset code */
};

/* ior_proc.clone_flags bits the analyzer relies on; the kernel's CLONE_* values. */
#define IOR_CLONE_VM 0x00000100u
#define IOR_CLONE_FS 0x00000200u
#define IOR_CLONE_FILES 0x00000400u
#define IOR_CLONE_THREAD 0x00010000u

struct ior_proc {
	enum ior_proc_kind kind;
	int64_t time_ns;
	uint32_t pid, tid;         /* the task this record is about */
	uint32_t ppid, ptid;       /* FORK: the parent; SNAP: ppid */
	uint64_t clone_flags;      /* FORK; MAP: start address */
	int64_t code;              /* EXIT: wait status (exit(1) is 256); FD: fd number;
				    * CWD: 0 = cwd, 1 = root; MAP: file offset */
	uint64_t flags;            /* FD: open flags (O_CLOEXEC included when set);
				    * EXIT: 1 when the whole process ended; MAP: end address */
	uint32_t comm;             /* string id: EXEC, COMM, SNAP */
	uint32_t path;             /* string id: EXEC filename, FD path, SNAP cwd, CWD path */
	uint32_t path2;            /* string id: SNAP root */
};

/* The recorder's lost-event report: count lost on cpu since the previous report. */
struct ior_lost {
	int64_t time_ns;
	uint32_t cpu;
	uint64_t count;
};

struct ior_syscall_name {
	uint32_t nr;
	const char *name;
};

/*
 * Recording header. Strings are NUL-terminated. In a header returned by the reader all
 * pointers stay valid until ior_reader__close().
 */
struct ior_header {
	uint32_t major, minor;
	const char *tool_version;
	const char *hostname;
	const char *kernel;        /* uname -r */
	const char *arch;          /* uname -m */
	uint32_t ncpus;
	const char *clock;         /* "monotonic" */
	int64_t wall_offset_ns;    /* event time + offset = ns since the Unix epoch */
	int64_t start_ns;          /* recording start, recording clock */
	const char *const *argv;   /* recorder command line */
	uint32_t argc;
	const char *options;       /* recorder options, free text (key=value ...) */
	const struct ior_syscall_name *syscalls;
	uint32_t nsyscalls;
	/*
	 * The syscalls the user asked for (-e/-x), when the recorder also recorded others
	 * that attributing files needs (opens, closes, dups, ...); reports show only these by
	 * default. nselected == 0: every recorded syscall was asked for.
	 */
	const uint32_t *selected;
	uint32_t nselected;
};

/* Why a recording ended (end record). */
enum ior_end_reason {
	IOR_END_NORMAL = 0,   /* duration elapsed or command exited */
	IOR_END_SIGNAL = 1,   /* SIGINT/SIGTERM */
	IOR_END_MAX_SIZE = 2, /* --max-size reached */
	IOR_END_ERROR = 3,    /* write error (disk full, ...) */
};

struct ior_end {
	int64_t time_ns;
	uint64_t events;
	uint64_t lost;
	enum ior_end_reason reason;
};

/* ---- writer ---------------------------------------------------------------- */

struct ior_writer;

struct ior_writer_opts {
	int level;                /* zstd level; 0 = ior's default (format/zparams.c) */
	size_t chunk_bytes;       /* uncompressed bytes per chunk; 0 = default (4 MiB) */
	uint64_t max_bytes;       /* stop accepting records past this many bytes on disk; 0 = none */
};

/*
 * Start a recording on fd (the writer does not close it; it writes with write(2) only,
 * so a pipe works). Writes the magic and the header, flushed. Returns NULL with errno set.
 * The header's strings are copied.
 */
struct ior_writer *ior_writer__open(int fd, const struct ior_header *hdr,
				    const struct ior_writer_opts *opts);

/*
 * Intern a byte string (not necessarily UTF-8, may hold any byte but is taken as len
 * bytes) and return its id (>= 1). The same bytes always return the same id. Never fails
 * except on memory exhaustion (returns 0, errno ENOMEM).
 */
uint32_t ior_writer__intern(struct ior_writer *w, const void *bytes, size_t len);

/*
 * Append one event / process record / lost report. Ids in the record must come from
 * ior_writer__intern(). Does not allocate once warm. Returns 0, -EFBIG once max_bytes
 * is reached (nothing more is accepted; close still completes the file), or -errno of
 * a failed write or allocation (sticky: every later call returns it; -ENOSPC when the
 * disk is full). What was flushed before an error stays readable.
 */
int ior_writer__append_event(struct ior_writer *w, const struct ior_event *ev);
int ior_writer__append_proc(struct ior_writer *w, const struct ior_proc *p);
int ior_writer__append_lost(struct ior_writer *w, const struct ior_lost *l);

/*
 * Make everything appended so far durable against a crash of this process: ends the
 * current chunk (a verified zstd frame with a sync record) and writes it out.
 */
int ior_writer__flush(struct ior_writer *w);

/* Bytes written to fd so far, and events appended so far. */
uint64_t ior_writer__bytes_written(const struct ior_writer *w);
uint64_t ior_writer__events(const struct ior_writer *w);

/*
 * Write the end record and the index, and free the writer (fd stays open). end->events
 * and end->lost are filled by the writer when zero. Returns 0 or -errno; the writer is
 * freed either way. ior_writer__close(NULL, ...) is a no-op.
 */
int ior_writer__close(struct ior_writer *w, const struct ior_end *end);

/* Free without writing the end (for error paths and tests of crash behaviour). */
void ior_writer__abandon(struct ior_writer *w);

/* ---- reader ----------------------------------------------------------------- */

struct ior_reader;

struct ior_reader_opts {
	/*
	 * Also return records of a chunk that could not be verified (a truncated final
	 * chunk: no checksum yet). Off by default: only verified chunks are returned.
	 */
	bool salvage;
	/*
	 * Decompress and verify chunks ahead on a second thread while the caller works on
	 * the current one. Records, order and results are the same either way.
	 */
	bool threads;
	/*
	 * Event fields the caller does not need (enum ior_event_skip bits): they read as
	 * their defaults, and event blocks do not decode them. Their streams are checked only
	 * for framing (SPEC.md, section 7), so a block whose skipped values alone break a rule
	 * is read. start_ns, dur_ns, nr, ret and bytes are always read.
	 */
	unsigned skip;
};

enum ior_event_skip {
	IOR_SKIP_THREAD = 1u << 0, /* pid, tid: 0 */
	IOR_SKIP_FD = 1u << 1,     /* fd: IOR_FD_NONE */
	IOR_SKIP_AUX = 1u << 2,    /* aux: 0 */
	IOR_SKIP_FLAGS = 1u << 3,  /* flags: 0 */
	IOR_SKIP_PATH = 1u << 4,   /* path: 0 */
	IOR_SKIP_EXT = 1u << 5,    /* path2 0, fd2 IOR_FD_NONE, str_flags 0 */
	IOR_SKIP_ALL = (1u << 6) - 1,
};

enum ior_record_type {
	IOR_REC_EOF = 0,
	IOR_REC_EVENT = 1,
	IOR_REC_PROC = 2,
	IOR_REC_LOST = 3,
	IOR_REC_END = 4,
	IOR_REC_EVENTS = 5, /* a run of events: ior_reader__next_run() only */
};

struct ior_record {
	enum ior_record_type type;
	union {
		struct ior_event event;
		struct ior_proc proc;
		struct ior_lost lost;
		struct ior_end end;
		struct {
			const struct ior_event *v;
			size_t n; /* >= 1 */
		} events;
	};
};

struct ior_reader_stats {
	uint64_t events;         /* events returned */
	uint64_t chunks;         /* chunks decoded and verified */
	uint64_t bad_chunks;     /* chunks skipped: checksum, zstd or CBOR damage */
	uint64_t skipped_bytes;  /* compressed bytes skipped (damage, resync, unverified tail) */
	uint64_t lost;           /* sum of lost-event reports */
	bool clean_close;        /* the end record was found */
	bool has_index;          /* the index frame was found after it */
	bool truncated;          /* the file ended inside a chunk or before the end record */
	uint64_t file_bytes;     /* compressed bytes consumed */
	uint64_t sync_events;    /* event count of the last sync record (what the writer had) */
};

/*
 * Open a recording from fd (a file or a pipe; the reader does not close it). Reads and
 * checks the magic and the header. Returns NULL with errno: EINVAL (not an ior file),
 * EPROTONOSUPPORT (a different major version; ior_reader__open_error() says which),
 * EIO (header damaged), ENOMEM.
 */
struct ior_reader *ior_reader__open(int fd, const struct ior_reader_opts *opts);

/* One line describing why the last ior_reader__open() failed (static storage). */
const char *ior_reader__open_error(void);

/* The header; valid until ior_reader__close(). */
const struct ior_header *ior_reader__header(const struct ior_reader *r);

/*
 * The next record, in file order. Returns 1 with *rec filled, 0 at the end of the
 * readable data, -errno on a read error of fd. Damage never returns an error: damaged
 * parts are skipped, counted in the stats and described by ior_reader__warning().
 */
int ior_reader__next(struct ior_reader *r, struct ior_record *rec);

/*
 * Like ior_reader__next(), but consecutive events come as runs, the fastest way to read
 * them: rec->type IOR_REC_EVENTS with rec->events.v[0 .. rec->events.n), valid until
 * the next call on r. Every other record comes as from ior_reader__next(); the two calls
 * may be mixed, and return the same records in the same order.
 */
int ior_reader__next_run(struct ior_reader *r, struct ior_record *rec);

/*
 * The bytes of string id (len in *len); NULL for IOR_STR_NONE or an unknown id. Valid
 * until ior_reader__close(). Strings are not NUL-terminated inside the data but the
 * returned buffer always has a NUL after len bytes for convenience.
 */
const char *ior_reader__string(const struct ior_reader *r, uint32_t id, size_t *len);

/* Syscall name of the recording host for nr, or NULL. */
const char *ior_reader__syscall_name(const struct ior_reader *r, uint32_t nr);

void ior_reader__stats(const struct ior_reader *r, struct ior_reader_stats *st);

/*
 * Warnings collected so far while reading (damage, truncation, resync), one per line
 * ending in '\n', at most a few dozen lines then a count; "" when none. Valid until the
 * next ior_reader__next() or ior_reader__close().
 */
const char *ior_reader__warning(const struct ior_reader *r);

/*
 * Whether the recording in fd ends with its index frame, as only a cleanly closed one
 * does (SPEC.md 2.4): a look at the trailer with pread, which leaves fd's offset alone.
 * false for a pipe, an unfinished or cut recording, or a read error. A hint, not a
 * check: the reader still verifies every chunk.
 */
bool ior_file_ends_with_index(int fd);

/*
 * Chunks on several threads. A fork of r is another reader of r's recording for a
 * thread of its own: r and its forks take the recording's chunks in turns, as each asks
 * for its next, so together they return every record once, but in no order across
 * readers. Each decodes its chunks with tables of its own: string definitions stay in
 * the reader that read them, and thread ids resolve only through definitions in the
 * same chunk (SPEC.md 4.3), so a chunk that leans on another's is reported as damaged.
 * Warnings of all go to r's list. At the end of the input none of them warns about an
 * unfinished recording: the caller sums the stats and judges.
 *
 * Fork before r returns its first record; r must have been opened without threads and
 * must outlive its forks. NULL with errno (EINVAL, ENOMEM).
 */
struct ior_reader *ior_reader__fork(struct ior_reader *r);

/*
 * Whether every string id both readers have defined has the same bytes in both (a
 * conflict one reader alone would have warned about). Strings are kept per reader.
 */
bool ior_reader__strings_agree(const struct ior_reader *a, const struct ior_reader *b);

void ior_reader__close(struct ior_reader *r);

#endif /* IOR_FORMAT_H */
