// SPDX-License-Identifier: GPL-2.0-only
#include "format/cbor.h"

/*
 * Skip one complete item of any type. depth bounds nesting so that hostile input
 * cannot exhaust the stack; every loop iteration consumes at least one byte, so
 * the work is bounded by the input length.
 */
bool cbor_skip(struct cbor_in *in, int depth)
{
	unsigned major;
	uint64_t v;

	if (depth <= 0 || !cbor_get_head(in, &major, &v))
		return false;
	switch (major) {
	case CBOR_UINT:
	case CBOR_NINT:
	case CBOR_SIMPLE:
		return true;
	case CBOR_BSTR:
	case CBOR_TSTR:
		if (v > (uint64_t)(in->end - in->p))
			return false;
		in->p += v;
		return true;
	case CBOR_TAG:
		return cbor_skip(in, depth - 1);
	case CBOR_ARRAY:
	case CBOR_MAP:
		if (major == CBOR_MAP) {
			if (v > UINT64_MAX / 2)
				return false;
			v *= 2;
		}
		/* each item takes at least one byte: reject counts the input cannot hold */
		if (v > (uint64_t)(in->end - in->p))
			return false;
		while (v--)
			if (!cbor_skip(in, depth - 1))
				return false;
		return true;
	}
	return false;
}
