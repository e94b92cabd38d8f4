/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "conf/domain_conf.h"
#include "hostval/virhostvalidate.h"
#include "qemu/qemu_validate.h"
#include "util/virfile.h"
#include "util/virhostkey.h"
#include "util/virseimage.h"
#include "util/virstring.h"
#include "virt-pv-connect.h"
#include "virt-pv-findings.h"
#include "virt-pv-metrics.h"
#include "virt-pv-policy.h"
#include "virt-pv-validate.h"
#include "virt-pv.h"

/* virt-pv validate: every reason a definition would not run protected. */

typedef struct {
    gboolean force_pv;
    gboolean strict;
    char **ignore;
    virtPVCapsOptions caps;
    char **connect_uris;
    gboolean all;
    char *config_path;
    gboolean hook_policy;
    char *cache_dir; /* of the policy, with --config */
    gboolean summary;
    char *prometheus;
    gboolean host;
    char **host_key_docs;
} virtPVValidateOptions;

#define VIRT_PV_VALIDATE_FIELD(field) VIRT_PV_OPTION_FIELD(virtPVValidateOptions, field)

static const GOptionEntry virtPVValidateEntries[] = {
    { "pv", 0, 0, G_OPTION_ARG_NONE, VIRT_PV_VALIDATE_FIELD(force_pv),
      N_("Treat every guest as a PV guest (iommu mode where launchSecurity is absent)"),
      NULL },
    { "strict", 0, 0, G_OPTION_ARG_NONE, VIRT_PV_VALIDATE_FIELD(strict),
      N_("Fail on warnings too"), NULL },
    { "ignore", 0, 0, G_OPTION_ARG_STRING_ARRAY, VIRT_PV_VALIDATE_FIELD(ignore),
      N_("Downgrade the errors of finding CODE to warnings (repeatable)"), N_("CODE") },
    { "caps", 0, 0, G_OPTION_ARG_FILENAME, VIRT_PV_VALIDATE_FIELD(caps.caps_file),
      N_("Check against the QEMU capabilities in FILE (from domcapabilities --json)"),
      N_("FILE") },
    { "emulator", 0, 0, G_OPTION_ARG_FILENAME, VIRT_PV_VALIDATE_FIELD(caps.emulator),
      N_("Check against what the QEMU binary PATH offers (probed, or from the cache)"),
      N_("PATH") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, VIRT_PV_VALIDATE_FIELD(caps.timeout_s),
      N_("Give up on a QEMU that does not answer within S seconds (default: 30)"), N_("S") },
    { "connect", 'c', 0, G_OPTION_ARG_STRING_ARRAY, VIRT_PV_VALIDATE_FIELD(connect_uris),
      N_("Validate the inactive definitions of the named domains of libvirt at URI "
         "(repeatable: the URIs are read at once)"),
      N_("URI") },
    { "all", 0, 0, G_OPTION_ARG_NONE, VIRT_PV_VALIDATE_FIELD(all),
      N_("Validate every defined domain (of libvirt's default URI without --connect)"), NULL },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, VIRT_PV_VALIDATE_FIELD(config_path),
      N_("Decide as the hook would with the configuration in FILE"), N_("FILE") },
    { "hook-policy", 0, 0, G_OPTION_ARG_NONE, VIRT_PV_VALIDATE_FIELD(hook_policy),
      N_("Decide as the hook would with the installed configuration"), NULL },
    { "cache-dir", 0, 0, G_OPTION_ARG_FILENAME, VIRT_PV_VALIDATE_FIELD(cache_dir),
      N_("With --config: keep QEMU capabilities in DIR instead of the default"), N_("DIR") },
    { "summary", 0, 0, G_OPTION_ARG_NONE, VIRT_PV_VALIDATE_FIELD(summary),
      N_("With --json: end with a record that counts the guests by verdict"), NULL },
    { "prometheus", 0, 0, G_OPTION_ARG_FILENAME, VIRT_PV_VALIDATE_FIELD(prometheus),
      N_("Also write the results as Prometheus metrics to FILE (node_exporter's textfile "
         "format, replaced atomically)"),
      N_("FILE") },
    { "host", 0, 0, G_OPTION_ARG_NONE, VIRT_PV_VALIDATE_FIELD(host),
      N_("Validate against this host: its PV state, its Ultravisor and its host keys"), NULL },
    { "host-key-document", 0, 0, G_OPTION_ARG_FILENAME_ARRAY,
      VIRT_PV_VALIDATE_FIELD(host_key_docs),
      N_("Name the host-key document FILE in hints when it holds this host's key "
         "(repeatable; the certificate is not verified)"),
      N_("FILE") },
    { NULL }
};

/* A kernel that is not there (the definition is often checked away from
 * the host that boots it) is not checked; G_IO_ERROR_NOT_FOUND says so. */
gboolean
virtPVValidateImage(const char *path, gpointer root, virSEImageHeader **ret_header,
                    GError **error)
{
    g_autofree char *real = virFileBuildPath(root, path);

    if (!virFileExists(real)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("'%s' does not exist"), real);
        return FALSE;
    }
    /* A damaged header counts as none: the image will not boot protected. */
    return virSEImageReadFileValid(real, ret_header, error);
}

/* For guests of a remote libvirt: their kernel is a path on that host.
 * libvirt reads files of a remote host only as volumes of a storage
 * pool, where boot images seldom are, so the kernel is not checked (a
 * note says so) rather than a local file of the same name. */
gboolean
virtPVValidateImageRemote(const char *path, gpointer opaque, virSEImageHeader **ret_header,
                          GError **error)
{
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                _("'%s' is on the remote libvirt host, and virt-pv reads only local files"),
                path);
    return FALSE;
}

/* The first failed host check says why the host cannot run PV guests. */
static char *
virtPVValidateHostReason(const virHostValidateReport *report)
{
    guint i;

    for (i = 0; i < report->checks->len; i++) {
        const virHostValidateCheck *check = g_ptr_array_index(report->checks, i);

        if (check->result == VIR_HOST_VALIDATE_FAIL)
            return g_strdup(check->message);
    }
    return NULL;
}

void
virtPVValidateHostStateClear(virtPVValidateHostState *hs)
{
    g_clear_pointer(&hs->state, virHostPVStateFree);
    g_clear_pointer(&hs->reason, g_free);
}

gboolean
virtPVValidateReadHost(const char *root, virtPVValidateHostState *hs, GError **error)
{
    g_autoptr(virHostValidateReport) report = NULL;

    if (!virHostPVStateRead(root, &hs->state, error))
        return FALSE;
    report = virHostValidateRun(hs->state, NULL);
    hs->reason = virtPVValidateHostReason(report);
    hs->host.have_host = TRUE;
    hs->host.can_run_pv = report->ok;
    hs->host.reason = hs->reason;
    hs->host.uv = hs->state->uv;
    return TRUE;
}

/* The per-host metric: can the host of each local URI (and of the files:
 * uri "") run PV guests, by virt-pv's host checks.  A remote host is not
 * judged from here. */
void
virtPVValidateMetricsHosts(virtPVMetrics *metrics, const char *root, const char *command,
                           GHashTable *uris)
{
    g_auto(virtPVValidateHostState) hs = { 0 };
    GHashTableIter iter;
    gpointer uri;
    gpointer remote;

    if (!metrics || !virtPVValidateReadHost(root, &hs, NULL))
        return;
    g_hash_table_iter_init(&iter, uris);
    while (g_hash_table_iter_next(&iter, &uri, &remote)) {
        if (!GPOINTER_TO_INT(remote))
            virtPVMetricsAdd(metrics, "virt_pv_host_pv_capable",
                             "Whether the host can run PV guests (1) or not (0), by virt-pv's "
                             "host checks",
                             hs.host.can_run_pv, "uri", (const char *)uri, "command", command,
                             NULL);
    }
}

static gboolean
virtPVValidateCheckIgnore(char **codes)
{
    for (; codes && *codes; codes++) {
        if (!virQEMUValidateCodeIsKnown(*codes)) {
            g_autoptr(GError) error = NULL;

            g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        _("unknown finding code '%s'"), *codes);
            virtPVReportError(error);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
virtPVValidateParse(const char *file, virDomainDef **ret_def, GError **error)
{
    return virDomainDefParseFile(file, 0, ret_def, error);
}

/* The guests counted by verdict, for the summary. */
typedef enum {
    VIRT_PV_VERDICT_PASS,
    VIRT_PV_VERDICT_FAIL,
    VIRT_PV_VERDICT_NOT_PV,
    VIRT_PV_VERDICT_ERROR,

    VIRT_PV_VERDICT_LAST
} virtPVVerdictKind;

static const char *const virtPVVerdictNames[] = { "pass", "fail", "not-pv", "error" };
G_STATIC_ASSERT(G_N_ELEMENTS(virtPVVerdictNames) == VIRT_PV_VERDICT_LAST);

/* What one run of validate works with and counts. */
typedef struct {
    const virtPVGlobalOptions *opts;
    const virtPVValidateOptions *vopts;
    virQEMUValidateContext ctx;     /* without --config */
    virPVConfig *config;            /* --config, --hook-policy */
    virtPVPolicy policy;
    virtPVMetrics *metrics;         /* --prometheus */
    GHashTable *uris;               /* the URIs seen (files: ""), to remote */
    guint counts[VIRT_PV_VERDICT_LAST];
    guint decisions[VIRT_PV_DECISION_LAST];
    const char *last_uri;
    gboolean several_uris;
} virtPVValidateRun;

static virtPVVerdictKind
virtPVValidateVerdict(const virQEMUValidateResult *result)
{
    if (result->mode == VIR_QEMU_PV_MODE_NONE && result->findings->len == 0)
        return VIRT_PV_VERDICT_NOT_PV;
    return result->ok ? VIRT_PV_VERDICT_PASS : VIRT_PV_VERDICT_FAIL;
}

/* "the hook would ...": one line under a guest's findings. */
static void
virtPVValidatePrintDecision(virtPVDecision decision)
{
    static const char *const sentences[] = {
        N_("  the hook would let it start unchecked: not a PV guest, not in require_pv\n"),
        N_("  the hook would allow the start\n"),
        N_("  the hook would allow the start despite the errors (enforce = false: warn)\n"),
        N_("  the hook would refuse the start\n"),
    };
    G_STATIC_ASSERT(G_N_ELEMENTS(sentences) == VIRT_PV_DECISION_LAST);

    fputs(_(sentences[decision]), stdout);
}

static void
virtPVValidateMetricsGuest(virtPVValidateRun *run, const char *uri, const char *name,
                           const virQEMUValidateResult *result, int decision)
{
    static const char *const severities[] = { "error", "warning", "note" };
    const guint counts[] = { result->nerrors, result->nwarnings, result->nnotes };
    guint i;

    if (!run->metrics)
        return;
    virtPVMetricsAdd(run->metrics, "virt_pv_guest_pv",
                     "Whether the guest's definition makes it a PV guest (1) or not (0)",
                     result->mode != VIR_QEMU_PV_MODE_NONE, "uri", uri, "domain", name, "mode",
                     virQEMUPVModeToString(result->mode), NULL);
    for (i = 0; i < G_N_ELEMENTS(severities); i++)
        virtPVMetricsAdd(run->metrics, "virt_pv_guest_findings",
                         "Findings of virt-pv validate for the guest's definition, by severity",
                         counts[i], "uri", uri, "domain", name, "severity", severities[i],
                         NULL);
    if (decision >= 0)
        virtPVMetricsAdd(run->metrics, "virt_pv_guest_hook_refuses",
                         "Whether the hook would refuse to start the guest (1) or not (0)",
                         decision == VIRT_PV_DECISION_REFUSE, "uri", uri, "domain", name,
                         "decision", virtPVDecisionToString(decision), NULL);
}

/* Validate one definition and print what was found; the exit status.
 * @uri: where the domain was read, NULL for a file. */
static int
virtPVValidateDef(virtPVValidateRun *run, const char *file, const char *uri, gboolean remote,
                  const virDomainDef *def, virQEMUValidateResult *prepared, GError **error)
{
    const virtPVGlobalOptions *opts = run->opts;
    g_autoptr(virtPVVerdict) verdict = NULL;
    g_autoptr(virQEMUValidateResult) own = prepared;
    const virQEMUValidateResult *result;
    virQEMUValidateContext ctx = run->ctx;
    int decision = -1;
    int status;
    guint i;

    if (run->config) {
        run->policy.remote_uri = remote ? uri : NULL;
        /* libvirt would not define a guest without a name; a file may lack one. */
        if (!virtPVPolicyDecide(&run->policy, def->name ? def->name : "", def, &verdict, error))
            return -1;
        result = verdict->result;
        decision = verdict->decision;
        run->decisions[decision]++;
        status = decision == VIRT_PV_DECISION_REFUSE ? VIRT_PV_EXIT_FINDINGS : VIRT_PV_EXIT_OK;
        for (i = 0; i < verdict->warnings->len; i++) {
            g_autofree char *safe = virStringEscapeControl(g_ptr_array_index(verdict->warnings, i));

            fprintf(stderr, _("warning: %s\n"), safe);
        }
    } else {
        if (remote)
            ctx.image_check = virtPVValidateImageRemote;
        if (!own)
            own = virQEMUValidateDomain(&ctx, def);
        result = own;
        status = result->ok ? VIRT_PV_EXIT_OK : VIRT_PV_EXIT_FINDINGS;
    }
    run->counts[virtPVValidateVerdict(result)]++;
    g_hash_table_replace(run->uris, g_strdup(uri ? uri : ""), GINT_TO_POINTER(remote));
    virtPVValidateMetricsGuest(run, uri ? uri : "", def->name, result, decision);

    if (opts->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        virtPVFindingsBuildJSON(b, file, uri, def, result,
                                decision >= 0 ? virtPVDecisionToString(decision) : NULL);
        virtPVPrintJSON(b);
    } else {
        virtPVFindingsPrintLong(opts, stdout, file, def, result);
        if (decision >= 0 && !opts->quiet)
            virtPVValidatePrintDecision(decision);
    }
    return status;
}

/* A file or domain that could not be checked is a result of its own. */
static int
virtPVValidateFailed(virtPVValidateRun *run, const char *label, const char *uri,
                     const GError *error)
{
    run->counts[VIRT_PV_VERDICT_ERROR]++;
    if (run->metrics)
        virtPVMetricsAdd(run->metrics, "virt_pv_guest_check_failed",
                         "Whether the guest could not be read or checked (1)", 1, "uri",
                         uri ? uri : "", "domain", label ? label : "", NULL);
    if (run->opts->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        virtPVFindingsBuildErrorJSON(b, label, uri, error->message);
        virtPVPrintJSON(b);
    }
    /* Files report errors as everywhere, on stderr; a fleet audit keeps
     * the record with the others on stdout. */
    if (uri && !run->opts->json) {
        g_autofree char *safe = virStringEscapeControl(error->message);
        g_autofree char *safe_label = virStringEscapeControl(label ? label : uri);

        printf(_("%s: could not be checked: %s\n"), safe_label, safe);
        return VIRT_PV_EXIT_ERROR;
    }
    return virtPVReportError(error);
}

static int
virtPVValidateOne(virtPVValidateRun *run, const char *file)
{
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) error = NULL;
    int status;

    if (!virtPVValidateParse(file, &def, &error))
        return virtPVValidateFailed(run, file, NULL, error);
    if ((status = virtPVValidateDef(run, file, NULL, FALSE, def, NULL, &error)) < 0)
        return virtPVValidateFailed(run, file, NULL, error);
    return status;
}

/* With several URIs, a heading names each host's part of the text. */
static void
virtPVValidateURIHeading(virtPVValidateRun *run, const char *uri)
{
    g_autofree char *safe = NULL;

    if (!run->several_uris || run->opts->json || g_strcmp0(run->last_uri, uri) == 0)
        return;
    run->last_uri = uri;
    safe = virStringEscapeControl(uri);
    printf("== %s ==\n", safe);
}

/* What a fetch thread makes of a domain: its definition parsed and,
 * without --config (whose policy reads the host and QEMU once, in the
 * main thread), its findings. */
typedef struct {
    virDomainDef *def;
    virQEMUValidateResult *result;
    GError *error;
} virtPVValidatePrepared;

static void
virtPVValidatePreparedFree(gpointer data)
{
    virtPVValidatePrepared *prepared = data;

    virDomainDefFree(prepared->def);
    virQEMUValidateResultFree(prepared->result);
    g_clear_error(&prepared->error);
    g_free(prepared);
}

/* A virtPVConnectPrepareFunc: the run is only read here. */
static void
virtPVValidatePrepare(virtPVConnectDomain *dom, gpointer opaque)
{
    const virtPVValidateRun *run = opaque;
    virtPVValidatePrepared *prepared = g_new0(virtPVValidatePrepared, 1);
    virQEMUValidateContext ctx = run->ctx;

    dom->data = prepared;
    dom->data_free = virtPVValidatePreparedFree;
    if (!virDomainDefParseString(dom->xml, strlen(dom->xml), dom->name, 0, &prepared->def,
                                 &prepared->error) ||
        run->config)
        return;
    if (dom->remote)
        ctx.image_check = virtPVValidateImageRemote;
    prepared->result = virQEMUValidateDomain(&ctx, prepared->def);
}

/* --connect: the inactive definitions, what the next start uses.  Each
 * is named by its domain name where a file would be named. */
static int
virtPVValidateConnect(virtPVValidateRun *run, char **names)
{
    virtPVConnectRequest request = {
        .uris = run->vopts->connect_uris,
        .names = names,
        .all = run->vopts->all,
        .what = VIRT_PV_CONNECT_INACTIVE,
        .prepare = virtPVValidatePrepare,
        .prepare_opaque = run,
    };
    g_autoptr(GPtrArray) domains = NULL;
    int ret = VIRT_PV_EXIT_OK;
    guint i;

    virDomainDefParserInit();
    domains = virtPVConnectFetch(&request);
    run->several_uris = run->vopts->connect_uris && g_strv_length(run->vopts->connect_uris) > 1;
    for (i = 0; i < domains->len; i++) {
        const virtPVConnectDomain *dom = g_ptr_array_index(domains, i);
        virtPVValidatePrepared *prepared = dom->data;
        g_autoptr(GError) error = NULL;
        int status;

        virtPVValidateURIHeading(run, dom->uri);
        if (dom->error)
            status = virtPVValidateFailed(run, dom->name, dom->uri, dom->error);
        else if (prepared->error)
            status = virtPVValidateFailed(run, dom->name, dom->uri, prepared->error);
        else if ((status = virtPVValidateDef(run, dom->name, dom->uri, dom->remote,
                                             prepared->def, g_steal_pointer(&prepared->result),
                                             &error)) < 0)
            status = virtPVValidateFailed(run, dom->name, dom->uri, error);
        ret = MAX(ret, status);
    }
    return ret;
}

static void
virtPVValidatePrintSummary(const virtPVValidateRun *run)
{
    guint total = 0;
    guint i;

    for (i = 0; i < VIRT_PV_VERDICT_LAST; i++)
        total += run->counts[i];
    if (run->opts->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "summary");
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "guests");
        json_builder_add_int_value(b, total);
        for (i = 0; i < VIRT_PV_VERDICT_LAST; i++) {
            json_builder_set_member_name(b, virtPVVerdictNames[i]);
            json_builder_add_int_value(b, run->counts[i]);
        }
        if (run->config) {
            json_builder_set_member_name(b, "hook");
            json_builder_begin_object(b);
            for (i = 0; i < VIRT_PV_DECISION_LAST; i++) {
                json_builder_set_member_name(b, virtPVDecisionToString(i));
                json_builder_add_int_value(b, run->decisions[i]);
            }
            json_builder_end_object(b);
        }
        json_builder_end_object(b);
        json_builder_end_object(b);
        virtPVPrintJSON(b);
        return;
    }
    printf(ngettext("%u guest: %u pass, %u fail, %u not PV, %u could not be checked\n",
                    "%u guests: %u pass, %u fail, %u not PV, %u could not be checked\n", total),
           total, run->counts[VIRT_PV_VERDICT_PASS], run->counts[VIRT_PV_VERDICT_FAIL],
           run->counts[VIRT_PV_VERDICT_NOT_PV], run->counts[VIRT_PV_VERDICT_ERROR]);
    if (run->config)
        printf(_("the hook would refuse %u, allow %u (%u of them despite errors), and let %u "
                 "start unchecked\n"),
               run->decisions[VIRT_PV_DECISION_REFUSE],
               run->decisions[VIRT_PV_DECISION_ALLOW] + run->decisions[VIRT_PV_DECISION_WARN],
               run->decisions[VIRT_PV_DECISION_WARN], run->decisions[VIRT_PV_DECISION_PASS]);
}

static gboolean
virtPVValidateCheckArgs(const virtPVValidateOptions *vopts, int argc)
{
    const char *problem = NULL;
    gboolean connect = vopts->connect_uris || vopts->all;
    gboolean policy = vopts->config_path || vopts->hook_policy;

    if (vopts->all && argc > 1)
        problem = _("--all and domain names exclude each other");
    else if (connect && !vopts->all && argc < 2)
        problem = _("no domain given (domain names, or --all)");
    else if (!connect && argc < 2)
        problem = _("no domain XML given (a file, or '-' for standard input)");
    else if (vopts->config_path && vopts->hook_policy)
        problem = _("--config and --hook-policy exclude each other");
    else if (policy && (vopts->force_pv || vopts->strict || vopts->ignore ||
                        virtPVCapsWanted(&vopts->caps) || vopts->host || vopts->host_key_docs))
        problem = _("--config and --hook-policy decide as the hook does: they exclude --pv, "
                    "--strict, --ignore, --caps, --emulator, --host and --host-key-document");
    else if (vopts->cache_dir && !policy)
        problem = _("--cache-dir needs --config or --hook-policy");
    if (problem)
        fprintf(stderr, _("error: %s\n"), problem);
    return !problem;
}

static gboolean
virtPVValidateLoadPolicy(virtPVValidateRun *run, GError **error)
{
    const char *path = run->vopts->config_path;

    if (!path && !run->vopts->hook_policy)
        return TRUE;
    if (!path)
        path = virPVConfigDefaultPath();
    if (!virPVConfigLoad(path, virQEMUValidateCodes(), &run->config, error))
        return FALSE;
    run->policy.config = run->config;
    run->policy.config_path = path;
    run->policy.opts = run->opts;
    run->policy.cache_dir = run->vopts->cache_dir;
    return TRUE;
}

static int
virtPVValidate(const virtPVGlobalOptions *opts, gpointer cmd_opts, int argc, char **argv)
{
    const virtPVValidateOptions *vopts = cmd_opts;
    virtPVValidateRun run = {
        .opts = opts,
        .vopts = vopts,
        .ctx = {
            .force_pv = vopts->force_pv,
            .strict = vopts->strict,
            .ignore = (const char *const *)vopts->ignore,
            .image_check = virtPVValidateImage,
            .image_opaque = opts->root,
        },
    };
    g_autoptr(virtPVMetrics) metrics = NULL;
    g_autoptr(GHashTable) uris = NULL;
    g_autoptr(virPVConfig) config = NULL;
    g_auto(virtPVValidateHostState) hs = { 0 };
    g_autoptr(GPtrArray) docs = NULL;
    g_autoptr(GError) error = NULL;
    int ret = VIRT_PV_EXIT_OK;
    guint total = 0;
    int i;

    if (!virtPVValidateCheckArgs(vopts, argc) || !virtPVValidateCheckIgnore(vopts->ignore))
        return VIRT_PV_EXIT_ERROR;
    if (!virtPVValidateLoadPolicy(&run, &error))
        return virtPVReportError(error);
    config = run.config;
    if (!virHostKeyDocumentLoadAll(vopts->host_key_docs, &docs, &error))
        return virtPVReportError(error);
    run.ctx.host_key_documents = docs;
    if ((opts->root || vopts->host) && !run.config &&
        !virtPVValidateReadHost(opts->root, &hs, &error))
        return virtPVReportError(error);
    run.ctx.host = hs.host;
    if (!run.config &&
        !virtPVCapsLoadForValidation(opts, &vopts->caps, hs.state, NULL, &run.ctx.caps, &error))
        return virtPVReportError(error);
    if (vopts->prometheus)
        run.metrics = metrics = virtPVMetricsNew();
    run.uris = uris = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    if (vopts->connect_uris || vopts->all) {
        ret = virtPVValidateConnect(&run, argv + 1);
    } else {
        /* The worst status wins: an input error over findings over fine. */
        for (i = 1; i < argc; i++) {
            int status = virtPVValidateOne(&run, argv[i]);

            ret = MAX(ret, status);
        }
    }
    virtPVPolicyClear(&run.policy);
    virQEMUValidateContextClear(&run.ctx);

    for (i = 0; i < VIRT_PV_VERDICT_LAST; i++)
        total += run.counts[i];
    if (opts->json ? vopts->summary : total > 1 && !opts->quiet)
        virtPVValidatePrintSummary(&run);
    virtPVValidateMetricsHosts(metrics, opts->root, "validate", uris);
    if (metrics && !virtPVMetricsWrite(metrics, vopts->prometheus, &error))
        return virtPVReportError(error);
    return ret;
}

const virtPVCommand virtPVCommandValidate = {
    .name = "validate",
    .params = N_("FILE...|- | --connect URI DOMAIN...|--all"),
    .summary = N_("Check domain definitions against every rule for protected guests"),
    .options = virtPVValidateEntries,
    .options_size = sizeof(virtPVValidateOptions),
    .run = virtPVValidate,
};
