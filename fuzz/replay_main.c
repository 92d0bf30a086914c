/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A main() for the fuzz targets without a fuzzing engine: every file
 * named on the command line, and every regular file in every directory
 * named (in name order, not recursively), goes once through
 * LLVMFuzzerTestOneInput.  Arguments starting with '-' are ignored, so
 * libFuzzer-style flags do no harm.  This is what ctest runs on the seed
 * corpora, built with the ordinary compiler, and what reproduces a crash
 * on a machine without libFuzzer:
 *
 *	build/bin/fuzz_order_replay crash-0123abcd
 *
 * Exit status: 0 when every input ran (a failing input aborts the
 * program, as under the fuzzer), 2 when a file could not be read or no
 * input was given.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
	uint8_t *buf;
	size_t cap, len, n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return (-1);
	}
	cap = 4096;
	len = 0;
	if ((buf = malloc(cap)) == NULL) {
		fclose(f);
		return (-1);
	}
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			uint8_t *nb;

			if ((nb = realloc(buf, cap * 2)) == NULL) {
				free(buf);
				fclose(f);
				return (-1);
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		free(buf);
		fclose(f);
		return (-1);
	}
	fclose(f);
	/* An exact-size copy, so ASan sees reads past the input's end. */
	{
		uint8_t *exact = malloc(len != 0 ? len : 1);

		if (exact == NULL) {
			free(buf);
			return (-1);
		}
		memcpy(exact, buf, len);
		free(buf);
		(void)LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	return (0);
}

static int
name_cmp(const void *a, const void *b)
{

	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Run every regular file of `dir`; returns the count, or -1. */
static long
run_dir(const char *dir)
{
	struct dirent *de;
	struct stat st;
	char **names, **nn, *path;
	size_t n, cap, i, plen;
	long count;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return (-1);
	}
	names = NULL;
	n = cap = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap != 0 ? cap * 2 : 64;
			if ((nn = realloc(names, cap * sizeof(*nn))) == NULL)
				break;
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			break;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	count = 0;
	for (i = 0; i < n; i++) {
		plen = strlen(dir) + strlen(names[i]) + 2;
		if ((path = malloc(plen)) != NULL) {
			snprintf(path, plen, "%s/%s", dir, names[i]);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				if (run_file(path) != 0)
					count = -1;
				else if (count >= 0)
					count++;
			}
			free(path);
		}
		free(names[i]);
	}
	free(names);
	return (count);
}

int
main(int argc, char **argv)
{
	struct stat st;
	long total, n;
	int i, bad;

	total = 0;
	bad = 0;
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			bad = 1;
			continue;
		}
		if (S_ISDIR(st.st_mode))
			n = run_dir(argv[i]);
		else
			n = run_file(argv[i]) == 0 ? 1 : -1;
		if (n < 0)
			bad = 1;
		else
			total += n;
	}
	if (total == 0 && !bad) {
		fprintf(stderr, "replay: no input (usage: %s FILE|DIR...)\n",
		    argv[0]);
		return (2);
	}
	printf("replay: %ld input(s) ran without a failure\n", total);
	return (bad ? 2 : 0);
}
