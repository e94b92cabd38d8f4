/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "qemu/qemu_fix.h"
#include "qemu/qemu_validate.h"
#include "util/virfile.h"
#include "util/virstring.h"
#include "virt-pv-findings.h"
#include "virt-pv.h"

/* virt-pv fix: repair a definition for PV, changing nothing else. */

typedef struct {
    char *mode;
    char *output;
    gboolean in_place;
    char *backup;
} virtPVFixOptions;

static const GOptionEntry virtPVFixEntries[] = {
    { "mode", 0, 0, G_OPTION_ARG_STRING, VIRT_PV_OPTION_FIELD(virtPVFixOptions, mode),
      N_("launch-security (the default: add <launchSecurity type='s390-pv'/>) or iommu "
         "(iommu='on' on every virtio device)"),
      N_("MODE") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, VIRT_PV_OPTION_FIELD(virtPVFixOptions, output),
      N_("Write the repaired definition to OUT instead of standard output"), N_("OUT") },
    { "in-place", 0, 0, G_OPTION_ARG_NONE, VIRT_PV_OPTION_FIELD(virtPVFixOptions, in_place),
      N_("Replace FILE with the repaired definition (atomically)"), NULL },
    { "backup", 0, 0, G_OPTION_ARG_STRING, VIRT_PV_OPTION_FIELD(virtPVFixOptions, backup),
      N_("With --in-place, keep the original as FILE followed by SUFFIX"), N_("SUFFIX") },
    { NULL }
};

static gboolean
virtPVFixCheckOptions(const virtPVFixOptions *fopts, int argc, virQEMUFixMode *ret_mode)
{
    *ret_mode = VIR_QEMU_FIX_MODE_LAUNCH_SECURITY;
    if (argc != 2) {
        fprintf(stderr, argc < 2 ? _("error: no domain XML file given\n")
                                 : _("error: fix takes exactly one file\n"));
        return FALSE;
    }
    if (fopts->mode && !virQEMUFixModeFromString(fopts->mode, ret_mode)) {
        fprintf(stderr, _("error: unknown mode '%s' (expected 'launch-security' or 'iommu')\n"),
                fopts->mode);
        return FALSE;
    }
    if (fopts->in_place && fopts->output) {
        fprintf(stderr, _("error: --in-place and --output exclude each other\n"));
        return FALSE;
    }
    if (fopts->backup && (!fopts->in_place || !*fopts->backup)) {
        fprintf(stderr, _("error: --backup needs --in-place and a non-empty suffix\n"));
        return FALSE;
    }
    return TRUE;
}

static void
virtPVFixPrintChanges(const virtPVGlobalOptions *opts, const char *path,
                      const virQEMUFixResult *result)
{
    g_autofree char *shown = virStringEscapeControl(path);
    guint i;

    if (opts->quiet)
        return;
    if (result->changes->len == 0) {
        fprintf(stderr, _("%s: nothing to repair\n"), shown);
        return;
    }
    for (i = 0; i < result->changes->len; i++) {
        const virQEMUFixChange *change = g_ptr_array_index(result->changes, i);
        g_autofree char *message = virStringEscapeControl(change->message);

        fprintf(stderr, _("%s: %s: %s\n"), shown, change->xpath, message);
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
    g_autofree char *shown = NULL;

    if (remaining->findings->len == 0)
        return;
    shown = virStringEscapeControl(path);
    fprintf(stderr, _("%s: left as it is, not safe to repair:\n"), shown);
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
    virtPVFindingsBuildJSON(b, path, NULL, fixed, remaining, NULL);
    if (with_xml) {
        json_builder_set_member_name(b, "xml");
        json_builder_add_string_value(b, result->xml);
    }
    json_builder_end_object(b);
    virtPVPrintJSON(b);
}

/*
 * Where fix reads and writes.  With --in-place, the file is found once:
 * its directory is opened and held, the file opened in it by descriptor,
 * and the repaired text replaces that very inode in that very directory,
 * or nothing is written (see virFileReplaceAt()).  Whatever is renamed or
 * swapped around it meanwhile, nothing is read from one file and written
 * to another, and nothing is written outside the file's own directory.
 */
typedef struct {
    char *dir;         /* the directory, after every symbolic link */
    char *name;        /* the file's name in it */
    int dirfd;
    struct stat sb;    /* the file as it was read */
    char *xml;
    gsize len;
} virtPVFixTarget;

static void
virtPVFixTargetFree(virtPVFixTarget *target)
{
    if (!target)
        return;
    if (target->dirfd >= 0)
        close(target->dirfd);
    g_free(target->dir);
    g_free(target->name);
    g_free(target->xml);
    g_free(target);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virtPVFixTarget, virtPVFixTargetFree);

/* As root, a symbolic link on the way to the file must belong to root or
 * to the file's owner: an ordinary user's link cannot lead root to a file
 * that user may not write (the rule of the kernel's protected_symlinks,
 * applied everywhere). */
static gboolean
virtPVFixCheckLinks(const char *path, const struct stat *file, GError **error)
{
    g_autofree char *abs = g_canonicalize_filename(path, NULL);
    g_auto(GStrv) parts = g_strsplit(abs + 1, "/", -1);
    g_autoptr(GString) prefix = g_string_new(NULL);
    guint i;

    if (geteuid() != 0)
        return TRUE;
    for (i = 0; parts[i]; i++) {
        struct stat sb;

        g_string_append_c(prefix, '/');
        g_string_append(prefix, parts[i]);
        if (lstat(prefix->str, &sb) < 0 || !S_ISLNK(sb.st_mode))
            continue;
        if (sb.st_uid != 0 && sb.st_uid != file->st_uid) {
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_PERM,
                        _("'%s' is a symbolic link of uid %u to a file of uid %u; as root, "
                          "--in-place follows only links of root or of the file's owner"),
                        prefix->str, (guint)sb.st_uid, (guint)file->st_uid);
            return FALSE;
        }
    }
    return TRUE;
}

/* Find, check and read the file that --in-place will replace. */
static gboolean
virtPVFixOpenTarget(const char *path, virtPVFixTarget **ret_target, GError **error)
{
    g_autoptr(virtPVFixTarget) target = g_new0(virtPVFixTarget, 1);
    g_autofree char *resolved = realpath(path, NULL);
    int fd;
    gboolean ok;

    target->dirfd = -1;
    if (!resolved) {
        int saved = errno;

        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
                    _("cannot open '%s': %s"), path, g_strerror(saved));
        return FALSE;
    }
    target->dir = g_path_get_dirname(resolved);
    target->name = g_path_get_basename(resolved);
    if ((target->dirfd = virFileOpenDir(target->dir, 0, error)) < 0 ||
        !virFileOpenRegularAt(target->dirfd, path, target->name, VIR_FILE_OPEN_NOFOLLOW, &fd,
                              &target->sb, error))
        return FALSE;
    ok = virFileReadFd(fd, path, VIR_DOMAIN_XML_MAX, &target->xml, &target->len, error);
    close(fd);
    if (!ok || !virtPVFixCheckLinks(path, &target->sb, error))
        return FALSE;
    *ret_target = g_steal_pointer(&target);
    return TRUE;
}

/* Write @data as @name in the target's directory, with the original's
 * owner and permission bits; @same_file: only over the inode read. */
static gboolean
virtPVFixReplace(const virtPVFixTarget *target, const char *name, const char *data, gsize len,
                 gboolean same_file, GError **error)
{
    virFileReplaceOptions ropts = {
        .mode = target->sb.st_mode & 0777,
        .chown = geteuid() == 0,
        .uid = target->sb.st_uid,
        .gid = target->sb.st_gid,
        .same_file = same_file,
        .dev = target->sb.st_dev,
        .ino = target->sb.st_ino,
    };

    return virFileReplaceAt(target->dirfd, target->dir, name, data, len, &ropts, error);
}

static gboolean
virtPVFixInPlaceWrite(const virtPVFixOptions *fopts, const virtPVFixTarget *target,
                      const virQEMUFixResult *result, GError **error)
{
    if (fopts->backup) {
        g_autofree char *backup = g_strconcat(target->name, fopts->backup, NULL);

        if (strchr(fopts->backup, '/')) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        _("--backup takes a suffix, not a path: '%s'"), fopts->backup);
            return FALSE;
        }
        if (!virtPVFixReplace(target, backup, target->xml, target->len, FALSE, error))
            return FALSE;
    }
    return virtPVFixReplace(target, target->name, result->xml, result->len, TRUE, error);
}

/* The mode of a file that -o creates: what a new file gets (0644 under
 * the umask), never more than the input has, and never the input's
 * group or other write, set-id or sticky bits when the input is someone
 * else's.  An existing output keeps its own permission bits. */
static mode_t
virtPVFixOutputMode(int dirfd, const char *name, const struct stat *input)
{
    mode_t mask = umask(0);
    mode_t mode = 0644 & ~mask;
    struct stat sb;

    umask(mask);
    if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode))
        return sb.st_mode & 0777;
    if (input)
        mode &= input->st_mode;
    return mode;
}

static gboolean
virtPVFixWriteOutput(const virtPVFixOptions *fopts, const char *input,
                     const virQEMUFixResult *result, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(fopts->output);
    g_autofree char *name = g_path_get_basename(fopts->output);
    virFileReplaceOptions ropts = { 0 };
    struct stat in_sb;
    gboolean ok;
    int dirfd;

    if ((dirfd = virFileOpenDir(dir, 0, error)) < 0)
        return FALSE;
    ropts.mode = virtPVFixOutputMode(dirfd, name,
                                     !g_str_equal(input, "-") && stat(input, &in_sb) == 0
                                         ? &in_sb
                                         : NULL);
    ok = virFileReplaceAt(dirfd, dir, name, result->xml, result->len, &ropts, error);
    close(dirfd);
    return ok;
}

static gboolean
virtPVFixWrite(const virtPVFixOptions *fopts, const char *path, const virtPVFixTarget *target,
               const virQEMUFixResult *result, GError **error)
{
    if (fopts->output && !g_str_equal(fopts->output, "-"))
        return virtPVFixWriteOutput(fopts, path, result, error);
    if (!fopts->in_place) {
        fwrite(result->xml, 1, result->len, stdout);
        return TRUE;
    }
    /* Nothing to repair: leave the file, and its time stamps, alone. */
    if (result->changes->len == 0)
        return TRUE;
    return virtPVFixInPlaceWrite(fopts, target, result, error);
}

/* The definition to repair: with --in-place, read through the target. */
static gboolean
virtPVFixLoad(const virtPVFixOptions *fopts, const char *path, virtPVFixTarget **ret_target,
              virDomainDef **ret_def, GError **error)
{
    g_autoptr(virtPVFixTarget) target = NULL;

    if (!fopts->in_place)
        return virDomainDefParseFile(path, 0, ret_def, error);
    if (g_str_equal(path, "-")) {
        g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            _("--in-place needs a file, not standard input"));
        return FALSE;
    }
    if (!virtPVFixOpenTarget(path, &target, error) ||
        !virDomainDefParseString(target->xml, target->len, path, 0, ret_def, error))
        return FALSE;
    *ret_target = g_steal_pointer(&target);
    return TRUE;
}

static int
virtPVFix(const virtPVGlobalOptions *opts, gpointer cmd_opts, int argc, char **argv)
{
    const virtPVFixOptions *fopts = cmd_opts;
    g_autoptr(virtPVFixTarget) target = NULL;
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virQEMUFixResult) result = NULL;
    g_autoptr(virDomainDef) fixed = NULL;
    g_autoptr(virQEMUValidateResult) remaining = NULL;
    g_autoptr(GError) error = NULL;
    virQEMUFixMode mode;
    gboolean to_stdout;

    if (!virtPVFixCheckOptions(fopts, argc, &mode))
        return VIRT_PV_EXIT_ERROR;
    to_stdout = (!fopts->output || g_str_equal(fopts->output, "-")) && !fopts->in_place;
    if (!virtPVFixLoad(fopts, argv[1], &target, &def, &error) ||
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
    if (!(opts->json && to_stdout) && !virtPVFixWrite(fopts, argv[1], target, result, &error))
        return virtPVReportError(error);
    return remaining->nerrors > 0 ? VIRT_PV_EXIT_FINDINGS : VIRT_PV_EXIT_OK;
}

const virtPVCommand virtPVCommandFix = {
    .name = "fix",
    .params = N_("FILE|-"),
    .summary = N_("Repair a domain definition for PV, changing nothing else"),
    .options = virtPVFixEntries,
    .options_size = sizeof(virtPVFixOptions),
    .run = virtPVFix,
};
