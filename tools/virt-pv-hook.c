/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "conf/domain_conf.h"
#include "hook/virpvconfig.h"
#include "qemu/qemu_capabilities.h"
#include "qemu/qemu_validate.h"
#include "util/virfile.h"
#include "util/virhostkey.h"
#include "util/virstring.h"
#include "virt-pv-audit.h"
#include "virt-pv-findings.h"
#include "virt-pv-policy.h"
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

typedef struct {
    char *config_path;
    char *cache_dir;
} virtPVHookOptions;

static const GOptionEntry virtPVHookEntries[] = {
    { "config", 0, 0, G_OPTION_ARG_FILENAME, VIRT_PV_OPTION_FIELD(virtPVHookOptions, config_path),
      N_("Read the configuration from FILE instead of the default"), N_("FILE") },
    { "cache-dir", 0, 0, G_OPTION_ARG_FILENAME, VIRT_PV_OPTION_FIELD(virtPVHookOptions, cache_dir),
      N_("Keep QEMU capabilities in DIR instead of the default"), N_("DIR") },
    { NULL }
};

typedef struct {
    const char *name;        /* the guest's name, as libvirt gave it */
    const char *guest;       /* the same, escaped for stderr and syslog */
    const char *config_path;
    const char *cache_dir;   /* NULL: the default */
    const virtPVGlobalOptions *opts;
    virDomainDef *def;
} virtPVHookRequest;

static const int virtPVHookPriorities[] = {
    LOG_INFO,
    LOG_NOTICE,
    LOG_WARNING,
    LOG_ERR,
};
G_STATIC_ASSERT(G_N_ELEMENTS(virtPVHookPriorities) == VIRT_PV_DECISION_LAST);

/* "errors a b; warnings c": the codes of @result by severity. */
static void
virtPVHookAppendCodes(GString *out, const virQEMUValidateResult *result)
{
    static const char *const labels[] = { "errors", "warnings", "notes" };
    G_STATIC_ASSERT(G_N_ELEMENTS(labels) == VIR_QEMU_FINDING_LAST);
    guint severity;
    guint i;

    for (severity = 0; result && severity < VIR_QEMU_FINDING_LAST; severity++) {
        gboolean first = TRUE;

        for (i = 0; i < result->findings->len; i++) {
            const virQEMUFinding *f = g_ptr_array_index(result->findings, i);

            if (f->severity != severity)
                continue;
            if (first)
                g_string_append_printf(out, "%s %s", out->len ? ";" : ":", labels[severity]);
            g_string_append_printf(out, " %s", f->code);
            first = FALSE;
        }
    }
}

/* The one-line record of a decision, for the audit trail:
 * "refused guest 'g' (uuid U, mode iommu): errors a b; warnings c". */
static char *
virtPVHookAuditMessage(const virtPVHookRequest *req, virtPVDecision decision, const char *mode,
                       const virQEMUValidateResult *result, const char *why)
{
    static const char *const verbs[] = {
        "allowed unchecked (not a PV guest)",
        "allowed",
        "allowed despite errors (enforce = false)",
        "refused",
    };
    G_STATIC_ASSERT(G_N_ELEMENTS(verbs) == VIRT_PV_DECISION_LAST);
    g_autofree char *guest = virStringEscapeControl(req->guest);
    g_autofree char *uuid = virStringEscapeControl(req->def ? req->def->uuid : NULL);
    g_autoptr(GString) codes = g_string_new(NULL);

    virtPVHookAppendCodes(codes, result);
    if (why) {
        g_autofree char *safe = virStringEscapeControl(why);

        g_string_append_printf(codes, ": %s", safe);
    }
    return g_strdup_printf("start of guest '%s' %s (uuid %s, mode %s)%s", guest,
                           verbs[decision], *uuid ? uuid : "-", mode, codes->str);
}

/* @why: when there is no @result, the reason for the decision. */
static void
virtPVHookAudit(const virtPVHookRequest *req, virtPVDecision decision,
                const virQEMUValidateResult *result, const char *findings, const char *why)
{
    const virQEMUValidateContext nopv = { 0 };
    g_autoptr(GPtrArray) codes = g_ptr_array_new();
    const char *mode;
    g_autofree char *message = NULL;
    virtPVAuditRecord record = { 0 };
    guint i;

    mode = virQEMUPVModeToString(result ? result->mode : virQEMUValidateMode(&nopv, req->def));
    for (i = 0; result && i < result->findings->len; i++) {
        const virQEMUFinding *f = g_ptr_array_index(result->findings, i);

        g_ptr_array_add(codes, (gpointer)f->code);
    }
    g_ptr_array_add(codes, NULL);
    message = virtPVHookAuditMessage(req, decision, mode, result, why);

    record.priority = virtPVHookPriorities[decision];
    record.message = message;
    record.guest = req->guest;
    record.uuid = req->def ? req->def->uuid : NULL;
    record.mode = mode;
    record.decision = virtPVDecisionToString(decision);
    record.codes = (char *const *)codes->pdata;
    record.findings = findings;
    virtPVAuditLog(req->opts->root, &record);
}

/* What could not be checked (the cache, a probe) reaches the log too,
 * not only the hook's stderr that libvirt drops when the start goes on. */
static void
virtPVHookAuditWarning(const virtPVHookRequest *req, const char *text)
{
    g_autofree char *guest = virStringEscapeControl(req->guest);
    g_autofree char *safe = virStringEscapeControl(text);
    g_autofree char *message = g_strdup_printf("guest '%s': %s", guest, safe);
    virtPVAuditRecord record = {
        .priority = LOG_WARNING,
        .message = message,
        .guest = req->guest,
        .uuid = req->def ? req->def->uuid : NULL,
        .on_stderr = TRUE,
    };

    virtPVAuditLog(req->opts->root, &record);
}

/* The configuration could not be read.  Refuse what it may have been
 * meant to protect: every PV guest, and every guest that the require_pv
 * globs still legible in the file name. */
static int
virtPVHookBadConfig(const virtPVHookRequest *req, gboolean pv, const GError *error)
{
    g_auto(GStrv) globs = virPVConfigSalvageRequirePV(req->config_path);
    g_autofree char *message = NULL;
    g_autofree char *text = NULL;

    if (!pv && !virPVConfigGlobsMatch(globs, req->name)) {
        virtPVHookAudit(req, VIRT_PV_DECISION_PASS, NULL, NULL, NULL);
        return VIRT_PV_EXIT_OK;
    }
    message = virStringEscapeControl(error->message);
    text = g_strdup_printf(_("virt-pv refuses to start '%s' until its configuration is "
                             "fixed:\n%s\n"),
                           req->guest, message);
    fputs(text, stderr);
    virtPVHookAudit(req, VIRT_PV_DECISION_REFUSE, NULL, text, error->message);
    return VIRT_PV_EXIT_FINDINGS;
}

/* libvirt quotes the hook's stderr in its error: one line that says who
 * speaks and why, then the findings in the short form.  When the start
 * is refused, only the errors: they are what must change, and warnings
 * (the ignored codes among them) would bury them. */
static char *
virtPVHookFormat(const virtPVHookRequest *req, const virQEMUValidateResult *result,
                 virtPVDecision decision)
{
    g_autoptr(virQEMUValidateResult) shown = g_new0(virQEMUValidateResult, 1);
    gboolean refuse = decision == VIRT_PV_DECISION_REFUSE;
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
    else if (decision == VIRT_PV_DECISION_WARN)
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
virtPVHookPrepare(const virtPVHookRequest *req)
{
    g_autoptr(virPVConfig) config = NULL;
    g_autoptr(virtPVVerdict) verdict = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *findings = NULL;
    virtPVPolicy policy = {
        .config_path = req->config_path,
        .opts = req->opts,
        .cache_dir = req->cache_dir,
    };
    const virQEMUValidateContext nopv = { 0 };
    guint i;

    if (!virPVConfigLoad(req->config_path, virQEMUValidateCodes(), &config, &error))
        return virtPVHookBadConfig(req, virQEMUValidateMode(&nopv, req->def) !=
                                            VIR_QEMU_PV_MODE_NONE, error);
    policy.config = config;
    if (!virtPVPolicyDecide(&policy, req->name, req->def, &verdict, &error)) {
        virtPVPolicyClear(&policy);
        virtPVHookAuditWarning(req, error->message);
        return virtPVReportError(error);
    }
    virtPVPolicyClear(&policy);

    for (i = 0; i < verdict->warnings->len; i++) {
        const char *warning = g_ptr_array_index(verdict->warnings, i);

        fprintf(stderr, _("virt-pv: warning: %s\n"), warning);
        virtPVHookAuditWarning(req, warning);
    }
    if (verdict->result->findings->len > 0 &&
        (findings = virtPVHookFormat(req, verdict->result, verdict->decision)))
        fputs(findings, stderr);
    virtPVHookAudit(req, verdict->decision, verdict->result, findings, NULL);
    return verdict->decision == VIRT_PV_DECISION_REFUSE ? VIRT_PV_EXIT_FINDINGS
                                                        : VIRT_PV_EXIT_OK;
}

static int
virtPVHook(const virtPVGlobalOptions *opts, gpointer cmd_opts, int argc, char **argv)
{
    const virtPVHookOptions *hopts = cmd_opts;
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *guest = NULL;
    virtPVHookRequest req = { 0 };

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

    req.name = argv[2];
    req.guest = guest = virStringEscapeControl(argv[2]);
    req.opts = opts;
    req.config_path = hopts->config_path ? hopts->config_path : virPVConfigDefaultPath();
    req.cache_dir = hopts->cache_dir;
    if (!virDomainDefParseFile("-", 0, &def, &error)) {
        virtPVHookAuditWarning(&req, error->message);
        return virtPVReportError(error);
    }
    req.def = def;
    return virtPVHookPrepare(&req);
}

const virtPVCommand virtPVCommandHook = {
    .name = "hook",
    .params = "qemu GUEST OPERATION SUBOPERATION EXTRA",
    .summary = N_("libvirt hook: refuse to start a protected guest that would leak or fail"),
    .options = virtPVHookEntries,
    .options_size = sizeof(virtPVHookOptions),
    .run = virtPVHook,
    .raw_operands = TRUE,
};
