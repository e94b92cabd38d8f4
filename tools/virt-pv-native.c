/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdio.h>

#include <glib/gi18n.h>

#include "conf/domain_conf.h"
#include "util/virstring.h"
#include "qemu/qemu_command.h"
#include "qemu/qemu_validate.h"
#include "virt-pv-findings.h"
#include "virt-pv.h"

/* virt-pv domxml-to-native: the QEMU argv of a guest, one argument per
 * line.  A definition with validation errors never gets one. */

typedef struct {
    gboolean force_pv;
    virtPVCapsOptions caps;
} virtPVNativeOptions;

static const GOptionEntry virtPVNativeEntries[] = {
    { "pv", 0, 0, G_OPTION_ARG_NONE, VIRT_PV_OPTION_FIELD(virtPVNativeOptions, force_pv),
      N_("Treat the guest as a PV guest (iommu mode where launchSecurity is absent)"), NULL },
    { "caps", 0, 0, G_OPTION_ARG_FILENAME,
      VIRT_PV_OPTION_FIELD(virtPVNativeOptions, caps.caps_file),
      N_("Use the QEMU capabilities in FILE (a cached or recorded probe result)"), N_("FILE") },
    { "emulator", 0, 0, G_OPTION_ARG_FILENAME,
      VIRT_PV_OPTION_FIELD(virtPVNativeOptions, caps.emulator),
      N_("Use the capabilities of the QEMU binary PATH (probed through the cache)"), N_("PATH") },
    { NULL }
};

static int
virtPVNativeRun(const virtPVGlobalOptions *opts, gpointer cmd_opts, int argc, char **argv)
{
    const virtPVNativeOptions *nopts = cmd_opts;
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(virQEMUValidateResult) result = NULL;
    g_autoptr(virQEMUCommandLine) cmd = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;
    g_auto(virQEMUValidateContext) ctx = { .force_pv = nopts->force_pv };
    guint i;

    if (argc != 2) {
        fprintf(stderr, "%s\n",
                argc < 2 ? _("error: no domain XML file given")
                         : _("error: only one domain XML file is accepted"));
        return VIRT_PV_EXIT_ERROR;
    }
    if (!virDomainDefParseFile(argv[1], 0, &def, &error) ||
        !virtPVCapsLoadForValidation(opts, &nopts->caps, NULL, &caps, &ctx.caps, &error))
        return virtPVReportError(error);

    result = virQEMUValidateDomain(&ctx, def);
    if (!result->ok) {
        virtPVFindingsPrintLong(opts, stderr, argv[1], def, result);
        return VIRT_PV_EXIT_FINDINGS;
    }
    if (!virQEMUBuildCommandLine(def, caps, result->mode, &cmd, &error))
        return virtPVReportError(error);

    /* What validation warns about concerns the argv too (a machine type
     * this QEMU does not have, say); notes stay with validate. */
    virtPVFindingsPrintWarnings(stderr, argv[1], result);
    for (i = 0; i < cmd->warnings->len; i++) {
        g_autofree char *warning =
            virStringEscapeControl(g_ptr_array_index(cmd->warnings, i));

        fprintf(stderr, _("warning: %s\n"), warning);
    }
    text = virQEMUCommandLineFormat(cmd);
    fputs(text, stdout);
    return VIRT_PV_EXIT_OK;
}

const virtPVCommand virtPVCommandDomXMLToNative = {
    .name = "domxml-to-native",
    .params = N_("FILE"),
    .summary = N_("Print the QEMU command line of a guest, one argument per line"),
    .options = virtPVNativeEntries,
    .options_size = sizeof(virtPVNativeOptions),
    .run = virtPVNativeRun,
};
