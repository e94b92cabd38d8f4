/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <glib/gi18n.h>

#include "util/virstring.h"
#include "virt-pv-findings.h"

static const virtPVColor virtPVFindingColors[] = {
    VIRT_PV_COLOR_BAD,
    VIRT_PV_COLOR_WARN,
    VIRT_PV_COLOR_DIM,
};
G_STATIC_ASSERT(G_N_ELEMENTS(virtPVFindingColors) == VIR_QEMU_FINDING_LAST);

static void
virtPVFindingPrintLong(const virtPVGlobalOptions *opts, FILE *out, const virQEMUFinding *f)
{
    g_autofree char *message = virStringEscapeControl(f->message);
    g_autofree char *hint = virStringEscapeControl(f->hint);

    fprintf(out, "  %s%-7s%s  %-25s %s%s%s\n",
            virtPVColorCode(opts, virtPVFindingColors[f->severity]),
            virQEMUFindingSeverityToString(f->severity),
            virtPVColorCode(opts, VIRT_PV_COLOR_RESET), f->code,
            virtPVColorCode(opts, VIRT_PV_COLOR_DIM), f->xpath,
            virtPVColorCode(opts, VIRT_PV_COLOR_RESET));
    fprintf(out, "           %s\n", message);
    if (f->hint)
        fprintf(out, "           %s %s\n", _("hint:"), hint);
}

static void
virtPVFindingsPrintVerdict(const virtPVGlobalOptions *opts, FILE *out,
                           const virQEMUValidateResult *result)
{
    g_autofree char *errors =
        g_strdup_printf(ngettext("%u error", "%u errors", result->nerrors), result->nerrors);
    g_autofree char *warnings = g_strdup_printf(
        ngettext("%u warning", "%u warnings", result->nwarnings), result->nwarnings);
    g_autofree char *notes =
        g_strdup_printf(ngettext("%u note", "%u notes", result->nnotes), result->nnotes);

    fprintf(out, "  %s%s%s (%s, %s, %s)\n",
            virtPVColorCode(opts, result->ok ? VIRT_PV_COLOR_GOOD : VIRT_PV_COLOR_BAD),
            result->ok ? "PASS" : "FAIL", virtPVColorCode(opts, VIRT_PV_COLOR_RESET),
            errors, warnings, notes);
}

void
virtPVFindingsPrintLong(const virtPVGlobalOptions *opts, FILE *out, const char *file,
                        const virDomainDef *def, const virQEMUValidateResult *result)
{
    g_autofree char *name = virStringEscapeControl(def->name);
    g_autofree char *safe_file = virStringEscapeControl(file);
    guint i;

    if (opts->quiet && result->findings->len == 0)
        return;
    if (result->mode == VIR_QEMU_PV_MODE_NONE && result->findings->len == 0) {
        fprintf(out, _("%s: domain '%s' is not a PV guest (no launchSecurity, no "
                       "urn:virt-pv:1 metadata marker, no --pv): nothing to check\n"),
                safe_file, name);
        return;
    }
    fprintf(out, _("%s: domain '%s', PV mode %s\n"), safe_file, name,
            virQEMUPVModeToString(result->mode));
    for (i = 0; i < result->findings->len; i++)
        virtPVFindingPrintLong(opts, out, g_ptr_array_index(result->findings, i));
    virtPVFindingsPrintVerdict(opts, out, result);
}

void
virtPVFindingsPrintShort(FILE *out, const virQEMUValidateResult *result)
{
    guint i;

    for (i = 0; i < result->findings->len; i++) {
        const virQEMUFinding *f = g_ptr_array_index(result->findings, i);
        g_autofree char *message = virStringEscapeControl(f->message);
        g_autofree char *hint = virStringEscapeControl(f->hint);

        if (f->hint)
            fprintf(out, "%s: %s: %s (%s)\n", f->code, f->xpath, message, hint);
        else
            fprintf(out, "%s: %s: %s\n", f->code, f->xpath, message);
    }
}

void
virtPVFindingsPrintWarnings(FILE *out, const char *file, const virQEMUValidateResult *result)
{
    g_autofree char *safe_file = virStringEscapeControl(file);
    guint i;

    for (i = 0; i < result->findings->len; i++) {
        const virQEMUFinding *f = g_ptr_array_index(result->findings, i);
        g_autofree char *message = NULL;

        if (f->severity != VIR_QEMU_FINDING_WARNING)
            continue;
        message = virStringEscapeControl(f->message);
        fprintf(out, _("warning: %s: %s at '%s': %s\n"), safe_file, f->code, f->xpath, message);
    }
}

/* A member of text from the input: json-glib writes what it is given,
 * so text that is not UTF-8 is made valid first; NULL is null. */
static void
virtPVJSONAddString(JsonBuilder *b, const char *name, const char *value)
{
    g_autofree char *valid = NULL;

    json_builder_set_member_name(b, name);
    if (!value) {
        json_builder_add_null_value(b);
        return;
    }
    if (!g_utf8_validate(value, -1, NULL))
        value = valid = g_utf8_make_valid(value, -1);
    json_builder_add_string_value(b, value);
}

static void
virtPVFindingBuildJSON(JsonBuilder *b, const virQEMUFinding *f)
{
    json_builder_begin_object(b);
    virtPVJSONAddString(b, "code", f->code);
    virtPVJSONAddString(b, "severity", virQEMUFindingSeverityToString(f->severity));
    virtPVJSONAddString(b, "message", f->message);
    virtPVJSONAddString(b, "hint", f->hint ? f->hint : "");
    virtPVJSONAddString(b, "xpath", f->xpath);
    json_builder_end_object(b);
}

void
virtPVFindingsBuildJSON(JsonBuilder *b, const char *file, const char *uri,
                        const virDomainDef *def, const virQEMUValidateResult *result,
                        const char *decision)
{
    guint i;

    json_builder_begin_object(b);
    virtPVJSONAddString(b, "file", file);
    if (uri)
        virtPVJSONAddString(b, "uri", uri);
    virtPVJSONAddString(b, "domain", def->name);
    virtPVJSONAddString(b, "mode", virQEMUPVModeToString(result->mode));
    json_builder_set_member_name(b, "ok");
    json_builder_add_boolean_value(b, result->ok);
    if (decision)
        virtPVJSONAddString(b, "decision", decision);
    json_builder_set_member_name(b, "problems");
    json_builder_begin_array(b);
    for (i = 0; i < result->findings->len; i++)
        virtPVFindingBuildJSON(b, g_ptr_array_index(result->findings, i));
    json_builder_end_array(b);
    json_builder_end_object(b);
}

void
virtPVFindingsBuildErrorJSON(JsonBuilder *b, const char *label, const char *uri,
                             const char *message)
{
    json_builder_begin_object(b);
    virtPVJSONAddString(b, "file", label);
    if (uri)
        virtPVJSONAddString(b, "uri", uri);
    virtPVJSONAddString(b, "domain", uri ? label : NULL);
    json_builder_set_member_name(b, "ok");
    json_builder_add_boolean_value(b, FALSE);
    virtPVJSONAddString(b, "error", message);
    json_builder_set_member_name(b, "problems");
    json_builder_begin_array(b);
    json_builder_end_array(b);
    json_builder_end_object(b);
}
