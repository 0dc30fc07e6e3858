// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: every parser of a command-line argument or a collapsed-stack line.
 * The first byte picks the parser, the rest is the text. None may crash, hang or leak;
 * what parses must render back without complaint.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/agg.h"
#include "analyzer/fields.h"
#include "analyzer/filter.h"
#include "analyzer/flamegraph.h"
#include "common/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_filter(int opt, const char *s)
{
	static const struct ior_syscall_name names[] = { { 0, "read" }, { 257, "openat" } };
	struct ior_header h = { .start_ns = 1000, .wall_offset_ns = 1764000000000000000LL,
				.syscalls = names, .nsyscalls = 2 };
	struct ior_revent re = { .syscall = "read", .comm = "x", .path = "/a/b", .path_len = 4 };
	struct ior_filter f;

	ior_filter__init(&f);
	if (ior_filter__parse_opt(&f, opt, s) == 0 && ior_filter__bind(&f, &h) == 0)
		(void)ior_filter__match(&f, &re);
	ior_filter__free(&f);
}

static void fuzz_flame(const char *s, size_t len, bool two)
{
	struct ior_flame *fg = ior_flame__new();
	FILE *out = fopen("/dev/null", "w");
	const char *p = s, *end = s + len;

	while (fg && p < end) { /* one collapsed line per input line */
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (ior_flame__add_collapsed(fg, p, n, two) == -ENOMEM)
			break;
		p += n + 1;
	}
	if (fg && out)
		ior_flame__write_svg(fg, out, &(struct ior_flame_opts){ .diff = two });
	if (out)
		fclose(out);
	ior_flame__free(fg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, err[256];
	uint64_t u;
	int64_t i;
	int v;
	struct ior_fields fs;
	enum ior_weight w;
	struct ior_time_spec ts;

	if (!size)
		return 0;
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0'; /* arguments are C strings */
	switch (data[0] % 8) {
	case 0: (void)ior_parse_size(s, &u); (void)ior_parse_u64(s, &u); break;
	case 1: (void)ior_parse_duration(s, 1000000000ull, &u); (void)ior_parse_i64(s, &i); break;
	case 2: (void)ior_parse_int(s, -5, 5, &v); (void)ior_weight_parse(s, &w); break;
	case 3: (void)ior_fields__parse(&fs, s, err, sizeof(err)); break;
	case 4: (void)ior_time_spec_parse(s, &ts); break;
	case 5: fuzz_filter(IOR_OPT_PID + (int)(data[size / 2] % (IOR_OPT_FILTER_END - IOR_OPT_PID)), s);
		break;
	case 6: fuzz_flame((const char *)data + 1, size - 1, false); break;
	case 7: fuzz_flame((const char *)data + 1, size - 1, true); break;
	}
	free(s);
	return 0;
}
