/* SPDX-License-Identifier: GPL-2.0 */
/* The dsa backend's two halves: channels (dsa_chan.c) and runs (copy_dsa.c). */
#ifndef DSAMIG_DSA_H
#define DSAMIG_DSA_H

#include <linux/dmaengine.h>

#define DSAMIG_MAX_CHANS	64

unsigned int dsamig_dsa_pick(struct dma_chan **use, unsigned int *max_xfer);
void dsamig_dsa_unpick(void);
bool dsamig_dsa_terminate(struct dma_chan **use, unsigned int nr_use);
void dsamig_dsa_drop(struct dma_chan **use, unsigned int nr_use, const char *why);
/* The channel device @chan_dev was removed and its WQ has since stopped. */
void dsamig_dsa_channel_gone(struct device *chan_dev);

#endif /* DSAMIG_DSA_H */
