/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "conf/domain_conf.h"
#include "hostval/virpvconfig.h"
#include "qemu/qemu_capabilities.h"
#include "qemu/qemu_validate.h"
#include "util/virfile.h"
#include "util/virhostkey.h"
#include "util/virstring.h"
#include "virt-pv-findings.h"
#include "virt-pv-validate.h"
#include "virt-pv.h"

/*
 * virt-pv hook qemu GUEST OPERATION SUBOPERATION EXTRA: libvirt's QEMU
 * hook.  libvirt runs it for every life-cycle step with the domain XML on
 * stdin and shows its stderr when it fails.  Only "prepare begin" does
 * any work, and for a guest that is not PV (and not required to be) that
 * work is reading the XML and the configuration file: no cache, no host
 * files, no QEMU.  The hook never calls back into libvirt, which waits
 * for it, and bounds the QEMU probe it may need.
 */

/* A cold probe takes well under a second; this only stops a hung QEMU
 * from hanging libvirt's start for good. */
#define VIRT_PV_HOOK_PROBE_TIMEOUT_S 15

static char *virtPVHookConfigPath;
static char *virtPVHookCacheDir;

static const GOptionEntry virtPVHookEntries[] = {
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &virtPVHookConfigPath,
      N_("Read the configuration from FILE instead of the default"), N_("FILE") },
    { "cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &virtPVHookCacheDir,
      N_("Keep QEMU capabilities in DIR instead of the default"), N_("DIR") },
    { NULL }
};

typedef struct {
    const char *name;        /* the guest's name, as libvirt gave it */
    const char *guest;       /* the same, escaped for stderr and syslog */
    const char *config_path;
    virDomainDef *def;
    gboolean pv;
} virtPVHookRequest;

/* Findings go to stderr, which libvirt quotes in the start error; with
 * enforce=false nothing shows them there, so they also go to syslog. */
static void
virtPVHookLog(const virtPVHookRequest *req, const char *text, gboolean refused)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    guint i;

    fputs(text, stderr);
    openlog("virt-pv", LOG_PID, LOG_DAEMON);
    for (i = 0; lines[i]; i++) {
        if (*lines[i])
            syslog(refused ? LOG_ERR : LOG_WARNING, "%s: %s", req->guest, lines[i]);
    }
    closelog();
}

/* The configuration could not be read.  Refuse what it may have been
 * meant to protect: every PV guest, and every guest that the require_pv
 * globs still legible in the file name. */
static int
virtPVHookBadConfig(const virtPVHookRequest *req, const GError *error)
{
    g_auto(GStrv) globs = virPVConfigSalvageRequirePV(req->config_path);
    g_autofree char *message = NULL;
    g_autofree char *text = NULL;

    if (!req->pv && !virPVConfigGlobsMatch(globs, req->name))
        return VIRT_PV_EXIT_OK;
    message = virStringEscapeControl(error->message);
    text = g_strdup_printf(_("virt-pv refuses to start '%s' until its configuration is "
                             "fixed:\n%s\n"),
                           req->guest, message);
    virtPVHookLog(req, text, TRUE);
    return VIRT_PV_EXIT_FINDINGS;
}

/* The QEMU half, from the capability cache of the guest's emulator.  A
 * probe that fails does not block the start: libvirt will fail on a
 * broken QEMU anyway, and the rules that keep a guest from leaking are
 * those of the definition.  It is reported as a warning.  As root, the
 * emulator a definition names runs only if nobody but root can have
 * changed it (virFileIsTrustedExecutable()); otherwise the finding
 * emulator-untrusted says why, and nothing runs. */
static void
virtPVHookCaps(const virtPVHookRequest *req, const virtPVGlobalOptions *opts,
               virQEMUValidateContext *ctx, char **ret_untrusted, GString *out)
{
    g_autofree char *emulator = virtPVCapsEmulatorPath(req->def->emulator);
    g_autofree char *resolved = NULL;
    virtPVCapsOptions copts = {
        .cache_dir = virtPVHookCacheDir,
        .timeout_s = VIRT_PV_HOOK_PROBE_TIMEOUT_S,
    };
    g_autoptr(virQEMUCaps) qemucaps = NULL;
    g_autoptr(GError) error = NULL;

    if (geteuid() == 0) {
        if (!virFileIsTrustedExecutable(emulator, &resolved, ret_untrusted)) {
            ctx->emulator_untrusted = *ret_untrusted;
            return;
        }
        copts.emulator = resolved;
    } else {
        copts.emulator = emulator;
    }
    if (!virtPVCapsGet(opts, &copts, &qemucaps, &error)) {
        g_autofree char *message = virStringEscapeControl(error->message);

        g_string_append_printf(out, _("virt-pv: warning: %s; validating without QEMU's "
                                      "capabilities\n"),
                               message);
        return;
    }
    virQEMUCapsToValidateCaps(qemucaps, &ctx->caps);
}

/* libvirt quotes the hook's stderr in its error: one line that says who
 * speaks and why, then the findings in the short form.  When the start
 * is refused, only the errors: they are what must change, and warnings
 * (the ignored codes among them) would bury them. */
static char *
virtPVHookFormat(const virtPVHookRequest *req, const virQEMUValidateResult *result,
                 gboolean refuse)
{
    g_autoptr(virQEMUValidateResult) shown = g_new0(virQEMUValidateResult, 1);
    g_autofree char *text = NULL;
    size_t len = 0;
    FILE *out;
    guint i;

    shown->findings = g_ptr_array_new();
    for (i = 0; i < result->findings->len; i++) {
        const virQEMUFinding *f = g_ptr_array_index(result->findings, i);

        if (!refuse || f->severity == VIR_QEMU_FINDING_ERROR)
            g_ptr_array_add(shown->findings, (gpointer)f);
    }
    if (!(out = open_memstream(&text, &len)))
        return NULL;
    if (refuse)
        fprintf(out, _("virt-pv refuses to start '%s':\n"), req->guest);
    else if (result->nerrors > 0)
        fprintf(out, _("virt-pv: starting '%s' despite errors, because enforce is false in "
                       "'%s':\n"),
                req->guest, req->config_path);
    else
        fprintf(out, _("virt-pv: '%s' may start; notes and warnings:\n"), req->guest);
    virtPVFindingsPrintShort(out, shown);
    fclose(out);
    return g_steal_pointer(&text);
}

static int
virtPVHookValidate(const virtPVHookRequest *req, const virPVConfig *config,
                   const virtPVGlobalOptions *opts)
{
    g_auto(virQEMUValidateContext) ctx = { 0 };
    g_autoptr(virQEMUValidateResult) result = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GError) error = NULL;
    g_auto(virtPVValidateHostState) hs = { 0 };
    g_autoptr(GPtrArray) docs = NULL;
    g_autofree char *untrusted = NULL;
    g_autofree char *findings = NULL;
    gboolean refuse;

    ctx.require_pv = virPVConfigRequiresPV(config, req->name);
    ctx.ignore = (const char *const *)config->ignore;
    ctx.image_check = virtPVValidateImage;
    virtPVValidateSetRoot(opts->root);
    if (req->pv && config->check_host &&
        !virtPVValidateReadHost(opts->root, &hs, &error))
        return virtPVReportError(error);
    ctx.host = hs.host;
    /* Only for the hints; a document that cannot be read is a warning,
     * not a reason to refuse the start. */
    if (req->pv && !virHostKeyDocumentLoadAll(config->host_key_documents, &docs, &error)) {
        g_string_append_printf(out, _("virt-pv: warning: %s\n"), error->message);
        g_clear_error(&error);
    }
    ctx.host_key_documents = docs;
    if (req->pv && config->check_qemu)
        virtPVHookCaps(req, opts, &ctx, &untrusted, out);

    result = virQEMUValidateDomain(&ctx, req->def);
    refuse = result->nerrors > 0 && config->enforce;
    if (result->findings->len > 0 &&
        (findings = virtPVHookFormat(req, result, refuse)))
        g_string_append(out, findings);
    if (out->len)
        virtPVHookLog(req, out->str, refuse);
    return refuse ? VIRT_PV_EXIT_FINDINGS : VIRT_PV_EXIT_OK;
}

static int
virtPVHookPrepare(const virtPVHookRequest *req, const virtPVGlobalOptions *opts)
{
    g_autoptr(virPVConfig) config = NULL;
    g_autoptr(GError) error = NULL;

    if (!virPVConfigLoad(req->config_path, &config, &error))
        return virtPVHookBadConfig(req, error);
    if (!req->pv && !virPVConfigRequiresPV(config, req->name))
        return VIRT_PV_EXIT_OK;
    return virtPVHookValidate(req, config, opts);
}

static int
virtPVHook(virtPVGlobalOptions *opts, int argc, char **argv)
{
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *guest = NULL;
    virtPVHookRequest req = { 0 };
    const virQEMUValidateContext nopv = { 0 };

    if (argc < 5) {
        fprintf(stderr, _("error: usage: virt-pv hook qemu GUEST OPERATION SUBOPERATION "
                          "[EXTRA]\n"));
        return VIRT_PV_EXIT_ERROR;
    }
    if (!g_str_equal(argv[1], "qemu")) {
        fprintf(stderr, _("error: virt-pv is a hook for the 'qemu' driver, not '%s'\n"),
                argv[1]);
        return VIRT_PV_EXIT_ERROR;
    }
    /* The common case by far: not the step that may refuse a start. */
    if (!g_str_equal(argv[3], "prepare") || !g_str_equal(argv[4], "begin"))
        return VIRT_PV_EXIT_OK;

    if (!virDomainDefParseFile("-", 0, &def, &error))
        return virtPVReportError(error);

    req.name = argv[2];
    req.guest = guest = virStringEscapeControl(argv[2]);
    req.config_path = virtPVHookConfigPath ? virtPVHookConfigPath : virPVConfigDefaultPath();
    req.def = def;
    req.pv = virQEMUValidateMode(&nopv, def) != VIR_QEMU_PV_MODE_NONE;
    return virtPVHookPrepare(&req, opts);
}

const virtPVCommand virtPVCommandHook = {
    .name = "hook",
    .params = "qemu GUEST OPERATION SUBOPERATION EXTRA",
    .summary = N_("libvirt hook: refuse to start a protected guest that would leak or fail"),
    .options = virtPVHookEntries,
    .run = virtPVHook,
    .raw_operands = TRUE,
};
