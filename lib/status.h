/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything dsamig status reports, as one json-c object: DSA devices,
 * dsamig.ko (version, knobs, counters), what the kernel supports, and each
 * missing piece with its remedy. The keys are documented in dsamig-status(8).
 */
#ifndef DSAMIG_STATUS_H
#define DSAMIG_STATUS_H

#include <json-c/json.h>

/* A new object (json_object_put() it), or NULL without memory. */
struct json_object *dsamig_status_json(void);

#endif /* DSAMIG_STATUS_H */
