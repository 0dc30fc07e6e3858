/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Diagnostics on stderr, prefixed with the program name: "ior-record: cannot open ...".
 * Only the CLI layers (recorder/main.c, analyzer/main.c and the cmd_* files) call these;
 * libraries return errors instead of printing.
 */
#ifndef IOR_COMMON_LOG_H
#define IOR_COMMON_LOG_H

#include <stdbool.h>

void ior_log_init(const char *progname);
const char *ior_progname(void);
void ior_set_verbose(int level);
int ior_verbose(void);

__attribute__((format(printf, 1, 2))) void ior_err(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void ior_warn(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void ior_info(const char *fmt, ...); /* only with -v */

#endif
