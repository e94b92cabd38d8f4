/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "hostval/virhostvalidate.h"
#include "util/virstring.h"
#include "virt-pv.h"

/* virt-pv host-validate: can this host run protected guests? */

static virtPVCapsOptions virtPVHostCaps;

static const GOptionEntry virtPVHostEntries[] = {
    { "emulator", 0, 0, G_OPTION_ARG_FILENAME, &virtPVHostCaps.emulator,
      N_("Also check that the QEMU binary PATH can start protected guests"), N_("PATH") },
    { "caps", 0, 0, G_OPTION_ARG_FILENAME, &virtPVHostCaps.caps_file,
      N_("Check QEMU with the capabilities in FILE (from domcapabilities --json) instead"),
      N_("FILE") },
    { NULL }
};

/* The input of the qemu-pv check.  A probe that fails is a failed check
 * (the host's QEMU is part of the host); an unreadable --caps file is an
 * input error. */
typedef struct {
    virHostValidateQEMUInfo info;
    char *emulator;
    char *probe_error;
} virtPVHostQEMU;

static void
virtPVHostQEMUClear(virtPVHostQEMU *qemu)
{
    g_free(qemu->emulator);
    g_free(qemu->probe_error);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(virtPVHostQEMU, virtPVHostQEMUClear)

static gboolean
virtPVHostProbeQEMU(const virtPVGlobalOptions *opts, virtPVHostQEMU *qemu, GError **error)
{
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(GError) probe_error = NULL;

    if (!virtPVCapsCheckOptions(&virtPVHostCaps, error))
        return FALSE;
    if (!virtPVCapsGet(opts, &virtPVHostCaps, &caps, &probe_error)) {
        if (virtPVHostCaps.caps_file) {
            g_propagate_error(error, g_steal_pointer(&probe_error));
            return FALSE;
        }
        qemu->emulator = virtPVCapsEmulatorPath(virtPVHostCaps.emulator);
        qemu->probe_error = g_strdup(probe_error->message);
        qemu->info.emulator = qemu->emulator;
        qemu->info.probe_error = qemu->probe_error;
        return TRUE;
    }
    qemu->emulator = g_strdup(virQEMUCapsGetEmulator(caps));
    qemu->info.emulator = qemu->emulator;
    qemu->info.probed = TRUE;
    qemu->info.kvm = virQEMUCapsGetKVMEnabled(caps);
    qemu->info.pv_object = virQEMUCapsHasPVGuestObject(caps);
    qemu->info.cgs = virQEMUCapsHasConfidentialGuestSupport(caps);
    qemu->info.unpack = virQEMUCapsHostModelHasUnpack(caps);
    return TRUE;
}

static const virtPVColor virtPVHostResultColors[] = {
    VIRT_PV_COLOR_GOOD,
    VIRT_PV_COLOR_WARN,
    VIRT_PV_COLOR_BAD,
    VIRT_PV_COLOR_DIM,
};
G_STATIC_ASSERT(G_N_ELEMENTS(virtPVHostResultColors) == VIR_HOST_VALIDATE_LAST);

static void
virtPVHostPrintText(const virtPVGlobalOptions *opts, const virHostPVState *state,
                    const virHostValidateReport *report)
{
    guint i;

    for (i = 0; i < report->checks->len; i++) {
        const virHostValidateCheck *check = g_ptr_array_index(report->checks, i);
        g_autofree char *result =
            g_ascii_strup(virHostValidateResultToString(check->result), -1);
        /* Messages quote host files, which --root may have faked. */
        g_autofree char *message = virStringEscapeControl(check->message);
        g_autofree char *hint = check->hint ? virStringEscapeControl(check->hint) : NULL;

        if (opts->quiet && check->result == VIR_HOST_VALIDATE_PASS)
            continue;
        printf("%-22s %s%-4s%s  %s\n", check->id,
               virtPVColorCode(opts, virtPVHostResultColors[check->result]), result,
               virtPVColorCode(opts, VIRT_PV_COLOR_RESET), message);
        if (hint)
            printf("%-28s %s %s\n", "", _("hint:"), hint);
    }

    /* <inttypes.h> macros, not GLib's: xgettext understands only these. */
    if (state->has_uv_limits && !opts->quiet)
        printf(_("Ultravisor limits: max_guests %" PRIu64 ", max_cpus %" PRIu64
                 ", max_address 0x%" PRIx64 "\n"),
               state->uv_max_guests, state->uv_max_cpus, state->uv_max_address);
    if (!opts->quiet)
        printf("%s\n", report->ok ? _("This host can run protected guests.")
                                  : _("This host cannot run protected guests."));
}

static void
virtPVHostPrintJSON(const virHostPVState *state, const virHostValidateReport *report)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    guint i;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "ok");
    json_builder_add_boolean_value(b, report->ok);
    json_builder_set_member_name(b, "checks");
    json_builder_begin_array(b);
    for (i = 0; i < report->checks->len; i++) {
        const virHostValidateCheck *check = g_ptr_array_index(report->checks, i);

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "id");
        json_builder_add_string_value(b, check->id);
        json_builder_set_member_name(b, "result");
        json_builder_add_string_value(b, virHostValidateResultToString(check->result));
        json_builder_set_member_name(b, "message");
        json_builder_add_string_value(b, check->message);
        json_builder_set_member_name(b, "hint");
        json_builder_add_string_value(b, check->hint ? check->hint : "");
        json_builder_end_object(b);
    }
    json_builder_end_array(b);

    if (state->has_uv_limits) {
        json_builder_set_member_name(b, "ultravisor");
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "max_guests");
        json_builder_add_int_value(b, (gint64)state->uv_max_guests);
        json_builder_set_member_name(b, "max_cpus");
        json_builder_add_int_value(b, (gint64)state->uv_max_cpus);
        json_builder_set_member_name(b, "max_address");
        json_builder_add_int_value(b, (gint64)state->uv_max_address);
        json_builder_end_object(b);
    }
    json_builder_end_object(b);
    virtPVPrintJSON(b);
}

static int
virtPVHostValidate(virtPVGlobalOptions *opts, int argc, char **argv)
{
    g_autoptr(virHostPVState) state = NULL;
    g_autoptr(virHostValidateReport) report = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(virtPVHostQEMU) qemu = { 0 };
    gboolean with_qemu = virtPVCapsWanted(&virtPVHostCaps);

    if (argc > 1)
        return virtPVReportUnexpected(argv[1]);
    if (with_qemu && !virtPVHostProbeQEMU(opts, &qemu, &error))
        return virtPVReportError(error);
    if (!virHostPVStateRead(opts->root, &state, &error))
        return virtPVReportError(error);

    report = virHostValidateRun(state, with_qemu ? &qemu.info : NULL);
    if (opts->json)
        virtPVHostPrintJSON(state, report);
    else
        virtPVHostPrintText(opts, state, report);
    return report->ok ? VIRT_PV_EXIT_OK : VIRT_PV_EXIT_FINDINGS;
}

const virtPVCommand virtPVCommandHostValidate = {
    .name = "host-validate",
    .params = "",
    .summary = N_("Check that this host can run protected (Secure Execution) guests"),
    .options = virtPVHostEntries,
    .run = virtPVHostValidate,
};
