/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "qemu/qemu_fix.h"
#include "qemu/qemu_validate.h"
#include "util/virfile.h"
#include "virt-pv-findings.h"
#include "virt-pv-validate.h"
#include "virt-pv.h"

/* virt-pv fix: repair a definition for PV, changing nothing else. */

static char *virtPVFixModeName;
static char *virtPVFixOutput;
static gboolean virtPVFixInPlace;
static char *virtPVFixBackup;

static const GOptionEntry virtPVFixEntries[] = {
    { "mode", 0, 0, G_OPTION_ARG_STRING, &virtPVFixModeName,
      N_("launch-security (the default: add <launchSecurity type='s390-pv'/>) or iommu "
         "(iommu='on' on every virtio device)"),
      N_("MODE") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &virtPVFixOutput,
      N_("Write the repaired definition to OUT instead of standard output"), N_("OUT") },
    { "in-place", 0, 0, G_OPTION_ARG_NONE, &virtPVFixInPlace,
      N_("Replace FILE with the repaired definition (atomically)"), NULL },
    { "backup", 0, 0, G_OPTION_ARG_STRING, &virtPVFixBackup,
      N_("With --in-place, keep the original as FILE followed by SUFFIX"), N_("SUFFIX") },
    { NULL }
};

static gboolean
virtPVFixCheckOptions(int argc, char **argv, virQEMUFixMode *ret_mode)
{
    *ret_mode = VIR_QEMU_FIX_MODE_LAUNCH_SECURITY;
    if (argc != 2) {
        fprintf(stderr, argc < 2 ? _("error: no domain XML file given\n")
                                 : _("error: fix takes exactly one file\n"));
        return FALSE;
    }
    if (virtPVFixModeName && !virQEMUFixModeFromString(virtPVFixModeName, ret_mode)) {
        fprintf(stderr, _("error: unknown mode '%s' (expected 'launch-security' or 'iommu')\n"),
                virtPVFixModeName);
        return FALSE;
    }
    if (virtPVFixInPlace && g_str_equal(argv[1], "-")) {
        fprintf(stderr, _("error: --in-place needs a file, not standard input\n"));
        return FALSE;
    }
    if (virtPVFixInPlace && virtPVFixOutput) {
        fprintf(stderr, _("error: --in-place and --output exclude each other\n"));
        return FALSE;
    }
    if (virtPVFixBackup && (!virtPVFixInPlace || !*virtPVFixBackup)) {
        fprintf(stderr, _("error: --backup needs --in-place and a non-empty suffix\n"));
        return FALSE;
    }
    return TRUE;
}

static void
virtPVFixPrintChanges(const virtPVGlobalOptions *opts, const char *path,
                      const virQEMUFixResult *result)
{
    guint i;

    if (opts->quiet)
        return;
    if (result->changes->len == 0) {
        fprintf(stderr, _("%s: nothing to repair\n"), path);
        return;
    }
    for (i = 0; i < result->changes->len; i++) {
        const virQEMUFixChange *change = g_ptr_array_index(result->changes, i);

        fprintf(stderr, _("%s: %s: %s\n"), path, change->xpath, change->message);
    }
}

/* What is left after the repairs: validation of the repaired text, as
 * a PV guest even where fix did not make it one (another architecture),
 * without the kernel check, which is not about the definition's text. */
static virQEMUValidateResult *
virtPVFixRemaining(const char *path, const virQEMUFixResult *result, virDomainDef **ret_def,
                   GError **error)
{
    virQEMUValidateContext ctx = { .force_pv = TRUE };
    g_autoptr(virDomainDef) fixed = NULL;

    if (!virDomainDefParseString(result->xml, result->len, path, 0, &fixed, error))
        return NULL;
    *ret_def = g_steal_pointer(&fixed);
    return virQEMUValidateDomain(&ctx, *ret_def);
}

static void
virtPVFixPrintRemaining(const char *path, const virQEMUValidateResult *remaining)
{
    if (remaining->findings->len == 0)
        return;
    fprintf(stderr, _("%s: left as it is, not safe to repair:\n"), path);
    virtPVFindingsPrintShort(stderr, remaining);
}

static void
virtPVFixPrintJSON(const char *path, virQEMUFixMode mode, const virQEMUFixResult *result,
                   const virDomainDef *fixed, const virQEMUValidateResult *remaining,
                   gboolean with_xml)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    guint i;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "file");
    json_builder_add_string_value(b, path);
    json_builder_set_member_name(b, "mode");
    json_builder_add_string_value(b, virQEMUFixModeToString(mode));
    json_builder_set_member_name(b, "changed");
    json_builder_add_boolean_value(b, result->changes->len > 0);
    json_builder_set_member_name(b, "changes");
    json_builder_begin_array(b);
    for (i = 0; i < result->changes->len; i++) {
        const virQEMUFixChange *change = g_ptr_array_index(result->changes, i);

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "xpath");
        json_builder_add_string_value(b, change->xpath);
        json_builder_set_member_name(b, "message");
        json_builder_add_string_value(b, change->message);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "remaining");
    virtPVFindingsBuildJSON(b, path, fixed, remaining);
    if (with_xml) {
        json_builder_set_member_name(b, "xml");
        json_builder_add_string_value(b, result->xml);
    }
    json_builder_end_object(b);
    virtPVPrintJSON(b);
}

/* Replace @path with @data as the original was: through a symbolic link
 * (the link stays, its target is replaced), with the original's mode, and
 * as root with its owner. */
static gboolean
virtPVFixReplace(const char *path, const struct stat *orig, const char *data, gsize len,
                 GError **error)
{
    if (!virFileWriteAtomic(path, data, len, (int)(orig->st_mode & 07777), error))
        return FALSE;
    if (geteuid() == 0 && chown(path, orig->st_uid, orig->st_gid) < 0) {
        int saved = errno;

        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
                    _("cannot give '%s' back its owner: %s"), path, g_strerror(saved));
        return FALSE;
    }
    return TRUE;
}

static gboolean
virtPVFixInPlaceWrite(const char *path, const virDomainDef *def, const virQEMUFixResult *result,
                      GError **error)
{
    g_autofree char *target = realpath(path, NULL);
    struct stat sb;

    if (!target || stat(target, &sb) < 0) {
        int saved = errno;

        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
                    _("cannot replace '%s': %s"), path, g_strerror(saved));
        return FALSE;
    }
    if (virtPVFixBackup) {
        g_autofree char *backup = g_strconcat(target, virtPVFixBackup, NULL);

        if (!virtPVFixReplace(backup, &sb, def->xml, def->xml_len, error))
            return FALSE;
    }
    return virtPVFixReplace(target, &sb, result->xml, result->len, error);
}

static gboolean
virtPVFixWrite(const char *path, const virDomainDef *def, const virQEMUFixResult *result,
               GError **error)
{
    struct stat sb;

    if (virtPVFixOutput) {
        int mode = stat(path, &sb) == 0 ? (int)(sb.st_mode & 07777) : 0644;

        return virFileWriteAtomic(virtPVFixOutput, result->xml, result->len, mode, error);
    }
    if (!virtPVFixInPlace) {
        fwrite(result->xml, 1, result->len, stdout);
        return TRUE;
    }
    /* Nothing to repair: leave the file, and its time stamps, alone. */
    if (result->changes->len == 0)
        return TRUE;
    return virtPVFixInPlaceWrite(path, def, result, error);
}

static int
virtPVFix(virtPVGlobalOptions *opts, int argc, char **argv)
{
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virQEMUFixResult) result = NULL;
    g_autoptr(virDomainDef) fixed = NULL;
    g_autoptr(virQEMUValidateResult) remaining = NULL;
    g_autoptr(GError) error = NULL;
    virQEMUFixMode mode;
    gboolean to_stdout;

    if (!virtPVFixCheckOptions(argc, argv, &mode))
        return VIRT_PV_EXIT_ERROR;
    to_stdout = !virtPVFixOutput && !virtPVFixInPlace;
    if (!virtPVValidateParse(argv[1], &def, &error) ||
        !virQEMUFixDomain(def, mode, &result, &error) ||
        !(remaining = virtPVFixRemaining(argv[1], result, &fixed, &error)))
        return virtPVReportError(error);

    if (opts->json) {
        virtPVFixPrintJSON(argv[1], mode, result, fixed, remaining, to_stdout);
    } else {
        virtPVFixPrintChanges(opts, argv[1], result);
        virtPVFixPrintRemaining(argv[1], remaining);
    }
    /* With --json and no file to write, the XML is in the JSON. */
    if (!(opts->json && to_stdout) && !virtPVFixWrite(argv[1], def, result, &error))
        return virtPVReportError(error);
    return remaining->nerrors > 0 ? VIRT_PV_EXIT_FINDINGS : VIRT_PV_EXIT_OK;
}

const virtPVCommand virtPVCommandFix = {
    .name = "fix",
    .params = N_("FILE|-"),
    .summary = N_("Repair a domain definition for PV, changing nothing else"),
    .options = virtPVFixEntries,
    .run = virtPVFix,
};
