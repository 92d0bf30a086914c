/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A target that appends to a file: ktrace.out on a host.  Host code
 * (open(2), writev(2)), so it lives beside the pthread backend and not
 * in the portable core.  O_APPEND makes each writev land at the end even
 * when several writers share the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ktrq/ktrq.h"

struct filetarget {
	int	fd;
};

static int
file_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{
	struct filetarget *ft = arg;
	struct iovec v[KTRQ_TARGET_IOVMAX];
	ssize_t n;
	int i;

	(void)cred;	/* a host process cannot switch credentials per write */
	for (i = 0; i < iovcnt; i++) {
		v[i].iov_base = (void *)(uintptr_t)iov[i].base;
		v[i].iov_len = iov[i].len;
	}
	do
		n = writev(ft->fd, v, iovcnt);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return (errno);
	*donep = (size_t)n;
	return (0);
}

static void
file_release(void *arg)
{
	struct filetarget *ft = arg;

	close(ft->fd);
	free(ft);
}

static const struct ktrq_target_ops file_ops = {
	.write = file_write,
	.release = file_release,
};

int
ktrq_filetarget_open(const struct ktrq_os *os, const char *path,
    struct ktrq_target **tp)
{
	struct filetarget *ft;
	int error;

	if (os == NULL || path == NULL || tp == NULL)
		return (EINVAL);
	if ((ft = malloc(sizeof(*ft))) == NULL)
		return (ENOMEM);
	ft->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (ft->fd < 0) {
		error = errno;
		free(ft);
		return (error);
	}
	if ((error = ktrq_target_create(os, &file_ops, ft, tp)) != 0)
		file_release(ft);
	return (error);
}
