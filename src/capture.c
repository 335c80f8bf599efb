// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom capture: this machine's inputs into one bundle that --root replays elsewhere. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "closestream.h"
#include "headroom/capture.h"

/* One line, as the audit's usage errors. */
static int capture_usage_error(const char *what)
{
	fprintf(stderr, "headroom capture: %s; try 'headroom capture --help'\n", what);
	return EXIT_USAGE;
}

int capture_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"root", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct hr_capture_summary summary;
	const char *output = NULL, *root = "/";
	struct hr_error err;
	char text[900];
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:r:h", longopts, NULL)) != -1) {
		if (c == 'o') {
			output = optarg;
		} else if (c == 'r') {
			root = optarg;
		} else if (c == 'h') {
			printf("Usage: headroom capture [--root DIR] -o FILE.tar.gz\n"
			       "Capture every input headroom reads on this machine, at its real path, with\n"
			       "the CPUID leaves and the direct-map end read through /proc/kcore, and a\n"
			       "manifest of what could not be read and why (headroom-capture/manifest).\n"
			       "'headroom --root FILE.tar.gz' replays it on any machine. Run it as root,\n"
			       "before loading any probe module. '-o -' writes to standard output.\n"
			       "--root DIR bundles a machine captured with tests/capture-root instead.\n\n"
			       "Exit status: 0 written, 3 usage or write error.\n");
			return close_stdout() ? EXIT_FITS : EXIT_USAGE;
		} else {
			return capture_usage_error("unknown option or missing argument");
		}
	}
	if (!output)
		return capture_usage_error("-o FILE is required");
	if (optind < argc)
		return capture_usage_error("unexpected argument");
	if (strcmp(output, "-") == 0 && isatty(STDOUT_FILENO))
		return capture_usage_error("will not write a bundle to a terminal");
	if (geteuid() != 0 && strcmp(root, "/") == 0)
		fprintf(stderr, "headroom capture: not root: /proc/iomem and /proc/kallsyms read with "
			"their addresses zeroed\n");
	if (hr_capture_write(root, output, HEADROOM_VERSION, time(NULL), &summary, &err)) {
		fprintf(stderr, "headroom capture: %s\n", hr_error_text(&err, text, sizeof(text)));
		return EXIT_USAGE;
	}
	fprintf(stderr, "headroom capture: %s: %zu files, %zu listed as unreadable in "
		"headroom-capture/manifest\n", output, summary.files, summary.unreadable);
	return strcmp(output, "-") == 0 && !close_stdout() ? EXIT_USAGE : EXIT_FITS;
}
