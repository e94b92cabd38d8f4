/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdarg.h>

#include "util/virfile.h"
#include "virt-pv-metrics.h"

struct _virtPVMetrics {
    GPtrArray *names;     /* of char *: the families in order of first use */
    GHashTable *families; /* name -> GString: HELP, TYPE, then the samples */
};

static void
virtPVMetricsFamilyFree(gpointer family)
{
    g_string_free(family, TRUE);
}

virtPVMetrics *
virtPVMetricsNew(void)
{
    virtPVMetrics *metrics = g_new0(virtPVMetrics, 1);

    metrics->names = g_ptr_array_new_with_free_func(g_free);
    metrics->families = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                              virtPVMetricsFamilyFree);
    return metrics;
}

void
virtPVMetricsFree(virtPVMetrics *metrics)
{
    if (!metrics)
        return;
    g_ptr_array_unref(metrics->names);
    g_hash_table_unref(metrics->families);
    g_free(metrics);
}

/* A label value: backslash, double quote and line feed escaped, as the
 * exposition format wants; the rest is UTF-8 as it is. */
static void
virtPVMetricsAppendValue(GString *out, const char *value)
{
    g_autofree char *valid = g_utf8_make_valid(value ? value : "", -1);
    const char *p;

    for (p = valid; *p; p++) {
        if (*p == '\\' || *p == '"')
            g_string_append_c(out, '\\');
        if (*p == '\n')
            g_string_append(out, "\\n");
        else
            g_string_append_c(out, *p);
    }
}

void
virtPVMetricsAdd(virtPVMetrics *metrics, const char *name, const char *help, double value, ...)
{
    GString *family = g_hash_table_lookup(metrics->families, name);
    const char *label;
    gboolean first = TRUE;
    va_list ap;

    if (!family) {
        family = g_string_new(NULL);
        g_string_append_printf(family, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
        g_hash_table_insert(metrics->families, g_strdup(name), family);
        g_ptr_array_add(metrics->names, g_strdup(name));
    }
    g_string_append(family, name);
    va_start(ap, value);
    while ((label = va_arg(ap, const char *))) {
        const char *label_value = va_arg(ap, const char *);

        g_string_append_printf(family, "%s%s=\"", first ? "{" : ",", label);
        virtPVMetricsAppendValue(family, label_value);
        g_string_append_c(family, '"');
        first = FALSE;
    }
    va_end(ap);
    g_string_append_printf(family, "%s %g\n", first ? "" : "}", value);
}

gboolean
virtPVMetricsWrite(const virtPVMetrics *metrics, const char *path, GError **error)
{
    g_autoptr(GString) text = g_string_new(NULL);
    guint i;

    for (i = 0; i < metrics->names->len; i++) {
        GString *family = g_hash_table_lookup(metrics->families,
                                              g_ptr_array_index(metrics->names, i));

        g_string_append_len(text, family->str, family->len);
    }
    return virFileWriteAtomic(path, text->str, text->len, 0644, error);
}
