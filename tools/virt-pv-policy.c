/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <unistd.h>

#include <glib/gi18n.h>

#include "util/virfile.h"
#include "util/virhostkey.h"
#include "util/virstring.h"

#include "virt-pv-policy.h"
#include "virt-pv-validate.h"

static const char *const virtPVDecisionNames[] = {
    "pass",
    "allow",
    "warn",
    "refuse",
};
G_STATIC_ASSERT(G_N_ELEMENTS(virtPVDecisionNames) == VIRT_PV_DECISION_LAST);

const char *
virtPVDecisionToString(virtPVDecision decision)
{
    return (guint)decision < VIRT_PV_DECISION_LAST ? virtPVDecisionNames[decision] : NULL;
}

/* A value of the capability memo: it owns the strings, which the
 * contexts that copy the struct only borrow. */
static void
virtPVPolicyCapsFree(gpointer data)
{
    virQEMUCapsPV *caps = data;

    virQEMUCapsPVClear(caps);
    g_free(caps);
}

void
virtPVPolicyClear(virtPVPolicy *policy)
{
    virtPVValidateHostStateClear(&policy->host);
    g_clear_pointer(&policy->docs, g_ptr_array_unref);
    g_clear_pointer(&policy->docs_warning, g_free);
    policy->docs_read = FALSE;
    g_clear_pointer(&policy->caps, g_hash_table_unref);
    g_clear_pointer(&policy->caps_warnings, g_hash_table_unref);
    policy->host_read = FALSE;
}

void
virtPVVerdictFree(virtPVVerdict *verdict)
{
    if (!verdict)
        return;
    g_clear_pointer(&verdict->result, virQEMUValidateResultFree);
    g_clear_pointer(&verdict->warnings, g_ptr_array_unref);
    g_free(verdict->untrusted);
    g_free(verdict);
}

/* The QEMU half, from the capability cache of the guest's emulator.  A
 * probe that fails does not block the start: libvirt will fail on a
 * broken QEMU anyway, and the rules that keep a guest from leaking are
 * those of the definition.  It is reported as a warning.  As root, the
 * emulator a definition names runs only if nobody but root can have
 * changed it (virFileIsTrustedExecutable()); otherwise the finding
 * emulator-untrusted says why, and nothing runs. */
static void
virtPVPolicyCaps(virtPVPolicy *policy, const virDomainDef *def, virQEMUValidateContext *ctx,
                 virtPVVerdict *verdict)
{
    g_autofree char *key = virtPVCapsEmulatorPath(def->emulator);
    const virHostPVState *host = policy->host_read ? policy->host.state : NULL;
    g_autofree char *resolved = NULL;
    virtPVCapsOptions copts = {
        .emulator = key,
        .cache_dir = (char *)policy->cache_dir,
        .timeout_s = VIRT_PV_POLICY_PROBE_TIMEOUT_S,
    };
    g_autoptr(virQEMUCaps) qemucaps = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *warning = NULL;
    virQEMUCapsPV *caps;
    const char *known_warning;

    if (geteuid() == 0) {
        if (!virFileIsTrustedExecutable(key, &resolved, &verdict->untrusted)) {
            ctx->emulator_untrusted = verdict->untrusted;
            return;
        }
        copts.emulator = resolved;
    }
    if (!policy->caps) {
        policy->caps = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             virtPVPolicyCapsFree);
        policy->caps_warnings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    }
    if (!(caps = g_hash_table_lookup(policy->caps, key))) {
        caps = g_new0(virQEMUCapsPV, 1);
        if (!virtPVCapsLoad(policy->opts, &copts, host, &qemucaps, &warning, &error)) {
            g_free(warning);
            warning = g_strdup_printf(_("%s; validating without QEMU's capabilities"),
                                      error->message);
        } else {
            virQEMUCapsGetPV(qemucaps, caps);
        }
        if (warning)
            g_hash_table_insert(policy->caps_warnings, g_strdup(key), g_steal_pointer(&warning));
        g_hash_table_insert(policy->caps, g_strdup(key), caps);
    }
    if ((known_warning = g_hash_table_lookup(policy->caps_warnings, key)))
        g_ptr_array_add(verdict->warnings, virStringEscapeControl(known_warning));
    ctx->caps = *caps;
}

static gboolean
virtPVPolicyHost(virtPVPolicy *policy, virQEMUValidateHost *ret_host, GError **error)
{
    if (!policy->host_read) {
        if (!virtPVValidateReadHost(policy->opts->root, &policy->host, error))
            return FALSE;
        policy->host_read = TRUE;
    }
    *ret_host = policy->host.host;
    return TRUE;
}

/* The host-key documents of the configuration, only for the hints: one
 * that cannot be read is a warning, not a reason to refuse the start. */
static const GPtrArray *
virtPVPolicyDocuments(virtPVPolicy *policy, virtPVVerdict *verdict)
{
    g_autoptr(GError) error = NULL;

    if (!policy->docs_read) {
        if (!virHostKeyDocumentLoadAll(policy->config->host_key_documents, &policy->docs,
                                       &error))
            policy->docs_warning = virStringEscapeControl(error->message);
        policy->docs_read = TRUE;
    }
    if (policy->docs_warning)
        g_ptr_array_add(verdict->warnings, g_strdup(policy->docs_warning));
    return policy->docs;
}

static virtPVDecision
virtPVPolicyJudge(const virPVConfig *config, const virQEMUValidateResult *result,
                  gboolean checked)
{
    if (!checked)
        return VIRT_PV_DECISION_PASS;
    if (result->nerrors == 0)
        return VIRT_PV_DECISION_ALLOW;
    return config->enforce ? VIRT_PV_DECISION_REFUSE : VIRT_PV_DECISION_WARN;
}

gboolean
virtPVPolicyDecide(virtPVPolicy *policy, const char *guest, const virDomainDef *def,
                   virtPVVerdict **ret_verdict, GError **error)
{
    const virPVConfig *config = policy->config;
    virQEMUValidateContext ctx = {
        .require_pv = virPVConfigRequiresPV(config, guest),
        .ignore = (const char *const *)config->ignore,
        .image_check = policy->remote_uri ? virtPVValidateImageRemote : virtPVValidateImage,
        .image_opaque = policy->opts->root,
    };
    g_autoptr(virtPVVerdict) verdict = g_new0(virtPVVerdict, 1);
    gboolean pv = virQEMUValidateMode(&ctx, def) != VIR_QEMU_PV_MODE_NONE;

    verdict->warnings = g_ptr_array_new_with_free_func(g_free);
    if (pv && policy->remote_uri && (config->check_host || config->check_qemu)) {
        g_ptr_array_add(verdict->warnings,
                        g_strdup_printf(_("check_host and check_qemu are not applied: the "
                                          "host of '%s' is not this machine"),
                                        policy->remote_uri));
    } else if (pv) {
        if (config->check_host && !virtPVPolicyHost(policy, &ctx.host, error))
            return FALSE;
        if (config->check_qemu)
            virtPVPolicyCaps(policy, def, &ctx, verdict);
    }
    if (pv)
        ctx.host_key_documents = virtPVPolicyDocuments(policy, verdict);
    verdict->result = virQEMUValidateDomain(&ctx, def);
    verdict->decision = virtPVPolicyJudge(config, verdict->result, pv || ctx.require_pv);
    *ret_verdict = g_steal_pointer(&verdict);
    return TRUE;
}
