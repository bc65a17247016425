/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsasim's data path, shared by dma.c (the dmaengine ops, after idxd's
 * dma.c and submit.c), sched.c (the engines of a group, shared by its WQs)
 * and irq.c (each WQ's completion thread, after idxd's irq.c).
 */
#ifndef DSASIM_DMA_H
#define DSASIM_DMA_H

#include <linux/dmaengine.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "dsasim.h"

/* Completion record status codes (include/uapi/linux/idxd.h) */
#define DSASIM_COMP_NONE		0x00
#define DSASIM_COMP_SUCCESS		0x01
#define DSASIM_COMP_PAGE_FAULT_NOBOF	0x03
#define DSASIM_COMP_PAGE_FAULT_IR	0x04
#define DSASIM_COMP_INVALID_FLAGS	0x11
#define DSASIM_COMP_XFER_ERANGE		0x13
#define DSASIM_COMP_DESC_ABORT		0xff	/* idxd's IDXD_COMP_DESC_ABORT */
#define DSASIM_COMP_STATUS_WRITE	0x80	/* page fault on a write (DSA_COMP_STATUS_WRITE) */

/*
 * What idxd leaves in dmaengine_result.residue: nothing (an uninitialised
 * stack variable in idxd_dma_complete_txd()). dsasim writes this instead so
 * that a client reading it is caught.
 */
#define DSASIM_RESIDUE_POISON		0xdeadbeefU

enum dsasim_fault {
	DSASIM_FAULT_NONE,
	DSASIM_FAULT_FAIL,
	DSASIM_FAULT_STALL,
};

struct dsasim_desc {
	struct dma_async_tx_descriptor txd;
	struct list_head node;
	dma_addr_t src;
	dma_addr_t dst;
	size_t len;
	bool noop;
	enum dsasim_fault fault;
	u8 status;			/* the completion record's status */
};

struct dsasim_engine_work;

/* The engines of one group, shared by the WQs (channels) of that group. */
struct dsasim_sched {
	struct dsasim_device *sd;
	spinlock_t lock;		/* chans, every chan's pending list, inflight */
	struct list_head chans;		/* bound channels of the group */
	unsigned int nr_engines;
	struct dsasim_engine_work *engines;	/* one work item per engine */
};

struct dsasim_chan {
	struct dma_chan chan;
	struct dsasim_device *sd;
	struct dsasim_wq *wq;
	struct dsasim_sched *sched;
	struct list_head sched_link;	/* in sched->chans */
	int wq_id;
	unsigned int priority;
	bool block_on_fault;
	u64 max_xfer_bytes;		/* the WQ's: checked by the "hardware" */

	/* under sched->lock */
	struct list_head pending;	/* submitted, not yet on an engine */
	unsigned int inflight;		/* on an engine now */

	spinlock_t lock;		/* everything below */
	bool live;			/* idxd's wq_active: submits accepted */
	bool dead;			/* being freed: sleeping preps leave */
	unsigned int sleepers;		/* preps waiting for a descriptor */
	unsigned int nr_descs;
	struct dsasim_desc *descs;
	struct list_head free;
	struct list_head done;		/* completed, for the irq thread */
	struct list_head stuck;		/* stalled or hung: never complete */
	struct list_head lost;		/* no DMA_PREP_INTERRUPT: never retired */
	wait_queue_head_t free_wait;
	wait_queue_head_t drain_wait;

	struct task_struct *irq_thread;
	wait_queue_head_t irq_wait;
};

static inline struct dsasim_chan *to_dsasim_chan(struct dma_chan *chan)
{
	return container_of(chan, struct dsasim_chan, chan);
}

static inline struct dsasim_desc *to_dsasim_desc(struct dma_async_tx_descriptor *txd)
{
	return container_of(txd, struct dsasim_desc, txd);
}

/* dma.c */
void dsasim_desc_free(struct dsasim_chan *c, struct dsasim_desc *desc);

/* copy.c */
u8 dsasim_page_fault(struct dsasim_chan *c, bool write);
u8 dsasim_copy(struct dsasim_chan *c, struct dsasim_desc *desc);

/* irq.c */
enum dsasim_complete_type {
	DSASIM_COMPLETE_NORMAL,
	DSASIM_COMPLETE_ABORT,
};
void dsasim_complete_txd(struct dsasim_chan *c, struct dsasim_desc *desc,
			 enum dsasim_complete_type type, bool free_desc);
int dsasim_irq_start(struct dsasim_chan *c);
void dsasim_irq_stop(struct dsasim_chan *c);
unsigned int dsasim_flush_descs(struct dsasim_chan *c, bool disabling);

/* sched.c */
int dsasim_sched_init(struct dsasim_device *sd);
void dsasim_sched_exit(struct dsasim_device *sd);
void dsasim_sched_attach(struct dsasim_chan *c);
void dsasim_sched_detach(struct dsasim_chan *c);
void dsasim_sched_queue(struct dsasim_chan *c, struct dsasim_desc *desc);
void dsasim_sched_drain(struct dsasim_chan *c);
void dsasim_sched_kick(struct dsasim_device *sd);

#endif /* DSASIM_DMA_H */
