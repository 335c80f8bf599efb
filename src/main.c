// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom: will GPU drivers be able to register device-private memory on this machine? */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "headroom/capture.h"
#include "headroom/parse.h"
#include "headroom/report.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: headroom [options]\n"
		"       headroom validate [--answer FILE] [options]\n"
		"       headroom fleet [--format text|json|csv] [FILE|DIR|-]...  (see fleet --help)\n"
		"       headroom capture -o FILE.tar.gz  (see capture --help)\n"
		"Audit the physical address space and predict where request_free_mem_region() would\n"
		"place device-private ranges, and what the new scheme would need instead.\n"
		"validate asks the running kernel itself (root, kernel headers: builds and loads\n"
		"probes/headroom_probe, then unloads it), or replays a recorded --answer, and compares.\n\n"
		"  -r, --root DIR|FILE       read every input under DIR (a captured machine), or in a\n"
		"                            bundle from 'headroom capture'\n"
		"  -q, --request SIZE        a driver's request, in order (bytes or K/M/G/T/P), repeatable\n"
		"  -j, --json                JSON report (schema headroom/report-v1): --format json\n"
		"      --format FORMAT       text, json, jsonl (one line per report, for fleets),\n"
		"                            prometheus (node_exporter textfile) or svg (a picture)\n"
		"  -b, --bytes               sizes in bytes in the human report\n"
		"  -v, --verbose             the whole address map and the basis of every limit\n"
		"      --phys-bits N         override the physical address width\n"
		"      --direct-map-end ADDR override the kernel's direct-map end\n"
		"      --kernel-version X.Y.Z  override the upstream version the kernel is built from\n"
		"      --la57 on|off         override 5-level paging\n"
		"      --kaslr on|off        override memory KASLR\n"
		"      --device-private on|off  override CONFIG_ZONE_DEVICE and CONFIG_DEVICE_PRIVATE\n"
		"      --vram BDF=SIZE       a GPU's VRAM where neither its driver nor nvidia-smi says\n"
		"                            (01:00.0=80G), repeatable\n"
		"      --answer FILE         validate: a recorded kernel answer instead of the live kernel\n"
		"      --probe-module KO     validate: load this prebuilt headroom_probe.ko (no headers)\n"
		"  -h, --help                this help\n"
		"  -V, --version             print the version\n\n"
		"Exit status: 1 when the kernel lacks CONFIG_DEVICE_PRIVATE, whatever else is unknown;\n"
		"else 2 when the answer is inconclusive (missing privileges or data); else with\n"
		"--request 0 when every request fits and 1 when one fails or is a hazard, and without\n"
		"--request 0 when device-private memory is possible (a free section below the search\n"
		"top, or the new scheme) and 1 when it is not; 3 a usage or internal error.\n"
		"validate: 0 the kernel agrees, 1 it disagrees, 2 it could not be asked.\n");
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

static bool parse_format(const char *s, enum output_format *out)
{
	static const char *const names[] = {
		[FORMAT_TEXT] = "text", [FORMAT_JSON] = "json", [FORMAT_JSONL] = "jsonl",
		[FORMAT_PROMETHEUS] = "prometheus", [FORMAT_SVG] = "svg",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum output_format)i;
			return true;
		}
	}
	return false;
}

static int parse_args(int argc, char **argv, struct cli *cli)
{
	enum { OPT_PHYS_BITS = 256, OPT_DME, OPT_KVER, OPT_LA57, OPT_KASLR, OPT_DEVICE_PRIVATE,
	       OPT_ANSWER, OPT_PROBE_MODULE, OPT_FORMAT, OPT_VRAM };
	static const struct option longopts[] = {
		{"root", required_argument, NULL, 'r'},
		{"request", required_argument, NULL, 'q'},
		{"json", no_argument, NULL, 'j'},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"bytes", no_argument, NULL, 'b'},
		{"verbose", no_argument, NULL, 'v'},
		{"phys-bits", required_argument, NULL, OPT_PHYS_BITS},
		{"direct-map-end", required_argument, NULL, OPT_DME},
		{"kernel-version", required_argument, NULL, OPT_KVER},
		{"la57", required_argument, NULL, OPT_LA57},
		{"kaslr", required_argument, NULL, OPT_KASLR},
		{"device-private", required_argument, NULL, OPT_DEVICE_PRIVATE},
		{"answer", required_argument, NULL, OPT_ANSWER},
		{"probe-module", required_argument, NULL, OPT_PROBE_MODULE},
		{"vram", required_argument, NULL, OPT_VRAM},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "r:q:jbvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			cli->root = optarg;
			cli->root_given = true;
			break;
		case 'q':
			if (!hr_parse_size(optarg, &v) || v == 0)
				return usage_error("invalid request size '%s'", optarg);
			if (hr_request_check(v, NULL))
				return usage_error("request size '%s' is beyond any physical address space",
						   optarg);
			if (cli->n_sizes == HR_MAX_REQUESTS)
				return usage_error("more than %d requests (at '%s')", HR_MAX_REQUESTS, optarg);
			cli->sizes[cli->n_sizes++] = v;
			break;
		case 'j':
			cli->format = FORMAT_JSON;
			break;
		case OPT_FORMAT:
			if (!parse_format(optarg, &cli->format))
				return usage_error("--format wants text, json, jsonl, prometheus or svg, "
						   "not '%s'", optarg);
			break;
		case 'b':
			cli->bytes = true;
			break;
		case 'v':
			cli->verbose = true;
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
		case OPT_VRAM:
			if (cli->n_vram == MAX_VRAM_OVERRIDES)
				return usage_error("more than %d --vram (at '%s')", MAX_VRAM_OVERRIDES, optarg);
			if (!hr_vram_override_parse(optarg, &cli->vram[cli->n_vram++]))
				return usage_error("--vram wants BDF=SIZE (01:00.0=80G), not '%s'", optarg);
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
	if (cli->validate && cli->format > FORMAT_JSON)
		return usage_error("%s", "validate writes text or json");
	return 0;
}

/* Every format but text is written from the JSON report, so a number is computed once. */
static bool write_report(const struct cli *cli, const struct hr_facts *facts,
			 const struct hr_audit *audit)
{
	struct hr_report_options opts = {.bytes = cli->bytes, .verbose = cli->verbose};
	json_t *report;
	bool written = false;

	if (cli->format == FORMAT_TEXT)
		return hr_report_text(stdout, facts, audit, &opts);
	report = hr_report_json(facts, audit);
	if (!report) {
		errno = ENOMEM;	/* the only way it fails */
		return false;
	}
	switch (cli->format) {
	case FORMAT_JSON:
		written = json_dumpf(report, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 &&
			  fputc('\n', stdout) != EOF;
		break;
	case FORMAT_JSONL:
		written = hr_report_jsonl(stdout, report, facts, HEADROOM_VERSION, time(NULL));
		break;
	case FORMAT_PROMETHEUS:
		written = hr_report_prometheus(stdout, report);
		break;
	case FORMAT_SVG:
	case FORMAT_TEXT:
		break;
	}
	json_decref(report);
	return written;
}

static char bundle_dir[4096];

static void remove_bundle(void)
{
	hr_capture_remove(bundle_dir);
}

/* --root FILE: a capture bundle, unpacked into a private directory that is removed at exit. */
static bool open_bundle(struct cli *cli)
{
	struct hr_diags diags = {0};
	struct hr_error err;
	struct stat sb;
	char text[900];
	enum hr_status st;

	if (stat(cli->root, &sb) != 0 || S_ISDIR(sb.st_mode))
		return true;
	st = hr_capture_unpack(cli->root, bundle_dir, sizeof(bundle_dir), &diags, &err);
	for (size_t i = 0; i < diags.count; i++)
		fprintf(stderr, "headroom: %s\n", hr_error_text(&diags.items[i], text, sizeof(text)));
	hr_diags_free(&diags);
	if (st) {
		usage_error("--root: %s", hr_error_text(&err, text, sizeof(text)));
		return false;
	}
	atexit(remove_bundle);
	cli->root = bundle_dir;
	return true;
}

bool close_stdout(void)
{
	bool ok = !ferror(stdout);

	return fclose(stdout) == 0 && ok;
}

int main(int argc, char **argv)
{
	struct cli cli = {.root = "/", .ov = HR_OVERRIDES_NONE};
	struct hr_error err;
	struct hr_facts facts;
	struct hr_audit audit;
	bool written;
	int rc;

	if (argc > 1 && strcmp(argv[1], "fleet") == 0)
		return fleet_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "capture") == 0)
		return capture_main(argc - 1, argv + 1);
	/* "headroom validate ...": the subcommand takes the same options. */
	cli.validate = argc > 1 && strcmp(argv[1], "validate") == 0;
	rc = cli.validate ? parse_args(argc - 1, argv + 1, &cli) : parse_args(argc, argv, &cli);
	if (rc)
		return rc;
	if (cli.root_given && !open_bundle(&cli))
		return EXIT_USAGE;
	if (cli.root_given) {
		struct hr_root root;
		char text[700];

		if (hr_root_init(&root, cli.root, &err))
			return usage_error("--root: %s", hr_error_text(&err, text, sizeof(text)));
	}
	if (cli.validate)
		return validate_main(&cli);
	hr_facts_gather(cli.root, &facts);
	if (hr_vram_overrides_apply(&facts.gpus, cli.vram, cli.n_vram, &facts.diags, &err)) {
		hr_facts_free(&facts);
		return usage_error("%s", err.message);
	}
	if (hr_audit_run(&facts, &cli.ov, cli.sizes, cli.n_sizes, &audit) != HR_OK) {
		fprintf(stderr, "headroom: cannot audit: out of memory\n");
		hr_facts_free(&facts);
		return EXIT_USAGE;
	}
	written = write_report(&cli, &facts, &audit);
	rc = hr_audit_exit_code(&audit);
	hr_audit_free(&audit);
	hr_facts_free(&facts);
	if (!close_stdout() || !written) {
		fprintf(stderr, "headroom: write error: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	return rc;
}
