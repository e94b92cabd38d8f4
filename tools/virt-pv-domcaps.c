/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdio.h>

#include <glib/gi18n.h>

#include "qemu/qemu_capabilities.h"
#include "virt-pv.h"

/* virt-pv domcapabilities: what the local QEMU can do for protected guests. */

/* Its options are those of the capabilities loader. */
static const GOptionEntry virtPVDomcapsEntries[] = {
    { "emulator", 0, 0, G_OPTION_ARG_FILENAME, VIRT_PV_OPTION_FIELD(virtPVCapsOptions, emulator),
      N_("The QEMU binary to probe (default: /usr/bin/qemu-system-s390x)"), N_("PATH") },
    { "cache-dir", 0, 0, G_OPTION_ARG_FILENAME, VIRT_PV_OPTION_FIELD(virtPVCapsOptions, cache_dir),
      N_("Keep the capabilities cache in DIR"), N_("DIR") },
    { "no-cache", 0, 0, G_OPTION_ARG_NONE, VIRT_PV_OPTION_FIELD(virtPVCapsOptions, no_cache),
      N_("Probe QEMU even if the cache holds a current answer, and store nothing"), NULL },
    { "replies", 0, 0, G_OPTION_ARG_FILENAME, VIRT_PV_OPTION_FIELD(virtPVCapsOptions, replies),
      N_("Replay the QMP conversation recorded in FILE instead of starting QEMU"), N_("FILE") },
    { "record", 0, 0, G_OPTION_ARG_FILENAME, VIRT_PV_OPTION_FIELD(virtPVCapsOptions, record),
      N_("Probe QEMU and write the QMP conversation to FILE, for --replies"), N_("FILE") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, VIRT_PV_OPTION_FIELD(virtPVCapsOptions, timeout_s),
      N_("Give up on a QEMU that does not answer within S seconds (default: 30)"), N_("S") },
    { NULL }
};

static int
virtPVDomcaps(const virtPVGlobalOptions *opts, gpointer cmd_opts, int argc, char **argv)
{
    const virtPVCapsOptions *copts = cmd_opts;
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;

    if (argc > 1)
        return virtPVReportUnexpected(argv[1]);
    if (!virtPVCapsCheckOptions(copts, &error))
        return virtPVReportError(error);
    if (copts->replies && copts->record) {
        fprintf(stderr, _("error: --replies and --record exclude each other\n"));
        return VIRT_PV_EXIT_ERROR;
    }
    if (!virtPVCapsLoad(opts, copts, NULL, &caps, NULL, &error))
        return virtPVReportError(error);

    virQEMUCapsSetKey(caps, NULL);
    text = opts->json ? virQEMUCapsFormatJSON(caps, TRUE) : virQEMUCapsFormatXML(caps);
    fputs(text, stdout);
    if (opts->json)
        fputc('\n', stdout);
    return VIRT_PV_EXIT_OK;
}

const virtPVCommand virtPVCommandDomcapabilities = {
    .name = "domcapabilities",
    .params = "",
    .summary = N_("Probe QEMU (or replay recorded QMP replies) and print what it offers "
                  "protected guests"),
    .options = virtPVDomcapsEntries,
    .options_size = sizeof(virtPVCapsOptions),
    .run = virtPVDomcaps,
};
