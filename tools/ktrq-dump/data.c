/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * GIO data the way kdump prints it.
 *
 * One byte that is neither printable ASCII nor NUL, tab, newline or
 * carriage return makes the whole record binary: a hex-and-text dump,
 * 16 bytes a line.  Otherwise the text is printed as vis(3) with
 * VIS_CSTYLE encodes it (backslash, CR and NUL escaped; newline and tab
 * kept, a newline starting a tab-indented line) and folded before column
 * 78 with a backslash, as kdump does on an 80-column terminal.  kdump
 * takes the width from its terminal; ktrq-dump always uses 80, kdump's
 * value when stderr is not a terminal (docs/ktrq-dump.md).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "print.h"

#define	SCREEN_WIDTH	80
#define	HEX_PER_LINE	16	/* what kdump's width rule gives for 80 */
#define	TAB_WIDTH	8

static int
is_binary(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] >= 32 && p[i] < 127)
			continue;
		if (p[i] == '\n' || p[i] == '\r' || p[i] == '\0' ||
		    p[i] == '\t')
			continue;
		return (1);
	}
	return (0);
}

static void
hexdump(FILE *out, const uint8_t *p, size_t n)
{
	size_t line, i;

	for (line = 0; line < n; line += HEX_PER_LINE) {
		fprintf(out, "       0x%04zx", line);
		for (i = line; i < line + HEX_PER_LINE; i++) {
			if (i % 2 == 0)
				fputc(' ', out);
			if (i < n)
				fprintf(out, "%02x", p[i]);
			else
				fputs("  ", out);
		}
		fputs("  |", out);
		for (i = line; i < line + HEX_PER_LINE && i < n; i++)
			fputc(p[i] >= ' ' && p[i] <= '~' ? p[i] : '.', out);
		fputs("|\n", out);
	}
	/* kdump ends a short last line with an empty one. */
	if (n % HEX_PER_LINE != 0)
		fputc('\n', out);
}

/* vis(3) VIS_CSTYLE of one byte of a text record; `next` follows it. */
static void
vis_byte(uint8_t c, int next, char tok[5])
{

	switch (c) {
	case '\\':
		strcpy(tok, "\\\\");
		break;
	case '\r':
		strcpy(tok, "\\r");
		break;
	case '\0':
		/* "\0" would run into a following octal digit. */
		strcpy(tok, next >= '0' && next <= '7' ? "\\000" : "\\0");
		break;
	default:
		tok[0] = (char)c;
		tok[1] = '\0';
		break;
	}
}

static void
visdump(FILE *out, const uint8_t *p, size_t n, size_t avail)
{
	char tok[5];
	size_t i, col, width;

	fputs("       \"", out);
	col = 8;
	for (i = 0; i < n; i++) {
		/* Past the record kdump reads stale memory; say "no digit". */
		vis_byte(p[i], i + 1 < avail ? p[i + 1] : -1, tok);
		if (col == 0) {
			fputc('\t', out);
			col = 8;
		}
		if (tok[0] == '\n') {
			col = 0;
			fputc('\n', out);
			continue;
		}
		if (tok[0] == '\t')
			width = TAB_WIDTH - (col & 7);
		else
			width = strlen(tok);
		if (col + width > SCREEN_WIDTH - 2) {
			fputs("\\\n\t", out);
			col = 8;
		}
		col += width;
		fputs(tok, out);
	}
	if (col == 0)
		fputs("       ", out);
	fputs("\"\n", out);
}

void
ktrq_dump_genio_data(FILE *out, const uint8_t *p, size_t n, size_t avail)
{

	if (is_binary(p, n))
		hexdump(out, p, n);
	else
		visdump(out, p, n, avail);
}
