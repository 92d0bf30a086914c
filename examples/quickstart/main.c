/* SPDX-License-Identifier: BSD-2-Clause */
/* quickstart: trace one process's events to ktrace.out (or argv[1]). */
#include <stdio.h>
#include <string.h>

#include <ktrq/ktrq.h>

static int
ok(int error, const char *what)
{

	if (error != 0)
		fprintf(stderr, "quickstart: %s: %s\n", what, strerror(error));
	return (error == 0);
}

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "ktrace.out";
	struct ktrq_cred cred = { 1000, 1000, 1000, 1000, 1000, 1000 };
	struct ktrq_os *os;
	struct ktrq_config cf;
	struct ktrq *k;
	struct ktrq_target *t = NULL;
	struct ktrq_proc *p;
	struct ktrq_thread *td;
	struct ktrq_stats st;
	int good;

	if (!ok(ktrq_os_pth_create(&os), "ktrq_os_pth_create"))
		return (1);
	ktrq_config_init(&cf, os);	/* pool: 100, or $KTRQ_REQUEST_POOL */
	if (!ok(ktrq_create(&cf, &k), "ktrq_create")) {
		ktrq_os_pth_destroy(os);
		return (1);
	}
	good = ok(ktrq_filetarget_open(os, path, &t), path);
	if (good && ok(ktrq_proc_create(k, 42, NULL, 42, "demo", &cred, &p),
	    "ktrq_proc_create")) {
		good = ok(ktrq_thread_create(p, 100042, &td), "thread") &&
		    ok(ktrq_ktrace(td, t, KTROP_SET, KTRFAC_ALL, 42), "ktrace") &&
		    ok(ktrq_syscall(td, 4, 3, (uint64_t[]){ 1, 0x1000, 6 }),
		    "syscall") &&
		    ok(ktrq_genio(td, 1, 1, "hello\n", 6), "genio"); /* sync */
		good &= ok(ktrq_proc_exit(p), "exit");	/* drains p */
	} else
		good = 0;
	if (t != NULL)
		ktrq_target_rele(t);
	if (ok(ktrq_stats(k, &st), "stats"))
		printf("libktrq %s: %llu events posted, %llu written to %s\n",
		    ktrq_version(), (unsigned long long)st.posted,
		    (unsigned long long)st.written, path);
	good &= ok(ktrq_destroy(k), "destroy") &
	    ok(ktrq_os_pth_destroy(os), "ktrq_os_pth_destroy");
	return (good ? 0 : 1);
}
