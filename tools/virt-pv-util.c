/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "qemu/qemu_capscache.h"
#include "util/virstring.h"
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
    g_autofree char *message = virStringEscapeControl(error->message);

    fprintf(stderr, _("error: %s\n"), message);
    return VIRT_PV_EXIT_ERROR;
}

/* An operand that the command does not take. */
int
virtPVReportUnexpected(const char *arg)
{
    g_autoptr(GError) error = NULL;

    g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("unexpected argument '%s'"),
                arg);
    return virtPVReportError(error);
}

/* A named emulator as an absolute path (the cache is keyed by it); a bare
 * name is looked up in PATH. */
char *
virtPVCapsEmulatorPath(const char *emulator)
{
    g_autofree char *found = NULL;

    if (!emulator)
        return g_strdup(VIR_QEMU_CAPS_DEFAULT_EMULATOR);
    if (!strchr(emulator, '/') && (found = g_find_program_in_path(emulator)))
        return g_steal_pointer(&found);
    return g_canonicalize_filename(emulator, NULL);
}

static guint
virtPVCapsTimeoutMs(const virtPVCapsOptions *copts)
{
    return copts->timeout_s > 0 ? (guint)copts->timeout_s * 1000 : 0;
}

/* The longest --timeout accepted: an hour is already no bound at all. */
#define VIRT_PV_CAPS_MAX_TIMEOUT 3600

gboolean
virtPVCapsCheckOptions(const virtPVCapsOptions *copts, GError **error)
{
    if (copts->timeout_s < 0 || copts->timeout_s > VIRT_PV_CAPS_MAX_TIMEOUT) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    _("--timeout must be between 1 and %d seconds"), VIRT_PV_CAPS_MAX_TIMEOUT);
        return FALSE;
    }
    if (copts->caps_file && copts->emulator) {
        g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            _("--caps and --emulator exclude each other"));
        return FALSE;
    }
    if (copts->no_cache && copts->cache_dir) {
        g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            _("--no-cache and --cache-dir exclude each other"));
        return FALSE;
    }
    return TRUE;
}

gboolean
virtPVCapsWanted(const virtPVCapsOptions *copts)
{
    return copts->caps_file || copts->emulator;
}

gboolean
virtPVCapsLoad(const virtPVGlobalOptions *opts, const virtPVCapsOptions *copts,
               const virHostPVState *host, virQEMUCaps **ret_caps, char **ret_warning,
               GError **error)
{
    g_autofree char *emulator = virtPVCapsEmulatorPath(copts->emulator);
    virQEMUCapsProbeOptions probe = { virtPVCapsTimeoutMs(copts), copts->record };
    g_autoptr(virHostPVState) own_host = NULL;
    g_autofree char *warning = NULL;

    if (copts->replies)
        return virQEMUCapsNewFromReplies(copts->replies, emulator, ret_caps, error);
    if (copts->caps_file)
        return virQEMUCapsLoadFile(copts->caps_file, ret_caps, error);
    if (copts->no_cache || copts->record)
        return virQEMUCapsProbe(emulator, &probe, ret_caps, error);
    if (!host && !virHostPVStateReadKernel(opts->root, &own_host, error))
        return FALSE;
    if (!virQEMUCapsCacheLookup(copts->cache_dir, emulator, host ? host : own_host,
                                probe.timeout_ms, ret_caps, &warning, error))
        return FALSE;
    if (ret_warning) {
        *ret_warning = g_steal_pointer(&warning);
    } else if (warning) {
        g_autofree char *shown = virStringEscapeControl(warning);

        fprintf(stderr, _("warning: %s\n"), shown);
    }
    return TRUE;
}

gboolean
virtPVCapsLoadForValidation(const virtPVGlobalOptions *opts, const virtPVCapsOptions *copts,
                            const virHostPVState *host, virQEMUCaps **ret_caps,
                            virQEMUCapsPV *ret_vcaps, GError **error)
{
    g_autoptr(virQEMUCaps) caps = NULL;

    if (!virtPVCapsCheckOptions(copts, error))
        return FALSE;
    if (!virtPVCapsWanted(copts))
        return TRUE;
    if (!virtPVCapsLoad(opts, copts, host, &caps, NULL, error))
        return FALSE;
    virQEMUCapsGetPV(caps, ret_vcaps);
    if (ret_caps)
        *ret_caps = g_steal_pointer(&caps);
    return TRUE;
}
