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

/* JSON is written by hand here: validate prints one object per domain,
 * and over a large batch json-glib's builder and generator cost more than
 * parsing the XML.  Escapes as json-glib does, so the output is the same. */
static void
virtPVJSONAppendString(GString *out, const char *value)
{
    g_autofree char *valid = NULL;
    const char *p;

    if (!value) {
        g_string_append(out, "null");
        return;
    }
    if (!g_utf8_validate(value, -1, NULL))
        value = valid = g_utf8_make_valid(value, -1);
    g_string_append_c(out, '"');
    for (p = value; *p; p++) {
        guchar c = (guchar)*p;

        switch (c) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (c < 0x20)
                g_string_append_printf(out, "\\u%04x", c);
            else
                g_string_append_c(out, (char)c);
        }
    }
    g_string_append_c(out, '"');
}

static void
virtPVJSONAppendMember(GString *out, const char *name, const char *value, gboolean first)
{
    if (!first)
        g_string_append_c(out, ',');
    g_string_append_printf(out, "\"%s\":", name);
    virtPVJSONAppendString(out, value);
}

static void
virtPVFindingAppendJSON(GString *out, const virQEMUFinding *f)
{
    g_string_append_c(out, '{');
    virtPVJSONAppendMember(out, "code", f->code, TRUE);
    virtPVJSONAppendMember(out, "severity", virQEMUFindingSeverityToString(f->severity), FALSE);
    virtPVJSONAppendMember(out, "message", f->message, FALSE);
    virtPVJSONAppendMember(out, "hint", f->hint ? f->hint : "", FALSE);
    virtPVJSONAppendMember(out, "xpath", f->xpath, FALSE);
    g_string_append_c(out, '}');
}

void
virtPVFindingsAppendJSON(GString *out, const char *file, const virDomainDef *def,
                         const virQEMUValidateResult *result)
{
    virtPVFindingsAppendJSONFull(out, file, NULL, def, result, NULL);
}

void
virtPVFindingsAppendJSONFull(GString *out, const char *file, const char *uri,
                             const virDomainDef *def, const virQEMUValidateResult *result,
                             const char *decision)
{
    guint i;

    g_string_append_c(out, '{');
    virtPVJSONAppendMember(out, "file", file, TRUE);
    if (uri)
        virtPVJSONAppendMember(out, "uri", uri, FALSE);
    virtPVJSONAppendMember(out, "domain", def->name, FALSE);
    virtPVJSONAppendMember(out, "mode", virQEMUPVModeToString(result->mode), FALSE);
    g_string_append_printf(out, ",\"ok\":%s", result->ok ? "true" : "false");
    if (decision)
        virtPVJSONAppendMember(out, "decision", decision, FALSE);
    g_string_append(out, ",\"problems\":[");
    for (i = 0; i < result->findings->len; i++) {
        if (i > 0)
            g_string_append_c(out, ',');
        virtPVFindingAppendJSON(out, g_ptr_array_index(result->findings, i));
    }
    g_string_append(out, "]}");
}

void
virtPVFindingsAppendErrorJSON(GString *out, const char *label, const char *uri,
                              const char *message)
{
    g_string_append_c(out, '{');
    virtPVJSONAppendMember(out, "file", label, TRUE);
    if (uri)
        virtPVJSONAppendMember(out, "uri", uri, FALSE);
    virtPVJSONAppendMember(out, "domain", uri ? label : NULL, FALSE);
    g_string_append(out, ",\"ok\":false");
    virtPVJSONAppendMember(out, "error", message, FALSE);
    g_string_append(out, ",\"problems\":[]}");
}

/* The same object as a value of @builder, for outputs that hold more
 * than the findings (fix); built from the text above so that the shape
 * has one definition. */
void
virtPVFindingsBuildJSON(JsonBuilder *builder, const char *file, const virDomainDef *def,
                        const virQEMUValidateResult *result)
{
    g_autoptr(GString) text = g_string_new(NULL);

    virtPVFindingsAppendJSON(text, file, def, result);
    json_builder_add_value(builder, json_from_string(text->str, NULL));
}
