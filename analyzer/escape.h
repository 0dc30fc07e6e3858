/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Escaping byte strings (paths, comms: any byte, not necessarily UTF-8) for the text
 * outputs, losslessly.
 *
 * The one byte escape, "\xNN" (a backslash, 'x', two lowercase hex digits), stands for
 * the byte 0xNN. It is used for:
 *   - the backslash itself (\x5c), so every backslash in the output starts an escape;
 *   - every byte that is not part of a well-formed UTF-8 sequence (RFC 3629: no
 *     overlongs, no surrogates, nothing above U+10FFFF);
 *   - in collapsed frames and CSV fields: C0 controls (0x00-0x1f), DEL (0x7f) and the
 *     C1 controls U+0080-U+009F (as their two UTF-8 bytes, \xc2\x80);
 *   - in collapsed frames: ';' (\x3b), the frame separator.
 * So the output is always valid UTF-8, a collapsed line is always one stack, and
 * ior_unescape() gives back the original bytes exactly. Every other byte is copied.
 * A space needs no escape in a collapsed frame: FlameGraph and Inferno take the weight
 * after the last space of the line.
 *
 * All functions append to a caller-owned struct ior_buf and return 0 or -ENOMEM.
 */
#ifndef IOR_ANALYZER_ESCAPE_H
#define IOR_ANALYZER_ESCAPE_H

#include <stddef.h>

#include "analyzer/buf.h"

/* Length of the well-formed UTF-8 sequence starting at s (1-4), or 0 if it is not one. */
size_t ior_utf8_seq_len(const unsigned char *s, size_t n);

/* One frame of a collapsed-stack line (';', controls, '\\', invalid UTF-8 escaped). */
int ior_escape_frame(struct ior_buf *b, const void *s, size_t len);

/*
 * A JSON string literal with its quotes. The JSON value is the input with '\\' and
 * invalid UTF-8 bytes written as \xNN (see above), so ior_unescape() of the decoded
 * value gives the original bytes. Quotes and controls use JSON's own escapes (\", \n,
 * \u0001, ...; DEL and C1 controls as \u007f, \u0080, ...), which decode to themselves.
 */
int ior_json_string(struct ior_buf *b, const void *s, size_t len);

/*
 * A CSV field (RFC 4180): bytes escaped as in a frame except ';', then enclosed in
 * double quotes (inner quotes doubled) when it holds ',' or '"' or starts or ends with
 * a space. One record is therefore always one line.
 */
int ior_csv_field(struct ior_buf *b, const void *s, size_t len);

/*
 * The inverse of all the above byte escapes: "\xNN" becomes the byte 0xNN, other bytes
 * are copied. Returns -EINVAL (with b holding what was decoded so far) on a backslash
 * not followed by 'x' and two hex digits, or -ENOMEM.
 */
int ior_unescape(struct ior_buf *b, const void *s, size_t len);

#endif /* IOR_ANALYZER_ESCAPE_H */
