/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "hostval/virhostvalidate.h"
#include "util/virseimage.h"
#include "util/virstring.h"
#include "virt-pv.h"

/* virt-pv host-validate: can this host run protected guests? */

/* Its options are some of the capabilities loader's. */
static const GOptionEntry virtPVHostEntries[] = {
    { "emulator", 0, 0, G_OPTION_ARG_FILENAME, VIRT_PV_OPTION_FIELD(virtPVCapsOptions, emulator),
      N_("Also check that the QEMU binary PATH can start protected guests"), N_("PATH") },
    { "caps", 0, 0, G_OPTION_ARG_FILENAME, VIRT_PV_OPTION_FIELD(virtPVCapsOptions, caps_file),
      N_("Check QEMU with the capabilities in FILE (from domcapabilities --json) instead"),
      N_("FILE") },
    { NULL }
};

/* The input of the qemu-pv check.  A probe that fails is a failed check
 * (the host's QEMU is part of the host); an unreadable --caps file is an
 * input error. */
static gboolean
virtPVHostProbeQEMU(const virtPVGlobalOptions *opts, const virtPVCapsOptions *copts,
                    const virHostPVState *host, virQEMUCapsPV *qemu, GError **error)
{
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(GError) probe_error = NULL;

    if (!virtPVCapsCheckOptions(copts, error))
        return FALSE;
    if (!virtPVCapsLoad(opts, copts, host, &caps, NULL, &probe_error)) {
        if (copts->caps_file) {
            g_propagate_error(error, g_steal_pointer(&probe_error));
            return FALSE;
        }
        qemu->emulator = virtPVCapsEmulatorPath(copts->emulator);
        qemu->probe_error = g_strdup(probe_error->message);
        return TRUE;
    }
    virQEMUCapsGetPV(caps, qemu);
    return TRUE;
}

static const virtPVColor virtPVHostResultColors[] = {
    VIRT_PV_COLOR_GOOD,
    VIRT_PV_COLOR_WARN,
    VIRT_PV_COLOR_BAD,
    VIRT_PV_COLOR_DIM,
};
G_STATIC_ASSERT(G_N_ELEMENTS(virtPVHostResultColors) == VIR_HOST_VALIDATE_LAST);

/* ---- the Ultravisor report (what s390-tools' pvinfo shows) ------------ */

static char *
virtPVHostJoin(GStrv names)
{
    return names[0] ? g_strjoinv(", ", names) : g_strdup(_("none"));
}

static char *
virtPVHostQueryValueText(virUVQueryField field, guint64 value)
{
    if (virUVQueryFieldIsHex(field))
        return g_strdup_printf("0x%" PRIx64, value);
    return g_strdup_printf("%" PRIu64, value);
}

static const char *
virtPVHostYesNo(gboolean yes)
{
    return yes ? _("yes") : _("no");
}

static void
virtPVHostPrintUVDecoded(const virUVInfo *uv)
{
    const virUVQueryValue *ver = &uv->values[VIR_UV_QUERY_SUPP_SE_HDR_VER];
    const virUVQueryValue *pcf = &uv->values[VIR_UV_QUERY_SUPP_SE_HDR_PCF];
    const virUVQueryValue *feat = &uv->values[VIR_UV_QUERY_FEATURE_INDICATIONS];

    if (uv->has_facilities) {
        g_auto(GStrv) names = virUVFacilityNames(uv);
        g_autofree char *text = virtPVHostJoin(names);

        printf(_("  calls:                  %s\n"), text);
        printf(_("  dump:                   %s\n"), virtPVHostYesNo(virUVInfoCanDump(uv)));
        printf(_("  attestation:            %s\n"),
               virtPVHostYesNo(virUVInfoHasFacility(uv, VIR_UV_FACILITY_RETRIEVE_ATTESTATION)));
        printf(_("  secrets:                %s\n"),
               virtPVHostYesNo(virUVInfoHasFacility(uv, VIR_UV_FACILITY_ADD_SECRET)));
    }
    if (feat->present) {
        g_auto(GStrv) names = virUVFeatureNames(feat->value);
        g_autofree char *text = virtPVHostJoin(names);

        printf(_("  features:               %s\n"), text);
    }
    if (ver->present) {
        g_auto(GStrv) names = virUVHeaderVersionNames(ver->value);
        g_autofree char *text = virtPVHostJoin(names);

        printf(_("  SE header versions:     %s\n"), text);
    }
    if (pcf->present) {
        g_auto(GStrv) names = virSEImagePCFNames(pcf->value);
        g_autofree char *text = virtPVHostJoin(names);

        printf(_("  SE header flags:        %s\n"), text);
    }
}

static void
virtPVHostPrintUVKeys(const virUVInfo *uv)
{
    switch (uv->keys_state) {
    case VIR_UV_KEYS_OK:
        printf(_("  host key:               %s\n"), uv->host_key);
        printf(_("  backup host key:        %s\n"),
               uv->backup_host_key[0] ? uv->backup_host_key : _("none"));
        break;
    case VIR_UV_KEYS_INVALID:
        printf(_("  host keys:              unreadable: %s\n"), uv->keys_problem);
        break;
    case VIR_UV_KEYS_ABSENT:
    case VIR_UV_KEYS_LAST:
    default:
        printf(_("  host keys:              not published\n"));
        break;
    }
}

static void
virtPVHostPrintUV(const virUVInfo *uv)
{
    guint field;
    guint i;

    if (!uv || !uv->query)
        return;
    printf(_("Ultravisor (/sys/firmware/uv/query):\n"));
    virtPVHostPrintUVDecoded(uv);
    for (field = 0; field < VIR_UV_QUERY_LAST; field++) {
        g_autofree char *value = NULL;

        if (!uv->values[field].present)
            continue;
        value = virtPVHostQueryValueText(field, uv->values[field].value);
        printf("  %-23s %s\n", virUVQueryFieldToString(field), value);
    }
    virtPVHostPrintUVKeys(uv);
    for (i = 0; i < uv->problems->len; i++)
        printf(_("  ignored: %s\n"), (const char *)g_ptr_array_index(uv->problems, i));
}

static void
virtPVHostAddStrv(JsonBuilder *b, const char *name, GStrv values)
{
    guint i;

    json_builder_set_member_name(b, name);
    json_builder_begin_array(b);
    for (i = 0; values[i]; i++)
        json_builder_add_string_value(b, values[i]);
    json_builder_end_array(b);
}

static void
virtPVHostAddBool(JsonBuilder *b, const char *name, gboolean value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_boolean_value(b, value);
}

static void
virtPVHostJSONDecoded(JsonBuilder *b, const virUVInfo *uv)
{
    const virUVQueryValue *ver = &uv->values[VIR_UV_QUERY_SUPP_SE_HDR_VER];
    const virUVQueryValue *pcf = &uv->values[VIR_UV_QUERY_SUPP_SE_HDR_PCF];
    const virUVQueryValue *feat = &uv->values[VIR_UV_QUERY_FEATURE_INDICATIONS];

    if (uv->has_facilities) {
        g_auto(GStrv) names = virUVFacilityNames(uv);

        virtPVHostAddStrv(b, "calls", names);
        virtPVHostAddBool(b, "dump", virUVInfoCanDump(uv));
        virtPVHostAddBool(b, "attestation",
                          virUVInfoHasFacility(uv, VIR_UV_FACILITY_RETRIEVE_ATTESTATION));
        virtPVHostAddBool(b, "secrets", virUVInfoHasFacility(uv, VIR_UV_FACILITY_ADD_SECRET));
    }
    if (feat->present) {
        g_auto(GStrv) names = virUVFeatureNames(feat->value);

        virtPVHostAddStrv(b, "features", names);
    }
    if (ver->present) {
        g_auto(GStrv) names = virUVHeaderVersionNames(ver->value);

        virtPVHostAddStrv(b, "se_header_versions", names);
    }
    if (pcf->present) {
        g_auto(GStrv) names = virSEImagePCFNames(pcf->value);

        virtPVHostAddStrv(b, "se_header_flags", names);
    }
}

/* Counts as numbers, hex values (bitmaps and addresses, u64 that a JSON
 * number may not hold) as "0x..." text. */
static void
virtPVHostJSONValues(JsonBuilder *b, const virUVInfo *uv)
{
    guint field;

    for (field = 0; field < VIR_UV_QUERY_LAST; field++) {
        const virUVQueryValue *v = &uv->values[field];

        if (!v->present)
            continue;
        json_builder_set_member_name(b, virUVQueryFieldToString(field));
        if (virUVQueryFieldIsHex(field)) {
            g_autofree char *hex = virtPVHostQueryValueText(field, v->value);

            json_builder_add_string_value(b, hex);
        } else {
            json_builder_add_int_value(b, (gint64)v->value);
        }
    }
}

static void
virtPVHostJSONKeys(JsonBuilder *b, const virUVInfo *uv)
{
    json_builder_set_member_name(b, "keys");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "state");
    json_builder_add_string_value(b, virUVKeysStateToString(uv->keys_state));
    if (uv->keys_state == VIR_UV_KEYS_OK) {
        json_builder_set_member_name(b, "host_key");
        json_builder_add_string_value(b, uv->host_key);
        json_builder_set_member_name(b, "backup_host_key");
        json_builder_add_string_value(b, uv->backup_host_key);
    } else if (uv->keys_problem) {
        json_builder_set_member_name(b, "problem");
        json_builder_add_string_value(b, uv->keys_problem);
    }
    json_builder_end_object(b);
}

static void
virtPVHostJSONUV(JsonBuilder *b, const virUVInfo *uv)
{
    guint i;

    if (!uv || !uv->query)
        return;
    json_builder_set_member_name(b, "ultravisor");
    json_builder_begin_object(b);
    virtPVHostJSONValues(b, uv);
    virtPVHostJSONDecoded(b, uv);
    virtPVHostJSONKeys(b, uv);
    json_builder_set_member_name(b, "ignored");
    json_builder_begin_array(b);
    for (i = 0; i < uv->problems->len; i++)
        json_builder_add_string_value(b, g_ptr_array_index(uv->problems, i));
    json_builder_end_array(b);
    json_builder_end_object(b);
}

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

    if (!opts->quiet)
        virtPVHostPrintUV(state->uv);
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

    virtPVHostJSONUV(b, state->uv);
    json_builder_end_object(b);
    virtPVPrintJSON(b);
}

static int
virtPVHostValidate(const virtPVGlobalOptions *opts, gpointer cmd_opts, int argc, char **argv)
{
    const virtPVCapsOptions *copts = cmd_opts;
    g_autoptr(virHostPVState) state = NULL;
    g_autoptr(virHostValidateReport) report = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(virQEMUCapsPV) qemu = { 0 };
    gboolean with_qemu = virtPVCapsWanted(copts);

    if (argc > 1)
        return virtPVReportUnexpected(argv[1]);
    if (!virHostPVStateRead(opts->root, &state, &error))
        return virtPVReportError(error);
    if (with_qemu && !virtPVHostProbeQEMU(opts, copts, state, &qemu, &error))
        return virtPVReportError(error);

    report = virHostValidateRun(state, with_qemu ? &qemu : NULL);
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
    .options_size = sizeof(virtPVCapsOptions),
    .run = virtPVHostValidate,
};
