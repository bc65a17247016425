/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsamig calibrate's action: the smallest bench that finds the crossover of
 * the cpu and dsa backends (dsamig.ko's copy path between two nodes, 1 to
 * 512 pages of 4 KiB, then sizes between the bracketing two), the threshold
 * it gives with its uncertainty, and on request that threshold set on the
 * module (apply) and saved for the boot-time configuration (save, atomically:
 * DSAMIG_CALIBRATION_FILE by default). An input file (the output of 'dsamig
 * bench --json') is analysed instead of measuring.
 */
#ifndef DSAMIG_CALIBRATE_H
#define DSAMIG_CALIBRATE_H

#include <stdbool.h>

#include <json-c/json.h>

#include "bench.h"

struct dsamig_calibrate_req {
	struct dsamig_bench_req bench;	/* nodes and repeats */
	const char *input;		/* a bench --json file ("-": stdin), or NULL */
	bool apply;
	const char *save;		/* the file to write, or NULL */
};

struct dsamig_calibrate_result {
	struct dsamig_bench_result r;
	struct dsamig_bench_crossover c;
	struct dsamig_calibration cal;
	bool have_cal;			/* a recommendation (cal) was made */
	bool compared;			/* cpu and dsa at a size in common */
	unsigned int refined, bracket[2];	/* sizes measured inside the first bracket */
	bool applied;
	const char *saved;		/* the file written, or NULL */
};

/*
 * Measure (or read the input), find the crossover, and apply and save as
 * asked. 0, or a negative errno after one error line (then what was
 * measured is in @res still, for the report).
 */
int dsamig_calibrate_run(struct dsamig_ctx *ctx, const struct dsamig_calibrate_req *req,
			 void (*progress)(void *arg, unsigned int done, unsigned int total),
			 void *arg, struct dsamig_calibrate_result *res);

/* The result as dsamig-calibrate(8) documents it; NULL when out of memory. */
struct json_object *dsamig_calibrate_result_to_json(const struct dsamig_calibrate_result *res);

#endif /* DSAMIG_CALIBRATE_H */
