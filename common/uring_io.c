/*
 * io_uring on the raw system calls.  See uring_io.h.  The memory ordering
 * follows the kernel's io_uring.h comments: the kernel reads our SQ tail
 * and CQ head with acquire semantics, so we publish them with release
 * stores, and we read its SQ head and CQ tail with acquire loads.
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "uring_io.h"

#ifndef IORING_SETUP_SINGLE_ISSUER
#define IORING_SETUP_SINGLE_ISSUER	(1U << 12)
#endif
#ifndef IORING_SETUP_DEFER_TASKRUN
#define IORING_SETUP_DEFER_TASKRUN	(1U << 13)
#endif

static int	uring_setup(unsigned int, struct io_uring_params *);

/*
 * Newest flags first: one issuer and completions run only when we enter
 * (no task-work interrupts in the middle of a batch); older kernels
 * refuse them with EINVAL and get a plain ring.  Every ring starts
 * disabled (5.10) so that uring_restrict() can limit it before its first
 * use: the ring's operations bypass the process's seccomp filter.
 */
static int
uring_setup(unsigned int entries, struct io_uring_params *p)
{
	static const unsigned int	flags[] = {
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
		    IORING_SETUP_R_DISABLED,
		IORING_SETUP_R_DISABLED
	};
	size_t				i;
	long				fd = -1;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		memset(p, 0, sizeof(*p));
		p->flags = flags[i];
		fd = syscall(__NR_io_uring_setup, entries, p);
		if (fd >= 0 || errno != EINVAL)
			break;
	}
	return (int)fd;
}

int
uring_init(struct uring *u, unsigned int entries)
{
	struct io_uring_params	 p;
	size_t			 sq_len, cq_len;
	unsigned int		*array, i;
	uint8_t			*ring;
	void			*m;
	int			 saved;

	memset(u, 0, sizeof(*u));
	u->fd = -1;
	if ((u->fd = uring_setup(entries, &p)) == -1)
		return -1;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
		/* Kernels before 5.4: not worth a second code path. */
		errno = ENOSYS;
		goto fail;
	}
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	u->ring_len = sq_len > cq_len ? sq_len : cq_len;
	m = mmap(NULL, u->ring_len, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_SQ_RING);
	if (m == MAP_FAILED)
		goto fail;
	u->ring = m;
	u->sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
	m = mmap(NULL, u->sqes_len, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_SQES);
	if (m == MAP_FAILED)
		goto fail;
	u->sqes = m;
	ring = u->ring;
	u->sq_entries = p.sq_entries;
	u->sq_mask = *(unsigned int *)(void *)(ring + p.sq_off.ring_mask);
	u->cq_mask = *(unsigned int *)(void *)(ring + p.cq_off.ring_mask);
	u->sq_head = (unsigned int *)(void *)(ring + p.sq_off.head);
	u->sq_tail = (unsigned int *)(void *)(ring + p.sq_off.tail);
	u->cq_head = (unsigned int *)(void *)(ring + p.cq_off.head);
	u->cq_tail = (unsigned int *)(void *)(ring + p.cq_off.tail);
	u->cqes = (struct io_uring_cqe *)(void *)(ring + p.cq_off.cqes);
	/* SQ slot i always names SQE i: we fill SQEs in ring order. */
	array = (unsigned int *)(void *)(ring + p.sq_off.array);
	for (i = 0; i < p.sq_entries; i++)
		array[i] = i;
	u->sq_local = *u->sq_tail;
	return 0;
fail:
	saved = errno;
	uring_free(u);
	errno = saved;
	return -1;
}

void
uring_free(struct uring *u)
{
	if (u->sqes != NULL)
		munmap(u->sqes, u->sqes_len);
	if (u->ring != NULL)
		munmap(u->ring, u->ring_len);
	if (u->fd != -1)
		close(u->fd);
	memset(u, 0, sizeof(*u));
	u->fd = -1;
}

int
uring_register_fd(struct uring *u, int fd)
{
	int32_t	files[1] = { fd };

	return syscall(__NR_io_uring_register, u->fd, IORING_REGISTER_FILES,
	    files, 1) == -1 ? -1 : 0;
}

int
uring_restrict(struct uring *u)
{
	static const uint8_t		ops[] = { IORING_OP_READ,
	    IORING_OP_WRITE, IORING_OP_SENDMSG };
	struct io_uring_restriction	res[sizeof(ops) + 1];
	size_t				i;

	memset(res, 0, sizeof(res));
	for (i = 0; i < sizeof(ops); i++) {
		res[i].opcode = IORING_RESTRICTION_SQE_OP;
		res[i].sqe_op = ops[i];
	}
	res[i].opcode = IORING_RESTRICTION_SQE_FLAGS_ALLOWED;
	res[i].sqe_flags = IOSQE_FIXED_FILE;
	if (syscall(__NR_io_uring_register, u->fd,
	    IORING_REGISTER_RESTRICTIONS, res, sizeof(res) / sizeof(res[0]))
	    == -1 || syscall(__NR_io_uring_register, u->fd,
	    IORING_REGISTER_ENABLE_RINGS, NULL, 0) == -1)
		return -1;
	return 0;
}

int
uring_queue_rw(struct uring *u, uint8_t opcode, void *buf, unsigned int len,
    int rw_flags, uint64_t user_data)
{
	struct io_uring_sqe	*sqe;

	if (u->sq_local - __atomic_load_n(u->sq_head, __ATOMIC_ACQUIRE) >=
	    u->sq_entries)
		return -1;
	sqe = &u->sqes[u->sq_local & u->sq_mask];
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = opcode;
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->fd = 0;
	sqe->off = 0;
	sqe->addr = (uint64_t)(uintptr_t)buf;
	sqe->len = len;
	sqe->rw_flags = rw_flags;
	sqe->user_data = user_data;
	u->sq_local++;
	u->sq_queued++;
	return 0;
}

int
uring_queue_sendmsg(struct uring *u, int fd, const struct msghdr *msg,
    uint64_t user_data)
{
	struct io_uring_sqe	*sqe;

	if (u->sq_local - __atomic_load_n(u->sq_head, __ATOMIC_ACQUIRE) >=
	    u->sq_entries)
		return -1;
	sqe = &u->sqes[u->sq_local & u->sq_mask];
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_SENDMSG;
	sqe->fd = fd;
	sqe->addr = (uint64_t)(uintptr_t)msg;
	sqe->len = 1;
	sqe->msg_flags = MSG_DONTWAIT;
	sqe->user_data = user_data;
	u->sq_local++;
	u->sq_queued++;
	return 0;
}

static unsigned int
uring_cq_ready(const struct uring *u)
{
	return __atomic_load_n(u->cq_tail, __ATOMIC_ACQUIRE) - *u->cq_head;
}

int
uring_submit_wait(struct uring *u, unsigned int wait_nr)
{
	long	r;

	__atomic_store_n(u->sq_tail, u->sq_local, __ATOMIC_RELEASE);
	while (u->sq_queued > 0 || uring_cq_ready(u) < wait_nr) {
		r = syscall(__NR_io_uring_enter, u->fd, u->sq_queued, wait_nr,
		    wait_nr > 0 ? IORING_ENTER_GETEVENTS : 0, NULL, 0);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0 && u->sq_queued > 0) {
			/* Nothing taken and no error: do not spin. */
			errno = EAGAIN;
			return -1;
		}
		u->sq_queued -= (unsigned int)r;
	}
	return 0;
}

const struct io_uring_cqe *
uring_cqe_peek(const struct uring *u)
{
	unsigned int	head = *u->cq_head;

	if (head == __atomic_load_n(u->cq_tail, __ATOMIC_ACQUIRE))
		return NULL;
	return &u->cqes[head & u->cq_mask];
}

void
uring_cqe_seen(struct uring *u)
{
	__atomic_store_n(u->cq_head, *u->cq_head + 1, __ATOMIC_RELEASE);
}
