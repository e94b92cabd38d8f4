/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdio.h>

#include <glib/gi18n.h>

#include "qemu/qemu_capabilities.h"
#include "virt-pv.h"

/* virt-pv domcapabilities: what the local QEMU can do for protected guests. */

static virtPVCapsOptions virtPVDomcapsOpts;
static char *virtPVDomcapsReplies;
static char *virtPVDomcapsRecord;

static const GOptionEntry virtPVDomcapsEntries[] = {
    { "emulator", 0, 0, G_OPTION_ARG_FILENAME, &virtPVDomcapsOpts.emulator,
      N_("The QEMU binary to probe (default: /usr/bin/qemu-system-s390x)"), N_("PATH") },
    { "cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &virtPVDomcapsOpts.cache_dir,
      N_("Keep the capabilities cache in DIR"), N_("DIR") },
    { "no-cache", 0, 0, G_OPTION_ARG_NONE, &virtPVDomcapsOpts.no_cache,
      N_("Probe QEMU even if the cache holds a current answer, and store nothing"), NULL },
    { "replies", 0, 0, G_OPTION_ARG_FILENAME, &virtPVDomcapsReplies,
      N_("Replay the QMP conversation recorded in FILE instead of starting QEMU"), N_("FILE") },
    { "record", 0, 0, G_OPTION_ARG_FILENAME, &virtPVDomcapsRecord,
      N_("Probe QEMU and write the QMP conversation to FILE, for --replies"), N_("FILE") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &virtPVDomcapsOpts.timeout_s,
      N_("Give up on a QEMU that does not answer within S seconds (default: 30)"), N_("S") },
    { NULL }
};

static gboolean
virtPVDomcapsGet(virtPVGlobalOptions *opts, virQEMUCaps **ret_caps, GError **error)
{
    g_autofree char *emulator = virtPVCapsEmulatorPath(virtPVDomcapsOpts.emulator);
    virQEMUCapsProbeOptions probe = { virtPVCapsTimeoutMs(&virtPVDomcapsOpts),
                                      virtPVDomcapsRecord };

    if (virtPVDomcapsReplies)
        return virQEMUCapsNewFromReplies(virtPVDomcapsReplies, emulator, ret_caps, error);
    if (virtPVDomcapsRecord)
        return virQEMUCapsProbe(emulator, &probe, ret_caps, error);
    return virtPVCapsGet(opts, &virtPVDomcapsOpts, ret_caps, error);
}

static int
virtPVDomcaps(virtPVGlobalOptions *opts, int argc, char **argv)
{
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;

    if (argc > 1)
        return virtPVReportUnexpected(argv[1]);
    if (!virtPVCapsCheckOptions(&virtPVDomcapsOpts, &error))
        return virtPVReportError(error);
    if (virtPVDomcapsReplies && virtPVDomcapsRecord) {
        fprintf(stderr, _("error: --replies and --record exclude each other\n"));
        return VIRT_PV_EXIT_ERROR;
    }
    if (!virtPVDomcapsGet(opts, &caps, &error))
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
    .run = virtPVDomcaps,
};
