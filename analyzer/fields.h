/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The grouping FIELDS of the reports (--by, --fields): parsing the comma list and
 * rendering one field of a resolved event as text.
 *
 * Rendered text is raw (paths and comms may hold any byte); the output format escapes
 * it (analyzer/escape.h). Stable placeholders: a missing path is "[no path]", an empty
 * one "[empty path]", a missing fd "-", flags of a syscall without a flags argument "-",
 * errno of a success "ok", an unknown comm or syscall "?".
 */
#ifndef IOR_ANALYZER_FIELDS_H
#define IOR_ANALYZER_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "analyzer/buf.h"
#include "analyzer/revent.h"

enum ior_field_id {
	IOR_FIELD_COMM,
	IOR_FIELD_PID,
	IOR_FIELD_TID,
	IOR_FIELD_PATH,
	IOR_FIELD_DIR, /* the path's directory; depth limits it to its first N components */
	IOR_FIELD_SYSCALL,
	IOR_FIELD_CLASS,
	IOR_FIELD_FD,
	IOR_FIELD_FLAGS, /* decoded per syscall (analyzer/decode.h) */
	IOR_FIELD_ERRNO,
	IOR_FIELD_COUNT
};

struct ior_field {
	enum ior_field_id id;
	unsigned depth; /* IOR_FIELD_DIR: "dir:N" gives N (1..255); 0 = the whole directory */
};

#define IOR_FIELDS_MAX 16
#define IOR_NO_PATH "[no path]"
#define IOR_EMPTY_PATH "[empty path]" /* a path argument of "" (AT_EMPTY_PATH calls) */
/* For usage messages and --help. */
#define IOR_FIELDS_VALID "comm, pid, tid, path, dir, dir:N, syscall, class, fd, flags, errno"

struct ior_fields {
	struct ior_field f[IOR_FIELDS_MAX];
	unsigned n;
};

/*
 * Parse "comm,path,dir:2" into fs (in order; a field may repeat). Returns 0, or -EINVAL
 * with a one-line reason in err[0..errlen) such as
 * "unknown field 'paht' (valid: comm, pid, ...)".
 */
int ior_fields__parse(struct ior_fields *fs, const char *list, char *err, size_t errlen);

/* "comm", "dir" ... (without the depth). */
const char *ior_field_name(enum ior_field_id id);

/* Append the field's name as the user wrote it: "comm", "dir", "dir:2". */
void ior_field__label(struct ior_buf *b, const struct ior_field *f);

/* Whether the event failed: the kernel's -errno range, -4095..-1. */
static inline bool ior_event_failed(const struct ior_event *ev)
{
	return ev->ret < 0 && ev->ret >= -4095;
}

static inline bool ior_revent_failed(const struct ior_revent *re)
{
	return ior_event_failed(&re->ev);
}

/* Append field f of re, unescaped. 0 or -ENOMEM. */
int ior_field__render(struct ior_buf *b, const struct ior_field *f, const struct ior_revent *re);

/*
 * The directory of path[0..len) (trailing slashes ignored), its first depth components
 * when depth > 0: "/var/lib/x" gives "/var/lib", depth 1 "/var"; "/x" gives "/"; a path
 * with no '/' ("pipe:[12]", an unresolved name) is its own directory. The result is a
 * prefix of path: its length is returned.
 */
size_t ior_path_dir_len(const char *path, size_t len, unsigned depth);

/*
 * --path-frames: split a path into frames, each a substring of path: "/" for the root,
 * every directory with its trailing '/', then the last component ("/var/lib/x" gives
 * "/", "var/", "lib/", "x"). Repeated slashes are skipped. Start with *pos = 0; returns
 * false when there is no further frame, else sets *frame and *flen.
 */
bool ior_path_next_frame(const char *path, size_t len, size_t *pos, const char **frame,
			 size_t *flen);

/*
 * One collapsed-stack line's frames for re: every field rendered and escaped with
 * ior_escape_frame(), joined by ';' (no weight, no newline). With path_frames, path
 * fields become one frame per ior_path_next_frame(). tmp is caller-owned scratch
 * (reused, not freed here). 0 or -ENOMEM.
 */
int ior_fields__collapse(struct ior_buf *out, struct ior_buf *tmp, const struct ior_fields *fs,
			 const struct ior_revent *re, bool path_frames);

#endif /* IOR_ANALYZER_FIELDS_H */
