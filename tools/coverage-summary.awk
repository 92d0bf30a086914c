# SPDX-License-Identifier: BSD-2-Clause
#
# coverage-summary.awk: lines and branches covered, from gcov's text output.
#
#   awk -f coverage-summary.awk -v report=R -v include=PREFIX
#       [-v exclude=PREFIX] [-v strip=PREFIX] FILE.gcov...
#
# The inputs are the .gcov files of `gcov -b -c` (branch counts, not
# percentages), any number of them, from one run or several (scenarios),
# one gcov call per object file: a gcov call given several objects merges
# a header's inline functions across them and drops their branches (gcc
# 12).  Only sources whose "Source:" path starts with include and not
# with exclude are counted; strip is cut off the front of the names that
# are printed.
#
# The inputs are merged as a union: a line is executable when any input
# says so (a count, "#####" or "====="), covered when any input has a
# count above zero; a branch (the k-th "branch" line under a source line)
# is covered when any input took it (a count above zero) -- gcov's "taken
# at least once", lcov's branch coverage.  So the whole sweep is the
# union of its scenarios, and a header's inline function counts once
# however many files include it.
#
# lcov's exclusion markers in the source text are honoured: a line with
# LCOV_EXCL_LINE, or from LCOV_EXCL_START to LCOV_EXCL_STOP, counts neither
# as a line nor for its branches; LCOV_EXCL_BR_LINE (LCOV_EXCL_BR_START to
# LCOV_EXCL_BR_STOP) drops a line's branches alone.  Each needs its reason
# beside it (docs/sim.md, "Coverage").
#
# report=total      one line: lines_hit lines_total branches_hit branches_total
# report=files      one such line per source file, "NAME hit total hit total",
#                   sorted by name
# report=uncovered  per file, the lines never run (with their text) and the
#                   lines that ran but left a branch never taken
# Fields are separated by tabs.  Only POSIX awk (mawk, gawk, busybox).

function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

# The name shown for a source path.
function shown(path) {
	if (strip != "" && index(path, strip) == 1)
		return substr(path, length(strip) + 1)
	return path
}

FNR == 1 {
	keep = 0
	cur = ""
	curln = 0
}

# The exclusion markers of a source line (its text) at line ln of cur.
function markers(text) {
	if (text ~ /LCOV_EXCL_START/)
		in_excl = 1
	if (text ~ /LCOV_EXCL_BR_START/)
		in_exbr = 1
	if (in_excl || text ~ /LCOV_EXCL_LINE/)
		exl[cur, ln] = 1
	if (in_exbr || text ~ /LCOV_EXCL_BR_LINE/)
		exb[cur, ln] = 1
	if (text ~ /LCOV_EXCL_STOP/)
		in_excl = 0
	if (text ~ /LCOV_EXCL_BR_STOP/)
		in_exbr = 0
}

# A branch of the last source line: "branch  3 taken 12 (fallthrough)",
# "branch  0 never executed".
/^branch / {
	if (!keep || curln == 0)
		next
	k = cur SUBSEP curln SUBSEP nb
	nb++
	if (nb > nbr[cur, curln])
		nbr[cur, curln] = nb
	br[k] = 1
	if ($3 == "taken") {
		n = $4
		sub(/%$/, "", n)
		if (n + 0 > 0)
			brt[k] = 1
	}
	next
}

/^(call|function|unconditional) / {
	next
}

# A source line: "COUNT:LINENO:TEXT".
{
	p = index($0, ":")
	if (p == 0)
		next
	cnt = trim(substr($0, 1, p - 1))
	rest = substr($0, p + 1)
	q = index(rest, ":")
	if (q == 0)
		next
	lnf = trim(substr(rest, 1, q - 1))
	text = substr(rest, q + 1)
	if (lnf !~ /^[0-9]+$/)
		next			# not a source line
	ln = lnf + 0
	if (ln == 0) {
		if (text ~ /^Source:/) {
			cur = substr(text, 8)
			in_excl = in_exbr = 0
			keep = index(cur, include) == 1 &&
			    !(exclude != "" && index(cur, exclude) == 1)
			if (keep && !(cur in files)) {
				files[cur] = 1
				nfiles++
				order[nfiles] = cur
			}
		}
		next
	}
	if (!keep)
		next
	curln = ln
	nb = 0
	src[cur, ln] = text
	markers(text)
	if (ln > maxln[cur])
		maxln[cur] = ln
	if (cnt == "-")
		next
	sub(/\*$/, "", cnt)		# "12*": some block of the line did not run
	if (cnt == "#####" || cnt == "=====") {
		exe[cur, ln] = 1
	} else if (cnt ~ /^[0-9]+$/) {
		exe[cur, ln] = 1
		if (cnt + 0 > 0)
			hit[cur, ln] = 1
	}
}

# Is line ln of f counted (not excluded), are its branches?
function counted(f, ln) {
	return ((f, ln) in exe) && !((f, ln) in exl)
}
function branches(f, ln) {
	return !((f, ln) in exl) && !((f, ln) in exb)
}

# Counts of one file: lines fl_h of fl_t, branches fb_h of fb_t; fl_x
# executable lines excluded.
function count(f,    ln, b) {
	fl_h = fl_t = fb_h = fb_t = fl_x = 0
	for (ln = 1; ln <= maxln[f]; ln++) {
		if (counted(f, ln)) {
			fl_t++
			if ((f, ln) in hit)
				fl_h++
		} else if ((f, ln) in exe)
			fl_x++
		if (!branches(f, ln))
			continue
		for (b = 0; b < nbr[f, ln]; b++) {
			if ((f, ln, b) in br) {
				fb_t++
				if ((f, ln, b) in brt)
					fb_h++
			}
		}
	}
}

function sort_files(    i, j, t) {
	for (i = 2; i <= nfiles; i++) {
		t = order[i]
		for (j = i - 1; j >= 1 && shown(order[j]) > shown(t); j--)
			order[j + 1] = order[j]
		order[j + 1] = t
	}
}

# The lines of f that never ran, then those that left a branch untaken.
function uncovered(f,    ln, b, nt, nn, first) {
	count(f)
	printf("== %s\tlines %d/%d\tbranches %d/%d", shown(f), fl_h, fl_t,
	    fb_h, fb_t)
	if (fl_x > 0)
		printf("\t(%d lines excluded: LCOV_EXCL)", fl_x)
	printf("\n")
	first = 1
	for (ln = 1; ln <= maxln[f]; ln++) {
		if (!counted(f, ln) || ((f, ln) in hit))
			continue
		if (first)
			print "not run:"
		first = 0
		printf("%6d\t%s\n", ln, src[f, ln])
	}
	first = 1
	for (ln = 1; ln <= maxln[f]; ln++) {
		if (!counted(f, ln) || !((f, ln) in hit) || !branches(f, ln))
			continue
		nt = nn = 0
		for (b = 0; b < nbr[f, ln]; b++) {
			if (!((f, ln, b) in br))
				continue
			nn++
			if (!((f, ln, b) in brt))
				nt++
		}
		if (nt == 0)
			continue
		if (first)
			print "ran, but a branch never taken (not taken/branches):"
		first = 0
		printf("%6d\t%d/%d\t%s\n", ln, nt, nn, src[f, ln])
	}
	print ""
}

END {
	sort_files()
	if (report == "total") {
		tl_h = tl_t = tb_h = tb_t = 0
		for (i = 1; i <= nfiles; i++) {
			count(order[i])
			tl_h += fl_h; tl_t += fl_t; tb_h += fb_h; tb_t += fb_t
		}
		printf("%d\t%d\t%d\t%d\n", tl_h, tl_t, tb_h, tb_t)
	} else if (report == "files") {
		for (i = 1; i <= nfiles; i++) {
			count(order[i])
			printf("%s\t%d\t%d\t%d\t%d\n", shown(order[i]), fl_h, fl_t,
			    fb_h, fb_t)
		}
	} else if (report == "uncovered") {
		for (i = 1; i <= nfiles; i++)
			uncovered(order[i])
	} else {
		print "coverage-summary.awk: report must be total, files or uncovered" \
		    > "/dev/stderr"
		exit 2
	}
}
