// SPDX-License-Identifier: GPL-2.0
/*
 * The engines' memory accesses, as a device makes them: a descriptor's
 * addresses are bus addresses of the channels' DMA device. Without an
 * IOMMU (dsaN alone, or an identity domain) they are physical addresses
 * (dma-direct). On a PCI device with a DMA domain (pci.c, behind VT-d)
 * they are IOVAs: each is translated through the domain's page table,
 * granule by granule, since contiguous IOVAs need not be contiguous
 * physically; an IOVA without a translation is a page fault, reported in
 * the completion record with the faulting address, as the hardware does
 * (DSA spec: status 0x03, or 0x04 when the WQ blocks on fault, bit 7 set
 * for a write; fault_addr).
 *
 * MEMMOVE is overlap-safe: when the destination starts inside the source,
 * in the device's address space, the copy runs backwards.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-direct.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/sched.h>

#include "dma.h"

/**
 * dsasim_page_fault - the completion status of a page fault
 * @c: channel (its WQ's block on fault decides, DSA spec 5.7)
 * @write: the faulting access was a write (DSA_COMP_STATUS_WRITE)
 */
u8 dsasim_page_fault(struct dsasim_chan *c, bool write)
{
	u8 status = c->block_on_fault ? DSASIM_COMP_PAGE_FAULT_IR : DSASIM_COMP_PAGE_FAULT_NOBOF;

	return write ? status | DSASIM_COMP_STATUS_WRITE : status;
}

static u8 dsasim_fault_at(struct dsasim_chan *c, u64 addr, bool write)
{
	atomic64_set(&c->sd->stats.fault_addr, addr);
	return dsasim_page_fault(c, write);
}

/* Is [addr, addr + len) memory the kernel maps directly? Else: the first page not. */
static bool dsasim_phys_ok(phys_addr_t addr, size_t len, phys_addr_t *bad)
{
	unsigned long pfn, last;

	if (!len)
		return true;
	last = PHYS_PFN(addr + len - 1);
	for (pfn = PHYS_PFN(addr); pfn <= last; pfn++) {
		if (!pfn_valid(pfn)) {
			*bad = max_t(phys_addr_t, PFN_PHYS(pfn), addr);
			return false;
		}
	}
	return true;
}

/* dma-direct: bus addresses are physical, copied through the direct map. */
static u8 dsasim_copy_direct(struct dsasim_chan *c, struct dsasim_desc *desc)
{
	struct device *dev = c->chan.device->dev;
	phys_addr_t src = dma_to_phys(dev, desc->src);
	phys_addr_t dst = dma_to_phys(dev, desc->dst);
	phys_addr_t bad;
	size_t off, n;

	if (!dsasim_phys_ok(src, desc->len, &bad))
		return dsasim_fault_at(c, desc->src + (bad - src), false);
	if (!dsasim_phys_ok(dst, desc->len, &bad))
		return dsasim_fault_at(c, desc->dst + (bad - dst), true);

	if (src < dst + desc->len && dst < src + desc->len) {
		memmove(phys_to_virt(dst), phys_to_virt(src), desc->len);
	} else {
		for (off = 0; off < desc->len; off += n) {
			n = min_t(size_t, desc->len - off, SZ_1M);
			memcpy(phys_to_virt(dst + off), phys_to_virt(src + off), n);
			cond_resched();
		}
	}
	return DSASIM_COMP_SUCCESS;
}

/* One IOVA through the domain: its physical address in RAM, or 0. */
static phys_addr_t dsasim_iova_phys(struct iommu_domain *dom, dma_addr_t iova)
{
	phys_addr_t phys = iommu_iova_to_phys(dom, iova);

	return phys && pfn_valid(PHYS_PFN(phys)) ? phys : 0;
}

/* Does every granule of [iova, iova + len) translate? Else: the first that does not. */
static bool dsasim_iova_ok(struct iommu_domain *dom, size_t granule, dma_addr_t iova,
			   size_t len, dma_addr_t *bad)
{
	dma_addr_t a = iova, end = iova + len;

	for (; a < end; a = ALIGN_DOWN(a, granule) + granule) {
		if (!dsasim_iova_phys(dom, a)) {
			*bad = a;
			return false;
		}
	}
	return true;
}

/*
 * Copy [off, off + n) of the descriptor, n within one granule of both
 * sides. Return: false if a translation went away meanwhile.
 */
static bool dsasim_copy_chunk(struct iommu_domain *dom, struct dsasim_desc *desc,
			      size_t off, size_t n)
{
	phys_addr_t s = dsasim_iova_phys(dom, desc->src + off);
	phys_addr_t d = dsasim_iova_phys(dom, desc->dst + off);

	if (!s || !d)
		return false;
	memmove(phys_to_virt(d), phys_to_virt(s), n);
	return true;
}

static size_t dsasim_to_granule_end(dma_addr_t a, size_t granule)
{
	return granule - (a & (granule - 1));
}

static size_t dsasim_from_granule_start(dma_addr_t a, size_t granule)
{
	return ((a - 1) & (granule - 1)) + 1;	/* bytes in a's granule before a */
}

/* Through the IOMMU: translate first (a fault copies nothing), then copy. */
static u8 dsasim_copy_iommu(struct dsasim_chan *c, struct dsasim_desc *desc,
			    struct iommu_domain *dom)
{
	struct dsasim_stats *st = &c->sd->stats;
	size_t granule = dom->pgsize_bitmap ? 1UL << __ffs(dom->pgsize_bitmap) : PAGE_SIZE;
	size_t len = desc->len, off, n, at = 0, since = 0;
	dma_addr_t bad;
	bool write;

	if (!dsasim_iova_ok(dom, granule, desc->src, len, &bad))
		write = false;
	else if (!dsasim_iova_ok(dom, granule, desc->dst, len, &bad))
		write = true;
	else
		goto copy;
	atomic64_inc(&st->iommu_faults);
	return dsasim_fault_at(c, bad, write);

copy:
	if (desc->dst > desc->src && desc->dst < desc->src + len) {
		/* the destination starts inside the source: backwards */
		for (off = len; off; off -= n, since += n) {
			n = min3(off, dsasim_from_granule_start(desc->src + off, granule),
				 dsasim_from_granule_start(desc->dst + off, granule));
			at = off - n;
			if (!dsasim_copy_chunk(dom, desc, at, n))
				goto gone;
			if (since >= SZ_1M) {
				cond_resched();
				since = 0;
			}
		}
	} else {
		for (off = 0; off < len; off += n, since += n) {
			n = min3(len - off, dsasim_to_granule_end(desc->src + off, granule),
				 dsasim_to_granule_end(desc->dst + off, granule));
			at = off;
			if (!dsasim_copy_chunk(dom, desc, at, n))
				goto gone;
			if (since >= SZ_1M) {
				cond_resched();
				since = 0;
			}
		}
	}
	atomic64_inc(&st->iommu_translated);
	return DSASIM_COMP_SUCCESS;

gone:
	/* unmapped under the running descriptor: a fault part way through */
	atomic64_inc(&st->iommu_faults);
	return dsasim_fault_at(c, desc->dst + at, true);
}

/**
 * dsasim_copy - DSA's MEMMOVE, as the device reaches memory
 * @c: channel
 * @desc: the descriptor
 *
 * Return: the completion status; the bytes copied are counted on success.
 */
u8 dsasim_copy(struct dsasim_chan *c, struct dsasim_desc *desc)
{
	struct dsasim_device *sd = c->sd;
	struct iommu_domain *dom = NULL;
	u8 status;

	/* the PCI driver is bound while sd->pdev is set (pci.c) */
	if (sd->pdev)
		dom = iommu_get_domain_for_dev(sd->dma_dev);
	if (dom && dom->type != IOMMU_DOMAIN_IDENTITY)
		status = dsasim_copy_iommu(c, desc, dom);
	else
		status = dsasim_copy_direct(c, desc);
	if (status == DSASIM_COMP_SUCCESS)
		atomic64_add(desc->len, &sd->stats.bytes);
	return status;
}
