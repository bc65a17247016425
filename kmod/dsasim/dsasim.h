/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsasim: a simulated Intel DSA device behind the 6.12 idxd ABI.
 *
 * Objects mirror the idxd driver's: a device (dsaN) with groups, work queues
 * and engines as child devices on the "dsa" bus. Configuration lives in these
 * structs under the device's mutex; the data path (dma.c) never takes it.
 */
#ifndef DSASIM_H
#define DSASIM_H

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/dmaengine.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#define DSASIM_WQ_NAME_SIZE		1024
#define DSASIM_DRIVER_NAME_SIZE		128
#define DSASIM_MAX_PRIORITY		15
#define DSASIM_WQ_DEFAULT_QUEUE_DEPTH	16
#define DSASIM_WQ_DEFAULT_MAX_XFER	SZ_2M
#define DSASIM_WQ_DEFAULT_MAX_BATCH	32
#define DSASIM_ENQCMDS_RETRIES		32
#define DSASIM_ENQCMDS_MAX_RETRIES	64
#define DSASIM_OPCAP_BITS		256

/* Hardware command status codes (DSA spec; drivers/dma/idxd/registers.h) */
#define DSASIM_CMDSTS_ERR_WQ_SIZE_ERANGE	0x14
#define DSASIM_CMDSTS_ERR_GRP_CONFIG		0x15
#define DSASIM_CMDSTS_ERR_WQ_SIZE		0x22
#define DSASIM_CMDSTS_ERR_WQ_PRIOR		0x23

enum dsasim_dev_state {
	DSASIM_DEV_DISABLED,
	DSASIM_DEV_ENABLED,
	DSASIM_DEV_HALTED,	/* software error injected: see fault.c */
};

enum dsasim_wq_state {
	DSASIM_WQ_DISABLED,
	DSASIM_WQ_ENABLED,
};

enum dsasim_wq_type {
	DSASIM_WQT_NONE,
	DSASIM_WQT_KERNEL,
	DSASIM_WQT_USER,
};

/* wq->flags bits, as idxd's WQ_FLAG_* */
enum {
	DSASIM_WQ_DEDICATED,
	DSASIM_WQ_BLOCK_ON_FAULT,
	DSASIM_WQ_ATS_DISABLE,
	DSASIM_WQ_PRS_DISABLE,
};

struct dsasim_device;

struct dsasim_group {
	struct device dev;
	struct dsasim_device *sd;
	int id;
	int num_wqs;
	int num_engines;
	unsigned int rdbufs_reserved;
	unsigned int rdbufs_allowed;
	bool use_rdbuf_limit;
	int tc_a;
	int tc_b;
};

struct dsasim_engine {
	struct device dev;
	struct dsasim_device *sd;
	int id;
	struct dsasim_group *group;
};

struct dsasim_chan;

struct dsasim_wq {
	struct device dev;
	struct dsasim_device *sd;
	int id;

	/* Configuration, under sd->lock. */
	enum dsasim_wq_state state;
	enum dsasim_wq_type type;
	struct dsasim_group *group;
	unsigned int size;
	unsigned int priority;
	unsigned int threshold;
	unsigned long flags;
	u64 max_xfer_bytes;
	u32 max_batch_size;
	unsigned int enqcmds_retries;
	char name[DSASIM_WQ_NAME_SIZE + 1];
	char driver_name[DSASIM_DRIVER_NAME_SIZE + 1];
	DECLARE_BITMAP(opcap, DSASIM_OPCAP_BITS);

	/* Users: dmaengine channel holders or open char devices. */
	atomic_t clients;

	/* While bound to dmaengine. */
	struct dsasim_chan *chan;

	/* While bound to user. */
	struct dsasim_cdev *ucdev;
};

/* /dev/dsa/wqX.Y of a user WQ; lives until its last opener closes it */
struct dsasim_cdev {
	struct device dev;
	struct cdev cdev;
	struct dsasim_wq *wq;
	int minor;
	spinlock_t lock;
	bool live;	/* WQ still bound: opens count as clients */
};

/* Per-device counters (debugfs), updated from the data path. */
struct dsasim_stats {
	atomic64_t descs;
	atomic64_t completed;
	atomic64_t bytes;
	atomic64_t failed;
	atomic64_t stalled;
	atomic64_t alloc_failed;
	atomic64_t leaked;
	atomic64_t aborted;
	atomic64_t rejected;
	atomic64_t busy_ns;
	atomic64_t submit_failed;
	atomic64_t flushed;
	atomic64_t errors;	/* completed with a status other than success */
	atomic64_t last_status;	/* of the last such completion */
	atomic64_t iommu_translated;	/* descriptors whose IOVAs all translated */
	atomic64_t iommu_faults;	/* descriptors with an IOVA without translation */
	atomic64_t fault_addr;	/* the completion record's fault_addr, last fault */
	atomic64_t prep_seq;	/* prep calls, for alloc_fail_every */
	atomic64_t submit_seq;	/* submit calls, for submit_fail_every */
};

/*
 * Per-device fault injection (debugfs dsaN/fault/, netdevsim style), in
 * addition to the module-wide parameters of the same names.
 */
struct dsasim_faults {
	u32 fail_every;
	u32 fail_status;	/* 0: page fault, by the WQ's block_on_fault */
	u32 stall_every;
	u32 alloc_fail_every;
	u32 submit_fail_every;	/* ENQCMDS rejection: submit fails */
};

struct dsasim_dma;
struct dsasim_sched;

struct pci_dev;

struct dsasim_device {
	struct device dev;
	int id;
	/*
	 * The PCI device it sits on (pci.c), or NULL: then dev is its own DMA
	 * device (dma-direct). dma_dev is what dmaengine clients map for.
	 */
	struct pci_dev *pdev;
	struct device *dma_dev;
	struct mutex lock;	/* configuration and state */

	enum dsasim_dev_state state;
	u32 cmd_status;
	bool configurable;
	bool user_pasid;
	u32 version;
	int max_groups;
	int max_engines;
	int max_wqs;
	unsigned int max_wq_size;
	u32 max_batch_size;
	u64 max_xfer_bytes;
	unsigned int max_rdbufs;
	unsigned int nr_rdbufs;	/* not reserved by any group */
	unsigned int rdbuf_limit;
	u64 gen_cap;
	DECLARE_BITMAP(opcap, DSASIM_OPCAP_BITS);

	struct dsasim_group **groups;
	struct dsasim_engine **engines;
	struct dsasim_wq **wqs;

	struct dsasim_dma *dma;	/* while enabled */
	struct dsasim_sched **scheds;	/* per group, while enabled */
	struct workqueue_struct *engine_wq;	/* while enabled */
	struct dsasim_stats stats;
	struct dsasim_faults faults;
	struct dentry *debugfs;
};

/* One dmaengine device per enabled dsaN, as idxd registers; freed on release. */
struct dsasim_dma {
	struct dma_device dma;
	struct dsasim_device *sd;
};

/* main.c: device parameters (load time) */
extern unsigned int dsasim_max_groups;
extern unsigned int dsasim_max_engines;
extern unsigned int dsasim_max_wqs;
extern unsigned int dsasim_max_wq_size;
extern unsigned int dsasim_max_batch;
extern unsigned long dsasim_max_xfer;
extern unsigned int dsasim_version;
extern unsigned int dsasim_max_rdbufs;
extern bool dsasim_configurable;
extern bool dsasim_pasid;
extern bool dsasim_tc_override;

/* main.c: module parameters read at run time by the data path */
extern unsigned int dsasim_setup_ns;
extern unsigned int dsasim_bw_mbps;
extern unsigned int dsasim_fail_every;
extern unsigned int dsasim_stall_every;
extern unsigned int dsasim_alloc_fail_every;

/* bus.c */
extern const struct bus_type dsasim_bus;
extern const struct device_type dsasim_dev_type;
extern const struct device_type dsasim_wq_type;
extern const struct device_type dsasim_group_type;
extern const struct device_type dsasim_engine_type;
extern const struct device_type dsasim_cdev_type;
int dsasim_drivers_register(void);
void dsasim_drivers_unregister(void);

/* main.c: the devices, under dsasim_devices_lock */
extern struct mutex dsasim_devices_lock;
void dsasim_devices_fill(void);
void dsasim_devices_drop(struct pci_dev *pdev);

/* pci.c: QEMU's "edu" PCI devices, for dsaN to sit on (behind an IOMMU) */
int dsasim_pci_init(void);
void dsasim_pci_exit(void);
struct pci_dev *dsasim_pci_claim(void);
void dsasim_pci_unclaim(struct pci_dev *pdev);

/* device.c */
extern const struct attribute_group *dsasim_dev_groups[];
struct dsasim_device *dsasim_device_create(int id, struct pci_dev *pdev);
void dsasim_device_destroy(struct dsasim_device *sd);
int dsasim_device_config(struct dsasim_device *sd);
int dsasim_device_enable(struct dsasim_device *sd);
void dsasim_device_disable(struct dsasim_device *sd);
unsigned int dsasim_total_wq_size(struct dsasim_device *sd);

/* group.c, engine.c, wq.c */
extern const struct attribute_group *dsasim_group_groups[];
extern const struct attribute_group *dsasim_engine_groups[];
extern const struct attribute_group *dsasim_wq_groups[];
void dsasim_group_reset(struct dsasim_group *group);
void dsasim_wq_reset_config(struct dsasim_wq *wq);
int dsasim_wq_enable(struct dsasim_wq *wq);
void dsasim_wq_disable(struct dsasim_wq *wq);

/* dma.c */
int dsasim_dma_register(struct dsasim_device *sd);
void dsasim_dma_unregister(struct dsasim_device *sd);
int dsasim_dma_init(void);
void dsasim_dma_exit(void);
int dsasim_chan_create(struct dsasim_wq *wq);
void dsasim_chan_destroy(struct dsasim_wq *wq);

/* cdev.c */
int dsasim_cdev_init(void);
void dsasim_cdev_exit(void);
unsigned int dsasim_cdev_major(void);
int dsasim_cdev_add(struct dsasim_wq *wq);
void dsasim_cdev_del(struct dsasim_wq *wq);

/* debugfs.c */
void dsasim_debugfs_init(void);
void dsasim_debugfs_exit(void);
void dsasim_debugfs_add(struct dsasim_device *sd);

/* fault.c */
void dsasim_fault_debugfs_add(struct dsasim_device *sd);
void dsasim_device_halt(struct dsasim_device *sd);

static inline struct dsasim_device *to_dsasim_device(struct device *dev)
{
	return container_of(dev, struct dsasim_device, dev);
}

static inline struct dsasim_wq *to_dsasim_wq(struct device *dev)
{
	return container_of(dev, struct dsasim_wq, dev);
}

static inline struct dsasim_group *to_dsasim_group(struct device *dev)
{
	return container_of(dev, struct dsasim_group, dev);
}

static inline struct dsasim_engine *to_dsasim_engine(struct device *dev)
{
	return container_of(dev, struct dsasim_engine, dev);
}

static inline bool dsasim_wq_dedicated(struct dsasim_wq *wq)
{
	return test_bit(DSASIM_WQ_DEDICATED, &wq->flags);
}

/*
 * Shared WQs need PASID. dsasim models a host with user SVA (pasid_enabled)
 * but no kernel system PASID, so shared WQs work only for type user.
 */
static inline bool dsasim_wq_shared_supported(struct dsasim_wq *wq)
{
	return wq->type == DSASIM_WQT_USER && wq->sd->user_pasid;
}

#endif /* DSASIM_H */
