// SPDX-License-Identifier: GPL-2.0-only
/*
 * Linux ABI constants by value. Deliberately not taken from system headers: the build
 * host may not be Linux, and the recording's values are Linux's wherever it is read.
 */
#include "analyzer/decode.h"

#include <stdbool.h>
#include <string.h>

struct bitname {
	uint64_t bits;
	const char *name;
};

#define N(x) (sizeof(x) / sizeof((x)[0]))

static const char *const errno_names[] = {
    [1] = "EPERM",
    [2] = "ENOENT",
    [3] = "ESRCH",
    [4] = "EINTR",
    [5] = "EIO",
    [6] = "ENXIO",
    [7] = "E2BIG",
    [8] = "ENOEXEC",
    [9] = "EBADF",
    [10] = "ECHILD",
    [11] = "EAGAIN",
    [12] = "ENOMEM",
    [13] = "EACCES",
    [14] = "EFAULT",
    [15] = "ENOTBLK",
    [16] = "EBUSY",
    [17] = "EEXIST",
    [18] = "EXDEV",
    [19] = "ENODEV",
    [20] = "ENOTDIR",
    [21] = "EISDIR",
    [22] = "EINVAL",
    [23] = "ENFILE",
    [24] = "EMFILE",
    [25] = "ENOTTY",
    [26] = "ETXTBSY",
    [27] = "EFBIG",
    [28] = "ENOSPC",
    [29] = "ESPIPE",
    [30] = "EROFS",
    [31] = "EMLINK",
    [32] = "EPIPE",
    [33] = "EDOM",
    [34] = "ERANGE",
    [35] = "EDEADLK",
    [36] = "ENAMETOOLONG",
    [37] = "ENOLCK",
    [38] = "ENOSYS",
    [39] = "ENOTEMPTY",
    [40] = "ELOOP",
    [42] = "ENOMSG",
    [43] = "EIDRM",
    [44] = "ECHRNG",
    [45] = "EL2NSYNC",
    [46] = "EL3HLT",
    [47] = "EL3RST",
    [48] = "ELNRNG",
    [49] = "EUNATCH",
    [50] = "ENOCSI",
    [51] = "EL2HLT",
    [52] = "EBADE",
    [53] = "EBADR",
    [54] = "EXFULL",
    [55] = "ENOANO",
    [56] = "EBADRQC",
    [57] = "EBADSLT",
    [59] = "EBFONT",
    [60] = "ENOSTR",
    [61] = "ENODATA",
    [62] = "ETIME",
    [63] = "ENOSR",
    [64] = "ENONET",
    [65] = "ENOPKG",
    [66] = "EREMOTE",
    [67] = "ENOLINK",
    [68] = "EADV",
    [69] = "ESRMNT",
    [70] = "ECOMM",
    [71] = "EPROTO",
    [72] = "EMULTIHOP",
    [73] = "EDOTDOT",
    [74] = "EBADMSG",
    [75] = "EOVERFLOW",
    [76] = "ENOTUNIQ",
    [77] = "EBADFD",
    [78] = "EREMCHG",
    [79] = "ELIBACC",
    [80] = "ELIBBAD",
    [81] = "ELIBSCN",
    [82] = "ELIBMAX",
    [83] = "ELIBEXEC",
    [84] = "EILSEQ",
    [85] = "ERESTART",
    [86] = "ESTRPIPE",
    [87] = "EUSERS",
    [88] = "ENOTSOCK",
    [89] = "EDESTADDRREQ",
    [90] = "EMSGSIZE",
    [91] = "EPROTOTYPE",
    [92] = "ENOPROTOOPT",
    [93] = "EPROTONOSUPPORT",
    [94] = "ESOCKTNOSUPPORT",
    [95] = "EOPNOTSUPP",
    [96] = "EPFNOSUPPORT",
    [97] = "EAFNOSUPPORT",
    [98] = "EADDRINUSE",
    [99] = "EADDRNOTAVAIL",
    [100] = "ENETDOWN",
    [101] = "ENETUNREACH",
    [102] = "ENETRESET",
    [103] = "ECONNABORTED",
    [104] = "ECONNRESET",
    [105] = "ENOBUFS",
    [106] = "EISCONN",
    [107] = "ENOTCONN",
    [108] = "ESHUTDOWN",
    [109] = "ETOOMANYREFS",
    [110] = "ETIMEDOUT",
    [111] = "ECONNREFUSED",
    [112] = "EHOSTDOWN",
    [113] = "EHOSTUNREACH",
    [114] = "EALREADY",
    [115] = "EINPROGRESS",
    [116] = "ESTALE",
    [117] = "EUCLEAN",
    [118] = "ENOTNAM",
    [119] = "ENAVAIL",
    [120] = "EISNAM",
    [121] = "EREMOTEIO",
    [122] = "EDQUOT",
    [123] = "ENOMEDIUM",
    [124] = "EMEDIUMTYPE",
    [125] = "ECANCELED",
    [126] = "ENOKEY",
    [127] = "EKEYEXPIRED",
    [128] = "EKEYREVOKED",
    [129] = "EKEYREJECTED",
    [130] = "EOWNERDEAD",
    [131] = "ENOTRECOVERABLE",
    [132] = "ERFKILL",
    [133] = "EHWPOISON",
};

/* Kernel-internal values a sys_exit tracepoint can see before signal handling. */
static const char *const kernel_errno_names[] = {
    "ERESTARTSYS",
    "ERESTARTNOINTR",
    "ERESTARTNOHAND",
    "ENOIOCTLCMD",
    "ERESTART_RESTARTBLOCK",
    "EPROBE_DEFER",
    "EOPENSTALE",
    "ENOPARAM",
    NULL,
    "EBADHANDLE",
    "ENOTSYNC",
    "EBADCOOKIE",
    "ENOTSUPP",
    "ETOOSMALL",
    "ESERVERFAULT",
    "EBADTYPE",
    "EJUKEBOX",
    "EIOCBQUEUED",
    "ERECALLCONFLICT",
    "ENOGRACE",
};

const char *ior_errno_name(int64_t err)
{
	if (err < 0)
		err = -err;
	if (err > 0 && err < (int64_t)N(errno_names))
		return errno_names[err];
	if (err >= 512 && err < 512 + (int64_t)N(kernel_errno_names))
		return kernel_errno_names[err - 512];
	return NULL;
}

int ior_errno_from_name(const char *name)
{
	/* aliases first: they share a value with the name ior_errno_name() gives */
	if (strcmp(name, "EWOULDBLOCK") == 0)
		return 11;
	if (strcmp(name, "EDEADLOCK") == 0)
		return 35;
	for (size_t i = 1; i < N(errno_names); i++)
		if (errno_names[i] && strcmp(errno_names[i], name) == 0)
			return (int)i;
	for (size_t i = 0; i < N(kernel_errno_names); i++)
		if (kernel_errno_names[i] && strcmp(kernel_errno_names[i], name) == 0)
			return 512 + (int)i;
	return -1;
}

int ior_decode_errno(struct ior_buf *b, int64_t err)
{
	const char *n = ior_errno_name(err);

	if (n)
		return ior_buf__adds(b, n);
	if (ior_buf__addc(b, 'E'))
		return -ENOMEM;
	return ior_buf__add_u64(b, err < 0 ? 0 - (uint64_t)err : (uint64_t)err);
}

/*
 * Names of the set bits in table order, '|' between them, leftover bits as one hex
 * number. Multi-bit entries match only when all their bits are set.
 */
static int decode_bits(struct ior_buf *b, const struct bitname *t, size_t n, uint64_t v,
		       const char *zero)
{
	size_t start = b->len;

	if (!v)
		return ior_buf__adds(b, zero ? zero : "0");
	for (size_t i = 0; i < n; i++) {
		if ((v & t[i].bits) != t[i].bits)
			continue;
		if ((b->len > start && ior_buf__addc(b, '|')) || ior_buf__adds(b, t[i].name))
			return -ENOMEM;
		v &= ~t[i].bits;
	}
	if (!v)
		return 0;
	if (b->len > start && ior_buf__addc(b, '|'))
		return -ENOMEM;
	return ior_buf__add_hex(b, v);
}

/* An enumeration value: its name, or the decimal number. */
static int decode_enum(struct ior_buf *b, const struct bitname *t, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].bits == v)
			return ior_buf__adds(b, t[i].name);
	return ior_buf__add_u64(b, v);
}

/* Open flags other than the access mode; combined names before their parts. */
static const struct bitname open_bits[] = {
    {0100, "O_CREAT"},		{0200, "O_EXCL"},	  {0400, "O_NOCTTY"},
    {01000, "O_TRUNC"},		{02000, "O_APPEND"},	  {04000, "O_NONBLOCK"},
    {04010000, "O_SYNC"},	{010000, "O_DSYNC"},	  {020000, "O_ASYNC"},
    {040000, "O_DIRECT"},	{0100000, "O_LARGEFILE"}, {020200000, "O_TMPFILE"},
    {0200000, "O_DIRECTORY"},	{0400000, "O_NOFOLLOW"},  {01000000, "O_NOATIME"},
    {02000000, "O_CLOEXEC"},	{04000000, "__O_SYNC"},	  {010000000, "O_PATH"},
    {020000000, "__O_TMPFILE"},
};

int ior_decode_open_flags(struct ior_buf *b, uint64_t flags)
{
	static const char *const acc[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};

	if (ior_buf__adds(b, acc[flags & 3]))
		return -ENOMEM;
	if (!(flags & ~3ull))
		return 0;
	if (ior_buf__addc(b, '|'))
		return -ENOMEM;
	return decode_bits(b, open_bits, N(open_bits), flags & ~3ull, NULL);
}

#define AT_COMMON_BITS                                                                             \
	{0x100, "AT_SYMLINK_NOFOLLOW"}, {0x400, "AT_SYMLINK_FOLLOW"}, {0x800, "AT_NO_AUTOMOUNT"},  \
	    {0x1000, "AT_EMPTY_PATH"}, {0x2000, "AT_STATX_FORCE_SYNC"},                            \
	    {0x4000, "AT_STATX_DONT_SYNC"},                                                        \
	{                                                                                          \
		0x8000, "AT_RECURSIVE"                                                             \
	}

static const struct bitname at_bits[] = {{0x200, "AT_REMOVEDIR"}, AT_COMMON_BITS};
static const struct bitname at_access_bits[] = {{0x200, "AT_EACCESS"}, AT_COMMON_BITS};
static const struct bitname at_handle_bits[] = {
    {0x1, "AT_HANDLE_MNT_ID_UNIQUE"}, {0x200, "AT_HANDLE_FID"}, AT_COMMON_BITS};
static const struct bitname open_tree_bits[] = {
    {0x1, "OPEN_TREE_CLONE"}, {02000000, "OPEN_TREE_CLOEXEC"}, AT_COMMON_BITS};

int ior_decode_at_flags(struct ior_buf *b, uint64_t flags)
{
	return decode_bits(b, at_bits, N(at_bits), flags, NULL);
}

int ior_decode_dirfd(struct ior_buf *b, int64_t fd)
{
	if (fd == IOR_AT_FDCWD)
		return ior_buf__adds(b, "AT_FDCWD");
	return ior_buf__add_i64(b, fd);
}

static const struct bitname fcntl_cmds[] = {
    {0, "F_DUPFD"},
    {1, "F_GETFD"},
    {2, "F_SETFD"},
    {3, "F_GETFL"},
    {4, "F_SETFL"},
    {5, "F_GETLK"},
    {6, "F_SETLK"},
    {7, "F_SETLKW"},
    {8, "F_SETOWN"},
    {9, "F_GETOWN"},
    {10, "F_SETSIG"},
    {11, "F_GETSIG"},
    {15, "F_SETOWN_EX"},
    {16, "F_GETOWN_EX"},
    {17, "F_GETOWNER_UIDS"},
    {36, "F_OFD_GETLK"},
    {37, "F_OFD_SETLK"},
    {38, "F_OFD_SETLKW"},
    {1024, "F_SETLEASE"},
    {1025, "F_GETLEASE"},
    {1026, "F_NOTIFY"},
    {1027, "F_DUPFD_QUERY"},
    {1028, "F_CREATED_QUERY"},
    {1029, "F_CANCELLK"},
    {1030, "F_DUPFD_CLOEXEC"},
    {1031, "F_SETPIPE_SZ"},
    {1032, "F_GETPIPE_SZ"},
    {1033, "F_ADD_SEALS"},
    {1034, "F_GET_SEALS"},
    {1035, "F_GET_RW_HINT"},
    {1036, "F_SET_RW_HINT"},
    {1037, "F_GET_FILE_RW_HINT"},
    {1038, "F_SET_FILE_RW_HINT"},
};

int ior_decode_fcntl_cmd(struct ior_buf *b, uint64_t cmd)
{
	return decode_enum(b, fcntl_cmds, N(fcntl_cmds), cmd);
}

static const struct bitname prot_bits[] = {
    {0x1, "PROT_READ"},
    {0x2, "PROT_WRITE"},
    {0x4, "PROT_EXEC"},
    {0x8, "PROT_SEM"},
    {0x01000000, "PROT_GROWSDOWN"},
    {0x02000000, "PROT_GROWSUP"},
};

int ior_decode_mmap_prot(struct ior_buf *b, uint64_t prot)
{
	return decode_bits(b, prot_bits, N(prot_bits), prot, "PROT_NONE");
}

static const struct bitname map_types[] = {
    {0x1, "MAP_SHARED"},
    {0x2, "MAP_PRIVATE"},
    {0x3, "MAP_SHARED_VALIDATE"},
    {0x8, "MAP_DROPPABLE"},
};

static const struct bitname map_bits[] = {
    {0x10, "MAP_FIXED"},
    {0x20, "MAP_ANONYMOUS"},
    {0x40, "MAP_32BIT"},
    {0x100, "MAP_GROWSDOWN"},
    {0x800, "MAP_DENYWRITE"},
    {0x1000, "MAP_EXECUTABLE"},
    {0x2000, "MAP_LOCKED"},
    {0x4000, "MAP_NORESERVE"},
    {0x8000, "MAP_POPULATE"},
    {0x10000, "MAP_NONBLOCK"},
    {0x20000, "MAP_STACK"},
    {0x40000, "MAP_HUGETLB"},
    {0x80000, "MAP_SYNC"},
    {0x100000, "MAP_FIXED_NOREPLACE"},
    {0x4000000, "MAP_UNINITIALIZED"},
};

int ior_decode_mmap_flags(struct ior_buf *b, uint64_t flags)
{
	/* the low nibble is a type (a value), the rest are bits */
	if (decode_enum(b, map_types, N(map_types), flags & 0xf))
		return -ENOMEM;
	if (!(flags & ~0xfull))
		return 0;
	if (ior_buf__addc(b, '|'))
		return -ENOMEM;
	return decode_bits(b, map_bits, N(map_bits), flags & ~0xfull, NULL);
}

static const struct bitname whences[] = {
    {0, "SEEK_SET"}, {1, "SEEK_CUR"}, {2, "SEEK_END"}, {3, "SEEK_DATA"}, {4, "SEEK_HOLE"},
};

int ior_decode_whence(struct ior_buf *b, uint64_t whence)
{
	return decode_enum(b, whences, N(whences), whence);
}

static const char *const signal_names[] = {
    NULL,	 "SIGHUP",  "SIGINT",	 "SIGQUIT", "SIGILL",	"SIGTRAP", "SIGABRT", "SIGBUS",
    "SIGFPE",	 "SIGKILL", "SIGUSR1",	 "SIGSEGV", "SIGUSR2",	"SIGPIPE", "SIGALRM", "SIGTERM",
    "SIGSTKFLT", "SIGCHLD", "SIGCONT",	 "SIGSTOP", "SIGTSTP",	"SIGTTIN", "SIGTTOU", "SIGURG",
    "SIGXCPU",	 "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS",
};

static const struct bitname clone_bits[] = {
    {0x100, "CLONE_VM"},
    {0x200, "CLONE_FS"},
    {0x400, "CLONE_FILES"},
    {0x800, "CLONE_SIGHAND"},
    {0x1000, "CLONE_PIDFD"},
    {0x2000, "CLONE_PTRACE"},
    {0x4000, "CLONE_VFORK"},
    {0x8000, "CLONE_PARENT"},
    {0x10000, "CLONE_THREAD"},
    {0x20000, "CLONE_NEWNS"},
    {0x40000, "CLONE_SYSVSEM"},
    {0x80000, "CLONE_SETTLS"},
    {0x100000, "CLONE_PARENT_SETTID"},
    {0x200000, "CLONE_CHILD_CLEARTID"},
    {0x400000, "CLONE_DETACHED"},
    {0x800000, "CLONE_UNTRACED"},
    {0x1000000, "CLONE_CHILD_SETTID"},
    {0x2000000, "CLONE_NEWCGROUP"},
    {0x4000000, "CLONE_NEWUTS"},
    {0x8000000, "CLONE_NEWIPC"},
    {0x10000000, "CLONE_NEWUSER"},
    {0x20000000, "CLONE_NEWPID"},
    {0x40000000, "CLONE_NEWNET"},
    {0x80000000, "CLONE_IO"},
    {0x100000000ull, "CLONE_CLEAR_SIGHAND"},
    {0x200000000ull, "CLONE_INTO_CGROUP"},
};

int ior_decode_clone_flags(struct ior_buf *b, uint64_t flags)
{
	unsigned sig = flags & 0xff;
	uint64_t rest = flags & ~0xffull;

	if (rest && decode_bits(b, clone_bits, N(clone_bits), rest, NULL))
		return -ENOMEM;
	if (!sig)
		return rest ? 0 : ior_buf__addc(b, '0');
	if (rest && ior_buf__addc(b, '|'))
		return -ENOMEM;
	if (sig < N(signal_names))
		return ior_buf__adds(b, signal_names[sig]);
	if (ior_buf__adds(b, "SIG"))
		return -ENOMEM;
	return ior_buf__add_u64(b, sig);
}

static const struct bitname close_range_bits[] = {
    {0x2, "CLOSE_RANGE_UNSHARE"},
    {0x4, "CLOSE_RANGE_CLOEXEC"},
};

int ior_decode_close_range_flags(struct ior_buf *b, uint64_t flags)
{
	return decode_bits(b, close_range_bits, N(close_range_bits), flags, NULL);
}

static const struct bitname flock_bits[] = {
    {1, "LOCK_SH"},
    {2, "LOCK_EX"},
    {4, "LOCK_NB"},
    {8, "LOCK_UN"},
};
static const struct bitname rename_bits[] = {
    {1, "RENAME_NOREPLACE"},
    {2, "RENAME_EXCHANGE"},
    {4, "RENAME_WHITEOUT"},
};
static const struct bitname falloc_bits[] = {
    {0x1, "FALLOC_FL_KEEP_SIZE"},      {0x2, "FALLOC_FL_PUNCH_HOLE"},
    {0x4, "FALLOC_FL_NO_HIDE_STALE"},  {0x8, "FALLOC_FL_COLLAPSE_RANGE"},
    {0x10, "FALLOC_FL_ZERO_RANGE"},    {0x20, "FALLOC_FL_INSERT_RANGE"},
    {0x40, "FALLOC_FL_UNSHARE_RANGE"}, {0x80, "FALLOC_FL_WRITE_ZEROES"},
};
static const struct bitname fadvise_values[] = {
    {0, "POSIX_FADV_NORMAL"},	{1, "POSIX_FADV_RANDOM"},   {2, "POSIX_FADV_SEQUENTIAL"},
    {3, "POSIX_FADV_WILLNEED"}, {4, "POSIX_FADV_DONTNEED"}, {5, "POSIX_FADV_NOREUSE"},
};
static const struct bitname rwf_bits[] = {
    {0x1, "RWF_HIPRI"},	  {0x2, "RWF_DSYNC"},	  {0x4, "RWF_SYNC"},	{0x8, "RWF_NOWAIT"},
    {0x10, "RWF_APPEND"}, {0x20, "RWF_NOAPPEND"}, {0x40, "RWF_ATOMIC"}, {0x80, "RWF_DONTCACHE"},
};
static const struct bitname xattr_bits[] = {{1, "XATTR_CREATE"}, {2, "XATTR_REPLACE"}};
static const struct bitname sfr_bits[] = {
    {1, "SYNC_FILE_RANGE_WAIT_BEFORE"},
    {2, "SYNC_FILE_RANGE_WRITE"},
    {4, "SYNC_FILE_RANGE_WAIT_AFTER"},
};
static const struct bitname msync_bits[] = {
    {1, "MS_ASYNC"},
    {2, "MS_INVALIDATE"},
    {4, "MS_SYNC"},
};
static const struct bitname splice_bits[] = {
    {1, "SPLICE_F_MOVE"},
    {2, "SPLICE_F_NONBLOCK"},
    {4, "SPLICE_F_MORE"},
    {8, "SPLICE_F_GIFT"},
};
/* the shared values of O_/EFD_/SOCK_/IN_/TFD_/SFD_/EPOLL_ NONBLOCK and CLOEXEC */
static const struct bitname newfd_bits[] = {
    {04000, "O_NONBLOCK"},
    {040000, "O_DIRECT"},
    {02000000, "O_CLOEXEC"},
};
static const struct bitname ioring_enter_bits[] = {
    {0x1, "IORING_ENTER_GETEVENTS"},	    {0x2, "IORING_ENTER_SQ_WAKEUP"},
    {0x4, "IORING_ENTER_SQ_WAIT"},	    {0x8, "IORING_ENTER_EXT_ARG"},
    {0x10, "IORING_ENTER_REGISTERED_RING"},
};

static const struct {
	const char *syscall;
	enum ior_flags_kind kind;
} kinds[] = {
    {"open", IOR_FLAGS_OPEN},
    {"openat", IOR_FLAGS_OPEN},
    {"openat2", IOR_FLAGS_OPEN},
    {"creat", IOR_FLAGS_OPEN},
    {"open_by_handle_at", IOR_FLAGS_OPEN},
    {"name_to_handle_at", IOR_FLAGS_AT_HANDLE},
    {"open_tree", IOR_FLAGS_OPEN_TREE},
    {"open_tree_attr", IOR_FLAGS_OPEN_TREE},
    {"newfstatat", IOR_FLAGS_AT},
    {"statx", IOR_FLAGS_AT},
    {"faccessat2", IOR_FLAGS_AT_ACCESS},
    {"unlinkat", IOR_FLAGS_AT},
    {"fchmodat2", IOR_FLAGS_AT},
    {"fchownat", IOR_FLAGS_AT},
    {"utimensat", IOR_FLAGS_AT},
    {"linkat", IOR_FLAGS_AT},
    {"getxattrat", IOR_FLAGS_AT},
    {"setxattrat", IOR_FLAGS_AT},
    {"listxattrat", IOR_FLAGS_AT},
    {"removexattrat", IOR_FLAGS_AT},
    {"fcntl", IOR_FLAGS_FCNTL},
    {"mmap", IOR_FLAGS_MMAP},
    {"lseek", IOR_FLAGS_WHENCE},
    {"close_range", IOR_FLAGS_CLOSE_RANGE},
    {"flock", IOR_FLAGS_FLOCK},
    {"renameat2", IOR_FLAGS_RENAME},
    {"fallocate", IOR_FLAGS_FALLOC},
    {"fadvise64", IOR_FLAGS_FADVISE},
    {"preadv2", IOR_FLAGS_RWF},
    {"pwritev2", IOR_FLAGS_RWF},
    {"setxattr", IOR_FLAGS_XATTR},
    {"lsetxattr", IOR_FLAGS_XATTR},
    {"fsetxattr", IOR_FLAGS_XATTR},
    {"sync_file_range", IOR_FLAGS_SYNC_FILE_RANGE},
    {"msync", IOR_FLAGS_MSYNC},
    {"splice", IOR_FLAGS_SPLICE},
    {"tee", IOR_FLAGS_SPLICE},
    {"vmsplice", IOR_FLAGS_SPLICE},
    {"dup3", IOR_FLAGS_NEWFD},
    {"pipe2", IOR_FLAGS_NEWFD},
    {"eventfd2", IOR_FLAGS_NEWFD},
    {"accept4", IOR_FLAGS_NEWFD},
    {"signalfd4", IOR_FLAGS_NEWFD},
    {"timerfd_create", IOR_FLAGS_NEWFD},
    {"inotify_init1", IOR_FLAGS_NEWFD},
    {"epoll_create1", IOR_FLAGS_NEWFD},
    {"io_uring_enter", IOR_FLAGS_IORING_ENTER},
    {"io_uring_register", IOR_FLAGS_DEC},
    {"ioctl", IOR_FLAGS_HEX},
    {"chown", IOR_FLAGS_DEC},
    {"lchown", IOR_FLAGS_DEC},
    {"fchown", IOR_FLAGS_DEC},
};

enum ior_flags_kind ior_flags_kind(const char *syscall)
{
	for (size_t i = 0; i < N(kinds); i++)
		if (strcmp(kinds[i].syscall, syscall) == 0)
			return kinds[i].kind;
	return IOR_FLAGS_HEX;
}

#define BITS(t) decode_bits(b, t, N(t), flags, NULL)

int ior_decode_flags_kind(struct ior_buf *b, enum ior_flags_kind kind, uint64_t flags)
{
	switch (kind) {
	case IOR_FLAGS_DEC:
		return ior_buf__add_u64(b, flags);
	case IOR_FLAGS_OPEN:
		return ior_decode_open_flags(b, flags);
	case IOR_FLAGS_AT:
		return BITS(at_bits);
	case IOR_FLAGS_AT_ACCESS:
		return BITS(at_access_bits);
	case IOR_FLAGS_AT_HANDLE:
		return BITS(at_handle_bits);
	case IOR_FLAGS_OPEN_TREE:
		return BITS(open_tree_bits);
	case IOR_FLAGS_FCNTL:
		return ior_decode_fcntl_cmd(b, flags);
	case IOR_FLAGS_MMAP:
		return ior_decode_mmap_flags(b, flags);
	case IOR_FLAGS_WHENCE:
		return ior_decode_whence(b, flags);
	case IOR_FLAGS_CLOSE_RANGE:
		return BITS(close_range_bits);
	case IOR_FLAGS_FLOCK:
		return BITS(flock_bits);
	case IOR_FLAGS_RENAME:
		return BITS(rename_bits);
	case IOR_FLAGS_FALLOC:
		return BITS(falloc_bits);
	case IOR_FLAGS_FADVISE:
		return decode_enum(b, fadvise_values, N(fadvise_values), flags);
	case IOR_FLAGS_RWF:
		return BITS(rwf_bits);
	case IOR_FLAGS_XATTR:
		return BITS(xattr_bits);
	case IOR_FLAGS_SYNC_FILE_RANGE:
		return BITS(sfr_bits);
	case IOR_FLAGS_MSYNC:
		return BITS(msync_bits);
	case IOR_FLAGS_SPLICE:
		return BITS(splice_bits);
	case IOR_FLAGS_NEWFD:
		return BITS(newfd_bits);
	case IOR_FLAGS_IORING_ENTER:
		return BITS(ioring_enter_bits);
	default:
		return flags ? ior_buf__add_hex(b, flags) : ior_buf__addc(b, '0');
	}
}

int ior_decode_flags(struct ior_buf *b, const char *syscall, uint64_t flags)
{
	return ior_decode_flags_kind(b, ior_flags_kind(syscall), flags);
}
