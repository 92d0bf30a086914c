/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A strict JSON syntax check (RFC 8259) of the results file, so the
 * smoke test can tell a valid report from one that merely exists.  It
 * validates, it does not build a tree: a recursive descent over the
 * bytes, with a depth bound.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define	MAXDEPTH	64

struct jp {
	const char	*p, *end;
	const char	*why;
};

static int	value(struct jp *, int depth);

static void
ws(struct jp *j)
{

	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int
fail(struct jp *j, const char *why)
{

	if (j->why == NULL)
		j->why = why;
	return (-1);
}

static int
lit(struct jp *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return (fail(j, "bad literal"));
	j->p += n;
	return (0);
}

static int
is_digit(char c)
{

	return (c >= '0' && c <= '9');
}

static int
is_hex(char c)
{

	return (is_digit(c) || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F'));
}

static int
string(struct jp *j)
{
	int i;

	if (j->p >= j->end || *j->p != '"')
		return (fail(j, "string expected"));
	for (j->p++; j->p < j->end && *j->p != '"'; j->p++) {
		if ((unsigned char)*j->p < 0x20)
			return (fail(j, "control character in string"));
		if (*j->p != '\\')
			continue;
		if (++j->p >= j->end)
			break;
		if (*j->p == 'u') {
			for (i = 0; i < 4; i++)
				if (++j->p >= j->end || !is_hex(*j->p))
					return (fail(j, "bad \\u escape"));
		} else if (strchr("\"\\/bfnrt", *j->p) == NULL)
			return (fail(j, "bad escape"));
	}
	if (j->p >= j->end)
		return (fail(j, "unterminated string"));
	j->p++;
	return (0);
}

static int
digits(struct jp *j)
{

	if (j->p >= j->end || !is_digit(*j->p))
		return (fail(j, "digit expected"));
	while (j->p < j->end && is_digit(*j->p))
		j->p++;
	return (0);
}

static int
number(struct jp *j)
{

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (digits(j) != 0)
		return (-1);
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (digits(j) != 0)
			return (-1);
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (digits(j) != 0)
			return (-1);
	}
	return (0);
}

static int
members(struct jp *j, int depth, char close, int keyed)
{

	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return (0);
	}
	for (;;) {
		ws(j);
		if (keyed) {
			if (string(j) != 0)
				return (-1);
			ws(j);
			if (j->p >= j->end || *j->p != ':')
				return (fail(j, "':' expected"));
			j->p++;
		}
		if (value(j, depth + 1) != 0)
			return (-1);
		ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return (0);
		}
		return (fail(j, "',' or close expected"));
	}
}

static int
value(struct jp *j, int depth)
{

	if (depth > MAXDEPTH)
		return (fail(j, "nested too deeply"));
	ws(j);
	if (j->p >= j->end)
		return (fail(j, "value expected"));
	switch (*j->p) {
	case '{':
		return (members(j, depth, '}', 1));
	case '[':
		return (members(j, depth, ']', 0));
	case '"':
		return (string(j));
	case 't':
		return (lit(j, "true"));
	case 'f':
		return (lit(j, "false"));
	case 'n':
		return (lit(j, "null"));
	default:
		return (number(j));
	}
}

int
bench_json_check(const char *path, char *err, size_t errlen)
{
	struct jp j;
	FILE *fp;
	char *buf;
	long len;
	int rc;

	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)len + 1)) == NULL) {
		fclose(fp);
		snprintf(err, errlen, "%s: cannot read", path);
		return (-1);
	}
	if (fread(buf, 1, (size_t)len, fp) != (size_t)len) {
		free(buf);
		fclose(fp);
		snprintf(err, errlen, "%s: short read", path);
		return (-1);
	}
	fclose(fp);
	j.p = buf;
	j.end = buf + len;
	j.why = NULL;
	ws(&j);
	if (j.p >= j.end || *j.p != '{')
		rc = fail(&j, "top level is not an object");
	else
		rc = value(&j, 0);
	if (rc == 0) {
		ws(&j);
		if (j.p != j.end)
			rc = fail(&j, "trailing bytes");
	}
	if (rc != 0)
		snprintf(err, errlen, "%s: invalid JSON at byte %ld: %s", path,
		    (long)(j.p - buf), j.why);
	free(buf);
	return (rc);
}
