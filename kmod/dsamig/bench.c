// SPDX-License-Identifier: GPL-2.0
/*
 * The bench interface, /sys/kernel/debug/dsamig/bench: the copy path alone,
 * measured. A write(2) of one request line allocates folios on the nodes it
 * names, copies them with the module's own backends (the functions a run of
 * a migration calls, not a re-implementation), verifies every dst against
 * its src after each repeat, and keeps per repeat the times the run
 * reports; a read(2) returns them, one line per repeat. See README.md,
 * "Bench interface", for the request and the result format.
 *
 * A bench is not a migration: it neither counts in /sys/kernel/dsamig nor
 * emits dsamig_run or dsamig_fallback events (those come from run.c, which
 * the bench does not go through), except quarantined_pages, which counts
 * what the module holds whoever ran into it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "internal.h"

#define BENCH_MAX_PAGES		65536
#define BENCH_MAX_REPEATS	1000
#define BENCH_DEF_REPEATS	10
#define BENCH_MAX_REQUEST	256
/* The longest result line: 7 times and 5 other numbers, the longest names. */
#define BENCH_LINE_MAX		384

struct bench_req {
	int backend;
	unsigned int pages, order, repeats;
	unsigned int src_nid, dst_nid;
};

struct bench_rec {
	u64 total_ns, sg_ns, map_ns, submit_ns, wait_ns, unmap_ns, copy_ns;
	unsigned int segments, channels;
	bool fallback;
	int cause;		/* enum dsamig_cause, -1: none */
};

/* What one request works with, allocated for it. */
struct bench {
	struct bench_req req;
	unsigned int nr_folios;
	struct folio **src, **dst;
	bool *ok;
	struct scatterlist *sg_src, *sg_dst;
	struct dsamig_run run;
	u64 seed;
};

/* One bench at a time; also guards the last request's results. */
static DEFINE_MUTEX(bench_lock);
static struct bench_req last_req;
static unsigned int last_folios;
static struct bench_rec *recs;
static unsigned int nr_recs;
static u64 bench_gen;
static struct dentry *bench_dir;

#define BENCH_CAUSE_NAME(e, s) s,
static const char * const cause_names[] = { DSAMIG_CAUSES(BENCH_CAUSE_NAME) };

static int parse_backend(const char *val)
{
	int b = match_string(dsamig_backend_names, DSAMIG_NR_BACKENDS, val);

	return b == DSAMIG_BACKEND_OFF ? -EINVAL : b;
}

/* One line of key=value words, any order; every value checked. */
static int bench_parse(char *buf, struct bench_req *req)
{
	char *word, *val;
	unsigned int v;

	*req = (struct bench_req){ .backend = -1, .repeats = BENCH_DEF_REPEATS };
	while ((word = strsep(&buf, " \t\n"))) {
		if (!*word)
			continue;
		val = strchr(word, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (!strcmp(word, "backend")) {
			req->backend = parse_backend(val);
			if (req->backend < 0)
				return -EINVAL;
			continue;
		}
		if (kstrtouint(val, 10, &v))
			return -EINVAL;
		if (!strcmp(word, "pages"))
			req->pages = v;
		else if (!strcmp(word, "order"))
			req->order = v;
		else if (!strcmp(word, "src"))
			req->src_nid = v;
		else if (!strcmp(word, "dst"))
			req->dst_nid = v;
		else if (!strcmp(word, "repeats"))
			req->repeats = v;
		else
			return -EINVAL;
	}
	if (req->backend < 0 || (req->order != 0 && req->order != 9))
		return -EINVAL;
	if (!req->pages || req->pages > BENCH_MAX_PAGES ||
	    (req->pages & ((1U << req->order) - 1)))
		return -EINVAL;
	if (!req->repeats || req->repeats > BENCH_MAX_REPEATS)
		return -EINVAL;
	if (req->src_nid >= nr_node_ids || req->dst_nid >= nr_node_ids)
		return -EINVAL;
	return 0;
}

static void put_folios(struct folio **f, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (f[i])
			folio_put(f[i]);
}

/*
 * @n folios of @order on node @nid, nowhere else. They are held only for
 * one write(2), as a short-term pin holds pages, so they may come from
 * ZONE_MOVABLE like a migration's own targets (a CXL or hot-added node may
 * have no other memory). No OOM kill, no retrying: a node without the
 * memory gives -ENOMEM.
 */
static int alloc_folios(struct folio **f, unsigned int n, unsigned int order, int nid)
{
	gfp_t gfp = GFP_HIGHUSER_MOVABLE | __GFP_THISNODE | __GFP_NORETRY | __GFP_NOWARN;
	unsigned int i;

	if (!node_state(nid, N_MEMORY))
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		f[i] = __folio_alloc_node(gfp, order, nid);
		if (!f[i])
			return -ENOMEM;
		if (signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/* Word w of page p of a repeat: differs from every other repeat's. */
static inline u64 pattern(u64 seed, unsigned long p, unsigned int w)
{
	return seed ^ ((u64)p << 32 | w);
}

static void fill_sources(struct bench *b)
{
	unsigned int i, k, w, nr = 1U << b->req.order;
	unsigned long p = 0;

	for (i = 0; i < b->nr_folios; i++) {
		for (k = 0; k < nr; k++, p++) {
			u64 *v = kmap_local_page(folio_page(b->src[i], k));

			for (w = 0; w < PAGE_SIZE / sizeof(u64); w++)
				v[w] = pattern(b->seed, p, w);
			kunmap_local(v);
		}
		cond_resched();
	}
}

static bool verify(struct bench *b)
{
	unsigned int i, k, nr = 1U << b->req.order;
	bool same = true;

	for (i = 0; i < b->nr_folios && same; i++) {
		for (k = 0; k < nr && same; k++) {
			void *s = kmap_local_page(folio_page(b->src[i], k));
			void *d = kmap_local_page(folio_page(b->dst[i], k));

			same = !memcmp(s, d, PAGE_SIZE);
			kunmap_local(d);
			kunmap_local(s);
		}
		cond_resched();
	}
	if (!same)
		pr_warn("bench: %s left folio %u of %u different from its source\n",
			dsamig_backend_names[b->req.backend], i - 1, b->nr_folios);
	return same;
}

static int call_backend(struct dsamig_run *run)
{
	switch (run->backend) {
	case DSAMIG_BACKEND_DSA:
		return dsamig_dsa_copy_run(run);
	case DSAMIG_BACKEND_MT:
		return dsamig_mt_copy_run(run);
	default:
		return dsamig_cpu_copy_run(run);
	}
}

/*
 * The run's pairs the engine did not copy, by the CPU, as the kernel's copy
 * points would after a fallback. Only after a run that is over: nothing
 * DMA may still write (a quarantined run never gets here).
 */
static int copy_rest(struct dsamig_run *run)
{
	unsigned int i;

	for (i = 0; i < run->nr_folios; i++)
		if (!run->ok[i] && dsamig_cpu_copy_folio(run->dst[i], run->src[i]))
			return -EIO;
	return 0;
}

/*
 * One repeat: the batch in runs of at most DSAMIG_MAX_RUN folios, as
 * migrate_pages() hands them over; a dsa run whose tables hold fewer folios
 * copies those, the next run starts after them.
 */
static int bench_repeat(struct bench *b, struct bench_rec *rec)
{
	struct dsamig_run *run = &b->run;
	unsigned int off = 0, n, i, done;
	u64 t0, t1;
	int err;

	memset(rec, 0, sizeof(*rec));
	rec->cause = -1;
	t0 = ktime_get_ns();
	while (off < b->nr_folios) {
		n = min_t(unsigned int, b->nr_folios - off, DSAMIG_MAX_RUN);
		memset(run, 0, sizeof(*run));
		run->reason = -1;
		run->backend = b->req.backend;
		run->src = b->src + off;
		run->dst = b->dst + off;
		run->ok = b->ok;
		run->sg_src = b->sg_src;
		run->sg_dst = b->sg_dst;
		run->nr_folios = n;
		run->nr_pages = n << b->req.order;
		for (i = 0; i < n; i++)
			run->ok[i] = false;

		t1 = ktime_get_ns();
		err = call_backend(run);
		t1 = dsamig_elapsed(t1);

		rec->segments += run->nr_segments;
		rec->channels = max(rec->channels, run->nr_channels);
		if (run->backend == DSAMIG_BACKEND_DSA) {
			rec->sg_ns += run->sg_ns;
			rec->map_ns += run->map_ns;
			rec->submit_ns += run->submit_ns;
			rec->wait_ns += run->wait_ns;
			rec->unmap_ns += run->unmap_ns;
		} else {
			rec->copy_ns += t1;
		}
		if (err) {
			rec->fallback = true;
			if (rec->cause < 0)
				rec->cause = run->cause;
		}
		/*
		 * DMA may still write this run's dst: the quarantine holds them
		 * (and the module) until it is over. Neither read nor copy them.
		 */
		if (run->quarantined)
			return -EIO;
		if (err) {
			if (copy_rest(run))
				return -EIO;
			done = n;
		} else if (run->backend == DSAMIG_BACKEND_DSA) {
			for (done = 0; done < n && run->ok[done]; done++)
				;
			if (!done)
				return -EIO;
		} else {
			/* cpu and mt leave a pair not-ok on a machine check only */
			for (done = 0; done < n && run->ok[done]; done++)
				;
			if (done < n)
				return -EIO;
		}
		off += done;
		cond_resched();
	}
	rec->total_ns = dsamig_elapsed(t0);
	return 0;
}

static void bench_free(struct bench *b)
{
	kfree(b->sg_dst);
	kfree(b->sg_src);
	kfree(b->ok);
	kvfree(b->dst);
	kvfree(b->src);
}

/* Runs the request under bench_lock; the results stay for read(2). */
static int bench_run(const struct bench_req *req)
{
	struct bench b = { .req = *req };
	unsigned int r;
	int err;

	kvfree(recs);
	recs = NULL;
	nr_recs = 0;
	last_req = *req;
	last_folios = b.nr_folios = req->pages >> req->order;

	if (req->backend == DSAMIG_BACKEND_DSA && !dsamig_dsa_nr_channels())
		return -ENODEV;

	recs = kvcalloc(req->repeats, sizeof(*recs), GFP_KERNEL);
	b.src = kvcalloc(b.nr_folios, sizeof(*b.src), GFP_KERNEL);
	b.dst = kvcalloc(b.nr_folios, sizeof(*b.dst), GFP_KERNEL);
	b.ok = kcalloc(DSAMIG_MAX_RUN, sizeof(*b.ok), GFP_KERNEL);
	b.sg_src = kmalloc_array(DSAMIG_MAX_SEGS, sizeof(*b.sg_src), GFP_KERNEL);
	b.sg_dst = kmalloc_array(DSAMIG_MAX_SEGS, sizeof(*b.sg_dst), GFP_KERNEL);
	if (!recs || !b.src || !b.dst || !b.ok || !b.sg_src || !b.sg_dst) {
		err = -ENOMEM;
		goto out;
	}
	err = alloc_folios(b.src, b.nr_folios, req->order, req->src_nid);
	if (!err)
		err = alloc_folios(b.dst, b.nr_folios, req->order, req->dst_nid);
	if (err)
		goto put;

	for (r = 0; r < req->repeats; r++) {
		if (r && signal_pending(current)) {
			err = -EINTR;
			break;
		}
		b.seed = ++bench_gen * 0x9e3779b97f4a7c15ULL;
		fill_sources(&b);
		err = bench_repeat(&b, &recs[r]);
		if (err)
			break;
		if (!verify(&b)) {
			err = -EIO;
			break;
		}
		nr_recs = r + 1;
		cond_resched();
	}
put:
	/*
	 * Every folio goes back, a quarantined dst too: the quarantine took its
	 * own reference, so it is freed only once its DMA is over, as a
	 * migration's dst is.
	 */
	put_folios(b.dst, b.nr_folios);
	put_folios(b.src, b.nr_folios);
out:
	bench_free(&b);
	return err;
}

static ssize_t bench_write(struct file *file, const char __user *ubuf, size_t len,
			   loff_t *ppos)
{
	struct bench_req req;
	char *buf;
	int err;

	if (!len || len > BENCH_MAX_REQUEST)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	err = bench_parse(buf, &req);
	kfree(buf);
	if (err)
		return err;
	if (!mutex_trylock(&bench_lock))
		return -EBUSY;
	err = bench_run(&req);
	mutex_unlock(&bench_lock);
	return err ? err : len;
}

/* The results as text, taken at offset 0 so that a read in pieces is one snapshot. */
struct bench_text {
	struct mutex lock;	/* two readers of one open file */
	char *buf;
	size_t len;
};

static int bench_format(struct bench_text *t)
{
	unsigned int i;
	size_t size;
	int err;

	err = mutex_lock_interruptible(&bench_lock);
	if (err)
		return err;
	kvfree(t->buf);
	t->len = 0;
	size = max_t(size_t, nr_recs, 1) * BENCH_LINE_MAX;
	t->buf = kvmalloc(size, GFP_KERNEL);
	if (!t->buf) {
		mutex_unlock(&bench_lock);
		return -ENOMEM;
	}
	for (i = 0; i < nr_recs; i++) {
		const struct bench_rec *r = &recs[i];

		t->len += scnprintf(t->buf + t->len, size - t->len,
				    "repeat=%u backend=%s pages=%u order=%u folios=%u segments=%u channels=%u total_ns=%llu sg_ns=%llu map_ns=%llu submit_ns=%llu wait_ns=%llu unmap_ns=%llu copy_ns=%llu fallback=%d cause=%s\n",
				    i, dsamig_backend_names[last_req.backend], last_req.pages,
				    last_req.order, last_folios, r->segments, r->channels,
				    r->total_ns, r->sg_ns, r->map_ns, r->submit_ns, r->wait_ns,
				    r->unmap_ns, r->copy_ns, r->fallback,
				    r->cause < 0 ? "none" : cause_names[r->cause]);
	}
	mutex_unlock(&bench_lock);
	return 0;
}

static ssize_t bench_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct bench_text *t = file->private_data;
	ssize_t ret = 0;

	mutex_lock(&t->lock);
	if (*ppos == 0 || !t->buf)
		ret = bench_format(t);
	if (!ret)
		ret = simple_read_from_buffer(ubuf, count, ppos, t->buf, t->len);
	mutex_unlock(&t->lock);
	return ret;
}

static int bench_open(struct inode *inode, struct file *file)
{
	struct bench_text *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	mutex_init(&t->lock);
	file->private_data = t;
	return 0;
}

static int bench_release(struct inode *inode, struct file *file)
{
	struct bench_text *t = file->private_data;

	kvfree(t->buf);
	mutex_destroy(&t->lock);
	kfree(t);
	return 0;
}

static const struct file_operations bench_fops = {
	.owner = THIS_MODULE,
	.open = bench_open,
	.read = bench_read,
	.write = bench_write,
	.release = bench_release,
	.llseek = default_llseek,
};

/* Without debugfs the module works as before, with no bench. */
void dsamig_bench_init(void)
{
	bench_dir = debugfs_create_dir(DSAMIG_MODULE, NULL);
	debugfs_create_file("bench", 0600, bench_dir, NULL, &bench_fops);
}

/* No bench runs: an open file holds the module. */
void dsamig_bench_exit(void)
{
	debugfs_remove_recursive(bench_dir);
	bench_dir = NULL;
	kvfree(recs);
	recs = NULL;
	nr_recs = 0;
}
