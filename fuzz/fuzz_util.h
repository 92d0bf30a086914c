/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Small helpers shared by the fuzz targets that run the simulator.
 */
#ifndef KTRQ_FUZZ_UTIL_H
#define KTRQ_FUZZ_UTIL_H

/*
 * Call on the OS thread that ran ktrq_sim__run(), after it returned.  Under
 * AddressSanitizer it re-asserts ASan's idea of this thread's stack (a
 * fiber "switch" to the stack it is on).  The fiber vehicle once
 * announced every switch back to simulated thread 1 with an empty stack,
 * after which LeakSanitizer did not scan the main stack and reported
 * libFuzzer's own objects as leaks; sim/vehicle_fiber.c now passes the
 * real bounds, and this stays as a cheap guard for every harness that
 * runs many simulations in one process.  A no-op without ASan.
 */
void	fuzz_fix_asan_stack(void);

#endif /* !KTRQ_FUZZ_UTIL_H */
