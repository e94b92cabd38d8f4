/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <glib/gi18n.h>

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
    fprintf(out, "  %s%-7s%s  %-25s %s%s%s\n",
            virtPVColorCode(opts, virtPVFindingColors[f->severity]),
            virQEMUFindingSeverityToString(f->severity),
            virtPVColorCode(opts, VIRT_PV_COLOR_RESET), f->code,
            virtPVColorCode(opts, VIRT_PV_COLOR_DIM), f->xpath,
            virtPVColorCode(opts, VIRT_PV_COLOR_RESET));
    fprintf(out, "           %s\n", f->message);
    if (f->hint)
        fprintf(out, "           %s %s\n", _("hint:"), f->hint);
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
    const char *name = def->name ? def->name : "";
    guint i;

    if (opts->quiet && result->findings->len == 0)
        return;
    if (result->mode == VIR_QEMU_PV_MODE_NONE && result->findings->len == 0) {
        fprintf(out, _("%s: domain '%s' is not a PV guest (no launchSecurity, no "
                       "urn:virt-pv:1 metadata marker, no --pv): nothing to check\n"),
                file, name);
        return;
    }
    fprintf(out, _("%s: domain '%s', PV mode %s\n"), file, name,
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

        if (f->hint)
            fprintf(out, "%s: %s: %s (%s)\n", f->code, f->xpath, f->message, f->hint);
        else
            fprintf(out, "%s: %s: %s\n", f->code, f->xpath, f->message);
    }
}

static void
virtPVFindingsAddMember(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_set_member_name(b, name);
    if (value)
        json_builder_add_string_value(b, value);
    else
        json_builder_add_null_value(b);
}

void
virtPVFindingsBuildJSON(JsonBuilder *b, const char *file, const virDomainDef *def,
                        const virQEMUValidateResult *result)
{
    guint i;

    json_builder_begin_object(b);
    virtPVFindingsAddMember(b, "file", file);
    virtPVFindingsAddMember(b, "domain", def->name);
    virtPVFindingsAddMember(b, "mode", virQEMUPVModeToString(result->mode));
    json_builder_set_member_name(b, "ok");
    json_builder_add_boolean_value(b, result->ok);
    json_builder_set_member_name(b, "problems");
    json_builder_begin_array(b);
    for (i = 0; i < result->findings->len; i++) {
        const virQEMUFinding *f = g_ptr_array_index(result->findings, i);

        json_builder_begin_object(b);
        virtPVFindingsAddMember(b, "code", f->code);
        virtPVFindingsAddMember(b, "severity", virQEMUFindingSeverityToString(f->severity));
        virtPVFindingsAddMember(b, "message", f->message);
        virtPVFindingsAddMember(b, "hint", f->hint ? f->hint : "");
        virtPVFindingsAddMember(b, "xpath", f->xpath);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
}
