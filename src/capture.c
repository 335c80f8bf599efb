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
#include "headroom/iomem.h"
#include "headroom/rootfs.h"

/* One line, as the audit's usage errors. */
static int capture_usage_error(const char *what)
{
	fprintf(stderr, "headroom capture: %s; try 'headroom capture --help'\n", what);
	return EXIT_USAGE;
}

/* A bundle whose /proc/iomem shows no address (read without CAP_SYS_ADMIN) can place nothing: say
 * so, and let the exit status say it too. */
static bool map_hidden(const char *root_dir)
{
	struct hr_diags diags = {0};
	struct hr_iomem iomem;
	struct hr_error err;
	struct hr_root root;
	char text[900];
	enum hr_status st;

	if (hr_root_init(&root, root_dir, &err))
		return false;
	st = hr_iomem_read(&root, &iomem, &diags, &err);
	hr_diags_free(&diags);
	if (st == HR_OK)
		hr_iomem_free(&iomem);
	if (st != HR_E_ACCESS)
		return false;
	fprintf(stderr, "headroom capture: %s: the bundle cannot place anything\n",
		hr_error_text(&err, text, sizeof(text)));
	return true;
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
			       "--root DIR bundles a machine captured with headroom-capture DIR (in the\n"
			       "source tree: tests/capture-root) instead.\n\n"
			       "Exit status: 0 written, 2 written but useless: /proc/iomem shows no addresses\n"
			       "(not root), 3 usage or write error.\n");
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
	if (strcmp(output, "-") == 0 && !close_stdout())
		return EXIT_USAGE;
	return map_hidden(root) ? EXIT_INCONCLUSIVE : EXIT_FITS;
}
