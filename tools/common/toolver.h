/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --version for every tool: one spelling, one format ("NAME VERSION", the
 * version of the libktrq linked, ktrq_version()).
 */
#ifndef KTRQ_TOOLVER_H
#define KTRQ_TOOLVER_H

/*
 * When argv holds --version before any "--", print "NAME VERSION" on
 * stdout and return 1 (the caller exits 0); otherwise return 0.
 */
int	toolver_handle(int argc, char **argv, const char *name);

#endif /* !KTRQ_TOOLVER_H */
