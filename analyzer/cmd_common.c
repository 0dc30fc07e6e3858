// SPDX-License-Identifier: GPL-2.0-only
#include "analyzer/cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

int ior_input__open(struct ior_input *in, const char *name, bool salvage)
{
	struct ior_reader_opts o = { .salvage = salvage };

	memset(in, 0, sizeof(*in));
	in->name = name;
	in->fd = strcmp(name, "-") == 0 ? STDIN_FILENO : open(name, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0) {
		ior_err("cannot open '%s': %s", name, strerror(errno));
		return IOR_EXIT_FAIL;
	}
	in->r = ior_reader__open(in->fd, &o);
	if (!in->r) {
		const char *why = ior_reader__open_error();

		ior_err("'%s': %s", name, *why ? why : strerror(errno));
		if (in->fd != STDIN_FILENO)
			close(in->fd);
		return IOR_EXIT_FAIL;
	}
	in->rp = ior_replay__new(in->r);
	if (!in->rp) {
		ior_err("'%s': %s", name, strerror(ENOMEM));
		ior_input__close(in);
		return IOR_EXIT_FAIL;
	}
	return IOR_EXIT_OK;
}

int ior_input__next(struct ior_input *in, const struct ior_filter *f, struct ior_revent *re,
		    struct ior_record *recp)
{
	struct ior_record local, *rec = recp ? recp : &local;

	for (;;) {
		int n = ior_reader__next(in->r, rec);

		if (n < 0) {
			ior_err("'%s': read error: %s", in->name, strerror(-n));
			return -1;
		}
		if (n == 0)
			return 0;
		n = ior_replay__apply(in->rp, rec, re);
		if (n < 0) {
			ior_err("'%s': %s", in->name, strerror(-n));
			return -1;
		}
		if (n == 0) {
			if (recp && rec->type != IOR_REC_PROC)
				return 2; /* a lost or end record the caller wants to see */
			continue;
		}
		if (!f || ior_filter__match(f, re))
			return 1;
	}
}

void ior_input__close(struct ior_input *in)
{
	const char *w;

	if (in->r) {
		w = ior_reader__warning(in->r);
		while (*w) {
			const char *nl = strchr(w, '\n');
			int len = nl ? (int)(nl - w) : (int)strlen(w);

			ior_warn("'%s': %.*s", in->name, len, w);
			w += len + (nl ? 1 : 0);
		}
	}
	ior_replay__free(in->rp);
	ior_reader__close(in->r);
	if (in->fd > STDIN_FILENO)
		close(in->fd);
	memset(in, 0, sizeof(*in));
}

int ior_filter_bind_or_fail(struct ior_filter *f, const struct ior_input *in)
{
	if (ior_filter__bind(f, ior_reader__header(in->r)) == 0)
		return IOR_EXIT_OK;
	ior_err("%s", f->err);
	return IOR_EXIT_USAGE;
}

int ior_filter_opt_or_fail(struct ior_filter *f, int opt, const char *arg)
{
	if (ior_filter__parse_opt(f, opt, arg) == 0)
		return IOR_EXIT_OK;
	ior_err("%s", f->err);
	return IOR_EXIT_USAGE;
}

int ior_usage_hint(const char *cmd)
{
	fprintf(stderr, "Try 'ior-analyze %s --help'.\n", cmd);
	return IOR_EXIT_USAGE;
}

int ior_finish_stdout(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			ior_err("cannot write the output: %s", strerror(errno));
		return status ? status : IOR_EXIT_FAIL;
	}
	return status;
}

void ior_fmt_seconds(char *buf, size_t len, int64_t ns)
{
	const char *sign = ns < 0 ? "-" : "";
	uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;

	snprintf(buf, len, "%s%" PRIu64 ".%06" PRIu64, sign, a / 1000000000u,
		 a % 1000000000u / 1000u);
}
