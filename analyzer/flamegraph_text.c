// SPDX-License-Identifier: GPL-2.0-only
/*
 * Text for the flame graph SVG: frame names as they are shown (escaped for the eye and
 * for XML, cut to fit), and numbers formatted without printf so that no locale can
 * change a byte of the output.
 */
#include "analyzer/flamegraph_int.h"

#include <stdint.h>
#include <string.h>

#include "analyzer/escape.h"

static uint32_t decode(const unsigned char *s, size_t n)
{
	static const unsigned char lead_mask[5] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t cp = s[0] & lead_mask[n];

	for (size_t i = 1; i < n; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}

/*
 * Code points shown as escapes although they are valid UTF-8: controls would break the
 * line or the XML (which forbids most of them), and invisible or bidirectional format
 * characters could make one name look like another.
 */
static bool shown_escaped(uint32_t cp)
{
	return cp < 0x20 || cp == '\\' || (cp >= 0x7f && cp <= 0x9f) ||
	       (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff || cp == 0xfffe || cp == 0xffff;
}

/* The bytes at s that show as one unit; *chars: how many characters they take. */
static size_t next_unit(const unsigned char *s, size_t left, size_t *chars, bool *esc)
{
	size_t n = ior_utf8_seq_len(s, left);

	*esc = !n || shown_escaped(decode(s, n));
	if (!n)
		n = 1;
	*chars = *esc ? 4 * n : 1;
	return n;
}

size_t ior_flame_name_chars(const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t total = 0, chars;
	bool esc;

	for (size_t i = 0; i < len;) {
		i += next_unit(s + i, len - i, &chars, &esc);
		total += chars;
	}
	return total;
}

static int put_unit(struct ior_buf *b, const unsigned char *s, size_t n, bool esc)
{
	static const char hex[] = "0123456789abcdef";

	if (esc) {
		for (size_t i = 0; i < n; i++) {
			char e[4] = { '\\', 'x', hex[s[i] >> 4], hex[s[i] & 15] };

			if (ior_buf__add(b, e, 4))
				return -ENOMEM;
		}
		return 0;
	}
	switch (s[0]) {
	case '<':
		return ior_buf__add(b, "&lt;", 4);
	case '>':
		return ior_buf__add(b, "&gt;", 4);
	case '&':
		return ior_buf__add(b, "&amp;", 5);
	case '"':
		return ior_buf__add(b, "&quot;", 6);
	default:
		return ior_buf__add(b, s, n);
	}
}

int ior_flame_put_name(struct ior_buf *b, const char *name, size_t len, size_t max_chars)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t budget = SIZE_MAX, used = 0, chars;
	bool esc, cut = false;

	if (max_chars != SIZE_MAX && ior_flame_name_chars(name, len) > max_chars) {
		budget = max_chars < 2 ? 0 : max_chars - 2;
		cut = true;
	}
	for (size_t i = 0, n; i < len; i += n) {
		n = next_unit(s + i, len - i, &chars, &esc);
		if (chars > budget - used)
			break;
		used += chars;
		if (put_unit(b, s + i, n, esc))
			return -ENOMEM;
	}
	return cut ? ior_buf__add(b, "..", max_chars < 2 ? max_chars : 2) : 0;
}

int ior_flame_put_fixed(struct ior_buf *b, double v, unsigned int decimals)
{
	uint64_t scale = 1, r;
	char frac[8];
	bool neg;

	if (decimals > 6)
		decimals = 6;
	for (unsigned int i = 0; i < decimals; i++)
		scale *= 10;
	neg = v < 0;
	v = (neg ? -v : v) * (double)scale + 0.5;
	/* NaN and anything beyond 2^63 print as the largest value, never undefined */
	r = v >= 0 && v < 9.2e18 ? (uint64_t)v : (uint64_t)9.2e18;
	if (neg && r && ior_buf__addc(b, '-')) /* no "-0.00" */
		return -ENOMEM;
	if (ior_buf__add_u64(b, r / scale))
		return -ENOMEM;
	if (!decimals)
		return 0;
	r %= scale;
	frac[0] = '.';
	for (unsigned int i = decimals; i > 0; i--, r /= 10)
		frac[i] = (char)('0' + r % 10);
	return ior_buf__add(b, frac, decimals + 1);
}

/* 1234567 as "1,234,567". */
static int put_grouped(struct ior_buf *b, uint64_t v)
{
	char tmp[32];
	size_t i = sizeof(tmp), digits = 0;

	do {
		if (digits && digits % 3 == 0)
			tmp[--i] = ',';
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
		digits++;
	} while (v);
	return ior_buf__add(b, tmp + i, sizeof(tmp) - i);
}

static int put_scaled(struct ior_buf *b, double v, const char *unit)
{
	if (ior_flame_put_fixed(b, v, 2))
		return -ENOMEM;
	return ior_buf__adds(b, unit);
}

int ior_flame_put_value(struct ior_buf *b, uint64_t v, enum ior_flame_unit unit,
			const char *count_label)
{
	static const char *const bin[] = { " KiB", " MiB", " GiB", " TiB", " PiB", " EiB" };
	double d = (double)v;
	int i = 0;

	switch (unit) {
	case IOR_FLAME_UNIT_NS:
		if (v < 1000)
			return ior_buf__add_u64(b, v) ? -ENOMEM : ior_buf__adds(b, " ns");
		if (v < 1000000)
			return put_scaled(b, d / 1e3, " \xc2\xb5s");
		return v < 1000000000 ? put_scaled(b, d / 1e6, " ms") : put_scaled(b, d / 1e9, " s");
	case IOR_FLAME_UNIT_BYTES:
		if (v < 1024)
			return ior_buf__add_u64(b, v) ? -ENOMEM : ior_buf__adds(b, " B");
		for (d /= 1024; d >= 1024 && i < 5; i++)
			d /= 1024;
		return put_scaled(b, d, bin[i]);
	default:
		if (put_grouped(b, v))
			return -ENOMEM;
		if (!count_label || !*count_label)
			return 0;
		return ior_buf__addc(b, ' ') ? -ENOMEM : ior_flame_put_name(b, count_label,
									     strlen(count_label),
									     SIZE_MAX);
	}
}

int ior_flame_put_pct(struct ior_buf *b, uint64_t part, uint64_t total)
{
	double p = total ? (double)part * 100.0 / (double)total : 0;

	if (ior_flame_put_fixed(b, p, 2))
		return -ENOMEM;
	return ior_buf__addc(b, '%');
}
