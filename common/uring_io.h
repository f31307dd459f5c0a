/*
 * uring_io: the few io_uring calls that the batched TUN loop needs, on the
 * raw system calls (no liburing: nothing to link, the kernel ABI is
 * stable).  One ring, one issuer thread, one registered file.
 *
 * Why: on this kind of machine a read() or write() system call costs
 * several hundred ns before the TUN does any work, twice per relayed
 * packet.  A ring takes a whole batch of reads, or a batch of writes
 * plus the next batch of reads, in one io_uring_enter.
 *
 * Everything here can fail at run time (old kernel, seccomp, the
 * kernel.io_uring_disabled sysctl): callers keep a read/write fallback.
 */
#ifndef JF_URING_IO_H
#define JF_URING_IO_H

#include <stddef.h>
#include <stdint.h>

#include <linux/io_uring.h>

struct uring {
	int			 fd;
	unsigned int		 sq_entries;
	unsigned int		 sq_mask;
	unsigned int		 cq_mask;
	unsigned int		*sq_head;
	unsigned int		*sq_tail;
	unsigned int		*cq_head;
	unsigned int		*cq_tail;
	unsigned int		 sq_local;	/* our tail, not yet published */
	unsigned int		 sq_queued;	/* SQEs since the last enter */
	struct io_uring_sqe	*sqes;
	struct io_uring_cqe	*cqes;
	void			*ring;
	size_t			 ring_len;
	size_t			 sqes_len;
};

/* entries (a power of two) SQEs; -1 with errno when there is no ring. */
int	uring_init(struct uring *, unsigned int entries);
void	uring_free(struct uring *);
/* Register fd as fixed file 0 (saves a file lookup per operation). */
int	uring_register_fd(struct uring *, int fd);
/*
 * Allow the ring only READ, WRITE and SENDMSG, no SQE flag but
 * IOSQE_FIXED_FILE, and no further io_uring_register of any kind, then
 * enable it (rings start disabled).  Call once, after uring_register_fd:
 * a ring that can open files or sockets would undo the seccomp filter.
 */
int	uring_restrict(struct uring *);
/*
 * Queue a read or write (IORING_OP_READ/WRITE) on fixed file 0 at the
 * current file position.  rw_flags: e.g. RWF_NOWAIT.  -1 if the SQ is
 * full (the caller sizes the ring so that it never is).
 */
int	uring_queue_rw(struct uring *, uint8_t opcode, void *buf,
	    unsigned int len, int rw_flags, uint64_t user_data);
/*
 * Queue a sendmsg on fd (a plain, unregistered descriptor); msg and what
 * it points to must stay put until the completion.  -1 if the SQ is full.
 */
struct msghdr;
int	uring_queue_sendmsg(struct uring *, int fd, const struct msghdr *msg,
	    uint64_t user_data);
/*
 * Submit everything queued and wait until wait_nr completions are in the
 * CQ.  Returns 0, or -1 with errno (EINTR is retried).
 */
int	uring_submit_wait(struct uring *, unsigned int wait_nr);
/* The next completion, or NULL; uring_cqe_seen() releases it. */
const struct io_uring_cqe *uring_cqe_peek(const struct uring *);
void	uring_cqe_seen(struct uring *);

#endif /* JF_URING_IO_H */
