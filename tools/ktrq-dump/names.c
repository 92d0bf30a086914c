/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * FreeBSD amd64 syscall, signal and errno names for the printer.
 *
 * The syscall table is deliberately partial (the common calls): an
 * unlisted number prints as [code], as kdump prints a number it does not
 * know, so a missing entry costs readability, never correctness.
 */
#include <stddef.h>
#include <stdio.h>

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
	"Operation now in progress",		/* EINPROGRESS */
	"Operation already in progress",	/* EALREADY */
	"Socket operation on non-socket",	/* ENOTSOCK */
	"Destination address required",		/* EDESTADDRREQ */
	"Message too long",			/* EMSGSIZE */
	"Protocol wrong type for socket",	/* EPROTOTYPE */
	"Protocol not available",		/* ENOPROTOOPT */
	"Protocol not supported",		/* EPROTONOSUPPORT */
	"Socket type not supported",		/* ESOCKTNOSUPPORT */
	"Operation not supported",		/* EOPNOTSUPP */
	"Protocol family not supported",	/* EPFNOSUPPORT */
	"Address family not supported by protocol family", /* EAFNOSUPPORT */
	"Address already in use",		/* EADDRINUSE */
	"Can't assign requested address",	/* EADDRNOTAVAIL */
	"Network is down",			/* ENETDOWN */
	"Network is unreachable",		/* ENETUNREACH */
	"Network dropped connection on reset",	/* ENETRESET */
	"Software caused connection abort",	/* ECONNABORTED */
	"Connection reset by peer",		/* ECONNRESET */
	"No buffer space available",		/* ENOBUFS */
	"Socket is already connected",		/* EISCONN */
	"Socket is not connected",		/* ENOTCONN */
	"Can't send after socket shutdown",	/* ESHUTDOWN */
	"Too many references: can't splice",	/* ETOOMANYREFS */
	"Operation timed out",			/* ETIMEDOUT */
	"Connection refused",			/* ECONNREFUSED */
	"Too many levels of symbolic links",	/* ELOOP */
	"File name too long",			/* ENAMETOOLONG */
	"Host is down",				/* EHOSTDOWN */
	"No route to host",			/* EHOSTUNREACH */
	"Directory not empty",			/* ENOTEMPTY */
	"Too many processes",			/* EPROCLIM */
	"Too many users",			/* EUSERS */
	"Disc quota exceeded",			/* EDQUOT */
	"Stale NFS file handle",		/* ESTALE */
	"Too many levels of remote in path",	/* EREMOTE */
	"RPC struct is bad",			/* EBADRPC */
	"RPC version wrong",			/* ERPCMISMATCH */
	"RPC program not available",		/* EPROGUNAVAIL */
	"Program version wrong",		/* EPROGMISMATCH */
	"Bad procedure for program",		/* EPROCUNAVAIL */
	"No locks available",			/* ENOLCK */
	"Function not implemented",		/* ENOSYS */
	"Inappropriate file type or format",	/* EFTYPE */
	"Authentication error",			/* EAUTH */
	"Need authenticator",			/* ENEEDAUTH */
	"Identifier removed",			/* EIDRM */
	"No message of desired type",		/* ENOMSG */
	"Value too large to be stored in data type", /* EOVERFLOW */
	"Operation canceled",			/* ECANCELED */
	"Illegal byte sequence",		/* EILSEQ */
	"Attribute not found",			/* ENOATTR */
	"Programming error",			/* EDOOFUS */
	"Bad message",				/* EBADMSG */
	"Multihop attempted",			/* EMULTIHOP */
	"Link has been severed",		/* ENOLINK */
	"Protocol error",			/* EPROTO */
	"Capabilities insufficient",		/* ENOTCAPABLE */
	"Not permitted in capability mode",	/* ECAPMODE */
	"State not recoverable",		/* ENOTRECOVERABLE */
	"Previous owner died",			/* EOWNERDEAD */
	"Integrity check failed",		/* EINTEGRITY */
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

void
ktrq_dump_print_errno_text(FILE *out, int error)
{

	if (error > 0 && (size_t)error < NITEMS(errnos))
		fprintf(out, " %s", errnos[error]);
	else
		fprintf(out, " Unknown error: %d", error);
}

struct code {
	int		signo;	/* 0: any signal */
	int		code;
	const char	*name;
};

/* sys/signal.h si_code values; the generic ones first, as sysdecode. */
static const struct code sigcodes[] = {
	{ 0, 0, "SI_NOINFO" }, { 0, 0x10001, "SI_USER" },
	{ 0, 0x10002, "SI_QUEUE" }, { 0, 0x10003, "SI_TIMER" },
	{ 0, 0x10004, "SI_ASYNCIO" }, { 0, 0x10005, "SI_MESGQ" },
	{ 0, 0x10006, "SI_KERNEL" }, { 0, 0x10007, "SI_LWP" },
	{ 4, 1, "ILL_ILLOPC" }, { 4, 2, "ILL_ILLOPN" },
	{ 4, 3, "ILL_ILLADR" }, { 4, 4, "ILL_ILLTRP" },
	{ 4, 5, "ILL_PRVOPC" }, { 4, 6, "ILL_PRVREG" },
	{ 4, 7, "ILL_COPROC" }, { 4, 8, "ILL_BADSTK" },
	{ 5, 1, "TRAP_BRKPT" }, { 5, 2, "TRAP_TRACE" },
	{ 5, 3, "TRAP_DTRACE" }, { 5, 4, "TRAP_CAP" },
	{ 8, 1, "FPE_INTOVF" }, { 8, 2, "FPE_INTDIV" },
	{ 8, 3, "FPE_FLTDIV" }, { 8, 4, "FPE_FLTOVF" },
	{ 8, 5, "FPE_FLTUND" }, { 8, 6, "FPE_FLTRES" },
	{ 8, 7, "FPE_FLTINV" }, { 8, 8, "FPE_FLTSUB" },
	{ 8, 9, "FPE_FLTIDO" },
	{ 10, 1, "BUS_ADRALN" }, { 10, 2, "BUS_ADRERR" },
	{ 10, 3, "BUS_OBJERR" }, { 10, 100, "BUS_OOMERR" },
	{ 11, 1, "SEGV_MAPERR" }, { 11, 2, "SEGV_ACCERR" },
	{ 11, 100, "SEGV_PKUERR" },
	{ 20, 1, "CLD_EXITED" }, { 20, 2, "CLD_KILLED" },
	{ 20, 3, "CLD_DUMPED" }, { 20, 4, "CLD_TRAPPED" },
	{ 20, 5, "CLD_STOPPED" }, { 20, 6, "CLD_CONTINUED" },
};

const char *
ktrq_dump_sigcode_name(int signo, int code)
{
	size_t i;

	for (i = 0; i < NITEMS(sigcodes); i++)
		if ((sigcodes[i].signo == 0 || sigcodes[i].signo == signo) &&
		    sigcodes[i].code == code)
			return (sigcodes[i].name);
	return (NULL);
}

/* sys/vm/vm_param.h KERN_* values. */
static const char *const vmresults[] = {
	"KERN_SUCCESS", "KERN_INVALID_ADDRESS", "KERN_PROTECTION_FAILURE",
	"KERN_NO_SPACE", "KERN_INVALID_ARGUMENT", "KERN_FAILURE",
	"KERN_RESOURCE_SHORTAGE", "KERN_NOT_RECEIVER", "KERN_NO_ACCESS",
	"KERN_OUT_OF_BOUNDS", "KERN_RESTART",
};

const char *
ktrq_dump_vmresult_name(int result)
{

	if (result < 0 || (size_t)result >= NITEMS(vmresults))
		return (NULL);
	return (vmresults[result]);
}
