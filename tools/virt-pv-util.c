/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdio.h>

#include <glib/gi18n.h>

#include "virt-pv.h"

static const char *const virtPVColorCodes[] = {
    "\033[0m",
    "\033[32m",
    "\033[33m",
    "\033[1;31m",
    "\033[2m",
};
G_STATIC_ASSERT(G_N_ELEMENTS(virtPVColorCodes) == VIRT_PV_COLOR_LAST);

const char *
virtPVColorCode(const virtPVGlobalOptions *opts, virtPVColor color)
{
    if (!opts->color || (guint)color >= VIRT_PV_COLOR_LAST)
        return "";
    return virtPVColorCodes[color];
}

/* One JSON document on one line, as JSON Lines wants it. */
void
virtPVPrintJSON(JsonBuilder *builder)
{
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autofree char *text = NULL;

    json_generator_set_root(gen, root);
    text = json_generator_to_data(gen, NULL);
    printf("%s\n", text);
}

/* Report an error once, on stderr, and give the exit status for it. */
int
virtPVReportError(const GError *error)
{
    fprintf(stderr, _("error: %s\n"), error->message);
    return VIRT_PV_EXIT_ERROR;
}
