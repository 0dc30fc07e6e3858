// SPDX-License-Identifier: GPL-2.0-only
/* analyzer/escape: collapsed frames, JSON strings, CSV fields, and their inverse. */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/buf.h"
#include "analyzer/escape.h"

/* Printable form of arbitrary bytes for failure messages. */
static const char *show(const char *s, size_t len)
{
	static char out[4][512];
	static int k;
	char *o = out[k++ & 3];
	size_t j = 0;

	for (size_t i = 0; i < len && j < sizeof(out[0]) - 5; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			o[j++] = (char)c;
		else
			j += (size_t)snprintf(o + j, 5, "\\%03o", c);
	}
	o[j] = '\0';
	return o;
}

#define S(lit) lit, sizeof(lit) - 1

static const struct {
	const char *in;
	size_t len;
	const char *frame, *json, *csv;
} cases[] = {
    {S("/var/lib/mysql/ibdata1"), "/var/lib/mysql/ibdata1", "\"/var/lib/mysql/ibdata1\"",
     "/var/lib/mysql/ibdata1"},
    {S("/tmp/with space"), "/tmp/with space", "\"/tmp/with space\"", "/tmp/with space"},
    {S("/tmp/a;b"), "/tmp/a\\x3bb", "\"/tmp/a;b\"", "/tmp/a;b"},
    {S("/tmp/line\nbreak"), "/tmp/line\\x0abreak", "\"/tmp/line\\nbreak\"", "/tmp/line\\x0abreak"},
    {S("/tmp/cr\rtab\t"), "/tmp/cr\\x0dtab\\x09", "\"/tmp/cr\\rtab\\t\"", "/tmp/cr\\x0dtab\\x09"},
    {S("/tmp/back\\slash"), "/tmp/back\\x5cslash", "\"/tmp/back\\\\x5cslash\"",
     "/tmp/back\\x5cslash"},
    {S("/tmp/\xff\xfe"), "/tmp/\\xff\\xfe", "\"/tmp/\\\\xff\\\\xfe\"", "/tmp/\\xff\\xfe"},
    {S("caf\xc3\xa9"), "caf\xc3\xa9", "\"caf\xc3\xa9\"", "caf\xc3\xa9"},
    {S("\xe2\x82\xac \xf0\x9f\x98\x80"), "\xe2\x82\xac \xf0\x9f\x98\x80",
     "\"\xe2\x82\xac \xf0\x9f\x98\x80\"", "\xe2\x82\xac \xf0\x9f\x98\x80"},
    /* overlong '/', a surrogate, above U+10FFFF, truncated sequence */
    {S("\xc0\xaf"), "\\xc0\\xaf", "\"\\\\xc0\\\\xaf\"", "\\xc0\\xaf"},
    {S("\xed\xa0\x80"), "\\xed\\xa0\\x80", "\"\\\\xed\\\\xa0\\\\x80\"", "\\xed\\xa0\\x80"},
    {S("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80", "\"\\\\xf4\\\\x90\\\\x80\\\\x80\"",
     "\\xf4\\x90\\x80\\x80"},
    {S("x\xe2\x82"), "x\\xe2\\x82", "\"x\\\\xe2\\\\x82\"", "x\\xe2\\x82"},
    /* NUL, DEL and a C1 control */
    {S("a\0b\x7f\xc2\x85"), "a\\x00b\\x7f\\xc2\\x85", "\"a\\u0000b\\u007f\\u0085\"",
     "a\\x00b\\x7f\\xc2\\x85"},
    {S("say \"hi\", ok"), "say \"hi\", ok", "\"say \\\"hi\\\", ok\"", "\"say \"\"hi\"\", ok\""},
    {S(" lead"), " lead", "\" lead\"", "\" lead\""},
    {S(""), "", "\"\"", ""},
};

START_TEST(test_escape_table)
{
	struct ior_buf b = IOR_BUF_INIT;
	const char *in = cases[_i].in;
	size_t len = cases[_i].len;

	ck_assert_int_eq(ior_escape_frame(&b, in, len), 0);
	ck_assert_msg(strcmp(ior_buf__str(&b), cases[_i].frame) == 0, "frame(\"%s\") = \"%s\"",
		      show(in, len), show(b.data, b.len));
	ior_buf__reset(&b);
	ck_assert_int_eq(ior_json_string(&b, in, len), 0);
	ck_assert_msg(strcmp(ior_buf__str(&b), cases[_i].json) == 0, "json(\"%s\") = \"%s\"",
		      show(in, len), show(b.data, b.len));
	ior_buf__reset(&b);
	ck_assert_int_eq(ior_csv_field(&b, in, len), 0);
	ck_assert_msg(strcmp(ior_buf__str(&b), cases[_i].csv) == 0, "csv(\"%s\") = \"%s\"",
		      show(in, len), show(b.data, b.len));
	ior_buf__free(&b);
}
END_TEST

/* Frames never contain ';' or a byte below 0x20, and unescape gives the input back. */
static void check_frame_roundtrip(const char *in, size_t len)
{
	struct ior_buf e = IOR_BUF_INIT, d = IOR_BUF_INIT;

	ck_assert_int_eq(ior_escape_frame(&e, in, len), 0);
	for (size_t i = 0; i < e.len; i++)
		ck_assert_msg(e.data[i] != ';' && (unsigned char)e.data[i] >= 0x20 &&
				  e.data[i] != 0x7f,
			      "frame(\"%s\") has byte %#x at %zu", show(in, len),
			      (unsigned char)e.data[i], i);
	for (size_t i = 0; i < e.len;) {
		size_t n = ior_utf8_seq_len((unsigned char *)e.data + i, e.len - i);

		ck_assert_msg(n, "frame(\"%s\") is not UTF-8 at %zu", show(in, len), i);
		i += n;
	}
	ck_assert_int_eq(ior_unescape(&d, e.data, e.len), 0);
	ck_assert_msg(d.len == len && memcmp(d.data, in, len) == 0,
		      "unescape(frame(\"%s\")) = \"%s\"", show(in, len), show(d.data, d.len));
	ior_buf__free(&e);
	ior_buf__free(&d);
}

START_TEST(test_escape_roundtrip_table)
{
	check_frame_roundtrip(cases[_i].in, cases[_i].len);
}
END_TEST

START_TEST(test_escape_roundtrip_random)
{
	/* every byte value, in random short strings biased to UTF-8 edge bytes */
	static const unsigned char pick[] = {'a',  '/',	 ';',  '\\', 'x',  '\n', 0,    0x7f, 0x80,
					     0xbf, 0xc2, 0xc3, 0xe0, 0xed, 0xf0, 0xf4, 0xff};
	unsigned int seed = 12345;
	char s[16];

	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(rand_r(&seed) % 12);

		for (size_t i = 0; i < len; i++) {
			unsigned r = (unsigned)rand_r(&seed);

			s[i] = (char)(r & 1 ? pick[(r >> 1) % sizeof(pick)] : r >> 8);
		}
		check_frame_roundtrip(s, len);
	}
}
END_TEST

static const struct {
	const char *in;
	int err;
	const char *out;
} unescape_cases[] = {
    {"plain", 0, "plain"},     {"a\\x3bb", 0, "a;b"},	 {"\\x5C\\xFF", 0, "\\\xff"},
    {"bad\\", -EINVAL, ""},    {"bad\\x4", -EINVAL, ""}, {"bad\\q00", -EINVAL, ""},
    {"bad\\xzz", -EINVAL, ""},
};

START_TEST(test_unescape)
{
	struct ior_buf b = IOR_BUF_INIT;
	const char *in = unescape_cases[_i].in;
	int err = ior_unescape(&b, in, strlen(in));

	ck_assert_msg(err == unescape_cases[_i].err, "unescape(\"%s\") = %d", in, err);
	if (!err)
		ck_assert_msg(strcmp(ior_buf__str(&b), unescape_cases[_i].out) == 0,
			      "unescape(\"%s\") = \"%s\"", in, show(b.data, b.len));
	ior_buf__free(&b);
}
END_TEST

/* Every ASCII byte alone: escaped exactly when the scheme says so, in each output. */
START_TEST(test_escape_ascii_exhaustive)
{
	for (int c = 0; c < 128; c++) {
		struct ior_buf b = IOR_BUF_INIT;
		char ch = (char)c;
		bool ctl = c < 0x20 || c == 0x7f || c == '\\';

		ior_escape_frame(&b, &ch, 1);
		ck_assert_msg((b.len > 1) == (ctl || c == ';'), "frame of byte %#x: %s", c,
			      show(b.data, b.len));
		ior_buf__reset(&b);
		ior_csv_field(&b, &ch, 1);
		ck_assert_msg((b.len > 1) == (ctl || c == ',' || c == '"' || c == ' '),
			      "csv of byte %#x: %s", c, show(b.data, b.len));
		ior_buf__reset(&b);
		ior_json_string(&b, &ch, 1);
		ck_assert_msg((b.len > 3) == (ctl || c == '"'), "json of byte %#x: %s", c,
			      show(b.data, b.len));
		ior_buf__free(&b);
	}
}
END_TEST

START_TEST(test_buf_numbers)
{
	struct ior_buf b = IOR_BUF_INIT;

	ior_buf__add_u64(&b, 0);
	ior_buf__addc(&b, ' ');
	ior_buf__add_u64(&b, UINT64_MAX);
	ior_buf__addc(&b, ' ');
	ior_buf__add_i64(&b, INT64_MIN);
	ior_buf__addc(&b, ' ');
	ior_buf__add_hex(&b, 0x1f);
	ior_buf__addc(&b, ' ');
	ior_buf__addf(&b, "%s-%d", "x", 7);
	ck_assert_str_eq(ior_buf__str(&b), "0 18446744073709551615 -9223372036854775808 0x1f x-7");
	ck_assert(!b.oom);
	ior_buf__free(&b);
	ck_assert_str_eq(ior_buf__str(&b), "");
}
END_TEST

Suite *escape_suite(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = tcase_create("escape");

	tcase_add_loop_test(tc, test_escape_table, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_loop_test(tc, test_escape_roundtrip_table, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_escape_roundtrip_random);
	tcase_add_loop_test(tc, test_unescape, 0,
			    sizeof(unescape_cases) / sizeof(unescape_cases[0]));
	tcase_add_test(tc, test_escape_ascii_exhaustive);
	tcase_add_test(tc, test_buf_numbers);
	suite_add_tcase(s, tc);
	return s;
}
