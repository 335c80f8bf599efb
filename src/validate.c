// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom validate: the kernel's own answer against headroom's prediction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "closestream.h"
#include "headroom/answer.h"
#include "headroom/report.h"
#include "headroom_answer.h"
#include "probe_run.h"

static bool has_kbuild(const char *dir)
{
	char kbuild[1100];

	snprintf(kbuild, sizeof(kbuild), "%s/Kbuild", dir);
	return access(kbuild, R_OK) == 0;
}

/* Where the probe's sources are looked for: $HEADROOM_PROBE_DIR; beside the binary as installed
 * (BINDIR/../share/headroom/probes, wherever the tree was moved); the install prefix's copy; and
 * BINDIR/../probes, a build directory inside the source tree. No build path is compiled in. */
static const char *probe_dir(void)
{
	static char beside[1024];
	const char *env = getenv("HEADROOM_PROBE_DIR");
	char bindir[900];
	ssize_t n = readlink("/proc/self/exe", bindir, sizeof(bindir) - 1);
	char *slash;

	if (env)
		return env;
	bindir[n > 0 ? n : 0] = '\0';
	slash = strrchr(bindir, '/');
	if (slash)
		*slash = '\0';
	snprintf(beside, sizeof(beside), "%s/../share/headroom/probes", bindir);
	if (slash && has_kbuild(beside))
		return beside;
	if (has_kbuild(HEADROOM_PROBE_INSTALL_DIR))
		return HEADROOM_PROBE_INSTALL_DIR;
	snprintf(beside, sizeof(beside), "%s/../probes", bindir);
	return slash && has_kbuild(beside) ? beside : NULL;
}

/* Sizes a live check asks for when none are given: both sides of most limits. */
static const uint64_t default_sizes[] = {1ull << 30, 16ull << 30, 80ull << 30, 256ull << 30,
					 1ull << 40};

static int cannot(const char *what, const struct hr_error *err)
{
	char text[900];

	fprintf(stderr, "headroom validate: %s: %s\n", what, hr_error_text(err, text, sizeof(text)));
	return EXIT_INCONCLUSIVE;
}

/* The kernel's answer: recorded in a file, or asked of the running kernel now. */
static int obtain_answer(const struct cli *cli, const struct hr_facts *facts, const uint64_t *sizes,
			 size_t n, struct hr_answer *answer)
{
	const char *sources = probe_dir();
	struct hr_error err;
	char *text;
	size_t len;

	if (cli->answer) {
		if (hr_read_path(cli->answer, HR_ANSWER_MAX, &text, &len, &err))
			return cannot("cannot read the answer", &err);
	} else {
		if (cli->root_given) {
			fprintf(stderr, "headroom validate: a captured root cannot be asked: give the "
				"kernel's recorded --answer\n");
			return EXIT_USAGE;
		}
		if (geteuid() != 0)
			return cannot("cannot ask the kernel",
				      &(struct hr_error){HR_E_ACCESS, "", 0,
							 "loading the probe module needs root"});
		if (!sources && !cli->probe_module)
			return cannot("cannot build the probe",
				      &(struct hr_error){HR_E_NOENT, HEADROOM_PROBE_INSTALL_DIR, 0,
							 "no probe sources there nor beside the "
							 "binary; set HEADROOM_PROBE_DIR or give "
							 "--probe-module"});
		if (n > HR_ANSWER_MAX_SIZES) {
			fprintf(stderr, "headroom validate: the probe takes at most %d sizes\n",
				HR_ANSWER_MAX_SIZES);
			return EXIT_USAGE;
		}
		if (probe_run(sources, cli->probe_module, facts->release, sizes, n, &text, &err))
			return cannot("cannot ask the kernel", &err);
		len = strlen(text);
	}
	if (hr_answer_parse(text, len, cli->answer ? cli->answer : PROBE_ANSWER, answer, NULL,
			    &err)) {
		free(text);
		return cannot("unusable answer", &err);
	}
	free(text);
	if (!cli->answer && answer->count != n) {
		hr_answer_free(answer);
		return cannot("unusable answer", &(struct hr_error){HR_E_PARSE, PROBE_ANSWER, 0,
			      "the probe answered a different number of requests"});
	}
	return EXIT_FITS;
}

static void print_text(const struct hr_comparison *cmp)
{
	printf("headroom validate: the kernel's own answer against the prediction\n\n");
	printf("  %-26s %-34s %-34s %s\n", "CHECK", "PREDICTED", "KERNEL", "");
	for (size_t i = 0; i < cmp->count; i++)
		printf("  %-26s %-34s %-34s %s\n", cmp->checks[i].what, cmp->checks[i].predicted,
		       cmp->checks[i].kernel, cmp->checks[i].given ? "given, not checked"
		       : cmp->checks[i].agrees ? "agree" : "DISAGREE");
	printf("\n%zu of %zu checks agree", cmp->agreements, cmp->count - cmp->given);
	if (cmp->given)
		printf("; %zu given on the command line, not checked", cmp->given);
	putchar('\n');
}

static void print_json(const struct hr_comparison *cmp, const struct hr_answer *answer)
{
	json_t *checks = json_array(), *root;

	for (size_t i = 0; i < cmp->count; i++)
		json_array_append_new(checks, json_pack("{s:s, s:s, s:s, s:b, s:b}", "check",
							cmp->checks[i].what, "predicted",
							cmp->checks[i].predicted, "kernel",
							cmp->checks[i].kernel, "agrees",
							cmp->checks[i].agrees, "given",
							cmp->checks[i].given));
	root = json_pack("{s:s, s:s, s:o, s:I, s:I, s:I}", "schema", VALIDATION_SCHEMA,
			 "kernel_release", answer->release, "checks", checks,
			 "agreements", (json_int_t)cmp->agreements, "given", (json_int_t)cmp->given,
			 "total", (json_int_t)(cmp->count - cmp->given));
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(root);
}

/* lib/test_hmm's two chunks, judged like two requests of their size on the same machine. */
static int check_test_hmm(const struct cli *cli, const struct hr_facts *facts, struct hr_comparison *cmp)
{
	static const uint64_t chunks[HR_TEST_HMM_CHUNKS] = {HR_TEST_HMM_CHUNK, HR_TEST_HMM_CHUNK};
	struct hr_test_hmm th;
	struct hr_audit audit;
	struct hr_error err;
	enum hr_status st;
	char *text;
	size_t len;

	if (hr_read_path(cli->test_hmm, 1 << 16, &text, &len, &err))
		return cannot("cannot read the test_hmm record", &err);
	st = hr_test_hmm_parse(text, len, cli->test_hmm, &th, NULL, &err);
	free(text);
	if (st)
		return cannot("unusable test_hmm record", &err);
	if (hr_audit_run(facts, &cli->ov, chunks, HR_TEST_HMM_CHUNKS, &audit)) {
		fprintf(stderr, "headroom validate: out of memory\n");
		return EXIT_USAGE;
	}
	st = hr_test_hmm_compare(&th, &audit, cmp);
	hr_audit_free(&audit);
	if (st) {
		fprintf(stderr, "headroom validate: out of memory\n");
		return EXIT_USAGE;
	}
	return EXIT_FITS;
}

int validate_main(const struct cli *cli)
{
	struct hr_facts facts;
	struct hr_audit audit;
	struct hr_answer answer = {0};
	struct hr_comparison cmp;
	uint64_t sizes[HR_MAX_REQUESTS];
	size_t n = cli->n_sizes ? cli->n_sizes : sizeof(default_sizes) / sizeof(default_sizes[0]);
	int rc;

	memcpy(sizes, cli->n_sizes ? cli->sizes : default_sizes, n * sizeof(*sizes));
	/* Predict first: the live probe must not be in the map being read. */
	hr_facts_gather(cli->root, &facts);
	rc = obtain_answer(cli, &facts, sizes, n, &answer);
	if (rc) {
		hr_facts_free(&facts);
		return rc;
	}
	if (cli->answer && answer.release[0] && strcmp(answer.release, facts.release) != 0) {
		fprintf(stderr, "headroom validate: the answer was recorded on kernel %s, but the root "
			"runs %s: compare an answer with the capture made beside it\n", answer.release,
			facts.release[0] ? facts.release : "an unknown kernel");
		rc = EXIT_USAGE;
		goto out;
	}
	if (cli->answer) {
		n = answer.count;	/* at most HR_MAX_REQUESTS: the parser refuses more */
		hr_answer_sizes(&answer, sizes);
		if (cli->n_sizes &&
		    (cli->n_sizes != n || memcmp(cli->sizes, sizes, n * sizeof(*sizes)) != 0)) {
			fprintf(stderr, "headroom validate: the --request sizes differ from the answer's\n");
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (hr_audit_run(&facts, &cli->ov, sizes, n, &audit) ||
	    hr_answer_compare(&answer, &audit, &cmp)) {
		fprintf(stderr, "headroom validate: out of memory\n");
		rc = EXIT_USAGE;
		goto out;
	}
	if (cli->test_hmm && (rc = check_test_hmm(cli, &facts, &cmp)) != EXIT_FITS) {
		hr_comparison_free(&cmp);
		hr_audit_free(&audit);
		goto out;
	}
	if (cli->format == FORMAT_JSON)
		print_json(&cmp, &answer);
	else
		print_text(&cmp);
	rc = cmp.agreements + cmp.given == cmp.count ? EXIT_FITS : EXIT_FAILS;
	hr_comparison_free(&cmp);
	hr_audit_free(&audit);
	if (!close_stdout())
		rc = EXIT_USAGE;
out:
	hr_answer_free(&answer);
	hr_facts_free(&facts);
	return rc;
}
