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
#include "virt-pv-connect.h"
#include "virt-pv-findings.h"
#include "virt-pv-validate.h"
#include "util/virstring.h"
#include "virt-pv.h"

/* virt-pv validate: every reason a definition would not run protected. */

static gboolean virtPVValidateForcePV;
static gboolean virtPVValidateStrict;
static char **virtPVValidateIgnore;
static virtPVCapsOptions virtPVValidateCaps;
static char *virtPVValidateConnectURI;
static gboolean virtPVValidateAll;
static gboolean virtPVValidateHost;
static char **virtPVValidateHostKeyDocs;

static const GOptionEntry virtPVValidateEntries[] = {
    { "pv", 0, 0, G_OPTION_ARG_NONE, &virtPVValidateForcePV,
      N_("Treat every guest as a PV guest (iommu mode where launchSecurity is absent)"),
      NULL },
    { "strict", 0, 0, G_OPTION_ARG_NONE, &virtPVValidateStrict,
      N_("Fail on warnings too"), NULL },
    { "ignore", 0, 0, G_OPTION_ARG_STRING_ARRAY, &virtPVValidateIgnore,
      N_("Downgrade the errors of finding CODE to warnings (repeatable)"), N_("CODE") },
    { "caps", 0, 0, G_OPTION_ARG_FILENAME, &virtPVValidateCaps.caps_file,
      N_("Check against the QEMU capabilities in FILE (from domcapabilities --json)"),
      N_("FILE") },
    { "emulator", 0, 0, G_OPTION_ARG_FILENAME, &virtPVValidateCaps.emulator,
      N_("Check against what the QEMU binary PATH offers (probed, or from the cache)"),
      N_("PATH") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &virtPVValidateCaps.timeout_s,
      N_("Give up on a QEMU that does not answer within S seconds (default: 30)"), N_("S") },
    { "connect", 'c', 0, G_OPTION_ARG_STRING, &virtPVValidateConnectURI,
      N_("Validate the inactive definitions of the named domains of libvirt at URI"),
      N_("URI") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &virtPVValidateAll,
      N_("With --connect: validate every defined domain"), NULL },
    { "host", 0, 0, G_OPTION_ARG_NONE, &virtPVValidateHost,
      N_("Validate against this host: its PV state, its Ultravisor and its host keys"), NULL },
    { "host-key-document", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &virtPVValidateHostKeyDocs,
      N_("Name the host-key document FILE in hints when it holds this host's key "
         "(repeatable; the certificate is not verified)"),
      N_("FILE") },
    { NULL }
};

/* With --root, kernels are read below it like everything else of the
 * host; kept here because the image check has no context pointer. */
static const char *virtPVValidateRoot;

void
virtPVValidateSetRoot(const char *root)
{
    virtPVValidateRoot = root;
}

/* A kernel that is not there (the definition is often checked away from
 * the host that boots it) is not checked; G_IO_ERROR_NOT_FOUND says so. */
gboolean
virtPVValidateImage(const char *path, virSEImageHeader **ret_header, GError **error)
{
    g_autofree char *real = virFileBuildPath(virtPVValidateRoot, path);

    if (!virFileExists(real)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("'%s' does not exist"), real);
        return FALSE;
    }
    /* A damaged header counts as none: the image will not boot protected. */
    return virSEImageReadFileValid(real, ret_header, error);
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

/* With --caps or --emulator, what QEMU offers turns on the qemu-* rules;
 * probed (or read) once for the whole batch. */
static gboolean
virtPVValidateLoadCaps(const virtPVGlobalOptions *opts, virQEMUValidateCaps *ret_caps,
                       GError **error)
{
    g_autoptr(virQEMUCaps) caps = NULL;

    if (!virtPVCapsCheckOptions(&virtPVValidateCaps, error))
        return FALSE;
    if (!virtPVCapsWanted(&virtPVValidateCaps))
        return TRUE;
    if (!virtPVCapsGet(opts, &virtPVValidateCaps, &caps, error))
        return FALSE;
    virQEMUCapsToValidateCaps(caps, ret_caps);
    return TRUE;
}

/* Validate one definition and print what was found; the exit status. */
static int
virtPVValidateDef(const virtPVGlobalOptions *opts, const virQEMUValidateContext *ctx,
                  const char *file, const virDomainDef *def)
{
    g_autoptr(virQEMUValidateResult) result = virQEMUValidateDomain(ctx, def);

    if (opts->json) {
        g_autoptr(GString) json = g_string_sized_new(4096);

        virtPVFindingsAppendJSON(json, file, def, result);
        g_string_append_c(json, '\n');
        fwrite(json->str, 1, json->len, stdout);
    } else {
        virtPVFindingsPrintLong(opts, stdout, file, def, result);
    }
    return result->ok ? VIRT_PV_EXIT_OK : VIRT_PV_EXIT_FINDINGS;
}

static int
virtPVValidateOne(const virtPVGlobalOptions *opts, const virQEMUValidateContext *ctx,
                  const char *file)
{
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) error = NULL;

    if (!virtPVValidateParse(file, &def, &error))
        return virtPVReportError(error);
    return virtPVValidateDef(opts, ctx, file, def);
}

/* --connect: the inactive definitions, what the next start uses.  Each
 * is named by its domain name where a file would be named. */
static int
virtPVValidateConnect(const virtPVGlobalOptions *opts, const virQEMUValidateContext *ctx,
                      char **names)
{
    g_autoptr(GPtrArray) domains = NULL;
    g_autoptr(GError) error = NULL;
    int ret = VIRT_PV_EXIT_OK;
    guint i;

    if (!virtPVConnectFetch(virtPVValidateConnectURI, names, virtPVValidateAll, &domains,
                            &error))
        return virtPVReportError(error);
    for (i = 0; i < domains->len; i++) {
        const virtPVConnectDomain *dom = g_ptr_array_index(domains, i);
        g_autoptr(virDomainDef) def = NULL;
        int status;

        if (!virDomainDefParseString(dom->xml, strlen(dom->xml), dom->name, 0, &def, &error))
            status = virtPVReportError(error);
        else
            status = virtPVValidateDef(opts, ctx, dom->name, def);
        g_clear_error(&error);
        ret = MAX(ret, status);
    }
    return ret;
}

static gboolean
virtPVValidateCheckArgs(int argc)
{
    const char *problem = NULL;

    if (virtPVValidateAll && !virtPVValidateConnectURI)
        problem = _("--all needs --connect");
    else if (virtPVValidateAll && argc > 1)
        problem = _("--all and domain names exclude each other");
    else if (virtPVValidateConnectURI && !virtPVValidateAll && argc < 2)
        problem = _("no domain given (domain names, or --all)");
    else if (!virtPVValidateConnectURI && argc < 2)
        problem = _("no domain XML given (a file, or '-' for standard input)");
    if (problem)
        fprintf(stderr, _("error: %s\n"), problem);
    return !problem;
}

static int
virtPVValidate(virtPVGlobalOptions *opts, int argc, char **argv)
{
    g_auto(virQEMUValidateContext) ctx = {
        .force_pv = virtPVValidateForcePV,
        .strict = virtPVValidateStrict,
        .ignore = (const char *const *)virtPVValidateIgnore,
        .image_check = virtPVValidateImage,
    };
    g_auto(virtPVValidateHostState) hs = { 0 };
    g_autoptr(GPtrArray) docs = NULL;
    g_autoptr(GError) error = NULL;
    int ret = VIRT_PV_EXIT_OK;
    int i;

    if (!virtPVValidateCheckArgs(argc) || !virtPVValidateCheckIgnore(virtPVValidateIgnore))
        return VIRT_PV_EXIT_ERROR;
    virtPVValidateRoot = opts->root;
    if (!virHostKeyDocumentLoadAll(virtPVValidateHostKeyDocs, &docs, &error))
        return virtPVReportError(error);
    ctx.host_key_documents = docs;
    if ((opts->root || virtPVValidateHost) &&
        !virtPVValidateReadHost(opts->root, &hs, &error))
        return virtPVReportError(error);
    ctx.host = hs.host;
    if (!virtPVValidateLoadCaps(opts, &ctx.caps, &error))
        return virtPVReportError(error);
    if (virtPVValidateConnectURI) {
        return virtPVValidateConnect(opts, &ctx, argv + 1);
    }

    /* The worst status wins: an input error over findings over fine. */
    for (i = 1; i < argc; i++) {
        int status = virtPVValidateOne(opts, &ctx, argv[i]);

        ret = MAX(ret, status);
    }
    return ret;
}

const virtPVCommand virtPVCommandValidate = {
    .name = "validate",
    .params = N_("FILE...|- | --connect URI DOMAIN...|--all"),
    .summary = N_("Check domain definitions against every rule for protected guests"),
    .options = virtPVValidateEntries,
    .run = virtPVValidate,
};
