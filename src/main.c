// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom: will GPU drivers be able to register device-private memory on this machine? */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "closestream.h"
#include "headroom/capture.h"
#include "headroom/fleet.h"
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
		"  -s, --sysroot DIR|FILE    read every input under DIR, a captured machine (also --root),\n"
		"                            or in a bundle FILE from 'headroom capture'\n"
		"  -q, --request SIZE        a driver's request, in order: whole bytes or K/M/G/T/P\n"
		"                            (binary units), repeatable\n"
		"  -J, --json                JSON report (schema headroom/report-v1): --format json\n"
		"      --format FORMAT       text, json, jsonl (one line per report, for fleets),\n"
		"                            prometheus (node_exporter textfile) or svg (a picture)\n"
		"  -b, --bytes               sizes as exact byte counts in the human report\n"
		"      --color[=WHEN]        colour the findings: auto (the default: on a terminal,\n"
		"                            unless NO_COLOR is set), always or never\n"
		"  -v, --verbose             the whole address map and the basis of every limit\n"
		"  -o, --output LIST         the columns of the GPU and requests tables, comma-\n"
		"                            separated; +LIST adds to each table's default ones\n"
		"      --list-columns        the columns -o takes, and exit\n"
		"  -n, --noheadings          no header line over the tables\n"
		"  -r, --raw                 only the table, unaligned, for scripts: a row for each\n"
		"                            GPU carve, then each request\n"
		"      --phys-bits N         override the physical address width\n"
		"      --direct-map-end ADDR override the kernel's direct-map end (an address: hex,\n"
		"                            decimal or with a size's unit, 1T)\n"
		"      --kernel-version X.Y.Z  override the upstream version the kernel is built from\n"
		"      --la57 on|off         override 5-level paging\n"
		"      --kaslr on|off        override memory KASLR\n"
		"      --device-private on|off  override CONFIG_ZONE_DEVICE and CONFIG_DEVICE_PRIVATE\n"
		"      --acpidump FILE       ACPI tables from acpidump's output instead of sysfs\n"
		"      --vram BDF=SIZE       a GPU's VRAM where neither its driver nor nvidia-smi says\n"
		"                            (01:00.0=80G), repeatable\n"
		"      --add-gpu COUNTxSIZE[@DRIVER]  what if COUNT GPUs with SIZE of VRAM were there,\n"
		"                            after the machine's own; DRIVER is one of\n"
		"                            " ADD_GPU_DRIVERS "\n"
		"      --hole64 START:SIZE   what if the 64-bit PCI window were moved or resized\n"
		"      --ram SIZE            what if the guest had SIZE of RAM (above 4 GiB resized)\n"
		"      --scheme legacy|new   the scheme the verdicts and exit status follow\n"
		"      --answer FILE         validate: a recorded kernel answer instead of the live kernel\n"
		"      --probe-module KO     validate: load this prebuilt headroom_probe.ko (no headers)\n"
		"      --test-hmm FILE       validate: also check what loading lib/test_hmm did\n"
		"  -h, --help                this help\n"
		"  -V, --version             the version, and those of the JSON schemas\n\n"
		"Exit status: 1 when the kernel lacks CONFIG_DEVICE_PRIVATE, whatever else is unknown;\n"
		"else 2 when the answer is inconclusive (missing privileges or data); else with\n"
		"--request 0 when every request fits and 1 when one fails or is a hazard, and without\n"
		"--request 0 when device-private memory is possible (a free section below the search\n"
		"top, or the new scheme) and 1 when it is not; 3 a usage or internal error.\n"
		"validate: 0 the kernel agrees, 1 it disagrees, 2 it could not be asked.\n");
}

static void validate_usage(FILE *out)
{
	fprintf(out,
		"Usage: headroom validate [--answer FILE] [--json] [options]\n"
		"Ask the kernel itself where request_free_mem_region() places each request, and compare\n"
		"its answer with headroom's prediction for the same machine. Live (root, kernel headers):\n"
		"builds and loads probes/headroom_probe, reads its answer, unloads it. Replayed: --answer\n"
		"FILE, the answer the probe recorded (the file headroom_probe writes, as the cases'\n"
		"kernel-answer), with -s DIR|FILE, the capture made beside it on the same kernel.\n\n"
		"Options:\n"
		"      --answer FILE         a recorded kernel answer instead of the live kernel\n"
		"      --probe-module KO     load this prebuilt headroom_probe.ko (no headers needed)\n"
		"      --test-hmm FILE       also check what loading lib/test_hmm did\n"
		"  -q, --request SIZE        the sizes to ask for (default 1G 16G 80G 256G 1T; a recorded\n"
		"                            answer brings its own)\n"
		"  -s, --sysroot DIR|FILE    the captured machine the answer came from\n"
		"  -J, --json                the comparison as JSON (schema " VALIDATION_SCHEMA ",\n"
		"                            share/headroom/validation-v1.schema.json)\n"
		"  -h, --help                this help\n"
		"The audit's overrides (--phys-bits, --device-private, ...) apply to the prediction.\n\n"
		"Exit status: 0 the kernel agrees, 1 it disagrees, 2 it could not be asked, 3 a usage\n"
		"error. For more details see headroom(1).\n");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line: "headroom: what is wrong; try 'headroom --help'". */
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "headroom: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; try 'headroom --help'\n");
	return EXIT_USAGE;
}

/* "1.5G": a whole number of the next smaller unit, when there is one. */
static const char *fraction_refusal(const char *arg, char *buf, size_t len)
{
	static const char units[] = "KMGTP";
	char *end;
	double value = strtod(arg, &end);
	const char *unit = *end ? strchr(units, toupper((unsigned char)*end)) : NULL;
	double smaller = value * 1024;

	if (unit && *unit && smaller >= 1 && smaller < 1e15 && smaller == (double)(long long)smaller) {
		if (unit == units)
			snprintf(buf, len, "fractions are not taken: give %lld bytes", (long long)smaller);
		else
			snprintf(buf, len, "fractions are not taken: give %lld%c", (long long)smaller,
				 unit[-1]);
	} else
		snprintf(buf, len, "fractions are not taken: give a whole number of a smaller unit");
	return buf;
}

/* Why hr_parse_size refused arg, in words: which part of it is not a size. */
static const char *size_refusal(const char *arg, char *buf, size_t len)
{
	size_t digits = strspn(arg, "0123456789");
	const char *tail = arg + digits;

	if (!*arg)
		return "it is empty";
	if (arg[0] == '-')
		return "a size cannot be negative";
	if (strchr(arg, '.') || strchr(arg, ','))
		return fraction_refusal(arg, buf, len);
	if (!digits || strncmp(arg, "0x", 2) == 0)
		return "not a size: give whole bytes or a number with K, M, G, T or P";
	if ((tail[0] == 'e' || tail[0] == 'E') && isdigit((unsigned char)tail[1]))
		return "exponents are not taken: give whole bytes or a number with K, M, G, T or P";
	if (!*tail || (strchr("KMGTPEkmgtpe", tail[0]) &&
		       (!tail[1] || strcmp(tail + 1, "B") == 0 || strcmp(tail + 1, "iB") == 0)))
		return "it does not fit in 64 bits";
	if (!strchr("KMGTPEkmgtpe", tail[0]))
		return "the unit is not one of K, M, G, T, P (binary: 1K is 1024 bytes)";
	snprintf(buf, len, "'%s' follows the unit %c: give one number and one unit, as 16G or 16GiB",
		 tail + 1, tail[0]);
	return buf;
}

/* Why a --request argument is refused, in words; NULL when it is a good size. */
static const char *request_refusal(const char *arg, uint64_t *size, char *buf, size_t len)
{
	if (!hr_parse_size(arg, size) || arg[0] == '-')
		return size_refusal(arg, buf, len);
	if (*size == 0)
		return "a request of zero bytes asks for nothing";
	if (hr_request_check(*size, NULL)) {
		snprintf(buf, len, "no physical address space reaches it: the limit is below 2^62 bytes, "
			 "4 EiB");
		return buf;
	}
	return NULL;
}

/* -o LIST: comma-separated column names; a leading + keeps each table's default columns first. */
static int parse_columns(const char *list, struct cli *cli)
{
	char copy[256], *save = NULL;

	cli->n_columns = 0;
	cli->add_columns = list[0] == '+';
	list += cli->add_columns;
	if (strlen(list) >= sizeof(copy))
		return usage_error("--output: the list is too long");
	strcpy(copy, list);
	for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		int c = hr_column_find(name);

		if (c < 0)
			return usage_error("--output: unknown column '%s'; --list-columns lists them", name);
		if (cli->n_columns == MAX_COLUMNS)
			return usage_error("--output: more than %d columns", MAX_COLUMNS);
		cli->columns[cli->n_columns++] = (enum hr_column)c;
	}
	if (!cli->n_columns)
		return usage_error("--output: no column named");
	return 0;
}

static void list_columns(void)
{
	for (int c = 0; c < HR_COL_COUNT; c++)
		printf("%-11s %s\n", hr_column_name((enum hr_column)c),
		       hr_column_help((enum hr_column)c));
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

/* COUNTxSIZE[@DRIVER]: COUNT what-if GPUs, numbered on from those given before. NULL when taken,
 * else why not. */
static const char *parse_add_gpu(const char *arg, struct cli *cli, char *buf, size_t len)
{
	enum hr_gpu_driver driver = HR_DRIVER_NVIDIA_UVM;
	char size_text[32], *at;
	unsigned long count;
	uint64_t vram;
	char *end;

	count = strtoul(arg, &end, 10);
	if (end == arg || (*end != 'x' && *end != 'X') || !count)
		return "it wants COUNTxSIZE[@DRIVER], as 8x80G or 2x64G@amdgpu";
	if (count > MAX_ADD_GPUS - cli->ov.n_add_gpus) {
		snprintf(buf, len, "at most %d GPUs in all", MAX_ADD_GPUS);
		return buf;
	}
	snprintf(size_text, sizeof(size_text), "%s", end + 1);
	at = strchr(size_text, '@');
	if (at) {
		*at = '\0';
		driver = hr_gpu_driver_from_name(at + 1);
		if (driver == HR_DRIVER_NONE) {
			snprintf(buf, len, "no driver '%s': it knows %s", at + 1, ADD_GPU_DRIVERS);
			return buf;
		}
	}
	if (!hr_parse_size(size_text, &vram))
		return size_refusal(size_text, buf, len);
	if (!vram || vram >= 1ull << 52)
		return "the VRAM must be above zero and below 4P";
	for (unsigned long i = 0; i < count; i++, cli->ov.n_add_gpus++)
		hr_gpu_what_if((unsigned)cli->ov.n_add_gpus, vram, driver,
			       &cli->add_gpus[cli->ov.n_add_gpus]);
	cli->ov.add_gpus = cli->add_gpus;
	return NULL;
}

/* An address: bytes in hex or decimal, or with the units sizes take (1T is 0x10000000000). */
static const char *address_refusal(const char *arg, uint64_t *addr, char *buf, size_t len)
{
	if (hr_parse_size(arg, addr) && arg[0] != '-')
		return NULL;
	if (strncmp(arg, "0x", 2) == 0)
		return "not a hex address that fits in 64 bits";
	return size_refusal(arg, buf, len);
}

/* START:SIZE below 2^52. NULL when taken, else why not. */
static const char *parse_hole64(const char *arg, struct hr_overrides *ov, char *buf, size_t len)
{
	char start_text[32];
	const char *colon = strchr(arg, ':'), *why;

	if (!colon || (size_t)(colon - arg) >= sizeof(start_text))
		return "it wants START:SIZE, as 0x10000000000:1T or 1T:1T";
	memcpy(start_text, arg, (size_t)(colon - arg));
	start_text[colon - arg] = '\0';
	why = address_refusal(start_text, &ov->hole64_start, buf, len);
	if (why)
		return why;
	if (!hr_parse_size(colon + 1, &ov->hole64_size))
		return size_refusal(colon + 1, buf, len);
	if (!ov->hole64_size)
		return "a window of zero bytes";
	if (ov->hole64_start >= 1ull << 52 || ov->hole64_size > (1ull << 52) - ov->hole64_start)
		return "the window must end below 2^52 (4 PiB), the widest physical address";
	ov->have_hole64 = true;
	return NULL;
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
	       OPT_ANSWER, OPT_PROBE_MODULE, OPT_FORMAT, OPT_VRAM, OPT_LIST_COLUMNS,
	       OPT_ADD_GPU, OPT_HOLE64, OPT_RAM, OPT_SCHEME, OPT_ACPIDUMP, OPT_TEST_HMM, OPT_COLOR };
	static const struct option longopts[] = {
		{"sysroot", required_argument, NULL, 's'},
		{"root", required_argument, NULL, 's'},
		{"request", required_argument, NULL, 'q'},
		{"json", no_argument, NULL, 'J'},
		{"output", required_argument, NULL, 'o'},
		{"list-columns", no_argument, NULL, OPT_LIST_COLUMNS},
		{"noheadings", no_argument, NULL, 'n'},
		{"raw", no_argument, NULL, 'r'},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"bytes", no_argument, NULL, 'b'},
		{"color", optional_argument, NULL, OPT_COLOR},
		{"verbose", no_argument, NULL, 'v'},
		{"phys-bits", required_argument, NULL, OPT_PHYS_BITS},
		{"direct-map-end", required_argument, NULL, OPT_DME},
		{"kernel-version", required_argument, NULL, OPT_KVER},
		{"la57", required_argument, NULL, OPT_LA57},
		{"kaslr", required_argument, NULL, OPT_KASLR},
		{"device-private", required_argument, NULL, OPT_DEVICE_PRIVATE},
		{"add-gpu", required_argument, NULL, OPT_ADD_GPU},
		{"hole64", required_argument, NULL, OPT_HOLE64},
		{"ram", required_argument, NULL, OPT_RAM},
		{"scheme", required_argument, NULL, OPT_SCHEME},
		{"answer", required_argument, NULL, OPT_ANSWER},
		{"probe-module", required_argument, NULL, OPT_PROBE_MODULE},
		{"test-hmm", required_argument, NULL, OPT_TEST_HMM},
		{"acpidump", required_argument, NULL, OPT_ACPIDUMP},
		{"vram", required_argument, NULL, OPT_VRAM},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *why;
	char because[160];
	uint64_t v;
	int c;

	/* Every message is ours, on one line: getopt's own would name argv[0] and take a second. */
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":s:q:Jjo:nrbvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (cli->root_given)
				return usage_error("--sysroot given twice ('%s', then '%s'): one machine a run; "
						   "for several, run once each with --format jsonl and "
						   "'headroom fleet'", cli->root, optarg);
			if (strcmp(optarg, "-") == 0 && isatty(STDIN_FILENO))
				return usage_error("--sysroot -: reads a bundle from standard input, which "
						   "is a terminal (headroom capture -o - | headroom -s -)");
			cli->root = strcmp(optarg, "-") == 0 ? "/dev/stdin" : optarg;
			cli->root_given = true;
			break;
		case 'q':
			why = request_refusal(optarg, &v, because, sizeof(because));
			if (why)
				return usage_error("--request '%s': %s", optarg, why);
			if (cli->n_sizes == HR_MAX_REQUESTS)
				return usage_error("--request '%s': more than %d requests", optarg,
						   HR_MAX_REQUESTS);
			cli->sizes[cli->n_sizes++] = v;
			break;
		case 'J':
		case 'j':
			cli->format = FORMAT_JSON;
			break;
		case 'o':
			if (parse_columns(optarg, cli))
				return EXIT_USAGE;
			break;
		case OPT_LIST_COLUMNS:
			list_columns();
			exit(close_stdout() ? EXIT_FITS : EXIT_USAGE);
		case 'n':
			cli->noheadings = true;
			break;
		case 'r':
			cli->raw = true;
			break;
		case OPT_FORMAT:
			if (!parse_format(optarg, &cli->format))
				return usage_error("--format wants text, json, jsonl, prometheus or svg, "
						   "not '%s'", optarg);
			break;
		case 'b':
			cli->bytes = true;
			break;
		case OPT_COLOR:
			if (!optarg || strcmp(optarg, "always") == 0)
				cli->color = COLOR_ALWAYS;
			else if (strcmp(optarg, "never") == 0)
				cli->color = COLOR_NEVER;
			else if (strcmp(optarg, "auto") == 0)
				cli->color = COLOR_AUTO;
			else
				return usage_error("--color wants auto, always or never, not '%s'", optarg);
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
			why = address_refusal(optarg, &v, because, sizeof(because));
			if (why)
				return usage_error("--direct-map-end '%s': %s", optarg, why);
			if (v < (1ull << 32) - 1)
				return usage_error("--direct-map-end '%s': it is below 4 GiB, where the direct "
						   "map always reaches", optarg);
			cli->ov.have_direct_map_end = true;
			cli->ov.direct_map_end = v;
			break;
		case OPT_ACPIDUMP:
			cli->acpidump = optarg;
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
		case OPT_ADD_GPU:
			why = parse_add_gpu(optarg, cli, because, sizeof(because));
			if (why)
				return usage_error("--add-gpu '%s': %s", optarg, why);
			break;
		case OPT_HOLE64:
			why = parse_hole64(optarg, &cli->ov, because, sizeof(because));
			if (why)
				return usage_error("--hole64 '%s': %s", optarg, why);
			break;
		case OPT_RAM:
			if (!hr_parse_size(optarg, &v))
				return usage_error("--ram '%s': %s", optarg,
						   size_refusal(optarg, because, sizeof(because)));
			if (v < (1ull << 20) || v > (1ull << 52))
				return usage_error("--ram wants a size from 1M to 4P, not '%s'", optarg);
			cli->ov.ram = v;
			break;
		case OPT_SCHEME:
			if (strcmp(optarg, "legacy") && strcmp(optarg, "new"))
				return usage_error("--scheme wants legacy or new, not '%s'", optarg);
			cli->ov.scheme = strcmp(optarg, "new") == 0;
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
		case OPT_VRAM:
			if (cli->n_vram == MAX_VRAM_OVERRIDES)
				return usage_error("more than %d --vram (at '%s')", MAX_VRAM_OVERRIDES, optarg);
			if (!hr_vram_override_parse(optarg, &cli->vram[cli->n_vram++]))
				return usage_error("--vram wants BDF=SIZE (01:00.0=80G) with SIZE below 4P, "
						   "not '%s'", optarg);
			break;
		case 'h':
			if (cli->validate)
				validate_usage(stdout);
			else
				usage(stdout);
			exit(close_stdout() ? EXIT_FITS : EXIT_USAGE);
		case 'V':
			/* The JSON Schema $id of each is urn:headroom:schema:NAME (share/headroom/). */
			printf("headroom %s\nschemas: %s, %s, %s\n", HEADROOM_VERSION, HR_REPORT_SCHEMA,
			       HR_FLEET_SCHEMA, VALIDATION_SCHEMA);
			exit(close_stdout() ? EXIT_FITS : EXIT_USAGE);
		case ':':
			return usage_error("%s wants an argument", argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("unknown option '-%c'", optopt);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc && cli->raw && !cli->root_given)
		return usage_error("unexpected argument '%s': -r is --raw, -s DIR reads a captured root",
				   argv[optind]);
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (cli->validate && cli->format > FORMAT_JSON)
		return usage_error("%s", "validate writes text or json");
	return 0;
}

/* The terminal's width when stdout is one (its size, else $COLUMNS), as util-linux's
 * get_terminal_width(); 0 when stdout is no terminal, for the report's 100 columns. */
static size_t terminal_width(void)
{
	struct winsize ws;
	const char *columns = getenv("COLUMNS");
	uint64_t n;

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		return ws.ws_col;
	return columns && hr_parse_u64(columns, &n) && n && n < 10000 ? (size_t)n : 0;
}

/* --color: always and never as said; auto on a terminal unless NO_COLOR is set (no-color.org:
 * an option that asks for colour wins over it). */
static bool use_colour(enum color_when when)
{
	if (when != COLOR_AUTO)
		return when == COLOR_ALWAYS;
	return isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
}

/* Every format but text is written from the JSON report, so a number is computed once. */
static bool write_report(const struct cli *cli, const struct hr_facts *facts,
			 const struct hr_audit *audit)
{
	struct hr_report_options opts = {
		.bytes = cli->bytes, .verbose = cli->verbose, .noheadings = cli->noheadings,
		.raw = cli->raw, .columns = cli->n_columns ? cli->columns : NULL,
		.n_columns = cli->n_columns, .add_columns = cli->add_columns,
		.width = terminal_width(), .colour = use_colour(cli->color),
	};
	json_t *report;
	bool written = false;

	if (cli->format == FORMAT_TEXT)
		return hr_report_text(stdout, facts, audit, &opts);
	if (cli->format == FORMAT_JSON)
		return hr_report_json_write(stdout, facts, audit);
	report = hr_report_json(facts, audit);
	if (!report) {
		errno = ENOMEM;	/* the only way it fails */
		return false;
	}
	switch (cli->format) {
	case FORMAT_JSONL:
		written = hr_report_jsonl(stdout, report, facts, HEADROOM_VERSION, time(NULL));
		break;
	case FORMAT_PROMETHEUS:
		written = hr_report_prometheus(stdout, report, hr_audit_exit_code(audit));
		break;
	case FORMAT_SVG:
		written = hr_report_svg(stdout, report, &audit->free, facts->hostname,
				       hr_audit_exit_code(audit));
		break;
	case FORMAT_TEXT:
	case FORMAT_JSON:
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
		usage_error("--sysroot: %s", hr_error_text(&err, text, sizeof(text)));
		return false;
	}
	atexit(remove_bundle);
	cli->root = bundle_dir;
	return true;
}

int main(int argc, char **argv)
{
	struct cli cli = {.root = "/", .ov = HR_OVERRIDES_NONE};
	struct hr_error err;
	struct hr_facts facts;
	struct hr_audit audit;
	bool written;
	int rc;

	/* A closed pipe is seen as EPIPE, so the exit status is the report's whatever the reader does. */
	signal(SIGPIPE, SIG_IGN);
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
			return usage_error("--sysroot: %s", hr_error_text(&err, text, sizeof(text)));
		/* A wrong directory would give a report that is nothing but missing inputs. */
		if (!hr_root_exists(&root, "/proc") && !hr_root_exists(&root, "/sys") &&
		    hr_root_exists(&root, "/root/proc"))
			return usage_error("--sysroot %s: not a captured root: it has neither proc/ nor "
					   "sys/; did you mean %s/root?", cli.root, cli.root);
		if (!hr_root_exists(&root, "/proc") && !hr_root_exists(&root, "/sys"))
			return usage_error("--sysroot %s: not a captured root: it has neither proc/ nor "
					   "sys/ (headroom capture -o FILE.tar.gz makes one)", cli.root);
	}
	if (cli.validate)
		return validate_main(&cli);
	hr_facts_gather(cli.root, &facts);
	if (cli.acpidump)
		hr_facts_use_acpidump(&facts, cli.acpidump);
	if (hr_vram_overrides_apply(&facts.gpus, cli.vram, cli.n_vram, &facts.diags, &err)) {
		hr_facts_free(&facts);
		return usage_error("%s", err.message);
	}
	if (hr_audit_run(&facts, &cli.ov, cli.sizes, cli.n_sizes, &audit) != HR_OK) {
		fprintf(stderr, "headroom: cannot audit: out of memory\n");
		hr_facts_free(&facts);
		return EXIT_USAGE;
	}
	written = write_report(&cli, &facts, &audit) || errno == EPIPE;
	rc = hr_audit_exit_code(&audit);
	hr_audit_free(&audit);
	hr_facts_free(&facts);
	if (!close_stdout() || !written) {
		fprintf(stderr, "headroom: write error: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	return rc;
}
