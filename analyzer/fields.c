// SPDX-License-Identifier: GPL-2.0-only
#include "analyzer/fields.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/decode.h"
#include "analyzer/escape.h"

static const char *const names[IOR_FIELD_COUNT] = {
    [IOR_FIELD_COMM] = "comm",	 [IOR_FIELD_PID] = "pid", [IOR_FIELD_TID] = "tid",
    [IOR_FIELD_PATH] = "path",	 [IOR_FIELD_DIR] = "dir", [IOR_FIELD_SYSCALL] = "syscall",
    [IOR_FIELD_CLASS] = "class", [IOR_FIELD_FD] = "fd",	  [IOR_FIELD_FLAGS] = "flags",
    [IOR_FIELD_ERRNO] = "errno",
};

const char *ior_field_name(enum ior_field_id id)
{
	return (unsigned)id < IOR_FIELD_COUNT ? names[id] : "?";
}

void ior_field__label(struct ior_buf *b, const struct ior_field *f)
{
	ior_buf__adds(b, ior_field_name(f->id));
	if (f->id == IOR_FIELD_DIR && f->depth)
		ior_buf__addf(b, ":%u", f->depth);
}

/* One item of the list, s[0..len). */
static int parse_one(struct ior_field *f, const char *s, size_t len, char *err, size_t errlen)
{
	for (int i = 0; i < IOR_FIELD_COUNT; i++) {
		size_t n = strlen(names[i]);

		if (len == n && memcmp(s, names[i], n) == 0) {
			*f = (struct ior_field){.id = (enum ior_field_id)i};
			return 0;
		}
	}
	if (len > 4 && memcmp(s, "dir:", 4) == 0) {
		unsigned depth = 0;
		size_t i;

		for (i = 4; i < len && s[i] >= '0' && s[i] <= '9' && depth <= 255; i++)
			depth = depth * 10 + (unsigned)(s[i] - '0');
		if (i == len && depth >= 1 && depth <= 255) {
			*f = (struct ior_field){.id = IOR_FIELD_DIR, .depth = depth};
			return 0;
		}
		snprintf(err, errlen, "bad field '%.*s' (want dir:N with N from 1 to 255)",
			 (int)len, s);
		return -EINVAL;
	}
	snprintf(err, errlen, "unknown field '%.*s' (valid: %s)", (int)len, s, IOR_FIELDS_VALID);
	return -EINVAL;
}

int ior_fields__parse(struct ior_fields *fs, const char *list, char *err, size_t errlen)
{
	const char *s = list;

	fs->n = 0;
	for (;;) {
		size_t len = strcspn(s, ",");

		if (!len) {
			snprintf(err, errlen, "empty field in '%s' (valid: %s)", list,
				 IOR_FIELDS_VALID);
			return -EINVAL;
		}
		if (fs->n == IOR_FIELDS_MAX) {
			snprintf(err, errlen, "more than %d fields in '%s'", IOR_FIELDS_MAX, list);
			return -EINVAL;
		}
		if (parse_one(&fs->f[fs->n], s, len, err, errlen))
			return -EINVAL;
		fs->n++;
		if (!s[len])
			return 0;
		s += len + 1;
	}
}

size_t ior_path_dir_len(const char *path, size_t len, unsigned depth)
{
	size_t k, i = 0;

	while (len > 1 && path[len - 1] == '/')
		len--;
	k = len;
	while (k > 0 && path[k - 1] != '/')
		k--;
	if (k == 0)
		return len; /* no '/': a pseudo path, its own directory */
	while (k > 1 && path[k - 1] == '/')
		k--;
	if (!depth)
		return k;
	for (unsigned c = 0; c < depth; c++) {
		while (i < k && path[i] == '/')
			i++;
		if (i >= k)
			return k;
		while (i < k && path[i] != '/')
			i++;
	}
	return i;
}

bool ior_path_next_frame(const char *path, size_t len, size_t *pos, const char **frame,
			 size_t *flen)
{
	size_t start = *pos, e;

	if (start >= len)
		return false;
	*frame = path + start;
	if (start == 0 && path[0] == '/') {
		e = 1;
		*flen = 1;
	} else {
		for (e = start; e < len && path[e] != '/'; e++)
			;
		if (e < len)
			e++; /* a directory keeps its '/' */
		*flen = e - start;
	}
	while (e < len && path[e] == '/')
		e++;
	*pos = e;
	return true;
}

static int render_path(struct ior_buf *b, const struct ior_field *f, const struct ior_revent *re)
{
	size_t len = re->path_len;

	if (!re->path)
		return ior_buf__adds(b, IOR_NO_PATH);
	if (!len)
		return ior_buf__adds(b, IOR_EMPTY_PATH);
	if (f->id == IOR_FIELD_DIR)
		len = ior_path_dir_len(re->path, len, f->depth);
	return ior_buf__add(b, re->path, len);
}

static int render_fd(struct ior_buf *b, int32_t fd)
{
	if (fd == IOR_FD_NONE)
		return ior_buf__addc(b, '-');
	return ior_decode_dirfd(b, fd);
}

static int render_flags(struct ior_buf *b, const struct ior_revent *re)
{
	const struct ior_syscall_desc *d = re->desc;

	/* a syscall without a flags argument has none to show (creat's are implied) */
	if (d ? !d->flags && d->special != IOR_SPECIAL_CREAT : !re->ev.flags)
		return ior_buf__addc(b, '-');
	return ior_decode_flags(b, re->syscall ? re->syscall : "", re->ev.flags);
}

int ior_field__render(struct ior_buf *b, const struct ior_field *f, const struct ior_revent *re)
{
	switch (f->id) {
	case IOR_FIELD_COMM:
		return ior_buf__adds(b, re->comm && *re->comm ? re->comm : "?");
	case IOR_FIELD_PID:
		return ior_buf__add_u64(b, re->ev.pid);
	case IOR_FIELD_TID:
		return ior_buf__add_u64(b, re->ev.tid);
	case IOR_FIELD_PATH:
	case IOR_FIELD_DIR:
		return render_path(b, f, re);
	case IOR_FIELD_SYSCALL:
		return ior_buf__adds(b, re->syscall ? re->syscall : "?");
	case IOR_FIELD_CLASS:
		return ior_buf__adds(b, ior_class_name(re->cls));
	case IOR_FIELD_FD:
		return render_fd(b, re->ev.fd);
	case IOR_FIELD_FLAGS:
		return render_flags(b, re);
	case IOR_FIELD_ERRNO:
		if (!ior_revent_failed(re))
			return ior_buf__adds(b, "ok");
		return ior_decode_errno(b, re->ev.ret);
	default:
		return ior_buf__addc(b, '?');
	}
}

/* A path or dir field as one frame per directory level. */
static int collapse_path_frames(struct ior_buf *out, const struct ior_field *f,
				const struct ior_revent *re)
{
	size_t len = re->path_len, pos = 0, flen;
	const char *frame;
	bool first = true;

	if (f->id == IOR_FIELD_DIR)
		len = ior_path_dir_len(re->path, len, f->depth);
	while (ior_path_next_frame(re->path, len, &pos, &frame, &flen)) {
		if ((!first && ior_buf__addc(out, ';')) || ior_escape_frame(out, frame, flen))
			return -ENOMEM;
		first = false;
	}
	return 0;
}

int ior_fields__collapse(struct ior_buf *out, struct ior_buf *tmp, const struct ior_fields *fs,
			 const struct ior_revent *re, bool path_frames)
{
	for (unsigned i = 0; i < fs->n; i++) {
		const struct ior_field *f = &fs->f[i];
		bool is_path = f->id == IOR_FIELD_PATH || f->id == IOR_FIELD_DIR;

		if (i && ior_buf__addc(out, ';'))
			return -ENOMEM;
		if (path_frames && is_path && re->path && re->path_len) {
			if (collapse_path_frames(out, f, re))
				return -ENOMEM;
			continue;
		}
		ior_buf__reset(tmp);
		if (ior_field__render(tmp, f, re) || ior_escape_frame(out, tmp->data, tmp->len))
			return -ENOMEM;
	}
	return 0;
}
