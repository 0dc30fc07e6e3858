// SPDX-License-Identifier: GPL-2.0-only
/* Writes the reader fuzzer's seed recordings: small, several chunks, odd values. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "tests/t_recording.h"

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		size_t events;
		bool extreme;
		size_t chunk;
	} seeds[] = {
		{ "plain.ior", 40, false, 0 },
		{ "chunks.ior", 60, false, 600 },
		{ "extreme.ior", 30, true, 500 },
		{ "empty.ior", 0, false, 0 },
	};
	char path[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	t_extreme_string_max = 100;
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		struct ior_writer_opts o = { .chunk_bytes = seeds[i].chunk };
		struct t_script s;
		int fd;

		snprintf(path, sizeof(path), "%s/%s", argv[1], seeds[i].name);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || t_write_synthetic(fd, &s, seeds[i].events, seeds[i].extreme, &o, i + 1)) {
			perror(path);
			return 1;
		}
		t_script_free(&s);
		close(fd);
	}
	return 0;
}
