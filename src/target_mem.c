/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A target that appends to memory, for tests and harnesses: what a
 * ktrace.out file would hold, without a file system.  Its own mutex
 * makes concurrent writers (several instances) safe; the buffer doubles
 * through the layer's allocator, so the simulator's allocation faults
 * reach it as write errors.
 */
#include <errno.h>
#include <string.h>

#include "ktrq_impl.h"

struct memtarget {
	const struct ktrq_os	*m_os;
	struct ktrq_os_mtx	*m_mtx;		/* guards the buffer */
	uint8_t			*m_buf;
	size_t			 m_len;
	size_t			 m_cap;
};

static int
mem_reserve(struct memtarget *m, size_t need)
{
	const struct ktrq_os *os = m->m_os;
	uint8_t *nbuf;
	size_t ncap;

	if (need <= m->m_cap)
		return (0);
	for (ncap = m->m_cap != 0 ? m->m_cap : 4096; ncap < need; ncap *= 2)
		if (ncap > SIZE_MAX / 2)
			return (ENOMEM);
	if ((nbuf = os->alloc(os->cookie, ncap)) == NULL)
		return (ENOMEM);
	if (m->m_len != 0)
		memcpy(nbuf, m->m_buf, m->m_len);
	os->free(os->cookie, m->m_buf, m->m_cap);
	m->m_buf = nbuf;
	m->m_cap = ncap;
	return (0);
}

static int
mem_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{
	struct memtarget *m = arg;
	size_t total;
	int error, i;

	(void)cred;
	total = ktrq_iov_total(iov, iovcnt);
	ktrq__lock(m->m_os, m->m_mtx);
	if ((error = mem_reserve(m, m->m_len + total)) == 0) {
		for (i = 0; i < iovcnt; i++) {
			if (iov[i].len == 0)
				continue;
			memcpy(m->m_buf + m->m_len, iov[i].base, iov[i].len);
			m->m_len += iov[i].len;
		}
		*donep = total;
	}
	ktrq__unlock(m->m_os, m->m_mtx);
	return (error);
}

static void
mem_release(void *arg)
{
	struct memtarget *m = arg;
	const struct ktrq_os *os = m->m_os;

	os->free(os->cookie, m->m_buf, m->m_cap);
	os->mtx_destroy(os->cookie, m->m_mtx);
	os->free(os->cookie, m, sizeof(*m));
}

static const struct ktrq_target_ops mem_ops = {
	.write = mem_write,
	.release = mem_release,
};

int
ktrq_memtarget_create(const struct ktrq_os *os, struct ktrq_target **tp)
{
	struct memtarget *m;
	int error;

	if (os == NULL || tp == NULL)
		return (EINVAL);
	if ((m = os->alloc(os->cookie, sizeof(*m))) == NULL)
		return (ENOMEM);
	memset(m, 0, sizeof(*m));
	m->m_os = os;
	if ((error = os->mtx_init(os->cookie, &m->m_mtx, "ktrq memtarget"))
	    != 0) {
		os->free(os->cookie, m, sizeof(*m));
		return (error);
	}
	if ((error = ktrq_target_create(os, &mem_ops, m, tp)) != 0)
		mem_release(m);
	return (error);
}

const uint8_t *
ktrq_memtarget_data(struct ktrq_target *t, size_t *lenp)
{
	struct memtarget *m;

	if (t == NULL || ktrq__target_ops(t)->write != mem_write) {
		if (lenp != NULL)
			*lenp = 0;
		return (NULL);
	}
	m = ktrq__target_arg(t);
	if (lenp != NULL)
		*lenp = m->m_len;
	return (m->m_buf);
}
