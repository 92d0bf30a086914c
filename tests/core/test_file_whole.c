/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A file target never keeps a torn record.  A file that cannot take a
 * whole record (a file-size limit: EFBIG after a short write; a full
 * tmpfs: ENOSPC) makes the write fail and the write-error policy run; the
 * file is cut back to the last whole record.  After the limit is lifted
 * (space freed) and tracing attached again, the records that follow read
 * back: the whole file parses, and holds exactly the records that were
 * reported written.
 *
 *   core_file_whole          RLIMIT_FSIZE, runs everywhere
 *   core_file_whole tmpfs    a 64 KiB tmpfs; needs root and mount(2),
 *                            exits 77 (ctest SKIP_RETURN_CODE) otherwise
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"

#define	PID	77
#define	PAYLOAD	1000
#define	SKIP	77

static char	dir[64];
static char	path[128];
static int	tmpfs;

static void
read_file(const char *name, uint8_t **bufp, size_t *lenp)
{
	struct stat sb;
	uint8_t *buf;
	int fd;

	assert_true((fd = open(name, O_RDONLY)) >= 0);
	assert_int_equal(fstat(fd, &sb), 0);
	buf = malloc((size_t)sb.st_size + 1);
	assert_non_null(buf);
	assert_true(read(fd, buf, (size_t)sb.st_size) == sb.st_size);
	close(fd);
	*bufp = buf;
	*lenp = (size_t)sb.st_size;
}

/* Synchronous genio until a write fails; returns the records written. */
static unsigned
fill(struct ktrq_thread *td, const uint8_t *buf, int want)
{
	unsigned n;
	int error;

	for (n = 0; (error = ktrq_genio(td, 3, 1, buf, PAYLOAD)) == 0; n++)
		assert_true(n < 100000);
	assert_int_equal(error, want);
	return (n);
}

static void
t_no_torn_record(void **state)
{
	static uint8_t buf[PAYLOAD];
	struct ktrq_target *t;
	struct ktrq_proc *p;
	struct ktrq_thread *td;
	struct ktrq_stats st;
	struct rlimit rl, old;
	struct trace tr;
	struct ktrq_os *os;
	struct ktrq *k;
	uint8_t *data;
	size_t len;
	unsigned n1;
	int i, fd;

	(void)state;
	memset(buf, 'g', sizeof(buf));
	assert_int_equal(ktrq_os_pth_create(&os), 0);
	k = h_instance(os, 8, 0, NULL);
	assert_int_equal(ktrq_filetarget_open(os, path, &t), 0);
	p = h_proc(k, PID, NULL, PID, "fill", 1000);
	td = h_thread(p, 1);
	h_trace(td, t, KTRFAC_ALL, PID);
	if (tmpfs) {
		/* A filler takes space that is freed below. */
		memset(buf, 'f', sizeof(buf));
		fd = open("filler", O_WRONLY | O_CREAT, 0644);
		assert_true(fd >= 0);
		for (i = 0; i < 16; i++)
			assert_true(write(fd, buf, sizeof(buf)) ==
			    (ssize_t)sizeof(buf));
		close(fd);
		n1 = fill(td, buf, ENOSPC);
		assert_int_equal(unlink("filler"), 0);
	} else {
		/* 10.5 records' worth: the 11th is cut short, then EFBIG. */
		assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
		rl = old;
		rl.rlim_cur = 21 * (KTRQ_REC_HDR_V1_SIZE + KTRQ_REC_GENIO_SIZE + PAYLOAD) / 2;
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
		n1 = fill(td, buf, EFBIG);
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
		assert_int_equal(n1, 10);
	}
	assert_true(n1 > 0);
	assert_int_equal(ktrq_point(td, KTR_GENIO), 0);	/* policy ran */
	h_trace(td, t, KTRFAC_ALL, PID);
	for (i = 0; i < 10; i++)
		assert_int_equal(ktrq_genio(td, 3, 1, buf, PAYLOAD), 0);
	assert_int_equal(ktrq_proc_exit(p), 0);
	st = h_stats(k);
	assert_true(st.written == n1 + 10);
	assert_true(st.write_errors == 1);
	assert_int_equal(ktrq_destroy(k), 0);
	ktrq_target_rele(t);
	assert_int_equal(ktrq_os_pth_destroy(os), 0);

	read_file(path, &data, &len);
	assert_int_equal(trace_parse(data, len, &tr), 0);
	assert_int_equal(tr.n, n1 + 10);
	assert_int_equal(trace_count(&tr, PID, KTR_GENIO), n1 + 10);
	trace_free(&tr);
	free(data);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_no_torn_record),
	};
	int rc;

	tmpfs = argc > 1 && strcmp(argv[1], "tmpfs") == 0;
	/* Past the limit the kernel sends SIGXFSZ before failing EFBIG. */
	signal(SIGXFSZ, SIG_IGN);
	snprintf(dir, sizeof(dir), "/tmp/ktrq-whole.XXXXXX");
	if (mkdtemp(dir) == NULL || chdir(dir) != 0)
		return (1);
	if (tmpfs && (geteuid() != 0 ||
	    mount("tmpfs", dir, "tmpfs", 0, "size=64k") != 0)) {
		fprintf(stderr, "core_file_whole tmpfs: skipped: %s\n",
		    geteuid() != 0 ? "not root" : strerror(errno));
		rmdir(dir);
		return (SKIP);
	}
	/* Enter the mount (chdir above saw the directory under it). */
	if (chdir("/") != 0 || chdir(dir) != 0)
		return (1);
	snprintf(path, sizeof(path), "%s/ktrace.out", dir);
	rc = cmocka_run_group_tests_name(tmpfs ? "core_file_whole_tmpfs" :
	    "core_file_whole", tests, NULL, NULL);
	unlink(path);
	unlink("filler");
	if (chdir("/") != 0)
		rc = 1;
	if (tmpfs)
		umount(dir);
	rmdir(dir);
	return (rc);
}
