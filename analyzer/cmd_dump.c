// SPDX-License-Identifier: GPL-2.0-only
/*
 * ior-analyze dump: every event, one line each, strace-like:
 *   12.000345 bash(1234/1234) openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3 <0.000012>
 * or NDJSON with --json. Arguments are shown in the syscall's argument order, from the
 * fields the recording has for it (common/syscalls.c).
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "analyzer/buf.h"
#include "analyzer/cmd.h"
#include "analyzer/decode.h"
#include "analyzer/escape.h"
#include "common/log.h"

static const char dump_help[] =
	"Usage: ior-analyze dump [OPTIONS] FILE\n\n"
	"Print every recorded syscall, one per line, in the order they completed:\n"
	"  TIME COMM(PID/TID) SYSCALL(ARGS) = RESULT <DURATION>\n"
	"TIME is seconds since the recording start; an fd argument is followed by its\n"
	"file in angle brackets (3</etc/passwd>); lost events and process changes are\n"
	"shown as comments. A call already running when the recording started shows\n"
	"its duration as a lower bound: <>=0.812345>.\n\n"
	"Options:\n"
	"  --json                  one JSON object per line (NDJSON); bytes that are not\n"
	"                          UTF-8 and backslashes in strings appear as \\xNN\n"
	"  --salvage               also read a truncated last chunk (unverified)\n"
	"  -h, --help              this help\n\n" IOR_FILTER_HELP
	"\nExamples:\n"
	"  ior-analyze dump db.ior | less\n"
	"  ior-analyze dump --failed --path '/etc/**' db.ior\n"
	"  ior-analyze dump --json --syscall fsync,fdatasync --min-duration 1ms db.ior\n";

/* A quoted string argument, C-escaped as strace does, marked when the recorder cut it. */
static void put_string(struct ior_buf *b, const char *s, size_t len, bool truncated)
{
	ior_buf__addc(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			ior_buf__addf(b, "\\%c", c);
		else if (c == '\n')
			ior_buf__adds(b, "\\n");
		else if (c < 0x20 || c >= 0x7f)
			ior_buf__addf(b, "\\x%02x", c);
		else
			ior_buf__addc(b, (char)c);
	}
	ior_buf__addc(b, '"');
	if (truncated)
		ior_buf__adds(b, "...");
}

/* The file behind an fd argument, when the event's file is that fd's. */
static void put_fd(struct ior_buf *b, const struct ior_revent *re, int32_t fd, bool first,
		   const char *raw, size_t raw_len)
{
	if (fd == IOR_AT_FDCWD) {
		ior_buf__adds(b, "AT_FDCWD");
		return;
	}
	ior_buf__add_i64(b, fd);
	/* with no path argument, or an empty one (AT_EMPTY_PATH), the event is on the fd */
	if (first && re->kind != IOR_FD_KIND_NONE && re->path && re->resolved &&
	    (!raw || !raw_len)) {
		ior_buf__addc(b, '<');
		ior_buf__add(b, re->path, re->path_len);
		ior_buf__addc(b, '>');
	}
}

/* A path argument as passed, then where it resolved to when that says more. */
static void put_path(struct ior_buf *b, const char *raw, size_t raw_len, const char *abs,
		     size_t abs_len, bool truncated)
{
	put_string(b, raw, raw_len, truncated);
	if (abs && raw_len && (abs_len != raw_len || memcmp(abs, raw, raw_len))) {
		ior_buf__addc(b, '<');
		ior_buf__add(b, abs, abs_len);
		ior_buf__addc(b, '>');
	}
}

/* Syscalls whose aux argument is a file mode or access mode, shown in octal. */
static bool is_mode(const struct ior_revent *re)
{
	static const char *const names[] = { "open",	  "openat",  "openat2",	  "creat",
					     "mkdir",	  "mkdirat", "chmod",	  "fchmod",
					     "fchmodat", "fchmodat2", "mknod",	  "mknodat",
					     "access",	  "faccessat", "faccessat2" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(re->syscall, names[i]))
			return true;
	return false;
}

/* The aux argument (see common/syscalls.c), or false when it is meaningless here. */
static bool put_aux(struct ior_buf *b, const struct ior_revent *re)
{
	/* O_CREAT (0100) and O_TMPFILE (020200000): only then does open take a mode */
	if (re->cls == IOR_CLASS_OPEN && re->desc->special != IOR_SPECIAL_CREAT &&
	    !(re->ev.flags & (0100 | 020200000)))
		return false;
	if (!strcmp(re->syscall, "mmap"))
		return ior_decode_mmap_prot(b, re->ev.aux), true;
	if (is_mode(re))
		ior_buf__addf(b, "0%" PRIo64, re->ev.aux); /* rare: modes */
	else
		ior_buf__add_u64(b, re->ev.aux);
	return true;
}

struct args {
	const struct ior_revent *re;
	const char *raw, *raw2; /* the path arguments as recorded */
	size_t raw_len, raw2_len;
};

static void put_path_arg(struct ior_buf *b, const struct args *a, bool first)
{
	const struct ior_event *ev = &a->re->ev;
	uint32_t unreadable = first ? IOR_STR_PATH_UNREADABLE : IOR_STR_PATH2_UNREADABLE;
	uint32_t truncated = first ? IOR_STR_PATH_TRUNCATED : IOR_STR_PATH2_TRUNCATED;
	const char *raw = first ? a->raw : a->raw2;

	if (!raw)
		ior_buf__adds(b, ev->str_flags & unreadable ? "<unreadable>" : "NULL");
	else if (first)
		put_path(b, raw, a->raw_len, a->re->path, a->re->path_len, ev->str_flags & truncated);
	else
		put_path(b, raw, a->raw2_len, a->re->path2, a->re->path2_len,
			 ev->str_flags & truncated);
}

/* One argument at 1-based position pos, if the descriptor maps a field there. */
static bool put_arg(struct ior_buf *b, const struct args *a, unsigned pos)
{
	const struct ior_revent *re = a->re;
	const struct ior_syscall_desc *d = re->desc;
	const struct ior_event *ev = &re->ev;

	if (d->fd == pos)
		put_fd(b, re, ev->fd, true, a->raw, a->raw_len);
	else if (d->fd2 == pos)
		put_fd(b, re, ev->fd2, false, NULL, 0);
	else if (d->path == pos || d->path2 == pos)
		put_path_arg(b, a, d->path == pos);
	else if (d->flags == pos)
		ior_decode_flags(b, re->syscall, ev->flags);
	else if (d->aux == pos)
		return put_aux(b, re);
	else if (d->bytes == pos)
		ior_buf__add_u64(b, ev->bytes);
	else
		return false;
	return true;
}

static void put_args(struct ior_buf *b, const struct ior_revent *re, const struct ior_reader *r)
{
	struct args a = { .re = re };
	bool any = false;

	if (!re->desc) {
		ior_buf__adds(b, "...");
		return;
	}
	a.raw = ior_reader__string(r, re->ev.path, &a.raw_len);
	a.raw2 = ior_reader__string(r, re->ev.path2, &a.raw2_len);
	for (unsigned pos = IOR_ARG1; pos <= IOR_ARG6; pos++) {
		size_t at = b->len;

		if (any)
			ior_buf__adds(b, ", ");
		if (put_arg(b, &a, pos))
			any = true;
		else
			b->len = at;
	}
	if (re->desc->special == IOR_SPECIAL_FD_PAIR && re->ev.ret == 0)
		ior_buf__addf(b, "%s[%d, %d]", any ? " => " : "", re->ev.fd, re->ev.fd2);
}

static void put_result(struct ior_buf *b, const struct ior_revent *re)
{
	int64_t ret = re->ev.ret;

	if (ret < 0 && ret >= -4095) {
		ior_buf__adds(b, " = -1 ");
		ior_decode_errno(b, -ret);
	} else if (re->desc && re->desc->ret == IOR_RET_ADDR) {
		ior_buf__adds(b, " = ");
		ior_buf__add_hex(b, (uint64_t)ret);
	} else {
		ior_buf__adds(b, " = ");
		ior_buf__add_i64(b, ret);
	}
}

/* Every line goes through here: plain appends, no printf (it dominated the dump). */
static void dump_text(struct ior_buf *b, const struct ior_revent *re, const struct ior_reader *r)
{
	ior_buf__add_seconds(b, re->rel_ns);
	ior_buf__addc(b, ' ');
	ior_buf__adds(b, re->comm);
	ior_buf__addc(b, '(');
	ior_buf__add_u64(b, re->ev.pid);
	ior_buf__addc(b, '/');
	ior_buf__add_u64(b, re->ev.tid);
	ior_buf__adds(b, ") ");
	ior_buf__adds(b, re->syscall);
	ior_buf__addc(b, '(');
	put_args(b, re, r);
	ior_buf__addc(b, ')');
	put_result(b, re);
	/* in flight when the recording started: the duration is a lower bound */
	ior_buf__adds(b, re->ev.str_flags & IOR_EV_ENTRY_UNSEEN ? " <>=" : " <");
	ior_buf__add_seconds(b, (int64_t)re->ev.dur_ns);
	ior_buf__adds(b, ">\n");
}

static void json_key(struct ior_buf *b, const char *key)
{
	ior_buf__adds(b, ",\"");
	ior_buf__adds(b, key);
	ior_buf__adds(b, "\":");
}

static void json_str(struct ior_buf *b, const char *key, const char *s, size_t len)
{
	json_key(b, key);
	if (s)
		ior_json_string(b, s, len);
	else
		ior_buf__adds(b, "null");
}

static void json_u64(struct ior_buf *b, const char *key, uint64_t v)
{
	json_key(b, key);
	ior_buf__add_u64(b, v);
}

static void json_fd(struct ior_buf *b, const char *key, int32_t fd)
{
	json_key(b, key);
	if (fd == IOR_FD_NONE)
		ior_buf__adds(b, "null");
	else
		ior_buf__add_i64(b, fd);
}

static void dump_json(struct ior_buf *b, struct ior_buf *tmp, const struct ior_revent *re)
{
	const struct ior_event *ev = &re->ev;

	ior_buf__adds(b, "{\"time\":");
	ior_buf__add_seconds(b, re->rel_ns);
	json_key(b, "start_ns");
	ior_buf__add_i64(b, ev->start_ns);
	json_u64(b, "dur_ns", ev->dur_ns);
	json_str(b, "comm", re->comm, strlen(re->comm));
	json_u64(b, "pid", ev->pid);
	json_u64(b, "tid", ev->tid);
	json_str(b, "syscall", re->syscall, strlen(re->syscall));
	json_key(b, "class");
	ior_buf__addc(b, '"');
	ior_buf__adds(b, ior_class_name(re->cls));
	ior_buf__addc(b, '"');
	json_key(b, "ret");
	ior_buf__add_i64(b, ev->ret);
	json_key(b, "errno");
	if (ev->ret < 0 && ev->ret >= -4095) {
		ior_buf__addc(b, '"');
		ior_buf__adds(b, ior_errno_name(-ev->ret));
		ior_buf__addc(b, '"');
	} else {
		ior_buf__adds(b, "null");
	}
	json_fd(b, "fd", ev->fd);
	json_fd(b, "fd2", ev->fd2);
	json_str(b, "path", re->path, re->path_len);
	json_str(b, "path2", re->path2, re->path2_len);
	json_key(b, "resolved");
	ior_buf__adds(b, re->resolved ? "true" : "false");
	json_u64(b, "bytes", ev->bytes);
	ior_buf__reset(tmp);
	ior_decode_flags(tmp, re->syscall, ev->flags);
	json_str(b, "flags", ior_buf__str(tmp), tmp->len);
	json_u64(b, "flags_raw", ev->flags);
	json_u64(b, "aux", ev->aux);
	json_u64(b, "gap_ns", re->gap_ns);
	/* only when set: dur_ns is then a lower bound (in flight at the start) */
	if (ev->str_flags & IOR_EV_ENTRY_UNSEEN)
		ior_buf__adds(b, ",\"entry_unseen\":true");
	ior_buf__adds(b, "}\n");
}

static void dump_other(struct ior_buf *b, const struct ior_record *rec, const struct ior_header *h,
		       bool json)
{
	char t[32];

	if (rec->type == IOR_REC_LOST) {
		ior_fmt_seconds(t, sizeof(t), (int64_t)((uint64_t)rec->lost.time_ns -
							(uint64_t)h->start_ns));
		if (json)
			ior_buf__addf(b, "{\"time\":%s,\"lost\":%" PRIu64 ",\"cpu\":%u}\n", t,
				      rec->lost.count, rec->lost.cpu);
		else
			ior_buf__addf(b, "%s # %" PRIu64 " events lost on cpu %u\n", t,
				      rec->lost.count, rec->lost.cpu);
	}
}

static int dump_all(struct ior_input *in, const struct ior_filter *f, bool json)
{
	struct ior_buf b = IOR_BUF_INIT, tmp = IOR_BUF_INIT;
	struct ior_revent re;
	struct ior_record rec;
	int n;

	while ((n = ior_input__next(in, f, &re, &rec)) > 0) {
		ior_buf__reset(&b);
		if (n == 2)
			dump_other(&b, &rec, ior_reader__header(in->r), json);
		else if (json)
			dump_json(&b, &tmp, &re);
		else
			dump_text(&b, &re, in->r);
		if (b.oom || fwrite(ior_buf__str(&b), 1, b.len, stdout) != b.len) {
			n = -1;
			break;
		}
	}
	ior_buf__free(&b);
	ior_buf__free(&tmp);
	return n < 0 ? IOR_EXIT_FAIL : IOR_EXIT_OK;
}

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' },
					      { "json", no_argument, NULL, 'j' },
					      { "salvage", no_argument, NULL, 's' },
					      IOR_FILTER_LONG_OPTIONS, { 0 } };
	struct ior_filter f;
	struct ior_input in = { 0 };
	bool json = false, salvage = false;
	int opt, status;

	ior_filter__init(&f);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(dump_help, stdout);
			ior_filter__free(&f);
			return ior_finish_stdout(IOR_EXIT_OK);
		} else if (opt == 'j') {
			json = true;
		} else if (opt == 's') {
			salvage = true;
		} else if (!ior_filter__is_opt(opt) || ior_filter_opt_or_fail(&f, opt, optarg)) {
			ior_filter__free(&f);
			return ior_usage_hint("dump");
		}
	}
	if (optind != argc - 1) {
		ior_err("dump takes one recording");
		ior_filter__free(&f);
		return ior_usage_hint("dump");
	}
	status = ior_input__open(&in, argv[optind], &(struct ior_input_opts){ .salvage = salvage });
	if (!status)
		status = ior_filter_bind_or_fail(&f, &in);
	if (!status)
		status = dump_all(&in, &f, json);
	if (in.r)
		ior_input__close(&in);
	ior_filter__free(&f);
	return ior_finish_stdout(status);
}
