// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomix: a deterministic workload that makes every kind of syscall ior-record traces,
 * including failures, from threads, a forked child and an exec'd image, and writes down
 * what it did: one manifest line per call,
 *
 *	TID <tab> NAME <tab> RET [<tab> KEY=VALUE]...
 *
 * with KEY one of fd, fd2, bytes, flags, aux, path, path2, sf (the expected string
 * flags). The integration test records `iomix DIR MANIFEST` and checks the recording
 * against the manifest call by call. Every call goes through syscall(2), so that the
 * manifest names exactly the syscall made (libc would pick openat for open, ...).
 *
 * Usage: iomix DIR MANIFEST     (DIR: an empty scratch directory)
 *        iomix --exec MANIFEST  (the image the main run execs into)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/aio_abi.h>
#include <linux/io_uring.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef __NR_cachestat
#define __NR_cachestat 451
#endif
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif

/* ---- the manifest: lines collected in memory, written once per process ---------- */
static char manifest[1 << 20];
static size_t manifest_len;
static pthread_mutex_t manifest_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *manifest_path;
static int manifest_fd = -1; /* opened first: a chroot'ed child still reaches it */

static void die(const char *what)
{
	fprintf(stderr, "iomix: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Record one call: its name, raw return value and the fields to check. */
__attribute__((format(printf, 3, 4))) static void note(const char *name, long ret,
						       const char *fmt, ...)
{
	char line[8192];
	int n;
	va_list ap;

	n = snprintf(line, sizeof(line), "%ld\t%s\t%ld", (long)syscall(SYS_gettid), name, ret);
	va_start(ap, fmt);
	if (*fmt)
		line[n++] = '\t';
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	line[n++] = '\n';
	pthread_mutex_lock(&manifest_lock);
	if (manifest_len + n > sizeof(manifest))
		abort();
	memcpy(manifest + manifest_len, line, n);
	manifest_len += n;
	pthread_mutex_unlock(&manifest_lock);
}

static void manifest_open(const char *path)
{
	manifest_path = path;
	manifest_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (manifest_fd < 0)
		die(path);
}

static void manifest_flush(void)
{
	if (write(manifest_fd, manifest, manifest_len) != (ssize_t)manifest_len)
		die("manifest");
	manifest_len = 0;
}

/* The raw kernel return value: -errno on failure. */
static long kret(long r)
{
	return r == -1 ? -errno : r;
}

#define SC(name, ...) kret(syscall(SYS_##name, ##__VA_ARGS__))
#define NR(nr, ...) kret(syscall(nr, ##__VA_ARGS__))

/* ---- open-like ------------------------------------------------------------------ */
static void opens(void)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS };
	long fd;

	fd = SC(open, "a.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
	note("open", fd, "path=a.txt\tflags=%#x\taux=0644", O_CREAT | O_RDWR | O_TRUNC);
	note("close", SC(close, fd), "fd=%ld", fd);
	fd = SC(openat, AT_FDCWD, "b.txt", O_CREAT | O_WRONLY, 0600);
	note("openat", fd, "fd=%d\tpath=b.txt\tflags=%#x\taux=0600", AT_FDCWD,
	     O_CREAT | O_WRONLY);
	note("close", SC(close, fd), "fd=%ld", fd);
	fd = SC(openat2, AT_FDCWD, "a.txt", &how, sizeof(how));
	note("openat2", fd, "fd=%d\tpath=a.txt\tflags=%#x", AT_FDCWD, O_RDONLY | O_CLOEXEC);
	note("close", SC(close, fd), "fd=%ld", fd);
	fd = SC(creat, "c.txt", 0640);
	note("creat", fd, "path=c.txt\tflags=%#x\taux=0640", O_CREAT | O_WRONLY | O_TRUNC);
	note("close", SC(close, fd), "fd=%ld", fd);
	note("openat", SC(openat, AT_FDCWD, "missing/x", O_RDONLY),
	     "fd=%d\tpath=missing/x\tflags=0", AT_FDCWD);
	/* an unreadable path: the kernel says EFAULT, the record says unreadable */
	note("openat", SC(openat, AT_FDCWD, (char *)8, O_RDONLY), "fd=%d\tsf=2", AT_FDCWD);
}

static void handles(void)
{
	struct {
		struct file_handle fh;
		unsigned char buf[128];
	} h = { .fh.handle_bytes = 128 };
	int mount_id;
	long fd;

	note("name_to_handle_at", SC(name_to_handle_at, AT_FDCWD, "a.txt", &h.fh, &mount_id, 0),
	     "fd=%d\tpath=a.txt\tflags=0", AT_FDCWD);
	fd = SC(open_by_handle_at, AT_FDCWD, &h.fh, O_RDONLY);
	note("open_by_handle_at", fd, "fd=%d\tflags=0", AT_FDCWD);
	if (fd >= 0)
		note("close", SC(close, fd), "fd=%ld", fd);
}

/* ---- fd I/O ----------------------------------------------------------------------- */
/* bytes of a transfer: the non-negative return value */
#define B(r) ((r) > 0 ? (r) : 0)

static void rw(int fd)
{
	char buf[4096];
	struct iovec iov[2] = { { buf, 100 }, { buf + 100, 200 } };
	long r;

	memset(buf, 'x', sizeof(buf));
	r = SC(write, fd, buf, 4096);
	note("write", r, "fd=%d\tbytes=%ld\taux=4096", fd, B(r));
	r = SC(pwrite64, fd, buf, 512, 8192);
	note("pwrite64", r, "fd=%d\tbytes=%ld\taux=8192", fd, B(r));
	note("lseek", SC(lseek, fd, 0, SEEK_SET), "fd=%d\taux=0\tflags=0", fd);
	r = SC(read, fd, buf, 1000);
	note("read", r, "fd=%d\tbytes=%ld\taux=1000", fd, B(r));
	r = SC(pread64, fd, buf, 4096, 8000);
	note("pread64", r, "fd=%d\tbytes=%ld\taux=8000", fd, B(r));
	r = SC(readv, fd, iov, 2);
	note("readv", r, "fd=%d\tbytes=%ld", fd, B(r));
	r = SC(writev, fd, iov, 2);
	note("writev", r, "fd=%d\tbytes=%ld", fd, B(r));
	r = SC(preadv, fd, iov, 2, 10, 0);
	note("preadv", r, "fd=%d\tbytes=%ld\taux=10", fd, B(r));
	r = SC(pwritev, fd, iov, 2, 20, 0);
	note("pwritev", r, "fd=%d\tbytes=%ld\taux=20", fd, B(r));
	r = SC(preadv2, fd, iov, 2, 30, 0, RWF_HIPRI);
	note("preadv2", r, "fd=%d\tbytes=%ld\taux=30\tflags=%#x", fd, B(r), RWF_HIPRI);
	r = SC(pwritev2, fd, iov, 1, 40, 0, RWF_DSYNC);
	note("pwritev2", r, "fd=%d\tbytes=%ld\taux=40\tflags=%#x", fd, B(r), RWF_DSYNC);
	/* past the end of the file: 0 bytes; on a bad fd: EBADF */
	note("pread64", SC(pread64, fd, buf, 10, 1 << 20), "fd=%d\tbytes=0", fd);
	note("read", SC(read, 999, buf, 10), "fd=999\tbytes=0");
}

static void syncs(int fd)
{
	note("fsync", SC(fsync, fd), "fd=%d", fd);
	note("fdatasync", SC(fdatasync, fd), "fd=%d", fd);
	note("syncfs", SC(syncfs, fd), "fd=%d", fd);
	note("sync_file_range", SC(sync_file_range, fd, 0, 4096, SYNC_FILE_RANGE_WRITE),
	     "fd=%d\taux=0\tbytes=4096\tflags=%#x", fd, SYNC_FILE_RANGE_WRITE);
	note("sync", SC(sync), "%s", "");
	note("ftruncate", SC(ftruncate, fd, 10000), "fd=%d\taux=10000", fd);
	note("fallocate", SC(fallocate, fd, 0, 0, 16384), "fd=%d\tflags=0\taux=0\tbytes=16384", fd);
	note("fadvise64", SC(fadvise64, fd, 0, 4096, POSIX_FADV_WILLNEED),
	     "fd=%d\taux=0\tbytes=4096\tflags=%#x", fd, POSIX_FADV_WILLNEED);
	note("readahead", SC(readahead, fd, 0, 8192), "fd=%d\taux=0\tbytes=8192", fd);
}

static void fdmeta(int fd)
{
	struct stat st;
	char buf[256];
	int n = 0;
	long r;

	note("fstat", SC(fstat, fd, &st), "fd=%d", fd);
	note("fstatfs", SC(fstatfs, fd, buf), "fd=%d", fd);
	note("fchmod", SC(fchmod, fd, 0600), "fd=%d\taux=0600", fd);
	note("fchown", SC(fchown, fd, 0, 0), "fd=%d\tflags=0\taux=0", fd);
	note("ioctl", SC(ioctl, fd, FIONREAD, &n), "fd=%d\tflags=%#x", fd, FIONREAD);
	note("flock", SC(flock, fd, LOCK_EX), "fd=%d\tflags=%#x", fd, LOCK_EX);
	note("flock", SC(flock, fd, LOCK_UN), "fd=%d\tflags=%#x", fd, LOCK_UN);
	note("fsetxattr", SC(fsetxattr, fd, "user.k", "v1", 2, 0),
	     "fd=%d\tpath2=user.k\tbytes=2\tflags=0", fd);
	r = SC(fgetxattr, fd, "user.k", buf, sizeof(buf));
	note("fgetxattr", r, "fd=%d\tpath2=user.k\tbytes=%ld", fd, B(r));
	r = SC(flistxattr, fd, buf, sizeof(buf));
	note("flistxattr", r, "fd=%d\tbytes=%ld", fd, B(r));
	note("fremovexattr", SC(fremovexattr, fd, "user.k"), "fd=%d\tpath2=user.k", fd);
	note("cachestat", NR(__NR_cachestat, fd, NULL, NULL, 0), "fd=%d", fd);
}

static void fd_calls(void)
{
	long fd = SC(openat, AT_FDCWD, "a.txt", O_RDWR);

	note("openat", fd, "fd=%d\tpath=a.txt\tflags=%#x", AT_FDCWD, O_RDWR);
	rw(fd);
	syncs(fd);
	fdmeta(fd);
	note("close", SC(close, fd), "fd=%ld", fd);
}

static void dirs(void)
{
	char buf[4096];
	long fd = SC(openat, AT_FDCWD, ".", O_RDONLY | O_DIRECTORY), r;

	note("openat", fd, "fd=%d\tpath=.\tflags=%#x", AT_FDCWD, O_RDONLY | O_DIRECTORY);
	r = SC(getdents64, fd, buf, sizeof(buf));
	note("getdents64", r, "fd=%ld\tbytes=%ld", fd, B(r));
	note("getdents64", SC(getdents64, fd, buf, sizeof(buf)), "fd=%ld\tbytes=0", fd);
	note("mkdir", SC(mkdir, "sub", 0755), "path=sub\taux=0755");
	note("mkdirat", SC(mkdirat, fd, "sub2", 0700), "fd=%ld\tpath=sub2\taux=0700", fd);
	note("chdir", SC(chdir, "sub"), "path=sub");
	note("fchdir", SC(fchdir, fd), "fd=%ld", fd);
	note("rmdir", SC(rmdir, "sub2"), "path=sub2");
	note("rmdir", SC(rmdir, "sub2"), "path=sub2");
	r = SC(getcwd, buf, sizeof(buf));
	note("getcwd", r, "bytes=%ld", B(r));
	note("close", SC(close, fd), "fd=%ld", fd);
}

/* ---- path-only -------------------------------------------------------------------- */
static void stats(void)
{
	struct stat st;
	struct statx stx;
	char buf[256];
	long r;

	note("stat", SC(stat, "a.txt", &st), "path=a.txt");
	note("lstat", SC(lstat, "nope", &st), "path=nope");
	note("newfstatat", SC(newfstatat, AT_FDCWD, "a.txt", &st, AT_SYMLINK_NOFOLLOW),
	     "fd=%d\tpath=a.txt\tflags=%#x", AT_FDCWD, AT_SYMLINK_NOFOLLOW);
	note("statx", SC(statx, AT_FDCWD, "b.txt", 0, STATX_SIZE, &stx),
	     "fd=%d\tpath=b.txt\tflags=0\taux=%#x", AT_FDCWD, STATX_SIZE);
	note("statfs", SC(statfs, ".", buf), "path=.");
	note("access", SC(access, "a.txt", R_OK), "path=a.txt\taux=%#x", R_OK);
	note("faccessat", SC(faccessat, AT_FDCWD, "nope", F_OK), "fd=%d\tpath=nope\taux=0",
	     AT_FDCWD);
	note("faccessat2", SC(faccessat2, AT_FDCWD, "a.txt", W_OK, AT_EACCESS),
	     "fd=%d\tpath=a.txt\taux=%#x\tflags=%#x", AT_FDCWD, W_OK, AT_EACCESS);
	note("symlink", SC(symlink, "a.txt", "lnk"), "path=a.txt\tpath2=lnk");
	r = SC(readlink, "lnk", buf, sizeof(buf));
	note("readlink", r, "path=lnk\tbytes=%ld", B(r));
	r = SC(readlinkat, AT_FDCWD, "lnk", buf, sizeof(buf));
	note("readlinkat", r, "fd=%d\tpath=lnk\tbytes=%ld", AT_FDCWD, B(r));
	r = SC(readlink, "a.txt", buf, sizeof(buf));
	note("readlink", r, "path=a.txt\tbytes=0");
}

static void meta(void)
{
	struct timespec ts[2] = { { 1, 0 }, { 2, 0 } };

	note("chmod", SC(chmod, "a.txt", 0644), "path=a.txt\taux=0644");
	note("fchmodat", SC(fchmodat, AT_FDCWD, "a.txt", 0640), "fd=%d\tpath=a.txt\taux=0640",
	     AT_FDCWD);
	note("fchmodat2", NR(__NR_fchmodat2, AT_FDCWD, "a.txt", 0644, 0),
	     "fd=%d\tpath=a.txt\taux=0644\tflags=0", AT_FDCWD);
	note("chown", SC(chown, "a.txt", 0, 0), "path=a.txt");
	note("lchown", SC(lchown, "lnk", 0, 0), "path=lnk");
	note("fchownat", SC(fchownat, AT_FDCWD, "lnk", 0, 0, AT_SYMLINK_NOFOLLOW),
	     "fd=%d\tpath=lnk\tflags=%#x", AT_FDCWD, AT_SYMLINK_NOFOLLOW);
	note("truncate", SC(truncate, "b.txt", 123), "path=b.txt\taux=123");
	note("utimensat", SC(utimensat, AT_FDCWD, "a.txt", ts, 0),
	     "fd=%d\tpath=a.txt\tflags=0", AT_FDCWD);
	note("mknod", SC(mknod, "fifo", S_IFIFO | 0600, 0), "path=fifo\taux=%#o", S_IFIFO | 0600);
	note("mknodat", SC(mknodat, AT_FDCWD, "fifo", S_IFIFO | 0600, 0),
	     "fd=%d\tpath=fifo\taux=%#o", AT_FDCWD, S_IFIFO | 0600);
}

static void xattrs(void)
{
	char buf[256];
	long r;

	note("setxattr", SC(setxattr, "a.txt", "user.one", "12345", 5, XATTR_CREATE),
	     "path=a.txt\tpath2=user.one\tbytes=5\tflags=%#x", XATTR_CREATE);
	note("lsetxattr", SC(lsetxattr, "a.txt", "user.two", "1", 1, 0),
	     "path=a.txt\tpath2=user.two\tbytes=1\tflags=0");
	r = SC(getxattr, "a.txt", "user.one", buf, sizeof(buf));
	note("getxattr", r, "path=a.txt\tpath2=user.one\tbytes=%ld", B(r));
	r = SC(lgetxattr, "a.txt", "user.none", buf, sizeof(buf));
	note("lgetxattr", r, "path=a.txt\tpath2=user.none\tbytes=0");
	r = SC(listxattr, "a.txt", buf, sizeof(buf));
	note("listxattr", r, "path=a.txt\tbytes=%ld", B(r));
	r = SC(llistxattr, "a.txt", buf, sizeof(buf));
	note("llistxattr", r, "path=a.txt\tbytes=%ld", B(r));
	note("removexattr", SC(removexattr, "a.txt", "user.one"), "path=a.txt\tpath2=user.one");
	note("lremovexattr", SC(lremovexattr, "a.txt", "user.two"), "path=a.txt\tpath2=user.two");
}

/* ---- two names -------------------------------------------------------------------- */
static void names(void)
{
	note("rename", SC(rename, "c.txt", "d.txt"), "path=c.txt\tpath2=d.txt");
	note("renameat", SC(renameat, AT_FDCWD, "d.txt", AT_FDCWD, "e.txt"),
	     "fd=%d\tpath=d.txt\tfd2=%d\tpath2=e.txt", AT_FDCWD, AT_FDCWD);
	note("renameat2", SC(renameat2, AT_FDCWD, "e.txt", AT_FDCWD, "a.txt", RENAME_NOREPLACE),
	     "fd=%d\tpath=e.txt\tfd2=%d\tpath2=a.txt\tflags=%#x", AT_FDCWD, AT_FDCWD,
	     RENAME_NOREPLACE);
	note("link", SC(link, "e.txt", "f.txt"), "path=e.txt\tpath2=f.txt");
	note("linkat", SC(linkat, AT_FDCWD, "f.txt", AT_FDCWD, "g.txt", 0),
	     "fd=%d\tpath=f.txt\tfd2=%d\tpath2=g.txt\tflags=0", AT_FDCWD, AT_FDCWD);
	note("symlinkat", SC(symlinkat, "f.txt", AT_FDCWD, "lnk2"),
	     "path=f.txt\tfd2=%d\tpath2=lnk2", AT_FDCWD);
	note("unlink", SC(unlink, "g.txt"), "path=g.txt");
	note("unlinkat", SC(unlinkat, AT_FDCWD, "lnk2", 0), "fd=%d\tpath=lnk2\tflags=0", AT_FDCWD);
	note("unlinkat", SC(unlinkat, AT_FDCWD, "sub", AT_REMOVEDIR),
	     "fd=%d\tpath=sub\tflags=%#x", AT_FDCWD, AT_REMOVEDIR);
}

/* ---- fd lifecycle ------------------------------------------------------------------- */
static void fds(void)
{
	long fd = SC(openat, AT_FDCWD, "a.txt", O_RDONLY), d;

	note("openat", fd, "fd=%d\tpath=a.txt\tflags=0", AT_FDCWD);
	d = SC(dup, fd);
	note("dup", d, "fd=%ld", fd);
	note("dup2", SC(dup2, fd, 50), "fd=%ld\tfd2=50", fd);
	note("dup3", SC(dup3, fd, 51, O_CLOEXEC), "fd=%ld\tfd2=51\tflags=%#x", fd, O_CLOEXEC);
	note("fcntl", SC(fcntl, fd, F_DUPFD, 60), "fd=%ld\tflags=%d\taux=60", fd, F_DUPFD);
	note("fcntl", SC(fcntl, fd, F_DUPFD_CLOEXEC, 70), "fd=%ld\tflags=%d\taux=70", fd,
	     F_DUPFD_CLOEXEC);
	note("fcntl", SC(fcntl, fd, F_SETFD, FD_CLOEXEC), "fd=%ld\tflags=%d\taux=%d", fd, F_SETFD,
	     FD_CLOEXEC);
	note("fcntl", SC(fcntl, fd, F_SETFL, O_NONBLOCK), "fd=%ld\tflags=%d\taux=%#x", fd, F_SETFL,
	     O_NONBLOCK);
	note("fcntl", SC(fcntl, fd, F_GETFL), "fd=%ld\tflags=%d", fd, F_GETFL);
	note("close", SC(close, d), "fd=%ld", d);
	note("close_range", SC(close_range, 50, 51, 0), "fd=50\taux=51\tflags=0");
	note("close_range", SC(close_range, 60, 70, CLOSE_RANGE_CLOEXEC),
	     "fd=60\taux=70\tflags=%#x", CLOSE_RANGE_CLOEXEC);
	note("close_range", SC(close_range, 60, 70, 0), "fd=60\taux=70\tflags=0");
	note("close", SC(close, fd), "fd=%ld", fd);
	note("close", SC(close, fd), "fd=%ld", fd);
}

/* ---- memory-mapped files ---------------------------------------------------------- */
static void maps(void)
{
	long fd = SC(openat, AT_FDCWD, "a.txt", O_RDWR);
	long addr;

	note("openat", fd, "fd=%d\tpath=a.txt\tflags=%#x", AT_FDCWD, O_RDWR);
	addr = SC(mmap, NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	note("mmap", addr, "fd=%ld\tbytes=4096\taux=%#x\tflags=%#x", fd, PROT_READ | PROT_WRITE,
	     MAP_SHARED);
	note("msync", SC(msync, addr, 4096, MS_SYNC), "bytes=4096\tflags=%#x", MS_SYNC);
	note("munmap", SC(munmap, addr, 4096), "bytes=4096");
	note("mmap", SC(mmap, NULL, 4096, PROT_READ, MAP_SHARED, 999, 0), "fd=999");
	note("close", SC(close, fd), "fd=%ld", fd);
}

/* ---- fd to fd ----------------------------------------------------------------------- */
static void transfers(void)
{
	long in = SC(openat, AT_FDCWD, "a.txt", O_RDONLY);
	long out = SC(openat, AT_FDCWD, "copy.txt", O_CREAT | O_WRONLY | O_TRUNC, 0600);
	int p[2], q[2];
	long r;
	char buf[64] = "vmsplice";
	struct iovec iov = { buf, 8 };

	note("openat", in, "fd=%d\tpath=a.txt\tflags=0", AT_FDCWD);
	note("openat", out, "fd=%d\tpath=copy.txt\tflags=%#x", AT_FDCWD,
	     O_CREAT | O_WRONLY | O_TRUNC);
	r = SC(copy_file_range, in, NULL, out, NULL, 1000, 0);
	note("copy_file_range", r, "fd=%ld\tfd2=%ld\tbytes=%ld\tflags=0", in, out, B(r));
	r = SC(sendfile, out, in, NULL, 500);
	note("sendfile", r, "fd=%ld\tfd2=%ld\tbytes=%ld", out, in, B(r));
	r = SC(pipe2, p, O_CLOEXEC);
	note("pipe2", r, "fd=%d\tfd2=%d\tflags=%#x", p[0], p[1], O_CLOEXEC);
	r = SC(pipe2, q, 0);
	note("pipe2", r, "fd=%d\tfd2=%d\tflags=0", q[0], q[1]);
	r = SC(splice, in, NULL, p[1], NULL, 300, 0);
	note("splice", r, "fd=%ld\tfd2=%d\tbytes=%ld\tflags=0", in, p[1], B(r));
	r = SC(tee, p[0], q[1], 100, 0);
	note("tee", r, "fd=%d\tfd2=%d\tbytes=%ld\tflags=0", p[0], q[1], B(r));
	r = SC(vmsplice, q[1], &iov, 1, 0);
	note("vmsplice", r, "fd=%d\tbytes=%ld\tflags=0", q[1], B(r));
	for (int i = 0; i < 2; i++) {
		note("close", SC(close, p[i]), "fd=%d", p[i]);
		note("close", SC(close, q[i]), "fd=%d", q[i]);
	}
	note("close", SC(close, in), "fd=%ld", in);
	note("close", SC(close, out), "fd=%ld", out);
}

/* ---- asynchronous I/O: only the calls are recorded ------------------------------------ */
static void async_io(void)
{
	struct io_uring_params up = { 0 };
	aio_context_t ctx = 0;
	struct io_event ev;
	struct iocb cb = { 0 }, *cbs[1] = { &cb };
	struct timespec zero = { 0, 0 };
	long fd;

	fd = SC(io_uring_setup, 4, &up);
	note("io_uring_setup", fd, "aux=4");
	note("io_uring_enter", SC(io_uring_enter, fd, 0, 0, 0, NULL, 0), "fd=%ld\taux=0\tflags=0",
	     fd);
	note("io_uring_register", SC(io_uring_register, fd, IORING_REGISTER_PROBE, NULL, 0),
	     "fd=%ld\tflags=%d", fd, IORING_REGISTER_PROBE);
	if (fd >= 0)
		note("close", SC(close, fd), "fd=%ld", fd);
	note("io_setup", SC(io_setup, 8, &ctx), "aux=8");
	cb.aio_fildes = 999;
	cb.aio_lio_opcode = IOCB_CMD_PREAD;
	note("io_submit", SC(io_submit, ctx, 1, cbs), "aux=1");
	note("io_getevents", SC(io_getevents, ctx, 0, 1, &ev, &zero), "aux=1");
	note("io_cancel", SC(io_cancel, ctx, &cb, &ev), "%s", "");
	note("io_destroy", SC(io_destroy, ctx), "%s", "");
}

/* ---- fds that are not files ----------------------------------------------------------- */
static void fdnew_one(const char *name, long fd, const char *fields)
{
	note(name, fd, "%s", fields);
	if (fd >= 0)
		note("close", SC(close, fd), "fd=%ld", fd);
}

static void fdnew(void)
{
	sigset_t mask;
	int sv[2], p[2];
	long fd;

	sigemptyset(&mask);
	fd = SC(pipe, p);
	note("pipe", fd, "fd=%d\tfd2=%d", p[0], p[1]);
	note("close", SC(close, p[0]), "fd=%d", p[0]);
	note("close", SC(close, p[1]), "fd=%d", p[1]);
	fd = SC(socketpair, AF_UNIX, SOCK_STREAM, 0, sv);
	note("socketpair", fd, "fd=%d\tfd2=%d\taux=%d", sv[0], sv[1], AF_UNIX);
	note("close", SC(close, sv[0]), "fd=%d", sv[0]);
	note("close", SC(close, sv[1]), "fd=%d", sv[1]);
	fd = SC(socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	note("socket", fd, "aux=%d\tflags=%#x", AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC);
	note("accept4", SC(accept4, fd, NULL, NULL, SOCK_NONBLOCK), "fd=%ld\tflags=%#x", fd,
	     SOCK_NONBLOCK);
	note("accept", SC(accept, fd, NULL, NULL), "fd=%ld", fd);
	note("close", SC(close, fd), "fd=%ld", fd);
	fdnew_one("eventfd2", SC(eventfd2, 0, EFD_CLOEXEC), "aux=0");
	fdnew_one("memfd_create", SC(memfd_create, "iomix-memfd", 0), "path=iomix-memfd\tflags=0");
	fdnew_one("epoll_create1", SC(epoll_create1, 0), "flags=0");
	fdnew_one("timerfd_create", SC(timerfd_create, CLOCK_MONOTONIC, 0), "aux=1\tflags=0");
	fdnew_one("signalfd4", SC(signalfd4, -1, &mask, 8, 0), "fd=-1\tflags=0");
	fd = SC(inotify_init1, 0);
	note("inotify_init1", fd, "flags=0");
	note("inotify_add_watch", SC(inotify_add_watch, fd, ".", IN_CREATE), "fd=%ld\tpath=.\taux=%#x",
	     fd, IN_CREATE);
	note("close", SC(close, fd), "fd=%ld", fd);
}

/* ---- long paths: kept whole below PATH_MAX, cut and flagged beyond ------------------- */
static void long_paths(void)
{
	static char path[6000];
	size_t len = 0;
	long fd;

	for (int level = 0; level < 14; level++) {
		if (len)
			path[len++] = '/';
		memset(path + len, 'a' + level, 249);
		len += 249;
		path[len] = '\0';
		note("mkdir", SC(mkdir, path, 0755), "path=%s\taux=0755", path);
	}
	strcpy(path + len, "/f");
	fd = SC(openat, AT_FDCWD, path, O_CREAT | O_WRONLY, 0600);
	note("openat", fd, "fd=%d\tpath=%s\tflags=%#x", AT_FDCWD, path, O_CREAT | O_WRONLY);
	note("close", SC(close, fd), "fd=%ld", fd);
	memset(path, 'z', 5000);
	path[5000] = '\0';
	/* ENAMETOOLONG; the record keeps the first 4096 bytes, flagged truncated */
	note("openat", SC(openat, AT_FDCWD, path, O_RDONLY), "fd=%d\tpath=%.4096s\tsf=1", AT_FDCWD,
	     path);
}

/* ---- threads ---------------------------------------------------------------------------- */
static void *thread_main(void *arg)
{
	long id = (long)arg;
	char name[32], buf[512];
	long fd, r;

	snprintf(name, sizeof(name), "iomix-t%ld", id);
	prctl(PR_SET_NAME, name); /* a comm change: a lifecycle record, not a traced syscall */
	snprintf(name, sizeof(name), "t%ld.dat", id);
	fd = SC(openat, AT_FDCWD, name, O_CREAT | O_RDWR, 0600);
	note("openat", fd, "fd=%d\tpath=%s\tflags=%#x", AT_FDCWD, name, O_CREAT | O_RDWR);
	memset(buf, 'a' + (int)id, sizeof(buf));
	for (int i = 0; i < 50; i++) {
		r = SC(pwrite64, fd, buf, sizeof(buf), i * 512L);
		note("pwrite64", r, "fd=%ld\tbytes=%ld\taux=%d", fd, B(r), i * 512);
		r = SC(pread64, fd, buf, sizeof(buf), i * 512L);
		note("pread64", r, "fd=%ld\tbytes=%ld\taux=%d", fd, B(r), i * 512);
	}
	note("close", SC(close, fd), "fd=%ld", fd);
	return NULL;
}

static void threads(void)
{
	pthread_t t[3];

	for (long i = 0; i < 3; i++)
		if (pthread_create(&t[i], NULL, thread_main, (void *)i))
			die("pthread_create");
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
}

/* ---- a forked child, a chroot in another, an exec ---------------------------------------- */
static void write_file(const char *name, const char *text)
{
	long fd = SC(openat, AT_FDCWD, name, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	long r;

	note("openat", fd, "fd=%d\tpath=%s\tflags=%#x", AT_FDCWD, name,
	     O_CREAT | O_WRONLY | O_TRUNC);
	r = SC(write, fd, text, strlen(text));
	note("write", r, "fd=%ld\tbytes=%ld", fd, B(r));
	note("close", SC(close, fd), "fd=%ld", fd);
}

static void child_io(void)
{
	write_file("child.txt", "from the child\n");
	note("chroot", SC(chroot, "."), "path=.");
	note("stat", SC(stat, "/a.txt", &(struct stat){ 0 }), "path=/a.txt");
}

static void run_child(void (*body)(void))
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		manifest_len = 0; /* the parent's lines are the parent's to write */
		body();
		manifest_flush();
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		die("child");
}

static void run_exec(const char *self)
{
	int status;
	pid_t pid;

	manifest_flush(); /* nothing buffered may be written twice by the child */
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execl(self, self, "--exec", manifest_path, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		die("exec child");
}

int main(int argc, char **argv)
{
	char self[PATH_MAX];

	if (argc == 3 && strcmp(argv[1], "--exec") == 0) {
		manifest_open(argv[2]);
		write_file("exec.txt", "exec'd\n");
		manifest_flush();
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: iomix DIR MANIFEST | iomix --exec MANIFEST\n");
		return 2;
	}
	manifest_open(argv[2]);
	if (!realpath(argv[0], self)) /* before the chdir: argv[0] may be relative */
		die(argv[0]);
	note("chdir", SC(chdir, argv[1]), "path=%s", argv[1]);
	opens();
	handles();
	fd_calls();
	dirs();
	stats();
	meta();
	xattrs();
	names();
	fds();
	maps();
	transfers();
	async_io();
	fdnew();
	long_paths();
	threads();
	run_child(child_io);
	run_exec(self);
	manifest_flush();
	return 0;
}
