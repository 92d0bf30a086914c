/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-stress: load libktrq from many OS threads on the pthread backend,
 * then read the trace file back and check it.
 *
 * Exit status, the convention of every ktrq tool: 0 when every check
 * passed, 1 on a mismatch (a finding), 2 on a usage error or when the
 * run could not be set up or its trace not read back (I/O: the trace
 * file cannot be created, was removed before it was checked...).
 *
 * `--out -` sends the trace to stdout: the run writes it to a temporary
 * file (the checker reads the file back, which a pipe would not allow),
 * and copies it out once checked; the summary goes to stderr then.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "stress.h"
#include "toolver.h"

#define	EXIT_FINDING	1
#define	EXIT_TROUBLE	2

/* A temporary file for the trace, in $TMPDIR or /tmp; 0 or -1. */
static int
make_temp(char *path, size_t size)
{
	const char *dir;
	int fd;

	if ((dir = getenv("TMPDIR")) == NULL || *dir == '\0')
		dir = "/tmp";
	if ((size_t)snprintf(path, size, "%s/ktrq-stress.XXXXXX", dir) >= size)
		return (-1);
	if ((fd = mkstemp(path)) < 0) {
		fprintf(stderr, "ktrq-stress: %s: %s\n", path,
		    strerror(errno));
		return (-1);
	}
	close(fd);
	return (0);
}

/*
 * Test hook (tests/stress/vanish.cmake): the trace is removed ("unlink")
 * or replaced by a directory ("dir") between the run and its check, the
 * one moment no outside process can hit without racing the program.
 */
static void
test_vanish(const char *path)
{
	const char *how = getenv("KTRQ_STRESS_TEST_VANISH");

	if (how == NULL)
		return;
	(void)unlink(path);
	if (strcmp(how, "dir") == 0)
		(void)mkdir(path, 0755);
}

/* Copy the file at `path` to stdout; 0 or -1 after a message. */
static int
copy_out(const char *path)
{
	char buf[65536];
	FILE *in;
	size_t n;
	int error;

	if ((in = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "ktrq-stress: %s: %s\n", path,
		    strerror(errno));
		return (-1);
	}
	error = 0;
	while ((n = fread(buf, 1, sizeof(buf), in)) != 0)
		if (fwrite(buf, 1, n, stdout) != n) {
			error = errno != 0 ? errno : EIO;
			break;
		}
	if (error == 0 && ferror(in))
		error = errno != 0 ? errno : EIO;
	fclose(in);
	if (error == 0 && fflush(stdout) != 0)
		error = errno != 0 ? errno : EIO;
	if (error != 0) {
		fprintf(stderr, "ktrq-stress: stdout: %s\n", strerror(error));
		return (-1);
	}
	return (0);
}

int
main(int argc, char **argv)
{
	struct stress_result res;
	struct stress_opts o;
	struct stress_run r;
	char tmp[4096];
	int ret, to_stdout;

	if (toolver_handle(argc, argv, "ktrq-stress"))
		return (0);
	if ((ret = stress_opts_parse(&o, argc, argv)) != 0)
		return (ret == 1 ? 0 : EXIT_TROUBLE);
	to_stdout = strcmp(o.out, "-") == 0;
	if (to_stdout) {
		if (make_temp(tmp, sizeof(tmp)) != 0)
			return (EXIT_TROUBLE);
		o.out = tmp;
	}
	ret = 0;
	if (stress_run(&r, &o) != 0)
		ret = EXIT_TROUBLE;
	else {
		test_vanish(o.out);
		stress_verify(&r, &res);
		if (res.io_error != 0) {
			/* No verdict: the file was not there to judge. */
			fprintf(stderr, "ktrq-stress: %s\n", res.why);
			ret = EXIT_TROUBLE;
		} else {
			if (to_stdout)
				o.out = "-";
			stress_report(&r, &res);
			ret = res.ok ? 0 : EXIT_FINDING;
			if (to_stdout && copy_out(tmp) != 0)
				ret = EXIT_TROUBLE;
		}
	}
	stress_run_free(&r);
	if (to_stdout)
		unlink(tmp);
	return (ret);
}
