// SPDX-License-Identifier: GPL-2.0-only
#include "recorder/child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * In the child: everything before the poll happens before the recorder adds it to its
 * filter (it waits for the ready byte); the poll is not a recorded syscall.
 */
static void child_main(int go_rd, int ready_wr, char *const argv[], bool stdout_to_err)
{
	struct pollfd p = { .fd = go_rd, .events = POLLIN };
	char one = 1;
	int err;

	/* an ignored signal stays ignored across exec: give the command the default */
	signal(SIGPIPE, SIG_DFL);
	if (stdout_to_err && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		_exit(127);
	if (write(ready_wr, &one, 1) != 1)
		_exit(127);
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	execvp(argv[0], argv);
	err = errno;
	if (write(ready_wr, &err, sizeof(err)) < 0)
		_exit(127);
	_exit(127);
}

static ssize_t read_full(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

int ior_child__start(struct ior_child *c, char *const argv[], bool stdout_to_err)
{
	int go[2], ready[2];
	char one;

	memset(c, 0, sizeof(*c));
	c->go_fd = c->ready_fd = -1;
	if (pipe2(go, O_CLOEXEC))
		return -errno;
	if (pipe2(ready, O_CLOEXEC)) {
		close(go[0]);
		close(go[1]);
		return -errno;
	}
	c->pid = fork();
	if (c->pid == 0)
		child_main(go[0], ready[1], argv, stdout_to_err);
	close(go[0]);
	close(ready[1]);
	c->go_fd = go[1];
	c->ready_fd = ready[0];
	if (c->pid < 0) {
		int err = -errno;

		close(c->go_fd);
		close(c->ready_fd);
		return err;
	}
	if (read_full(c->ready_fd, &one, 1) != 1) {
		ior_child__abort(c);
		return -ECHILD;
	}
	return 0;
}

int ior_child__release(struct ior_child *c)
{
	char one = 1;
	int err = 0;
	ssize_t n;

	if (write(c->go_fd, &one, 1) != 1)
		return -errno;
	close(c->go_fd);
	c->go_fd = -1;
	n = read_full(c->ready_fd, &err, sizeof(err));
	close(c->ready_fd);
	c->ready_fd = -1;
	if (n == (ssize_t)sizeof(err))
		return -(err ? err : ENOEXEC);
	return 0;
}

static int reap(struct ior_child *c, int flags)
{
	pid_t r;

	if (c->reaped)
		return 1;
	do
		r = waitpid(c->pid, &c->status, flags);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return 0;
	c->reaped = true;
	return 1;
}

int ior_child__poll(struct ior_child *c)
{
	return reap(c, WNOHANG);
}

int ior_child__wait(struct ior_child *c)
{
	int r = reap(c, 0);

	return r < 0 ? r : 0;
}

int ior_child__exit_code(const struct ior_child *c)
{
	if (WIFEXITED(c->status))
		return WEXITSTATUS(c->status);
	if (WIFSIGNALED(c->status))
		return 128 + WTERMSIG(c->status);
	return 1;
}

void ior_child__abort(struct ior_child *c)
{
	if (c->pid > 0 && !c->reaped) {
		kill(c->pid, SIGKILL);
		reap(c, 0);
	}
	if (c->go_fd >= 0)
		close(c->go_fd);
	if (c->ready_fd >= 0)
		close(c->ready_fd);
	c->go_fd = c->ready_fd = -1;
}
