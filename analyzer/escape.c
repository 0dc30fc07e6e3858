// SPDX-License-Identifier: GPL-2.0-only
#include "analyzer/escape.h"

#include <errno.h>
#include <stdbool.h>

enum esc_mode {
	ESC_FRAME,	/* collapsed stacks */
	ESC_CSV,	/* an unquoted CSV field */
	ESC_CSV_QUOTED, /* inside "...": '"' doubled */
	ESC_JSON,	/* inside a JSON string literal */
};

static const char hexdig[] = "0123456789abcdef";

size_t ior_utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0; /* continuation byte, overlong lead C0/C1, or F5-FF */
	/* the second byte's range excludes overlongs, surrogates and > U+10FFFF */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

static int add_byte_escape(struct ior_buf *b, unsigned char c, enum esc_mode m)
{
	char e[5] = {'\\', '\\', 'x', hexdig[c >> 4], hexdig[c & 15]};

	/* in JSON the escape's backslash is itself written as \\ */
	return m == ESC_JSON ? ior_buf__add(b, e, 5) : ior_buf__add(b, e + 1, 4);
}

static int add_json_escape(struct ior_buf *b, unsigned int cp)
{
	char u[6] = {'\\', 'u', '0', '0', hexdig[(cp >> 4) & 15], hexdig[cp & 15]};

	switch (cp) {
	case '"':
		return ior_buf__add(b, "\\\"", 2);
	case '\n':
		return ior_buf__add(b, "\\n", 2);
	case '\t':
		return ior_buf__add(b, "\\t", 2);
	case '\r':
		return ior_buf__add(b, "\\r", 2);
	case '\b':
		return ior_buf__add(b, "\\b", 2);
	case '\f':
		return ior_buf__add(b, "\\f", 2);
	}
	return ior_buf__add(b, u, 6);
}

/* Escape one unit at s[i] that cannot be copied; returns its length in *n. */
static int escape_unit(struct ior_buf *b, const unsigned char *s, size_t left, enum esc_mode m,
		       size_t *n)
{
	unsigned char c = s[0];
	size_t seq = c < 0x80 ? 1 : ior_utf8_seq_len(s, left);

	*n = seq ? seq : 1;
	if (c == '"' && m == ESC_CSV_QUOTED)
		return ior_buf__add(b, "\"\"", 2);
	if (m == ESC_JSON && c != '\\' && seq)
		return add_json_escape(b, seq == 2 ? s[1] : c); /* C1: C2 80-9F is U+0080-9F */
	if (seq == 2 && add_byte_escape(b, c, m))
		return -ENOMEM;
	return add_byte_escape(b, s[seq == 2], m);
}

/*
 * Bytes copied as they are, per mode, as bit sets over 0..127: printable ASCII less
 * '\\' and the mode's own specials. The scan over them is the hot loop.
 */
static const uint64_t plain_ascii[][2] = {
    [ESC_FRAME] = {0xf7ffffff00000000ull, 0x7fffffffefffffffull}, /* less ';' */
    [ESC_CSV] = {0xffffffff00000000ull, 0x7fffffffefffffffull},
    [ESC_CSV_QUOTED] = {0xfffffffb00000000ull, 0x7fffffffefffffffull}, /* less '"' */
    [ESC_JSON] = {0xfffffffb00000000ull, 0x7fffffffefffffffull},       /* less '"' */
};

static int escape(struct ior_buf *b, const unsigned char *s, size_t len, enum esc_mode m)
{
	const uint64_t *plain = plain_ascii[m];
	size_t i = 0, run = 0, n;

	while (i < len) {
		unsigned char c = s[i];

		if (c < 0x80) {
			if (plain[c >> 6] >> (c & 63) & 1) {
				i++;
				continue;
			}
		} else {
			n = ior_utf8_seq_len(s + i, len - i);
			/* well-formed and not a C1 control: copy */
			if (n && !(c == 0xc2 && s[i + 1] < 0xa0)) {
				i += n;
				continue;
			}
		}
		if (ior_buf__add(b, s + run, i - run) || escape_unit(b, s + i, len - i, m, &n))
			return -ENOMEM;
		i += n;
		run = i;
	}
	return ior_buf__add(b, s + run, i - run);
}

int ior_escape_frame(struct ior_buf *b, const void *s, size_t len)
{
	return escape(b, s, len, ESC_FRAME);
}

int ior_json_string(struct ior_buf *b, const void *s, size_t len)
{
	if (ior_buf__addc(b, '"') || escape(b, s, len, ESC_JSON))
		return -ENOMEM;
	return ior_buf__addc(b, '"');
}

static bool csv_needs_quotes(const unsigned char *s, size_t len)
{
	if (len && (s[0] == ' ' || s[len - 1] == ' '))
		return true;
	for (size_t i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == '"')
			return true;
	return false;
}

int ior_csv_field(struct ior_buf *b, const void *s, size_t len)
{
	if (!csv_needs_quotes(s, len))
		return escape(b, s, len, ESC_CSV);
	if (ior_buf__addc(b, '"') || escape(b, s, len, ESC_CSV_QUOTED))
		return -ENOMEM;
	return ior_buf__addc(b, '"');
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ior_unescape(struct ior_buf *b, const void *src, size_t len)
{
	const unsigned char *s = src;
	size_t i = 0, run = 0;

	while (i < len) {
		int hi, lo;
		unsigned char c;

		if (s[i] != '\\') {
			i++;
			continue;
		}
		if (ior_buf__add(b, s + run, i - run))
			return -ENOMEM;
		if (len - i < 4 || s[i + 1] != 'x')
			return -EINVAL;
		hi = hexval(s[i + 2]);
		lo = hexval(s[i + 3]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		c = (unsigned char)(hi << 4 | lo);
		if (ior_buf__addc(b, (char)c))
			return -ENOMEM;
		i += 4;
		run = i;
	}
	return ior_buf__add(b, s + run, i - run);
}
