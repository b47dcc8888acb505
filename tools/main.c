// SPDX-License-Identifier: GPL-2.0 OR MIT
/* `ktls`: entry point and subcommand table, in the style of wireguard-tools. */
#include <stdio.h>
#include <string.h>

#include "ktls-tool.h"

const char *PROG_NAME = "ktls";

static const struct {
	const char *subcommand;
	int (*function)(int, char **);
	const char *description;
} subcommands[] = {
	{ "serve", serve_main, "Serve a directory over HTTPS with kernel TLS" },
	{ "get", get_main, "Fetch an https:// URL with kernel TLS RX" },
	{ "check", check_main, "Report what kernel TLS this machine supports" },
	{ "stat", stat_main, "Show kTLS counters and per-socket TLS state" },
	{ "bench", bench_main, "Measure TLS throughput on loopback, kernel or userspace path" },
};

static void show_usage(FILE *f)
{
	fprintf(f, "Usage: %s <cmd> [<args>]\n\n", PROG_NAME);
	fprintf(f, "Available subcommands:\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %s: %s\n", subcommands[i].subcommand,
			subcommands[i].description);
	fprintf(f, "You may pass `--help' to any of these subcommands to view usage.\n");
}

int main(int argc, char *argv[])
{
	if (argc == 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version") ||
			  !strcmp(argv[1], "version"))) {
		printf("ktls-tools v0.1.0\n");
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "help"))) {
		show_usage(stdout);
		return 0;
	}
	if (argc < 2) {
		show_usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (!strcmp(argv[1], subcommands[i].subcommand)) {
			PROG_NAME = "ktls";
			return subcommands[i].function(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "Invalid subcommand: `%s'\n", argv[1]);
	show_usage(stderr);
	return EXIT_USAGE;
}
