/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Syscall arguments by name, as kdump prints them for a FreeBSD process.
 *
 * Which arguments of which syscall kdump decodes, and how, is the
 * ktrsyscall_freebsd() of FreeBSD's usr.bin/kdump/kdump.c (main of early
 * 2024, the layout FreeBSD 14 has); the names are libsysdecode's, which
 * its mktables script greps out of FreeBSD's headers.  The tables below
 * are those greps written out in header order, because a lookup takes
 * the first name of a value and a mask prints its names in table order;
 * the host's headers are Linux's and would give other numbers.  A name
 * the grep misses is missing here too (MAP_32BIT, IP_MINTTL,
 * TCP_MAXUNACKTIME, RFPPWAIT...), so the output is kdump's.
 *
 * The forms, kdump's print helpers:
 *	number	%#jx, %jd with -d (ktrq_dump_print_number)
 *	name	NAME, or <invalid=%#x> (<invalid=%d> with -d)
 *	fd	AT_FDCWD, or %#x (%d with -d)
 *	mask	%#x<NAME|NAME>, whatever -d says; once a name matched, the
 *		bits no name covers are not shown, and a value no name
 *		covers is %#x<><invalid>%u
 *	mask0	0 for 0, else as mask
 *	mode	0 for 0, else %#o<S_IRUSR|...>
 * all after "(" and separated by commas.  Only the arguments the record
 * holds are read (kdump reads on past a short record).  What is not
 * decoded is listed in docs/ktrq-dump.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ktrq/record.h"

#include "print.h"
#include "sysdecode.h"

#define	NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* FreeBSD's values the decoders test (sys/fcntl.h, sys/socket.h...). */
#define	FBSD_O_ACCMODE		0x3
#define	FBSD_O_NOFOLLOW		0x100
#define	FBSD_O_CREAT		0x200
#define	FBSD_O_EXEC		0x40000
#define	FBSD_AT_FDCWD		(-100)
#define	FBSD_F_GETFD		1
#define	FBSD_F_SETFD		2
#define	FBSD_F_GETFL		3
#define	FBSD_F_SETFL		4
#define	FBSD_F_GETOWN		5
#define	FBSD_F_GETLK		11
#define	FBSD_F_SETLKW		13
#define	FBSD_FD_CLOEXEC		1
#define	FBSD_PF_INET		2
#define	FBSD_PF_INET6		28
#define	FBSD_SOL_SOCKET		0xffff
#define	FBSD_IPPROTO_IP		0
#define	FBSD_IPPROTO_TCP	6
#define	FBSD_IPPROTO_UDP	17
#define	FBSD_IPPROTO_UDPLITE	136
#define	FBSD_SOCK_FLAGS		0x30000000u	/* CLOEXEC | NONBLOCK */
#define	FBSD_PROT_MAX_SHIFT	16
#define	FBSD_PROT_ALL		0x7u
#define	FBSD_MAP_ALIGN_MASK	0xff000000u
#define	FBSD_MAP_ALIGN_SHIFT	24
#define	FBSD_MAP_ALIGNED_SUPER	0x01000000u
#define	FBSD_WAIT_IMPLICIT	0x30u		/* WEXITED | WTRAPPED */

struct name {
	int64_t		val;
	const char	*str;
};

/* sys/unistd.h [A-Z]_OK */
static const struct name accessmode[] = {
	{ 0, "F_OK" }, { 0x01, "X_OK" }, { 0x02, "W_OK" }, { 0x04, "R_OK" },
};

/* sys/fcntl.h AT_[A-Z_]+ 0x */
static const struct name atflags[] = {
	{ 0x0100, "AT_EACCESS" }, { 0x0200, "AT_SYMLINK_NOFOLLOW" },
	{ 0x0400, "AT_SYMLINK_FOLLOW" }, { 0x0800, "AT_REMOVEDIR" },
	{ 0x2000, "AT_RESOLVE_BENEATH" }, { 0x4000, "AT_EMPTY_PATH" },
};

/* sys/unistd.h CLOSE_RANGE_[A-Z]+ */
static const struct name closerangeflags[] = {
	{ 1 << 2, "CLOSE_RANGE_CLOEXEC" },
};

/* sys/fcntl.h POSIX_FADV_ */
static const struct name fadvisebehav[] = {
	{ 0, "POSIX_FADV_NORMAL" }, { 1, "POSIX_FADV_RANDOM" },
	{ 2, "POSIX_FADV_SEQUENTIAL" }, { 3, "POSIX_FADV_WILLNEED" },
	{ 4, "POSIX_FADV_DONTNEED" }, { 5, "POSIX_FADV_NOREUSE" },
};

/*
 * sys/fcntl.h O_[A-Z]+ 0x without O_RDONLY, O_WRONLY, O_RDWR (the
 * access mode is printed apart); O_RESOLVE_BENEATH, O_TTY_INIT and
 * O_EMPTY_PATH hold a '_' the grep does not take.
 */
static const struct name openflags[] = {
	{ 0x0003, "O_ACCMODE" }, { 0x0004, "O_NONBLOCK" },
	{ 0x0008, "O_APPEND" }, { 0x0010, "O_SHLOCK" }, { 0x0020, "O_EXLOCK" },
	{ 0x0040, "O_ASYNC" }, { 0x0080, "O_FSYNC" }, { 0x0080, "O_SYNC" },
	{ 0x0100, "O_NOFOLLOW" }, { 0x0200, "O_CREAT" }, { 0x0400, "O_TRUNC" },
	{ 0x0800, "O_EXCL" }, { 0x8000, "O_NOCTTY" },
	{ 0x00010000, "O_DIRECT" }, { 0x00020000, "O_DIRECTORY" },
	{ 0x00040000, "O_EXEC" }, { 0x00100000, "O_CLOEXEC" },
	{ 0x00200000, "O_VERIFY" }, { 0x00400000, "O_PATH" },
	{ 0x01000000, "O_DSYNC" },
};

/* sys/fcntl.h LOCK_ */
static const struct name flockops[] = {
	{ 0x01, "LOCK_SH" }, { 0x02, "LOCK_EX" }, { 0x04, "LOCK_NB" },
	{ 0x08, "LOCK_UN" },
};

/* sys/fcntl.h F_[A-Z0-9_]+ n, without F_CANCEL and F_..LCK */
static const struct name fcntlcmd[] = {
	{ 0, "F_DUPFD" }, { 1, "F_GETFD" }, { 2, "F_SETFD" }, { 3, "F_GETFL" },
	{ 4, "F_SETFL" }, { 5, "F_GETOWN" }, { 6, "F_SETOWN" },
	{ 7, "F_OGETLK" }, { 8, "F_OSETLK" }, { 9, "F_OSETLKW" },
	{ 10, "F_DUP2FD" }, { 11, "F_GETLK" }, { 12, "F_SETLK" },
	{ 13, "F_SETLKW" }, { 14, "F_SETLK_REMOTE" }, { 15, "F_READAHEAD" },
	{ 16, "F_RDAHEAD" }, { 17, "F_DUPFD_CLOEXEC" },
	{ 18, "F_DUP2FD_CLOEXEC" }, { 19, "F_ADD_SEALS" },
	{ 20, "F_GET_SEALS" }, { 21, "F_ISUNIONSTACK" }, { 22, "F_KINFO" },
};

/* sys/mman.h _?MADV_[A-Z]+ n: the POSIX-space _MADV_ names come first. */
static const struct name madvisebehav[] = {
	{ 0, "_MADV_NORMAL" }, { 1, "_MADV_RANDOM" },
	{ 2, "_MADV_SEQUENTIAL" }, { 3, "_MADV_WILLNEED" },
	{ 4, "_MADV_DONTNEED" }, { 5, "MADV_FREE" }, { 6, "MADV_NOSYNC" },
	{ 7, "MADV_AUTOSYNC" }, { 8, "MADV_NOCORE" }, { 9, "MADV_CORE" },
	{ 10, "MADV_PROTECT" },
};

/* sys/mman.h INHERIT_ */
static const struct name minheritflags[] = {
	{ 0, "INHERIT_SHARE" }, { 1, "INHERIT_COPY" }, { 2, "INHERIT_NONE" },
	{ 3, "INHERIT_ZERO" },
};

/* sys/mman.h MCL_ */
static const struct name mlockallflags[] = {
	{ 0x0001, "MCL_CURRENT" }, { 0x0002, "MCL_FUTURE" },
};

/* sys/mman.h PROT_[A-Z]+ 0x */
static const struct name mmapprot[] = {
	{ 0x00, "PROT_NONE" }, { 0x01, "PROT_READ" }, { 0x02, "PROT_WRITE" },
	{ 0x04, "PROT_EXEC" },
};

/* sys/mman.h MS_ */
static const struct name msyncflags[] = {
	{ 0x0000, "MS_SYNC" }, { 0x0001, "MS_ASYNC" },
	{ 0x0002, "MS_INVALIDATE" },
};

/*
 * sys/mman.h MAP_[A-Z_]+ 0x: MAP_RESERVED0020... and MAP_32BIT hold
 * digits the grep does not take.
 */
static const struct name mmapflags[] = {
	{ 0x0001, "MAP_SHARED" }, { 0x0002, "MAP_PRIVATE" },
	{ 0x0010, "MAP_FIXED" }, { 0x0200, "MAP_HASSEMAPHORE" },
	{ 0x0400, "MAP_STACK" }, { 0x0800, "MAP_NOSYNC" },
	{ 0x0000, "MAP_FILE" }, { 0x1000, "MAP_ANON" },
	{ 0x00002000, "MAP_GUARD" }, { 0x00004000, "MAP_EXCL" },
	{ 0x00020000, "MAP_NOCORE" }, { 0x00040000, "MAP_PREFAULT_READ" },
};

/*
 * sys/unistd.h RF[A-Z]+ (1<<n).  RFPPWAIT, (1<<31), is a negative int
 * that libsysdecode's mask test never matches, so it is left out.
 */
static const struct name rforkflags[] = {
	{ 1 << 0, "RFNAMEG" }, { 1 << 1, "RFENVG" }, { 1 << 2, "RFFDG" },
	{ 1 << 3, "RFNOTEG" }, { 1 << 4, "RFPROC" }, { 1 << 5, "RFMEM" },
	{ 1 << 6, "RFNOWAIT" }, { 1 << 10, "RFCNAMEG" },
	{ 1 << 11, "RFCENVG" }, { 1 << 12, "RFCFDG" },
	{ 1 << 13, "RFTHREAD" }, { 1 << 14, "RFSIGSHARE" },
	{ 1 << 16, "RFLINUXTHPN" }, { 1 << 17, "RFSTOPPED" },
	{ 1 << 18, "RFHIGHPID" }, { 1 << 19, "RFTSIGZMB" },
	{ 1 << 28, "RFPROCDESC" },
};

/* sys/resource.h RLIMIT_[A-Z]+ n */
static const struct name rlimit[] = {
	{ 0, "RLIMIT_CPU" }, { 1, "RLIMIT_FSIZE" }, { 2, "RLIMIT_DATA" },
	{ 3, "RLIMIT_STACK" }, { 4, "RLIMIT_CORE" }, { 5, "RLIMIT_RSS" },
	{ 6, "RLIMIT_MEMLOCK" }, { 7, "RLIMIT_NPROC" },
	{ 8, "RLIMIT_NOFILE" }, { 9, "RLIMIT_SBSIZE" }, { 10, "RLIMIT_VMEM" },
	{ 11, "RLIMIT_NPTS" }, { 12, "RLIMIT_SWAP" },
	{ 13, "RLIMIT_KQUEUES" }, { 14, "RLIMIT_UMTXP" },
};

/* sys/resource.h RUSAGE_ and PRIO_ (PRIO_MIN, -20, is not a digit) */
static const struct name rusage[] = {
	{ 0, "RUSAGE_SELF" }, { -1, "RUSAGE_CHILDREN" }, { 1, "RUSAGE_THREAD" },
};
static const struct name prio[] = {
	{ 20, "PRIO_MAX" }, { 0, "PRIO_PROCESS" }, { 1, "PRIO_PGRP" },
	{ 2, "PRIO_USER" },
};

/* sys/sched.h SCHED_, sys/rtprio.h RTP_[A-Z]+, sys/time.h ITIMER_ */
static const struct name schedpolicy[] = {
	{ 1, "SCHED_FIFO" }, { 2, "SCHED_OTHER" }, { 3, "SCHED_RR" },
};
static const struct name rtpriofuncs[] = {
	{ 0, "RTP_LOOKUP" }, { 1, "RTP_SET" },
};
static const struct name itimerwhich[] = {
	{ 0, "ITIMER_REAL" }, { 1, "ITIMER_VIRTUAL" }, { 2, "ITIMER_PROF" },
};

/* sys/signal.h SIG_[A-Z]+ n, sys/thr.h THR_[A-Z]+ 0x */
static const struct name sigprocmaskhow[] = {
	{ 1, "SIG_BLOCK" }, { 2, "SIG_UNBLOCK" }, { 3, "SIG_SETMASK" },
};
static const struct name thrcreateflags[] = {
	{ 0x0001, "THR_SUSPENDED" },
};

/*
 * sys/wait.h W[A-Z]+ n: WCOREFLAG (0200) comes first and, being a
 * plain number, is taken as an option bit too.
 */
static const struct name wait6opt[] = {
	{ 0200, "WCOREFLAG" }, { 1, "WNOHANG" }, { 2, "WUNTRACED" },
	{ 4, "WCONTINUED" }, { 8, "WNOWAIT" }, { 16, "WEXITED" },
	{ 32, "WTRAPPED" }, { 0x80000000, "WLINUXCLONE" },
};

/* libsysdecode's own table of idtype_t (sys/wait.h) */
static const struct name idtypes[] = {
	{ 0, "P_PID" }, { 1, "P_PPID" }, { 2, "P_PGID" }, { 3, "P_SID" },
	{ 4, "P_CID" }, { 5, "P_UID" }, { 6, "P_GID" }, { 7, "P_ALL" },
	{ 8, "P_LWPID" }, { 9, "P_TASKID" }, { 10, "P_PROJID" },
	{ 11, "P_POOLID" }, { 12, "P_JAILID" }, { 13, "P_CTID" },
	{ 14, "P_CPUID" }, { 15, "P_PSETID" },
};

/* sys/unistd.h SEEK_ and _PC_[A-Z4_]+ */
static const struct name seekwhence[] = {
	{ 0, "SEEK_SET" }, { 1, "SEEK_CUR" }, { 2, "SEEK_END" },
	{ 3, "SEEK_DATA" }, { 4, "SEEK_HOLE" },
};
static const struct name pathconfname[] = {
	{ 1, "_PC_LINK_MAX" }, { 2, "_PC_MAX_CANON" }, { 3, "_PC_MAX_INPUT" },
	{ 4, "_PC_NAME_MAX" }, { 5, "_PC_PATH_MAX" }, { 6, "_PC_PIPE_BUF" },
	{ 7, "_PC_CHOWN_RESTRICTED" }, { 8, "_PC_NO_TRUNC" },
	{ 9, "_PC_VDISABLE" }, { 53, "_PC_ASYNC_IO" }, { 54, "_PC_PRIO_IO" },
	{ 55, "_PC_SYNC_IO" }, { 10, "_PC_ALLOC_SIZE_MIN" },
	{ 12, "_PC_FILESIZEBITS" }, { 14, "_PC_REC_INCR_XFER_SIZE" },
	{ 15, "_PC_REC_MAX_XFER_SIZE" }, { 16, "_PC_REC_MIN_XFER_SIZE" },
	{ 17, "_PC_REC_XFER_ALIGN" }, { 18, "_PC_SYMLINK_MAX" },
	{ 59, "_PC_ACL_EXTENDED" }, { 60, "_PC_ACL_PATH_MAX" },
	{ 61, "_PC_CAP_PRESENT" }, { 62, "_PC_INF_PRESENT" },
	{ 63, "_PC_MAC_PRESENT" }, { 64, "_PC_ACL_NFS4" },
	{ 65, "_PC_DEALLOC_PRESENT" }, { 21, "_PC_MIN_HOLE_SIZE" },
};

/*
 * sys/stat.h S_[A-Z]+ with seven digits 0-6: the RWX masks (a 7 in
 * them) and S_IFMT are not taken; S_ISTXT comes before S_ISVTX.
 */
static const struct name filemode[] = {
	{ 0004000, "S_ISUID" }, { 0002000, "S_ISGID" }, { 0001000, "S_ISTXT" },
	{ 0000400, "S_IRUSR" }, { 0000200, "S_IWUSR" }, { 0000100, "S_IXUSR" },
	{ 0000040, "S_IRGRP" }, { 0000020, "S_IWGRP" }, { 0000010, "S_IXGRP" },
	{ 0000004, "S_IROTH" }, { 0000002, "S_IWOTH" }, { 0000001, "S_IXOTH" },
	{ 0010000, "S_IFIFO" }, { 0020000, "S_IFCHR" }, { 0040000, "S_IFDIR" },
	{ 0060000, "S_IFBLK" }, { 0100000, "S_IFREG" }, { 0120000, "S_IFLNK" },
	{ 0140000, "S_IFSOCK" }, { 0001000, "S_ISVTX" }, { 0160000, "S_IFWHT" },
};

/* sys/socket.h PF_[[:alnum:]]+: a value takes its first name. */
static const struct name sockdomain[] = {
	{ 0, "PF_UNSPEC" }, { 1, "PF_LOCAL" }, { 1, "PF_UNIX" },
	{ 2, "PF_INET" }, { 3, "PF_IMPLINK" }, { 4, "PF_PUP" },
	{ 5, "PF_CHAOS" }, { 6, "PF_NETBIOS" }, { 7, "PF_ISO" },
	{ 7, "PF_OSI" }, { 8, "PF_ECMA" }, { 9, "PF_DATAKIT" },
	{ 10, "PF_CCITT" }, { 11, "PF_SNA" }, { 12, "PF_DECnet" },
	{ 13, "PF_DLI" }, { 14, "PF_LAT" }, { 15, "PF_HYLINK" },
	{ 16, "PF_APPLETALK" }, { 17, "PF_ROUTE" }, { 18, "PF_LINK" },
	{ 19, "PF_XTP" }, { 20, "PF_COIP" }, { 21, "PF_CNT" },
	{ 24, "PF_SIP" }, { 23, "PF_IPX" }, { 22, "PF_RTIP" },
	{ 25, "PF_PIP" }, { 26, "PF_ISDN" }, { 27, "PF_KEY" },
	{ 28, "PF_INET6" }, { 29, "PF_NATM" }, { 30, "PF_ATM" },
	{ 32, "PF_NETGRAPH" }, { 33, "PF_SLOW" }, { 34, "PF_SCLUSTER" },
	{ 35, "PF_ARP" }, { 36, "PF_BLUETOOTH" }, { 37, "PF_IEEE80211" },
	{ 38, "PF_NETLINK" }, { 44, "PF_DIVERT" }, { 44, "PF_MAX" },
};

/* sys/socket.h SOCK_[A-Z]+ [1-9]: SOCK_MAXADDRLEN (255) is taken too. */
static const struct name socktype[] = {
	{ 1, "SOCK_STREAM" }, { 2, "SOCK_DGRAM" }, { 3, "SOCK_RAW" },
	{ 4, "SOCK_RDM" }, { 5, "SOCK_SEQPACKET" }, { 255, "SOCK_MAXADDRLEN" },
};
static const struct name sockflags[] = {
	{ 0x10000000, "SOCK_CLOEXEC" }, { 0x20000000, "SOCK_NONBLOCK" },
};

/* sys/socket.h MSG_[A-Z_]+ 0x, without the kernel-only ones */
static const struct name msgflags[] = {
	{ 0x00000001, "MSG_OOB" }, { 0x00000002, "MSG_PEEK" },
	{ 0x00000004, "MSG_DONTROUTE" }, { 0x00000008, "MSG_EOR" },
	{ 0x00000010, "MSG_TRUNC" }, { 0x00000020, "MSG_CTRUNC" },
	{ 0x00000040, "MSG_WAITALL" }, { 0x00000080, "MSG_DONTWAIT" },
	{ 0x00000100, "MSG_EOF" }, { 0x00002000, "MSG_NOTIFICATION" },
	{ 0x00004000, "MSG_NBIO" }, { 0x00008000, "MSG_COMPAT" },
	{ 0x00020000, "MSG_NOSIGNAL" }, { 0x00040000, "MSG_CMSG_CLOEXEC" },
	{ 0x00080000, "MSG_WAITFORONE" },
};

/*
 * sys/socket.h SHUT_ (a #define in FreeBSD 14; main made it an enum in
 * 2024, which the grep misses) and SF_[A-Z]+ (SF_USER_READAHEAD holds a
 * '_' the grep does not take).
 */
static const struct name shutdownhow[] = {
	{ 0, "SHUT_RD" }, { 1, "SHUT_WR" }, { 2, "SHUT_RDWR" },
};
static const struct name sendfileflags[] = {
	{ 0x01, "SF_NODISKIO" }, { 0x02, "SF_MNOWAIT" }, { 0x04, "SF_SYNC" },
	{ 0x10, "SF_NOCACHE" },
};

/* sys/socket.h SO_[A-Z_]+ 0x[0-9]+: the socket-level options */
static const struct name sockopt[] = {
	{ 0x0001, "SO_DEBUG" }, { 0x0002, "SO_ACCEPTCONN" },
	{ 0x0004, "SO_REUSEADDR" }, { 0x0008, "SO_KEEPALIVE" },
	{ 0x0010, "SO_DONTROUTE" }, { 0x0020, "SO_BROADCAST" },
	{ 0x0040, "SO_USELOOPBACK" }, { 0x0080, "SO_LINGER" },
	{ 0x0100, "SO_OOBINLINE" }, { 0x0200, "SO_REUSEPORT" },
	{ 0x0400, "SO_TIMESTAMP" }, { 0x0800, "SO_NOSIGPIPE" },
	{ 0x1000, "SO_ACCEPTFILTER" }, { 0x2000, "SO_BINTIME" },
	{ 0x4000, "SO_NO_OFFLOAD" }, { 0x8000, "SO_NO_DDP" },
	{ 0x10000, "SO_REUSEPORT_LB" }, { 0x20000, "SO_RERROR" },
	{ 0x1001, "SO_SNDBUF" }, { 0x1002, "SO_RCVBUF" },
	{ 0x1003, "SO_SNDLOWAT" }, { 0x1004, "SO_RCVLOWAT" },
	{ 0x1005, "SO_SNDTIMEO" }, { 0x1006, "SO_RCVTIMEO" },
	{ 0x1007, "SO_ERROR" }, { 0x1008, "SO_TYPE" }, { 0x1009, "SO_LABEL" },
	{ 0x1010, "SO_PEERLABEL" }, { 0x1011, "SO_LISTENQLIMIT" },
	{ 0x1012, "SO_LISTENQLEN" }, { 0x1013, "SO_LISTENINCQLEN" },
	{ 0x1014, "SO_SETFIB" }, { 0x1015, "SO_USER_COOKIE" },
	{ 0x1016, "SO_PROTOCOL" }, { 0x1017, "SO_TS_CLOCK" },
	{ 0x1018, "SO_MAX_PACING_RATE" }, { 0x1019, "SO_DOMAIN" },
	{ 0x80000000, "SO_VENDOR" },
};

/* netgraph/bluetooth/include/ng_btsocket.h SOL_[A-Z0-9]+ 0x */
static const struct name ngbtsolevel[] = {
	{ 0x0209, "SOL_SCO" }, { 0x1609, "SOL_L2CAP" }, { 0x0816, "SOL_RFCOMM" },
};

/* netinet/in.h IPPROTO_[[:alnum:]]+: a value takes its first name. */
static const struct name sockipproto[] = {
	{ 0, "IPPROTO_IP" }, { 1, "IPPROTO_ICMP" }, { 6, "IPPROTO_TCP" },
	{ 17, "IPPROTO_UDP" }, { 41, "IPPROTO_IPV6" }, { 255, "IPPROTO_RAW" },
	{ 0, "IPPROTO_HOPOPTS" }, { 2, "IPPROTO_IGMP" }, { 3, "IPPROTO_GGP" },
	{ 4, "IPPROTO_IPV4" }, { 4, "IPPROTO_IPIP" }, { 7, "IPPROTO_ST" },
	{ 8, "IPPROTO_EGP" }, { 9, "IPPROTO_PIGP" }, { 10, "IPPROTO_RCCMON" },
	{ 11, "IPPROTO_NVPII" }, { 12, "IPPROTO_PUP" },
	{ 13, "IPPROTO_ARGUS" }, { 14, "IPPROTO_EMCON" },
	{ 15, "IPPROTO_XNET" }, { 16, "IPPROTO_CHAOS" }, { 18, "IPPROTO_MUX" },
	{ 19, "IPPROTO_MEAS" }, { 20, "IPPROTO_HMP" }, { 21, "IPPROTO_PRM" },
	{ 22, "IPPROTO_IDP" }, { 23, "IPPROTO_TRUNK1" },
	{ 24, "IPPROTO_TRUNK2" }, { 25, "IPPROTO_LEAF1" },
	{ 26, "IPPROTO_LEAF2" }, { 27, "IPPROTO_RDP" }, { 28, "IPPROTO_IRTP" },
	{ 29, "IPPROTO_TP" }, { 30, "IPPROTO_BLT" }, { 31, "IPPROTO_NSP" },
	{ 32, "IPPROTO_INP" }, { 33, "IPPROTO_DCCP" }, { 34, "IPPROTO_3PC" },
	{ 35, "IPPROTO_IDPR" }, { 36, "IPPROTO_XTP" }, { 37, "IPPROTO_DDP" },
	{ 38, "IPPROTO_CMTP" }, { 39, "IPPROTO_TPXX" }, { 40, "IPPROTO_IL" },
	{ 42, "IPPROTO_SDRP" }, { 43, "IPPROTO_ROUTING" },
	{ 44, "IPPROTO_FRAGMENT" }, { 45, "IPPROTO_IDRP" },
	{ 46, "IPPROTO_RSVP" }, { 47, "IPPROTO_GRE" }, { 48, "IPPROTO_MHRP" },
	{ 49, "IPPROTO_BHA" }, { 50, "IPPROTO_ESP" }, { 51, "IPPROTO_AH" },
	{ 52, "IPPROTO_INLSP" }, { 53, "IPPROTO_SWIPE" },
	{ 54, "IPPROTO_NHRP" }, { 55, "IPPROTO_MOBILE" },
	{ 56, "IPPROTO_TLSP" }, { 57, "IPPROTO_SKIP" },
	{ 58, "IPPROTO_ICMPV6" }, { 59, "IPPROTO_NONE" },
	{ 60, "IPPROTO_DSTOPTS" }, { 61, "IPPROTO_AHIP" },
	{ 62, "IPPROTO_CFTP" }, { 63, "IPPROTO_HELLO" },
	{ 64, "IPPROTO_SATEXPAK" }, { 65, "IPPROTO_KRYPTOLAN" },
	{ 66, "IPPROTO_RVD" }, { 67, "IPPROTO_IPPC" }, { 68, "IPPROTO_ADFS" },
	{ 69, "IPPROTO_SATMON" }, { 70, "IPPROTO_VISA" },
	{ 71, "IPPROTO_IPCV" }, { 72, "IPPROTO_CPNX" }, { 73, "IPPROTO_CPHB" },
	{ 74, "IPPROTO_WSN" }, { 75, "IPPROTO_PVP" },
	{ 76, "IPPROTO_BRSATMON" }, { 77, "IPPROTO_ND" },
	{ 78, "IPPROTO_WBMON" }, { 79, "IPPROTO_WBEXPAK" },
	{ 80, "IPPROTO_EON" }, { 81, "IPPROTO_VMTP" }, { 82, "IPPROTO_SVMTP" },
	{ 83, "IPPROTO_VINES" }, { 84, "IPPROTO_TTP" }, { 85, "IPPROTO_IGP" },
	{ 86, "IPPROTO_DGP" }, { 87, "IPPROTO_TCF" }, { 88, "IPPROTO_IGRP" },
	{ 89, "IPPROTO_OSPFIGP" }, { 90, "IPPROTO_SRPC" },
	{ 91, "IPPROTO_LARP" }, { 92, "IPPROTO_MTP" }, { 93, "IPPROTO_AX25" },
	{ 94, "IPPROTO_IPEIP" }, { 95, "IPPROTO_MICP" },
	{ 96, "IPPROTO_SCCSP" }, { 97, "IPPROTO_ETHERIP" },
	{ 98, "IPPROTO_ENCAP" }, { 99, "IPPROTO_APES" },
	{ 100, "IPPROTO_GMTP" }, { 108, "IPPROTO_IPCOMP" },
	{ 132, "IPPROTO_SCTP" }, { 135, "IPPROTO_MH" },
	{ 136, "IPPROTO_UDPLITE" }, { 139, "IPPROTO_HIP" },
	{ 140, "IPPROTO_SHIM6" }, { 103, "IPPROTO_PIM" },
	{ 112, "IPPROTO_CARP" }, { 113, "IPPROTO_PGM" },
	{ 137, "IPPROTO_MPLS" }, { 240, "IPPROTO_PFSYNC" },
	{ 256, "IPPROTO_MAX" }, { 257, "IPPROTO_DONE" },
	{ 258, "IPPROTO_DIVERT" }, { 259, "IPPROTO_SEND" },
	{ 32767, "IPPROTO_SPACER" },
};

/*
 * netinet/in.h IP_ and MCAST_..._GROUP options, without IP_DEFAULT*,
 * IP_MIN* (so no IP_MINTTL), IP_MAX* and IP_PORTRANGE*.
 */
static const struct name sockoptip[] = {
	{ 1, "IP_OPTIONS" }, { 2, "IP_HDRINCL" }, { 3, "IP_TOS" },
	{ 4, "IP_TTL" }, { 5, "IP_RECVOPTS" }, { 6, "IP_RECVRETOPTS" },
	{ 7, "IP_RECVDSTADDR" }, { 7, "IP_SENDSRCADDR" }, { 8, "IP_RETOPTS" },
	{ 9, "IP_MULTICAST_IF" }, { 10, "IP_MULTICAST_TTL" },
	{ 11, "IP_MULTICAST_LOOP" }, { 12, "IP_ADD_MEMBERSHIP" },
	{ 13, "IP_DROP_MEMBERSHIP" }, { 14, "IP_MULTICAST_VIF" },
	{ 15, "IP_RSVP_ON" }, { 16, "IP_RSVP_OFF" }, { 17, "IP_RSVP_VIF_ON" },
	{ 18, "IP_RSVP_VIF_OFF" }, { 20, "IP_RECVIF" },
	{ 21, "IP_IPSEC_POLICY" }, { 23, "IP_ONESBCAST" },
	{ 24, "IP_BINDANY" }, { 27, "IP_ORIGDSTADDR" },
	{ 27, "IP_RECVORIGDSTADDR" }, { 40, "IP_FW_TABLE_ADD" },
	{ 41, "IP_FW_TABLE_DEL" }, { 42, "IP_FW_TABLE_FLUSH" },
	{ 43, "IP_FW_TABLE_GETSIZE" }, { 44, "IP_FW_TABLE_LIST" },
	{ 48, "IP_FW3" }, { 49, "IP_DUMMYNET3" }, { 50, "IP_FW_ADD" },
	{ 51, "IP_FW_DEL" }, { 52, "IP_FW_FLUSH" }, { 53, "IP_FW_ZERO" },
	{ 54, "IP_FW_GET" }, { 55, "IP_FW_RESETLOG" },
	{ 56, "IP_FW_NAT_CFG" }, { 57, "IP_FW_NAT_DEL" },
	{ 58, "IP_FW_NAT_GET_CONFIG" }, { 59, "IP_FW_NAT_GET_LOG" },
	{ 60, "IP_DUMMYNET_CONFIGURE" }, { 61, "IP_DUMMYNET_DEL" },
	{ 62, "IP_DUMMYNET_FLUSH" }, { 64, "IP_DUMMYNET_GET" },
	{ 65, "IP_RECVTTL" }, { 67, "IP_DONTFRAG" }, { 68, "IP_RECVTOS" },
	{ 70, "IP_ADD_SOURCE_MEMBERSHIP" }, { 71, "IP_DROP_SOURCE_MEMBERSHIP" },
	{ 72, "IP_BLOCK_SOURCE" }, { 73, "IP_UNBLOCK_SOURCE" },
	{ 74, "IP_MSFILTER" }, { 75, "IP_VLAN_PCP" },
	{ 80, "MCAST_JOIN_GROUP" }, { 81, "MCAST_LEAVE_GROUP" },
	{ 82, "MCAST_JOIN_SOURCE_GROUP" }, { 83, "MCAST_LEAVE_SOURCE_GROUP" },
	{ 90, "IP_FLOWID" }, { 91, "IP_FLOWTYPE" }, { 92, "IP_RSSBUCKETID" },
	{ 93, "IP_RECVFLOWID" }, { 94, "IP_RECVRSSBUCKETID" },
};

/*
 * netinet/tcp.h TCP_ options, without TCP_MIN*, TCP_MAX[^S]* (so no
 * TCP_MAXUNACKTIME or TCP_MAXPEAKRATE) and the names with _MAX in them;
 * the RACK and BBR stack options (1026 and up) are not carried.
 */
static const struct name sockopttcp[] = {
	{ 1, "TCP_NODELAY" }, { 2, "TCP_MAXSEG" }, { 4, "TCP_NOPUSH" },
	{ 8, "TCP_NOOPT" }, { 16, "TCP_MD5SIG" }, { 32, "TCP_INFO" },
	{ 33, "TCP_STATS" }, { 34, "TCP_LOG" }, { 35, "TCP_LOGBUF" },
	{ 36, "TCP_LOGID" }, { 37, "TCP_LOGDUMP" }, { 38, "TCP_LOGDUMPID" },
	{ 39, "TCP_TXTLS_ENABLE" }, { 40, "TCP_TXTLS_MODE" },
	{ 41, "TCP_RXTLS_ENABLE" }, { 42, "TCP_RXTLS_MODE" },
	{ 43, "TCP_IWND_NB" }, { 44, "TCP_IWND_NSEG" },
	{ 46, "TCP_LOGID_CNT" }, { 47, "TCP_LOG_TAG" },
	{ 48, "TCP_USER_LOG" }, { 64, "TCP_CONGESTION" },
	{ 65, "TCP_CCALGOOPT" }, { 70, "TCP_IDLE_REDUCE" },
	{ 71, "TCP_REMOTE_UDP_ENCAPS_PORT" }, { 72, "TCP_DELACK" },
	{ 73, "TCP_FIN_IS_RST" }, { 74, "TCP_LOG_LIMIT" },
	{ 75, "TCP_SHARED_CWND_ALLOWED" }, { 76, "TCP_PROC_ACCOUNTING" },
	{ 77, "TCP_USE_CMP_ACKS" }, { 78, "TCP_PERF_INFO" },
	{ 128, "TCP_KEEPINIT" }, { 256, "TCP_KEEPIDLE" },
	{ 512, "TCP_KEEPINTVL" }, { 1024, "TCP_KEEPCNT" },
	{ 1025, "TCP_FASTOPEN" }, { 2048, "TCP_PCAP_OUT" },
	{ 4096, "TCP_PCAP_IN" }, { 8192, "TCP_FUNCTION_BLK" },
	{ 8193, "TCP_FUNCTION_ALIAS" },
};

/* netinet/udp.h UDP_[[:alnum:]]+ (not UDP_ENCAP_*), netinet/udplite.h */
static const struct name sockoptudp[] = {
	{ 1, "UDP_ENCAP" },
};
static const struct name sockoptudplite[] = {
	{ 2, "UDPLITE_SEND_CSCOV" }, { 4, "UDPLITE_RECV_CSCOV" },
};

/* x86/sysarch.h (AMD64|I386)_ */
static const struct name sysarchnum[] = {
	{ 0, "I386_GET_LDT" }, { 1, "I386_SET_LDT" },
	{ 3, "I386_GET_IOPERM" }, { 4, "I386_SET_IOPERM" },
	{ 6, "I386_VM86" }, { 7, "I386_GET_FSBASE" },
	{ 8, "I386_SET_FSBASE" }, { 9, "I386_GET_GSBASE" },
	{ 10, "I386_SET_GSBASE" }, { 11, "I386_GET_XFPUSTATE" },
	{ 12, "I386_SET_PKRU" }, { 13, "I386_CLEAR_PKRU" },
	{ 128, "AMD64_GET_FSBASE" }, { 129, "AMD64_SET_FSBASE" },
	{ 130, "AMD64_GET_GSBASE" }, { 131, "AMD64_SET_GSBASE" },
	{ 132, "AMD64_GET_XFPUSTATE" }, { 133, "AMD64_SET_PKRU" },
	{ 134, "AMD64_CLEAR_PKRU" },
};

/* sys/ptrace.h PT_[[:alnum:]_]+ n */
static const struct name ptraceop[] = {
	{ 0, "PT_TRACE_ME" }, { 1, "PT_READ_I" }, { 2, "PT_READ_D" },
	{ 4, "PT_WRITE_I" }, { 5, "PT_WRITE_D" }, { 7, "PT_CONTINUE" },
	{ 8, "PT_KILL" }, { 9, "PT_STEP" }, { 10, "PT_ATTACH" },
	{ 11, "PT_DETACH" }, { 12, "PT_IO" }, { 13, "PT_LWPINFO" },
	{ 14, "PT_GETNUMLWPS" }, { 15, "PT_GETLWPLIST" },
	{ 16, "PT_CLEARSTEP" }, { 17, "PT_SETSTEP" }, { 18, "PT_SUSPEND" },
	{ 19, "PT_RESUME" }, { 20, "PT_TO_SCE" }, { 21, "PT_TO_SCX" },
	{ 22, "PT_SYSCALL" }, { 23, "PT_FOLLOW_FORK" },
	{ 24, "PT_LWP_EVENTS" }, { 25, "PT_GET_EVENT_MASK" },
	{ 26, "PT_SET_EVENT_MASK" }, { 27, "PT_GET_SC_ARGS" },
	{ 28, "PT_GET_SC_RET" }, { 29, "PT_COREDUMP" }, { 33, "PT_GETREGS" },
	{ 34, "PT_SETREGS" }, { 35, "PT_GETFPREGS" }, { 36, "PT_SETFPREGS" },
	{ 37, "PT_GETDBREGS" }, { 38, "PT_SETDBREGS" },
	{ 40, "PT_VM_TIMESTAMP" }, { 41, "PT_VM_ENTRY" },
	{ 42, "PT_GETREGSET" }, { 43, "PT_SETREGSET" },
	{ 44, "PT_SC_REMOTE" }, { 64, "PT_FIRSTMACH" },
};

/* libsysdecode's own tables for System V IPC (sys/ipc.h, sys/sem.h) */
static const struct name semctlops[] = {
	{ 3, "GETNCNT" }, { 4, "GETPID" }, { 5, "GETVAL" }, { 6, "GETALL" },
	{ 7, "GETZCNT" }, { 8, "SETVAL" }, { 9, "SETALL" }, { 0, "IPC_RMID" },
	{ 1, "IPC_SET" }, { 2, "IPC_STAT" },
};
static const struct name shmctlops[] = {
	{ 0, "IPC_RMID" }, { 1, "IPC_SET" }, { 2, "IPC_STAT" },
};
static const struct name semgetflags[] = {
	{ 001000, "IPC_CREAT" }, { 002000, "IPC_EXCL" }, { 0400, "SEM_R" },
	{ 0200, "SEM_A" }, { 0040, "(SEM_R >> 3)" }, { 0020, "(SEM_A >> 3)" },
	{ 0004, "(SEM_R >> 6)" }, { 0002, "(SEM_A >> 6)" },
};
/* sys/shm.h SHM_[A-Z]+ with six digits */
static const struct name shmatflags[] = {
	{ 010000, "SHM_RDONLY" }, { 020000, "SHM_RND" },
};

/*
 * ioctl requests: the file and terminal ones of sys/filio.h and
 * sys/ttycom.h, _IO*() worked out for amd64 (struct termios is 44
 * bytes, struct winsize 8).  libsysdecode knows every ioctl in the
 * system's headers; the others print as numbers here.
 */
static const struct name ioctls[] = {
	{ 0x20006601, "FIOCLEX" }, { 0x20006602, "FIONCLEX" },
	{ 0x4004667f, "FIONREAD" }, { 0x8004667e, "FIONBIO" },
	{ 0x8004667d, "FIOASYNC" }, { 0x8004667c, "FIOSETOWN" },
	{ 0x4004667b, "FIOGETOWN" }, { 0x4004667a, "FIODTYPE" },
	{ 0x40046679, "FIOGETLBA" }, { 0x80106678, "FIODGNAME" },
	{ 0x40046677, "FIONWRITE" }, { 0x40046676, "FIONSPACE" },
	{ 0xc0086661, "FIOSEEKDATA" }, { 0xc0086662, "FIOSEEKHOLE" },
	{ 0xc0106663, "FIOBMAP2" },
	{ 0x2000740d, "TIOCEXCL" }, { 0x2000740e, "TIOCNXCL" },
	{ 0x4004740f, "TIOCGPTN" }, { 0x80047410, "TIOCFLUSH" },
	{ 0x402c7413, "TIOCGETA" }, { 0x802c7414, "TIOCSETA" },
	{ 0x802c7415, "TIOCSETAW" }, { 0x802c7416, "TIOCSETAF" },
	{ 0x4004741a, "TIOCGETD" }, { 0x8004741b, "TIOCSETD" },
	{ 0x2000741c, "TIOCPTMASTER" }, { 0x40047456, "TIOCGDRAINWAIT" },
	{ 0x80047457, "TIOCSDRAINWAIT" }, { 0x40107459, "TIOCTIMESTAMP" },
	{ 0x4004745a, "TIOCMGDTRWAIT" }, { 0x8004745b, "TIOCMSDTRWAIT" },
	{ 0x2000745e, "TIOCDRAIN" }, { 0x2004745f, "TIOCSIG" },
	{ 0x80047460, "TIOCEXT" }, { 0x20007461, "TIOCSCTTY" },
	{ 0x80047462, "TIOCCONS" }, { 0x40047463, "TIOCGSID" },
	{ 0x20007465, "TIOCSTAT" }, { 0x80047466, "TIOCUCNTL" },
	{ 0x80087467, "TIOCSWINSZ" }, { 0x40087468, "TIOCGWINSZ" },
	{ 0x4004746a, "TIOCMGET" }, { 0x8004746b, "TIOCMBIC" },
	{ 0x8004746c, "TIOCMBIS" }, { 0x8004746d, "TIOCMSET" },
	{ 0x2000746e, "TIOCSTART" }, { 0x2000746f, "TIOCSTOP" },
	{ 0x80047470, "TIOCPKT" }, { 0x20007471, "TIOCNOTTY" },
	{ 0x80017472, "TIOCSTI" }, { 0x40047473, "TIOCOUTQ" },
	{ 0x80047476, "TIOCSPGRP" }, { 0x40047477, "TIOCGPGRP" },
	{ 0x20007478, "TIOCCDTR" }, { 0x20007479, "TIOCSDTR" },
	{ 0x2000747a, "TIOCCBRK" }, { 0x2000747b, "TIOCSBRK" },
};

/* How one argument slot is printed (kdump's helper for it). */
enum kind {
	A_END,		/* the rest are numbers */
	A_NUM,		/* print_number */
	A_NUM64,	/* print_number64: two slots in an ILP32 process */
	A_FD,		/* the at-fd: AT_FDCWD or the number */
	A_NAME,		/* print_integer_arg */
	A_MASK,		/* print_mask_arg */
	A_MASK0,	/* print_mask_arg0 */
	A_MODE,		/* decode_filemode */
	A_SIGNAL,	/* print_signal */
	A_IOCTL,	/* ioctlname */
	A_OPENFLAGS,	/* print_mask_arg(sysdecode_open_flags) */
	A_OPENMODE,	/* the mode, only after O_CREAT (else skipped) */
	A_FCNTLARG,	/* after the cmd: by cmd, or skipped */
	A_SOCKTYPE,	/* print_mask_arg(sysdecode_socket_type) */
	A_PROTO,	/* IPPROTO_ name in PF_INET and PF_INET6, else a number */
	A_LEVEL,	/* socket option level, or the number */
	A_OPTNAME,	/* option name at that level, or a number */
	A_PROT,		/* print_mask_arg(sysdecode_mmap_prot) */
	A_MMAPFLAGS,	/* print_mask_arg(sysdecode_mmap_flags) */
	A_WAIT4,	/* print_mask_arg0(sysdecode_wait4_options) */
	A_PAREN		/* kdump left its separator at '(' (no slot) */
};

struct arg {
	enum kind		 kind;
	const struct name	*t;	/* A_NAME, A_MASK, A_MASK0 */
	size_t			 n;
};

#define	MAXDEC	8

struct call {
	int		code;	/* FreeBSD amd64 syscall number */
	struct arg	a[MAXDEC];
};

#define	K(k)		{ k, NULL, 0 }
#define	NUM		K(A_NUM)
#define	NUM64		K(A_NUM64)
#define	FD		K(A_FD)
#define	MODE		K(A_MODE)
#define	SIG		K(A_SIGNAL)
#define	NAME(t)		{ A_NAME, t, NITEMS(t) }
#define	MASK(t)		{ A_MASK, t, NITEMS(t) }
#define	MASK0(t)	{ A_MASK0, t, NITEMS(t) }

/* ktrsyscall_freebsd()'s cases, by number (sys/sys/syscall.h). */
static const struct call calls[] = {
	{ 5, { NUM, K(A_OPENFLAGS), K(A_OPENMODE) } },		/* open */
	{ 7, { NUM, NUM, K(A_WAIT4) } },			/* wait4 */
	{ 15, { NUM, MODE } },					/* chmod */
	{ 26, { NAME(ptraceop) } },				/* ptrace */
	{ 27, { NUM, NUM, MASK0(msgflags) } },			/* recvmsg */
	{ 28, { NUM, NUM, MASK0(msgflags) } },			/* sendmsg */
	{ 29, { NUM, NUM, NUM, MASK0(msgflags) } },		/* recvfrom */
	{ 33, { NUM, MASK(accessmode) } },			/* access */
	{ 37, { NUM, SIG } },					/* kill */
	{ 54, { NUM, K(A_IOCTL) } },				/* ioctl */
	{ 60, { MODE, K(A_PAREN) } },				/* umask */
	{ 65, { NUM, NUM, MASK(msyncflags) } },			/* msync */
	{ 74, { NUM, NUM, K(A_PROT) } },			/* mprotect */
	{ 75, { NUM, NUM, NAME(madvisebehav) } },		/* madvise */
	{ 83, { NAME(itimerwhich) } },				/* setitimer */
	{ 86, { NAME(itimerwhich) } },				/* getitimer */
	{ 92, { NUM, NAME(fcntlcmd), K(A_FCNTLARG) } },		/* fcntl */
	{ 96, { NAME(prio) } },					/* setpriority */
	{ 97, { NAME(sockdomain), K(A_SOCKTYPE), K(A_PROTO) } },	/* socket */
	{ 100, { NAME(prio) } },				/* getpriority */
	{ 105, { NUM, K(A_LEVEL), K(A_OPTNAME) } },		/* setsockopt */
	{ 117, { NAME(rusage) } },				/* getrusage */
	{ 118, { NUM, K(A_LEVEL), K(A_OPTNAME) } },		/* getsockopt */
	{ 124, { NUM, MODE } },					/* fchmod */
	{ 131, { NUM, MASK(flockops) } },			/* flock */
	{ 132, { NUM, MODE } },					/* mkfifo */
	{ 133, { NUM, NUM, NUM, MASK0(msgflags) } },		/* sendto */
	{ 134, { NUM, NAME(shutdownhow) } },			/* shutdown */
	{ 135, { NAME(sockdomain), K(A_SOCKTYPE) } },		/* socketpair */
	{ 136, { NUM, MODE } },					/* mkdir */
	{ 165, { NAME(sysarchnum) } },				/* sysarch */
	{ 166, { NAME(rtpriofuncs) } },				/* rtprio */
	{ 191, { NUM, NAME(pathconfname) } },			/* pathconf */
	{ 192, { NUM, NAME(pathconfname) } },			/* fpathconf */
	{ 194, { NAME(rlimit) } },				/* getrlimit */
	{ 195, { NAME(rlimit) } },				/* setrlimit */
	{ 221, { NUM, NUM, MASK(semgetflags) } },		/* semget */
	{ 228, { NUM, NUM, MASK(shmatflags) } },		/* shmat */
	{ 250, { NUM, NUM, NAME(minheritflags) } },		/* minherit */
	{ 251, { MASK(rforkflags) } },				/* rfork */
	{ 274, { NUM, MODE } },					/* lchmod */
	{ 324, { MASK(mlockallflags), K(A_PAREN) } },		/* mlockall */
	{ 329, { NUM, NAME(schedpolicy) } },		/* sched_setscheduler */
	{ 332, { NAME(schedpolicy), K(A_PAREN) } },	/* sched_get_priority_max */
	{ 333, { NAME(schedpolicy), K(A_PAREN) } },	/* sched_get_priority_min */
	{ 340, { NAME(sigprocmaskhow) } },			/* sigprocmask */
	{ 376, { NUM, MASK(accessmode) } },			/* eaccess */
	{ 393, { NUM, NUM, NUM, NUM, NUM, NUM,
	    MASK(sendfileflags) } },				/* sendfile */
	{ 416, { SIG } },					/* sigaction */
	{ 430, { NUM, NUM, MASK(thrcreateflags) } },		/* thr_create */
	{ 433, { NUM, SIG } },					/* thr_kill */
	{ 466, { NAME(rtpriofuncs) } },				/* rtprio_thread */
	{ 477, { NUM, NUM, K(A_PROT), K(A_MMAPFLAGS) } },	/* mmap */
	{ 478, { NUM, NUM64, NAME(seekwhence) } },		/* lseek */
	{ 479, { NUM, NUM64 } },				/* truncate */
	{ 480, { NUM, NUM64 } },				/* ftruncate */
	{ 489, { FD, NUM, MASK(accessmode), MASK0(atflags) } },	/* faccessat */
	{ 490, { FD, NUM, MODE, MASK0(atflags) } },		/* fchmodat */
	{ 491, { FD, NUM, NUM, NUM, MASK0(atflags) } },		/* fchownat */
	{ 494, { FD } },					/* futimesat */
	{ 495, { FD, NUM, FD, NUM, MASK0(atflags) } },		/* linkat */
	{ 496, { FD, NUM, MODE } },				/* mkdirat */
	{ 497, { FD, NUM, MODE } },				/* mkfifoat */
	{ 499, { FD, NUM, K(A_OPENFLAGS), K(A_OPENMODE) } },	/* openat */
	{ 500, { FD } },					/* readlinkat */
	{ 501, { FD, NUM, FD, NUM } },				/* renameat */
	{ 502, { NUM, FD, NUM } },				/* symlinkat */
	{ 503, { FD, NUM, MASK0(atflags) } },			/* unlinkat */
	{ 510, { NUM, NUM, NAME(semctlops) } },			/* __semctl */
	{ 511, { NUM, NAME(shmctlops) } },			/* msgctl */
	{ 512, { NUM, NAME(shmctlops) } },			/* shmctl */
	{ 531, { NUM, NUM, NUM, NAME(fadvisebehav) } },		/* posix_fadvise */
	{ 532, { NAME(idtypes), NUM64, NUM, MASK(wait6opt) } },	/* wait6 */
	{ 538, { FD } },					/* bindat */
	{ 539, { FD } },					/* connectat */
	{ 547, { FD, NUM, NUM, MASK0(atflags) } },		/* utimensat */
	{ 552, { FD, NUM, NUM, MASK0(atflags) } },		/* fstatat */
	{ 559, { FD, NUM, MODE } },				/* mknodat */
	{ 575, { NUM, NUM, MASK0(closerangeflags) } },		/* close_range */
};

/* The arguments of one record and how far printing got. */
struct ctx {
	FILE		*out;
	int		 decimal;
	int		 ilp32;
	const uint64_t	*a;
	int		 narg;
	int		 i;	/* next slot */
	int		 shown;	/* separator: '(' while 0, then ',' */
};

/* The low 32 bits as a C int: kdump hands each argument to an int. */
static int32_t
i32(uint64_t u)
{
	uint32_t w = (uint32_t)u;

	return (w <= INT32_MAX ? (int32_t)w : -(int32_t)(UINT32_MAX - w) - 1);
}

static const char *
lookup(const struct name *t, size_t n, int64_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].val == v)
			return (t[i].str);
	return (NULL);
}

static void
sep(struct ctx *c)
{

	fputc(c->shown++ == 0 ? '(' : ',', c->out);
}

/*
 * libsysdecode's print_mask_part(): the names whose bits are all in the
 * value, in table order, '|' between; a zero name only for a zero value.
 * *valp is left with the bits no name took.
 */
static void
mask_part(FILE *out, const struct name *t, size_t n, uint32_t *valp,
    int *printed)
{
	uint32_t rem = *valp;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((t[i].val & rem) != t[i].val ||
		    (t[i].val == 0 && *valp != 0))
			continue;
		fprintf(out, "%s%s", *printed ? "|" : "", t[i].str);
		*printed = 1;
		rem &= ~(uint32_t)t[i].val;
	}
	*valp = rem;
}

/* A mask decoder: prints the names, returns whether it printed any. */
typedef int	mask_fn(FILE *, const struct arg *, uint32_t, uint32_t *);

static int
mask_plain(FILE *out, const struct arg *g, uint32_t v, uint32_t *rem)
{
	int printed = 0;

	mask_part(out, g->t, g->n, &v, &printed);
	*rem = v;
	return (printed);
}

/* sysdecode_open_flags(): the access mode by itself, O_EXEC in its place. */
static int
mask_open(FILE *out, const struct arg *g, uint32_t v, uint32_t *rem)
{
	static const char *const modes[] = { "O_RDONLY", "O_WRONLY", "O_RDWR" };
	uint32_t mode = v & FBSD_O_ACCMODE;
	int printed = 0;

	(void)g;
	v &= ~(uint32_t)FBSD_O_ACCMODE;
	if (mode == 0 && (v & FBSD_O_EXEC) != 0) {
		v &= ~(uint32_t)FBSD_O_EXEC;
		fputs("O_EXEC", out);
		printed = 1;
	} else if (mode < NITEMS(modes)) {
		fputs(modes[mode], out);
		printed = 1;
	}
	if (printed)
		mode = 0;	/* O_ACCMODE itself stays in the remainder */
	mask_part(out, openflags, NITEMS(openflags), &v, &printed);
	*rem = v | mode;
	return (printed);
}

/*
 * sysdecode_fcntl_fileflags(): F_SETFL's flags are open's, but for two
 * bits reused (and libsysdecode's spelling "FPOIXSHM").
 */
static int
mask_fcntlfl(FILE *out, const struct arg *g, uint32_t v, uint32_t *rem)
{
	int printed;

	printed = mask_open(out, g, v & ~(uint32_t)(FBSD_O_NOFOLLOW |
	    FBSD_O_CREAT), rem);
	if (v & FBSD_O_NOFOLLOW) {
		fprintf(out, "%sFPOIXSHM", printed ? "|" : "");
		printed = 1;
	}
	if (v & FBSD_O_CREAT) {
		fprintf(out, "%sFRDAHEAD", printed ? "|" : "");
		printed = 1;
	}
	return (printed);
}

/* sysdecode_socket_type(): the type by name, then the creation flags. */
static int
mask_socktype(FILE *out, const struct arg *g, uint32_t v, uint32_t *rem)
{
	const char *s;
	uint32_t flags = v & FBSD_SOCK_FLAGS;
	int printed = 0;

	(void)g;
	*rem = v & ~FBSD_SOCK_FLAGS;
	if ((s = lookup(socktype, NITEMS(socktype), i32(*rem))) != NULL) {
		fputs(s, out);
		*rem = 0;
		printed = 1;
	}
	mask_part(out, sockflags, NITEMS(sockflags), &flags, &printed);
	return (printed);
}

/* sysdecode_mmap_prot(): PROT_MAX(...) first when the value holds one. */
static int
mask_prot(FILE *out, const struct arg *g, uint32_t v, uint32_t *rem)
{
	uint32_t max = (v >> FBSD_PROT_MAX_SHIFT) & FBSD_PROT_ALL;
	int maxed = 0, printed = 0;

	(void)g;
	v &= ~(max << FBSD_PROT_MAX_SHIFT);
	if (max != 0) {
		fputs("PROT_MAX(", out);
		mask_part(out, mmapprot, NITEMS(mmapprot), &max, &maxed);
		fputs(")|", out);
	}
	/* A second print_mask_int(): its own first name, no '|'. */
	mask_part(out, mmapprot, NITEMS(mmapprot), &v, &printed);
	*rem = v;
	return (printed || maxed);
}

/* sysdecode_mmap_flags(): the alignment field by itself, last. */
static int
mask_mmap(FILE *out, const struct arg *g, uint32_t v, uint32_t *rem)
{
	uint32_t align = v & FBSD_MAP_ALIGN_MASK;
	int printed = 0;

	(void)g;
	v &= ~FBSD_MAP_ALIGN_MASK;
	mask_part(out, mmapflags, NITEMS(mmapflags), &v, &printed);
	if (align != 0) {
		if (printed)
			fputc('|', out);
		if (align == FBSD_MAP_ALIGNED_SUPER)
			fputs("MAP_ALIGNED_SUPER", out);
		else	/* an int shifted right: the sign stays */
			fprintf(out, "MAP_ALIGNED(%d)",
			    (int)(i32(align) / (1 << FBSD_MAP_ALIGN_SHIFT)));
		printed = 1;
	}
	*rem = v;
	return (printed);
}

/* sysdecode_wait4_options(): WEXITED and WTRAPPED are not named. */
static int
mask_wait4(FILE *out, const struct arg *g, uint32_t v, uint32_t *rem)
{
	uint32_t implicit = v & FBSD_WAIT_IMPLICIT;
	int printed = 0;

	(void)g;
	v &= ~implicit;
	mask_part(out, wait6opt, NITEMS(wait6opt), &v, &printed);
	*rem = v | implicit;
	return (printed);
}

/* kdump's print_mask_arg(), print_mask_arg0() with zero set. */
static void
print_mask(struct ctx *c, mask_fn *fn, const struct arg *g, uint32_t v,
    int zero)
{
	uint32_t rem;
	int named;

	if (zero && v == 0) {
		fputc('0', c->out);
		return;
	}
	fprintf(c->out, "%#x<", (unsigned)v);
	named = fn(c->out, g, v, &rem);
	fputc('>', c->out);
	if (!named)
		fprintf(c->out, "<invalid>%u", (unsigned)rem);
}

/* kdump's decode_filemode(): print_mask_arg0 in octal. */
static void
print_mode(struct ctx *c, uint32_t v)
{
	const struct arg g = MASK(filemode);
	uint32_t rem;
	int named;

	if (v == 0) {
		fputc('0', c->out);
		return;
	}
	fprintf(c->out, "%#o<", (unsigned)v);
	named = mask_plain(c->out, &g, v, &rem);
	fputc('>', c->out);
	if (!named)
		fprintf(c->out, "<invalid>%u", (unsigned)rem);
}

/* kdump's print_integer_arg(): the name, or <invalid=...>. */
static void
print_name(struct ctx *c, const char *s, int32_t v)
{

	if (s != NULL)
		fputs(s, c->out);
	else if (c->decimal)
		fprintf(c->out, "<invalid=%d>", (int)v);
	else
		fprintf(c->out, "<invalid=%#x>", (unsigned)v);
}

/* kdump's print_integer_arg_valid(): the name, or the number. */
static void
print_valid(struct ctx *c, const char *s, int32_t v)
{

	if (s != NULL)
		fputs(s, c->out);
	else if (c->decimal)
		fprintf(c->out, "%d", (int)v);
	else
		fprintf(c->out, "%#x", (unsigned)v);
}

/* libsysdecode's print_integer(): note 0x%x, so 0 is 0x0. */
static void
print_integer(struct ctx *c, int32_t v)
{

	if (c->decimal)
		fprintf(c->out, "%d", (int)v);
	else
		fprintf(c->out, "0x%x", (unsigned)v);
}

/* sysdecode_fcntl_arg() as kdump calls it, F_SETFL by mask. */
static void
print_fcntlarg(struct ctx *c, int32_t cmd, uint64_t arg)
{

	if (cmd == FBSD_F_SETFL)
		print_mask(c, mask_fcntlfl, NULL, (uint32_t)arg, 0);
	else if (cmd == FBSD_F_SETFD && arg == FBSD_FD_CLOEXEC)
		fputs("FD_CLOEXEC", c->out);
	else if (cmd == FBSD_F_SETFD && arg == 0)
		fputc('0', c->out);
	else if (cmd >= FBSD_F_GETLK && cmd <= FBSD_F_SETLKW)
		fprintf(c->out, "0x%jx", (uintmax_t)arg);	/* FreeBSD's %p */
	else
		print_integer(c, i32(arg));
}

/* sysdecode_sockopt_level(): SOL_SOCKET, Bluetooth's, or a protocol. */
static const char *
sockopt_level(int32_t level)
{
	const char *s;

	if (level == FBSD_SOL_SOCKET)
		return ("SOL_SOCKET");
	if ((s = lookup(ngbtsolevel, NITEMS(ngbtsolevel), level)) != NULL)
		return (s);
	return (lookup(sockipproto, NITEMS(sockipproto), level));
}

/*
 * sysdecode_sockopt_name().  The IPv6 and SCTP option tables are not
 * carried: their names print as numbers (docs/ktrq-dump.md).
 */
static const char *
sockopt_name(int32_t level, int32_t name)
{

	switch (level) {
	case FBSD_SOL_SOCKET:
		return (lookup(sockopt, NITEMS(sockopt), name));
	case FBSD_IPPROTO_IP:
		return (lookup(sockoptip, NITEMS(sockoptip), name));
	case FBSD_IPPROTO_TCP:
		return (lookup(sockopttcp, NITEMS(sockopttcp), name));
	case FBSD_IPPROTO_UDP:
		return (lookup(sockoptudp, NITEMS(sockoptudp), name));
	case FBSD_IPPROTO_UDPLITE:
		return (lookup(sockoptudplite, NITEMS(sockoptudplite), name));
	default:
		return (NULL);
	}
}

static void
print_ioctl(struct ctx *c, uint64_t v)
{
	const char *s;

	if (v <= INT64_MAX && (s = lookup(ioctls, NITEMS(ioctls),
	    (int64_t)v)) != NULL)
		fputs(s, c->out);
	else if (c->decimal)
		fprintf(c->out, "%ju", (uintmax_t)v);
	else
		fprintf(c->out, "%#jx", (uintmax_t)v);
}

/* print_number64(): in an ILP32 process the low word, then the high. */
static void
print_num64(struct ctx *c)
{
	uint64_t v = c->a[c->i];

	if (c->ilp32) {
		v &= UINT32_MAX;
		if (c->i + 1 < c->narg)
			v |= c->a[c->i + 1] << 32;
		c->i++;
	}
	sep(c);
	ktrq_dump_print_number(c->out, c->decimal, v);
}

/* The mask kinds: their decoder, and print_mask_arg0's zero rule. */
static const struct {
	enum kind	 kind;
	mask_fn		*fn;
	int		 zero;
} masks[] = {
	{ A_MASK, mask_plain, 0 }, { A_MASK0, mask_plain, 1 },
	{ A_OPENFLAGS, mask_open, 0 }, { A_SOCKTYPE, mask_socktype, 0 },
	{ A_PROT, mask_prot, 0 }, { A_MMAPFLAGS, mask_mmap, 0 },
	{ A_WAIT4, mask_wait4, 1 },
};

/* The kinds that print one slot on its own, as a value. */
static void
print_value(struct ctx *c, const struct arg *g, uint64_t v)
{
	int32_t iv = i32(v);
	size_t i;

	sep(c);
	for (i = 0; i < NITEMS(masks); i++)
		if (masks[i].kind == g->kind) {
			print_mask(c, masks[i].fn, g, (uint32_t)v,
			    masks[i].zero);
			return;
		}
	if (g->kind == A_FD)
		print_valid(c, iv == FBSD_AT_FDCWD ? "AT_FDCWD" : NULL, iv);
	else if (g->kind == A_NAME)
		print_name(c, lookup(g->t, g->n, iv), iv);
	else if (g->kind == A_MODE)
		print_mode(c, (uint32_t)v);
	else if (g->kind == A_SIGNAL)
		ktrq_dump_print_signal(c->out, iv);
	else if (g->kind == A_IOCTL)
		print_ioctl(c, v);
	else
		ktrq_dump_print_number(c->out, c->decimal, v);
}

/*
 * The kinds that depend on an earlier slot: open's flags, fcntl's cmd,
 * the option level, socket's domain (two back).  A skipped slot prints
 * nothing, as in kdump; a value kdump leaves to its loop is a number.
 */
static void
print_dependent(struct ctx *c, const struct arg *g, uint64_t v)
{
	int32_t prev = i32(c->a[c->i - 1]);
	const char *s = NULL;

	switch (g->kind) {
	case A_OPENMODE:
		if ((c->a[c->i - 1] & FBSD_O_CREAT) == 0)
			return;
		sep(c);
		print_mode(c, (uint32_t)v);
		return;
	case A_FCNTLARG:
		if (prev == FBSD_F_GETFD || prev == FBSD_F_GETFL ||
		    prev == FBSD_F_GETOWN)
			return;
		sep(c);
		print_fcntlarg(c, prev, v);
		return;
	case A_LEVEL:
		sep(c);
		print_valid(c, sockopt_level(i32(v)), i32(v));
		return;
	case A_PROTO:
		prev = i32(c->a[c->i - 2]);
		if (prev == FBSD_PF_INET || prev == FBSD_PF_INET6) {
			sep(c);
			print_name(c, lookup(sockipproto, NITEMS(sockipproto),
			    i32(v)), i32(v));
			return;
		}
		break;
	default:	/* A_OPTNAME */
		s = sockopt_name(prev, i32(v));
		break;
	}
	sep(c);
	if (s != NULL)
		fputs(s, c->out);
	else
		ktrq_dump_print_number(c->out, c->decimal, v);
}

static const struct call *
find_call(int code)
{
	size_t i;

	for (i = 0; i < NITEMS(calls); i++)
		if (calls[i].code == code)
			return (&calls[i]);
	return (NULL);
}

/* Print the slots `call` decodes, as many as the record holds. */
static void
decode(struct ctx *c, const struct call *call)
{
	const struct arg *g;

	for (g = call->a; g < call->a + MAXDEC && g->kind != A_END &&
	    c->i < c->narg; g++) {
		switch (g->kind) {
		case A_PAREN:
			c->shown = 0;
			continue;
		case A_NUM64:
			print_num64(c);
			break;
		case A_OPENMODE:
		case A_FCNTLARG:
		case A_PROTO:
		case A_LEVEL:
		case A_OPTNAME:
			print_dependent(c, g, c->a[c->i]);
			break;
		default:
			print_value(c, g, c->a[c->i]);
			break;
		}
		c->i++;
	}
}

void
ktrq_dump_sysdecode_args(FILE *out, int decimal, uint32_t sv_flags,
    const struct ktrq_rec_syscall *s)
{
	struct ctx c = { out, decimal, (sv_flags & FREEBSD_SV_ILP32) != 0,
	    s->args, s->narg, 0, 0 };
	const struct call *call;

	if (s->narg <= 0)
		return;
	if ((call = find_call(s->code)) != NULL)
		decode(&c, call);
	for (; c.i < c.narg; c.i++) {
		sep(&c);
		ktrq_dump_print_number(out, decimal, s->args[c.i]);
	}
	if (c.shown == 0)
		fputc('(', out);
	fputc(')', out);
}
