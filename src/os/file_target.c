/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A target that appends to a file: ktrace.out on a host.  Host code
 * (open(2), writev(2)), so it lives beside the pthread backend and not
 * in the portable core.  O_APPEND makes each writev land at the end even
 * when several writers share the file.
 *
 * The file never keeps part of a record: FreeBSD writes a record with
 * IO_UNIT, which undoes a partial write, and a reader follows lengths, so
 * one torn record would make everything after it unreadable.  A record is
 * written whole here (short writev()s continued in this call) and, when
 * that fails, the file is truncated back to the size it had before, so a
 * later record -- after space was freed and tracing attached again --
 * lands on a record boundary.  The rollback is exact while one writer at
 * a time appends to the file (one instance: its queue serialises them).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ktrq/ktrq.h"

struct filetarget {
	int	fd;
};

/* Skip `done` bytes of v[0..cnt); returns the pieces left. */
static int
iovec_advance(struct iovec *v, int cnt, size_t done)
{
	int i, j;

	for (i = 0; i < cnt && done >= v[i].iov_len; i++)
		done -= v[i].iov_len;
	for (j = 0; i < cnt; i++, j++) {
		v[j].iov_base = (char *)v[i].iov_base + done;
		v[j].iov_len = v[i].iov_len - done;
		done = 0;
	}
	return (j);
}

static int
file_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{
	struct filetarget *ft = arg;
	struct iovec v[KTRQ_TARGET_IOVMAX];
	struct stat sb;
	size_t total, left;
	ssize_t n;
	int error, i;

	(void)cred;	/* a host process cannot switch credentials per write */
	if (fstat(ft->fd, &sb) != 0)
		return (errno);
	for (i = 0; i < iovcnt; i++) {
		v[i].iov_base = (void *)(uintptr_t)iov[i].base;
		v[i].iov_len = iov[i].len;
	}
	total = left = ktrq_iov_total(iov, iovcnt);
	error = 0;
	while (left > 0 && error == 0) {
		n = writev(ft->fd, v, iovcnt);
		if (n < 0 && errno == EINTR && left == total)
			return (EINTR);		/* nothing written: retried */
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			error = n < 0 ? errno : EIO;
			break;
		}
		left -= (size_t)n;
		iovcnt = iovec_advance(v, iovcnt, (size_t)n);
	}
	if (error != 0) {
		/* Undo the part that went out, as IO_UNIT. */
		if (left != total)
			while (ftruncate(ft->fd, sb.st_size) != 0 &&
			    errno == EINTR)
				;
		return (error);
	}
	*donep = total;
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
