// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom: will GPU drivers be able to register device-private memory on this machine? */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "headroom/parse.h"
#include "headroom/report.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: headroom [options]\n"
		"       headroom validate [--answer FILE] [options]\n"
		"Audit the physical address space and predict where request_free_mem_region() would\n"
		"place device-private ranges, and what the new scheme would need instead.\n"
		"validate asks the running kernel itself (root, kernel headers: builds and loads\n"
		"probes/headroom_probe, then unloads it), or replays a recorded --answer, and compares.\n\n"
		"  -r, --root DIR            read every input under DIR (a captured machine)\n"
		"  -q, --request SIZE        a driver's request, in order (bytes or K/M/G/T/P), repeatable\n"
		"  -j, --json                JSON report (schema headroom/report-v1)\n"
		"  -b, --bytes               sizes in bytes in the human report\n"
		"      --phys-bits N         override the physical address width\n"
		"      --direct-map-end ADDR override the kernel's direct-map end\n"
		"      --kernel-version X.Y.Z  override the upstream version the kernel is built from\n"
		"      --la57 on|off         override 5-level paging\n"
		"      --kaslr on|off        override memory KASLR\n"
		"      --device-private on|off  override CONFIG_ZONE_DEVICE and CONFIG_DEVICE_PRIVATE\n"
		"      --answer FILE         validate: a recorded kernel answer instead of the live kernel\n"
		"      --probe-module KO     validate: load this prebuilt headroom_probe.ko (no headers)\n"
		"      --test-hmm FILE       validate: also check what loading lib/test_hmm did\n"
		"  -h, --help                this help\n"
		"  -V, --version             print the version\n\n"
		"Exit status: 0 every request fits (or none was asked and the map was read),\n"
		"1 a predicted failure or hazard, 2 inconclusive (missing privileges or data),\n"
		"3 usage or internal error. validate: 0 the kernel agrees, 1 it disagrees,\n"
		"2 it could not be asked.\n");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "headroom: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'headroom --help'.\n");
	return EXIT_USAGE;
}

static bool parse_on_off(const char *s, int *out)
{
	if (strcmp(s, "on") == 0)
		*out = 1;
	else if (strcmp(s, "off") == 0)
		*out = 0;
	else
		return false;
	return true;
}

static int parse_args(int argc, char **argv, struct cli *cli)
{
	enum { OPT_PHYS_BITS = 256, OPT_DME, OPT_KVER, OPT_LA57, OPT_KASLR, OPT_DEVICE_PRIVATE,
	       OPT_ANSWER, OPT_PROBE_MODULE, OPT_TEST_HMM };
	static const struct option longopts[] = {
		{"root", required_argument, NULL, 'r'},
		{"request", required_argument, NULL, 'q'},
		{"json", no_argument, NULL, 'j'},
		{"bytes", no_argument, NULL, 'b'},
		{"phys-bits", required_argument, NULL, OPT_PHYS_BITS},
		{"direct-map-end", required_argument, NULL, OPT_DME},
		{"kernel-version", required_argument, NULL, OPT_KVER},
		{"la57", required_argument, NULL, OPT_LA57},
		{"kaslr", required_argument, NULL, OPT_KASLR},
		{"device-private", required_argument, NULL, OPT_DEVICE_PRIVATE},
		{"answer", required_argument, NULL, OPT_ANSWER},
		{"probe-module", required_argument, NULL, OPT_PROBE_MODULE},
		{"test-hmm", required_argument, NULL, OPT_TEST_HMM},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "r:q:jbhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			cli->root = optarg;
			cli->root_given = true;
			break;
		case 'q':
			if (!hr_parse_size(optarg, &v) || v == 0)
				return usage_error("invalid request size '%s'", optarg);
			if (v >= 1ull << 62)
				return usage_error("request size '%s' is beyond any physical address space",
						   optarg);
			if (cli->n_sizes == MAX_REQUESTS)
				return usage_error("more than 256 requests (at '%s')", optarg);
			cli->sizes[cli->n_sizes++] = v;
			break;
		case 'j':
			cli->json = true;
			break;
		case 'b':
			cli->bytes = true;
			break;
		case OPT_PHYS_BITS:
			if (!hr_parse_u64(optarg, &v) || v < 32 || v > 52)
				return usage_error("--phys-bits wants 32 to 52, not '%s'", optarg);
			cli->ov.phys_bits = (int)v;
			break;
		case OPT_DME:
			if (!hr_parse_u64(optarg, &v) || v < (1ull << 32) - 1)
				return usage_error("--direct-map-end wants an address above 4 GiB, not '%s'",
						   optarg);
			cli->ov.have_direct_map_end = true;
			cli->ov.direct_map_end = v;
			break;
		case OPT_KVER:
			if (!hr_kver_parse(optarg, &cli->ov.version))
				return usage_error("--kernel-version wants X.Y or X.Y.Z, not '%s'", optarg);
			cli->ov.have_version = true;
			break;
		case OPT_LA57:
			if (!parse_on_off(optarg, &cli->ov.la57))
				return usage_error("--la57 wants on or off, not '%s'", optarg);
			break;
		case OPT_KASLR:
			if (!parse_on_off(optarg, &cli->ov.kaslr))
				return usage_error("--kaslr wants on or off, not '%s'", optarg);
			break;
		case OPT_DEVICE_PRIVATE:
			if (!parse_on_off(optarg, &cli->ov.device_private))
				return usage_error("--device-private wants on or off, not '%s'", optarg);
			break;
		case OPT_ANSWER:
			if (!cli->validate)
				return usage_error("--answer belongs to 'headroom validate'");
			cli->answer = optarg;
			break;
		case OPT_PROBE_MODULE:
			if (!cli->validate)
				return usage_error("--probe-module belongs to 'headroom validate'");
			cli->probe_module = optarg;
			break;
		case OPT_TEST_HMM:
			if (!cli->validate)
				return usage_error("--test-hmm belongs to 'headroom validate'");
			cli->test_hmm = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_FITS);
		case 'V':
			printf("headroom %s\n", HEADROOM_VERSION);
			exit(EXIT_FITS);
		default:
			return usage_error("%s", "invalid option");
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	return 0;
}

bool close_stdout(void)
{
	bool ok = !ferror(stdout);

	return fclose(stdout) == 0 && ok;
}

int main(int argc, char **argv)
{
	struct cli cli = {.root = "/", .ov = HR_OVERRIDES_NONE};
	struct hr_report_options opts;
	struct hr_facts facts;
	struct hr_audit audit;
	bool written;
	int rc;

	/* "headroom validate ...": the subcommand takes the same options. */
	cli.validate = argc > 1 && strcmp(argv[1], "validate") == 0;
	rc = cli.validate ? parse_args(argc - 1, argv + 1, &cli) : parse_args(argc, argv, &cli);
	if (rc)
		return rc;
	if (cli.root_given) {
		struct hr_root root;
		struct hr_error err;
		char text[700];

		if (hr_root_init(&root, cli.root, &err))
			return usage_error("--root: %s", hr_error_text(&err, text, sizeof(text)));
	}
	if (cli.validate)
		return validate_main(&cli);
	opts.bytes = cli.bytes;
	hr_facts_gather(cli.root, &facts);
	if (hr_audit_run(&facts, &cli.ov, cli.sizes, cli.n_sizes, &audit) != HR_OK) {
		fprintf(stderr, "headroom: out of memory\n");
		hr_facts_free(&facts);
		return EXIT_USAGE;
	}
	if (cli.json) {
		json_t *report = hr_report_json(&facts, &audit);

		written = report && json_dumpf(report, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 &&
			  fputc('\n', stdout) != EOF;
		json_decref(report);
	} else {
		written = hr_report_text(stdout, &facts, &audit, &opts);
	}
	rc = hr_audit_exit_code(&audit);
	hr_audit_free(&audit);
	hr_facts_free(&facts);
	if (!close_stdout() || !written) {
		fprintf(stderr, "headroom: write error: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	return rc;
}
