// SPDX-License-Identifier: GPL-2.0
/*
 * The private tracefs instance and its per-CPU raw readers.
 *
 * Readers stay open for the whole run (tracefs_iterate_raw_events() would
 * reopen every per-CPU file on each call) and are drained non-blocking on
 * the caller's tick: blocking reads and poll() on trace_pipe_raw wake only
 * at buffer_percent, and a tick is what a live display needs anyway.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs.h>

#include "trace.h"

#define INSTANCE_PREFIX		"dsamig-"
#define BUFFER_KB		2048	/* per CPU: ~30000 events of slack per tick */

/*
 * The memory-mapped reader of libtracefs >= 1.8, found at run time: weak
 * references are NULL when the library linked in is older. The prototypes
 * repeat 1.8's, which older headers lack.
 */
struct tracefs_cpu *tracefs_cpu_open_mapped(struct tracefs_instance *instance, int cpu,
					    bool nonblock) __attribute__((weak));
bool tracefs_cpu_is_mapped(struct tracefs_cpu *tcpu) __attribute__((weak));
struct kbuffer *tracefs_cpu_read_buf(struct tracefs_cpu *tcpu, bool nonblock)
	__attribute__((weak));

struct cpu_reader {
	int cpu;
	int fd;			/* ours to close; -1 when mapped */
	bool mapped;
	struct tracefs_cpu *tcpu;	/* the mapped reader */
	uint64_t lost;		/* the kernel's count at the last read */
};

struct dsamig_trace {
	struct tracefs_instance *inst;
	struct tep_handle *tep;
	struct dsamig_decoder *dec;
	char name[32];
	char *dir;		/* the instance's directory, for abort */
	void *buf;		/* one sub-buffer */
	int subbuf_size;
	unsigned int nr_readers;
	unsigned int nr_mapped;
	struct cpu_reader *rd;
	int run_id;		/* dsamig:dsamig_run's id when the formats were read */
};

static bool pid_is_dead(const char *name)
{
	const char *p = name + strlen(INSTANCE_PREFIX);
	char *end;
	long pid = strtol(p, &end, 10);

	if (*end || end == p || pid <= 0 || pid == getpid())
		return false;
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/*
 * Remove the instances of dsamig processes that died without cleaning up.
 * The pattern must read the same as a basic and an extended expression.
 */
static void reap_stale(void)
{
	char **names = tracefs_instances("^" INSTANCE_PREFIX "[0-9][0-9]*$");
	char **n;

	if (!names)
		return;
	for (n = names; *n; n++) {
		struct tracefs_instance *inst;

		if (!pid_is_dead(*n))
			continue;
		inst = tracefs_instance_alloc(NULL, *n);
		if (!inst)
			continue;
		tracefs_event_disable(inst, NULL, NULL);
		tracefs_instance_destroy(inst);
		tracefs_instance_free(inst);
	}
	tracefs_list_free(names);
}

static int enable_events(struct dsamig_trace *t)
{
	unsigned int i;

	for (i = 0; i < DSAMIG_NR_SOURCES; i++) {
		char re[96];

		if (!dsamig_decoder_has(t->dec, i))
			continue;
		/* The names are regular expressions: mm_migrate_pages would match _start too. */
		snprintf(re, sizeof(re), "^%s$", dsamig_source_event(i));
		if (tracefs_event_enable(t->inst, dsamig_source_system(i), re) < 0 &&
		    i == DSAMIG_SRC_MIGRATE)
			return errno ? -errno : -EIO;
	}
	return 0;
}

static int open_reader(struct dsamig_trace *t, struct cpu_reader *r, int cpu)
{
	char file[64];

	r->cpu = cpu;
	r->fd = -1;
	if (tracefs_cpu_open_mapped && tracefs_cpu_is_mapped && tracefs_cpu_read_buf) {
		r->tcpu = tracefs_cpu_open_mapped(t->inst, cpu, true);
		if (r->tcpu && tracefs_cpu_is_mapped(r->tcpu)) {
			r->mapped = true;
			t->nr_mapped++;
			return 0;
		}
		if (r->tcpu)
			tracefs_cpu_close(r->tcpu);
		r->tcpu = NULL;
	}
	snprintf(file, sizeof(file), "per_cpu/cpu%d/trace_pipe_raw", cpu);
	r->fd = tracefs_instance_file_open(t->inst, file, O_RDONLY | O_NONBLOCK);
	if (r->fd < 0)
		return -ENOENT;		/* a possible but absent CPU */
	return 0;
}

static void close_reader(struct cpu_reader *r)
{
	/* An open fd keeps the instance busy: rmdir would fail with EBUSY. */
	if (r->mapped)
		tracefs_cpu_close(r->tcpu);
	else if (r->fd >= 0)
		close(r->fd);
	r->tcpu = NULL;
	r->fd = -1;
}

static int open_readers(struct dsamig_trace *t)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);
	int cpu, err;

	if (n < 1)
		n = 1;
	t->rd = calloc((size_t)n, sizeof(*t->rd));
	if (!t->rd)
		return -ENOMEM;
	for (cpu = 0; cpu < n; cpu++) {
		err = open_reader(t, &t->rd[t->nr_readers], cpu);
		if (err == -ENOENT)
			continue;
		if (err)
			return err;
		t->nr_readers++;
	}
	return t->nr_readers ? 0 : -ENOENT;
}

/*
 * Only the formats of dsamig's events: tracefs_local_events*() also parse
 * every other event of the systems, /proc/kallsyms and the printk formats,
 * which takes seconds on a slow machine.
 */
static struct tep_handle *load_formats(void)
{
	struct tep_handle *tep = tep_alloc();
	unsigned int i;
	char *buf;
	int size;

	if (!tep)
		return NULL;
	tep_set_long_size(tep, (int)sizeof(long));
	tep_set_page_size(tep, getpagesize());
	tep_set_file_bigendian(tep, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ?
			       TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ?
				TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	buf = tracefs_instance_file_read(NULL, "events/header_page", &size);
	if (!buf || tep_parse_header_page(tep, buf, size, (int)sizeof(long))) {
		free(buf);
		tep_free(tep);
		return NULL;
	}
	free(buf);
	for (i = 0; i < DSAMIG_NR_SOURCES; i++) {
		buf = tracefs_event_file_read(NULL, dsamig_source_system(i),
					      dsamig_source_event(i), "format", &size);
		if (!buf)
			continue;	/* not in this kernel, or the module is not loaded */
		tep_parse_event(tep, buf, (unsigned long)size, dsamig_source_system(i));
		free(buf);
	}
	return tep;
}

/*
 * The id of dsamig:dsamig_run in the kernel, -1 without the module; and
 * whether the instance has it enabled (a reloaded module's events come
 * back disabled in every instance).
 */
static int module_event_id(struct dsamig_trace *t, bool *enabled)
{
	char *text;
	int id = -1;

	*enabled = false;
	text = tracefs_event_file_read(NULL, DSAMIG_TRACE_SYSTEM, DSAMIG_EV_RUN, "id", NULL);
	if (!text)
		return -1;
	id = atoi(text);
	free(text);
	text = tracefs_event_file_read(t->inst, DSAMIG_TRACE_SYSTEM, DSAMIG_EV_RUN, "enable",
				       NULL);
	*enabled = text && text[0] == '1';
	free(text);
	return id;
}

int dsamig_trace_open(struct dsamig_trace **out)
{
	struct dsamig_trace *t;
	int err;

	if (!tracefs_tracing_dir())
		return -ENODEV;
	if (access(tracefs_tracing_dir(), W_OK))
		return -errno;
	reap_stale();

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	snprintf(t->name, sizeof(t->name), INSTANCE_PREFIX "%d", (int)getpid());
	t->subbuf_size = getpagesize();
	t->buf = malloc((size_t)t->subbuf_size);
	t->inst = tracefs_instance_create(t->name);
	if (!t->buf || !t->inst) {
		err = errno ? -errno : -ENOMEM;
		goto fail;
	}
	t->dir = tracefs_instance_get_dir(t->inst);
	tracefs_trace_off(t->inst);
	tracefs_instance_set_buffer_size(t->inst, BUFFER_KB, -1);

	t->tep = load_formats();
	if (!t->tep) {
		err = -ENOENT;
		goto fail;
	}
	err = dsamig_decoder_new(t->tep, &t->dec);
	if (err)
		goto fail;
	err = enable_events(t);
	if (!err)
		err = open_readers(t);
	t->run_id = dsamig_decoder_event_id(t->dec, DSAMIG_SRC_RUN);
	if (err)
		goto fail;
	if (tracefs_trace_on(t->inst) < 0) {
		err = -EIO;
		goto fail;
	}
	*out = t;
	return 0;
fail:
	dsamig_trace_close(t, NULL);
	return err;
}

int dsamig_trace_follow_module(struct dsamig_trace *t, struct dsamig_stats *s)
{
	struct dsamig_decoder *dec;
	struct tep_handle *tep;
	bool enabled;
	int id = module_event_id(t, &enabled), err;

	/* The same id, disabled in the instance: unloaded and loaded again. */
	if (id == t->run_id && (enabled || !dsamig_decoder_has(t->dec, DSAMIG_SRC_RUN)))
		return 0;
	/* What is in the buffers was written under the old formats. */
	dsamig_trace_read(t, s);
	tep = load_formats();
	if (!tep)
		return -ENOENT;
	err = dsamig_decoder_new(tep, &dec);
	if (err)
		goto fail;
	dsamig_decoder_carry(dec, t->dec);
	dsamig_decoder_free(t->dec);
	tep_free(t->tep);
	t->dec = dec;
	t->tep = tep;
	/* A module whose events lack a field is not decoded: do not retry it. */
	t->run_id = dsamig_decoder_has(dec, DSAMIG_SRC_RUN) ?
		    dsamig_decoder_event_id(dec, DSAMIG_SRC_RUN) : id;
	return enable_events(t) ? -EIO : 1;
fail:
	tep_free(tep);
	return err;
}

/* "overrun: N" and "dropped events: N" of per_cpu/cpuN/stats */
static uint64_t kernel_lost(struct dsamig_trace *t, int cpu)
{
	char file[64], *text, *p;
	uint64_t lost = 0;

	snprintf(file, sizeof(file), "per_cpu/cpu%d/stats", cpu);
	text = tracefs_instance_file_read(t->inst, file, NULL);
	if (!text)
		return 0;
	if ((p = strstr(text, "overrun:")))
		lost += strtoull(p + 8, NULL, 10);
	if ((p = strstr(text, "dropped events:")))
		lost += strtoull(p + 15, NULL, 10);
	free(text);
	return lost;
}

static int drain(struct dsamig_trace *t, struct cpu_reader *r, struct dsamig_stats *s)
{
	/* Bounded, so that a writer faster than the reader cannot hold the caller. */
	int pages = 2 * BUFFER_KB * 1024 / t->subbuf_size;
	int n = 0, ret = 0;

	if (r->mapped) {
		struct kbuffer *kb;

		while (pages-- > 0 && (kb = tracefs_cpu_read_buf(r->tcpu, true)))
			n += dsamig_decode_kbuffer(t->dec, kb, s);
		return n;
	}
	/*
	 * A plain non-blocking read(2): tracefs_cpu_read() polls first, and
	 * poll() on trace_pipe_raw reports data only once buffer_percent of
	 * the buffer is full. A partial sub-buffer is returned as is.
	 */
	while (pages-- > 0 && (ret = (int)read(r->fd, t->buf, (size_t)t->subbuf_size)) > 0) {
		ret = dsamig_decode_subbuf(t->dec, t->buf, s);
		if (ret < 0)
			return ret;
		n += ret;
	}
	if (ret < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
		return -errno;
	return n;
}

int dsamig_trace_read(struct dsamig_trace *t, struct dsamig_stats *s)
{
	unsigned int i;
	int n = 0, ret;

	for (i = 0; i < t->nr_readers; i++) {
		ret = drain(t, &t->rd[i], s);
		if (ret < 0)
			return ret;
		n += ret;
	}
	dsamig_decoder_pair(t->dec, s);
	return n;
}

void dsamig_trace_count_lost(struct dsamig_trace *t, struct dsamig_stats *s)
{
	unsigned int i;

	for (i = 0; i < t->nr_readers; i++) {
		struct cpu_reader *r = &t->rd[i];
		uint64_t lost = kernel_lost(t, r->cpu);

		if (lost > r->lost)
			s->lost_events += lost - r->lost;
		r->lost = lost;
	}
}

void dsamig_trace_close(struct dsamig_trace *t, struct dsamig_stats *s)
{
	unsigned int i;

	if (!t)
		return;
	if (t->inst)
		tracefs_trace_off(t->inst);
	if (s && t->dec) {
		dsamig_trace_read(t, s);
		dsamig_trace_count_lost(t, s);
	}
	for (i = 0; i < t->nr_readers; i++)
		close_reader(&t->rd[i]);
	if (t->inst) {
		tracefs_event_disable(t->inst, NULL, NULL);
		tracefs_instance_destroy(t->inst);
		tracefs_instance_free(t->inst);
	}
	dsamig_decoder_free(t->dec);
	tep_free(t->tep);
	free(t->rd);
	free(t->buf);
	free(t->dir);
	free(t);
}

void dsamig_trace_abort(struct dsamig_trace *t)
{
	unsigned int i;

	if (!t)
		return;
	for (i = 0; i < t->nr_readers; i++)
		if (t->rd[i].fd >= 0)
			close(t->rd[i].fd);
	t->nr_readers = 0;
	if (t->dir)
		rmdir(t->dir);
}

const char *dsamig_trace_name(const struct dsamig_trace *t)
{
	return t->name;
}

const struct dsamig_decoder *dsamig_trace_decoder(const struct dsamig_trace *t)
{
	return t->dec;
}

bool dsamig_trace_module_loaded(const struct dsamig_trace *t)
{
	return dsamig_decoder_has(t->dec, DSAMIG_SRC_RUN);
}

unsigned int dsamig_trace_mapped_cpus(const struct dsamig_trace *t)
{
	return t->nr_mapped;
}
