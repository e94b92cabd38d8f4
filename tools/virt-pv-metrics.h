/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

/*
 * Prometheus metrics in the text exposition format, written for
 * node_exporter's textfile collector (`--prometheus FILE`): the file is
 * replaced atomically, so the collector never reads half of it.
 */

typedef struct _virtPVMetrics virtPVMetrics;

virtPVMetrics *virtPVMetricsNew(void);
void virtPVMetricsFree(virtPVMetrics *metrics);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virtPVMetrics, virtPVMetricsFree)

/* One sample of the gauge @name; @labels are name/value pairs ending in
 * NULL.  The first sample of a name gives its HELP line. */
void virtPVMetricsAdd(virtPVMetrics *metrics, const char *name, const char *help, double value,
                      ...) G_GNUC_NULL_TERMINATED;

gboolean virtPVMetricsWrite(const virtPVMetrics *metrics, const char *path, GError **error);
