/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * FreeBSD amd64 syscall, signal and errno names for the printer.
 *
 * The syscall table is deliberately partial (the common calls): an
 * unlisted number prints as [code], as kdump prints a number it does not
 * know, so a missing entry costs readability, never correctness.
 */
#include <stddef.h>

#include "names.h"

struct name {
	int		num;
	const char	*name;
};

/* Sorted by number (syscalls.master). */
static const struct name syscalls[] = {
	{ 0, "syscall" }, { 1, "exit" }, { 2, "fork" }, { 3, "read" },
	{ 4, "write" }, { 5, "open" }, { 6, "close" }, { 7, "wait4" },
	{ 9, "link" }, { 10, "unlink" }, { 12, "chdir" }, { 13, "fchdir" },
	{ 15, "chmod" }, { 16, "chown" }, { 17, "break" }, { 20, "getpid" },
	{ 21, "mount" }, { 22, "unmount" }, { 23, "setuid" },
	{ 24, "getuid" }, { 25, "geteuid" }, { 26, "ptrace" },
	{ 27, "recvmsg" }, { 28, "sendmsg" }, { 29, "recvfrom" },
	{ 30, "accept" }, { 33, "access" }, { 36, "sync" }, { 37, "kill" },
	{ 39, "getppid" }, { 41, "dup" }, { 43, "getegid" }, { 45, "ktrace" },
	{ 47, "getgid" }, { 54, "ioctl" }, { 57, "symlink" },
	{ 58, "readlink" }, { 59, "execve" }, { 60, "umask" },
	{ 61, "chroot" }, { 65, "msync" }, { 66, "vfork" }, { 73, "munmap" },
	{ 74, "mprotect" }, { 75, "madvise" }, { 90, "dup2" },
	{ 92, "fcntl" }, { 93, "select" }, { 95, "fsync" }, { 97, "socket" },
	{ 98, "connect" }, { 104, "bind" }, { 105, "setsockopt" },
	{ 106, "listen" }, { 116, "gettimeofday" }, { 117, "getrusage" },
	{ 120, "readv" }, { 121, "writev" }, { 128, "rename" },
	{ 131, "flock" }, { 133, "sendto" }, { 134, "shutdown" },
	{ 136, "mkdir" }, { 137, "rmdir" }, { 202, "__sysctl" },
	{ 232, "clock_gettime" }, { 240, "nanosleep" },
	{ 340, "sigprocmask" }, { 416, "sigaction" }, { 417, "sigreturn" },
	{ 454, "_umtx_op" }, { 475, "pread" }, { 476, "pwrite" },
	{ 477, "mmap" }, { 478, "lseek" }, { 479, "truncate" },
	{ 480, "ftruncate" }, { 499, "openat" }, { 503, "unlinkat" },
	{ 551, "fstat" }, { 552, "fstatat" },
};

/* Index = signal number (sys/signal.h). */
static const char *const signals[] = {
	NULL, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "EMT", "FPE",
	"KILL", "BUS", "SEGV", "SYS", "PIPE", "ALRM", "TERM", "URG", "STOP",
	"TSTP", "CONT", "CHLD", "TTIN", "TTOU", "IO", "XCPU", "XFSZ",
	"VTALRM", "PROF", "WINCH", "INFO", "USR1", "USR2", "THR", "LIBRT",
};

/* Index = errno value (sys/errno.h), texts of FreeBSD's strerror(). */
static const char *const errnos[] = {
	NULL,
	"Operation not permitted",		/* EPERM */
	"No such file or directory",		/* ENOENT */
	"No such process",			/* ESRCH */
	"Interrupted system call",		/* EINTR */
	"Input/output error",			/* EIO */
	"Device not configured",		/* ENXIO */
	"Argument list too long",		/* E2BIG */
	"Exec format error",			/* ENOEXEC */
	"Bad file descriptor",			/* EBADF */
	"No child processes",			/* ECHILD */
	"Resource deadlock avoided",		/* EDEADLK */
	"Cannot allocate memory",		/* ENOMEM */
	"Permission denied",			/* EACCES */
	"Bad address",				/* EFAULT */
	"Block device required",		/* ENOTBLK */
	"Device busy",				/* EBUSY */
	"File exists",				/* EEXIST */
	"Cross-device link",			/* EXDEV */
	"Operation not supported by device",	/* ENODEV */
	"Not a directory",			/* ENOTDIR */
	"Is a directory",			/* EISDIR */
	"Invalid argument",			/* EINVAL */
	"Too many open files in system",	/* ENFILE */
	"Too many open files",			/* EMFILE */
	"Inappropriate ioctl for device",	/* ENOTTY */
	"Text file busy",			/* ETXTBSY */
	"File too large",			/* EFBIG */
	"No space left on device",		/* ENOSPC */
	"Illegal seek",				/* ESPIPE */
	"Read-only file system",		/* EROFS */
	"Too many links",			/* EMLINK */
	"Broken pipe",				/* EPIPE */
	"Numerical argument out of domain",	/* EDOM */
	"Result too large",			/* ERANGE */
	"Resource temporarily unavailable",	/* EAGAIN */
};

#define	NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

const char *
ktrq_dump_syscall_name(int code)
{
	size_t lo, hi, mid;

	lo = 0;
	hi = NITEMS(syscalls);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (syscalls[mid].num == code)
			return (syscalls[mid].name);
		if (syscalls[mid].num < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (NULL);
}

const char *
ktrq_dump_signal_name(int signo)
{

	if (signo <= 0 || (size_t)signo >= NITEMS(signals))
		return (NULL);
	return (signals[signo]);
}

const char *
ktrq_dump_errno_text(int error)
{

	if (error <= 0 || (size_t)error >= NITEMS(errnos))
		return (NULL);
	return (errnos[error]);
}
