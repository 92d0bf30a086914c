/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Linux kernel backend of the libktrq platform layer
 * (src/os/linux_kernel.c).  Kernel builds only: kernel/Kbuild compiles it
 * with the core into a module.
 *
 * Each create makes an independent table with its own sleep queues, as
 * ktrq_os_pth_create() does in userspace.  create returns 0, EINVAL
 * or ENOMEM; destroy returns 0, EINVAL (NULL or not a Linux table) or
 * EBUSY (a thread still sleeps on it).  Both sleep, so call them from
 * process context.
 *
 * The start-time setting KTRQ_REQUEST_POOL (os->tunable) is the module
 * parameter `request_pool` of the module the backend is linked into:
 * `insmod ktrq_selftest.ko request_pool=32`, or
 * `ktrq_selftest.request_pool=32` on the kernel command line.
 */
#ifndef KTRQ_OS_LINUX_H
#define KTRQ_OS_LINUX_H

struct ktrq_os;

int	ktrq_os_linux_create(struct ktrq_os **osp);
int	ktrq_os_linux_destroy(struct ktrq_os *os);

#endif /* !KTRQ_OS_LINUX_H */
