/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * dsasim: names shared by the simulated DSA device (kmod/dsasim) and the
 * programs that drive or observe it. One source of truth: the module creates
 * exactly these files, tools and tests read exactly these.
 */
#ifndef DSASIM_NAMES_H
#define DSASIM_NAMES_H

/* debugfs: /sys/kernel/debug/<DSASIM_DEBUGFS_DIR>/dsaN/<counter> */
#define DSASIM_DEBUGFS_DIR		"dsasim"

/* Per-device counters, one debugfs file each (decimal, newline). */
#define DSASIM_STAT_DESCS		"descriptors"	/* submitted descriptors */
#define DSASIM_STAT_COMPLETED		"completed"	/* retired with a result */
#define DSASIM_STAT_BYTES		"bytes"		/* bytes really copied */
#define DSASIM_STAT_FAILED		"injected_failures"
#define DSASIM_STAT_STALLED		"injected_stalls"
#define DSASIM_STAT_ALLOC_FAILED	"injected_alloc_failures"
#define DSASIM_STAT_LEAKED		"leaked"	/* no DMA_PREP_INTERRUPT */
#define DSASIM_STAT_ABORTED		"aborted"	/* completed as aborted: rejected submit, flush */
#define DSASIM_STAT_REJECTED		"rejected"	/* prep refused: size, state */
#define DSASIM_STAT_BUSY_NS		"busy_ns"	/* modelled engine time */
#define DSASIM_STAT_SUBMIT_FAILED	"injected_submit_failures"
#define DSASIM_STAT_FLUSHED		"flushed"	/* dropped by WQ disable, no callback */
#define DSASIM_STAT_ERRORS		"errors"	/* completed with an error status */
#define DSASIM_STAT_LAST_STATUS		"last_status"	/* DSA status of the last error */
#define DSASIM_STAT_IOMMU_TRANSLATED	"iommu_translated"	/* descriptors whose IOVAs all translated */
#define DSASIM_STAT_IOMMU_FAULTS	"iommu_faults"	/* descriptors with an IOVA without translation */

/* Per-device facts (debugfs, one line each) */
#define DSASIM_FAULT_ADDR		"fault_addr"	/* hex: faulting address of the last page fault */
#define DSASIM_DMA_DEVICE		"dma_device"	/* the channels' DMA device: a PCI device or dsaN */
#define DSASIM_IOMMU_GROUP		"iommu_group"	/* its IOMMU group number, -1 without one */
#define DSASIM_IOMMU_DOMAIN		"iommu_domain"	/* its domain type: none, identity, DMA, DMA-FQ, ... */

/* Per-device fault knobs: /sys/kernel/debug/dsasim/dsaN/<DSASIM_FAULT_DIR>/ */
#define DSASIM_FAULT_DIR		"fault"

#endif /* DSASIM_NAMES_H */
