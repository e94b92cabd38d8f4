/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "conf/domain_conf.h"
#include "qemu/qemu_protection.h"
#include "qemu/qemu_validate.h"
#include "util/virfile.h"
#include "util/virstring.h"
#include "virt-pv-connect.h"
#include "virt-pv-metrics.h"
#include "virt-pv-validate.h"
#include "virt-pv.h"

/*
 * virt-pv status: is each running guest really protected?  Three
 * witnesses, each where it can be asked: the live definition (what
 * libvirt started), the QEMU process's own command line (on this machine
 * only), and the guest's /sys/firmware/uv/prot_virt_guest through its
 * agent.
 */

typedef struct {
    char **uris;
    gboolean all;
    int agent_timeout_s;
    char *agent_replies;
    char *prometheus;
} virtPVStatusOptions;

static const virtPVStatusOptions virtPVStatusDefaults = {
    .agent_timeout_s = 5,
};

#define VIRT_PV_STATUS_FIELD(field) VIRT_PV_OPTION_FIELD(virtPVStatusOptions, field)

static const GOptionEntry virtPVStatusEntries[] = {
    { "connect", 'c', 0, G_OPTION_ARG_STRING_ARRAY, VIRT_PV_STATUS_FIELD(uris),
      N_("Ask libvirt at URI (repeatable: the URIs are asked at once; default: libvirt's "
         "default URI)"),
      N_("URI") },
    { "all", 0, 0, G_OPTION_ARG_NONE, VIRT_PV_STATUS_FIELD(all), N_("Report every running domain"),
      NULL },
    { "agent-timeout", 0, 0, G_OPTION_ARG_INT, VIRT_PV_STATUS_FIELD(agent_timeout_s),
      N_("Wait at most S seconds for each answer of a guest agent (default: 5)"), N_("S") },
    { "agent-replies", 0, 0, G_OPTION_ARG_FILENAME, VIRT_PV_STATUS_FIELD(agent_replies),
      N_("Take the guest agents' replies to guest-file-read from FILE (a JSON object by "
         "domain name) instead of asking them: for tests"),
      N_("FILE") },
    { "prometheus", 0, 0, G_OPTION_ARG_FILENAME, VIRT_PV_STATUS_FIELD(prometheus),
      N_("Also write the results as Prometheus metrics to FILE (node_exporter's textfile "
         "format, replaced atomically)"),
      N_("FILE") },
    { NULL }
};

typedef struct {
    const virtPVConnectDomain *dom;
    virQEMUPVMode mode;
    GPtrArray *problems;   /* of char *: why it is not protected */
    int pid;               /* 0: no QEMU process seen here */
    char *qemu;            /* what the command line says, one line */
    char *agent_value;     /* "1", "0"; NULL: unknown */
    char *agent_error;
    gboolean protected;
} virtPVStatusGuest;

static void
virtPVStatusGuestClear(virtPVStatusGuest *guest)
{
    g_clear_pointer(&guest->problems, g_ptr_array_unref);
    g_clear_pointer(&guest->qemu, g_free);
    g_clear_pointer(&guest->agent_value, g_free);
    g_clear_pointer(&guest->agent_error, g_free);
}

/* The live definition, with the rules of validate: what libvirt started
 * must pass them (not-kvm among them: a guest under TCG is never
 * protected). */
static void
virtPVStatusCheckDefinition(virtPVStatusGuest *guest, const virDomainDef *def)
{
    const virQEMUValidateContext ctx = { 0 };
    g_autoptr(virQEMUValidateResult) result = virQEMUValidateDomain(&ctx, def);
    guint i;

    guest->mode = result->mode;
    if (result->mode == VIR_QEMU_PV_MODE_NONE) {
        g_ptr_array_add(guest->problems, g_strdup(_("the live definition is not a PV guest")));
        return;
    }
    for (i = 0; i < result->findings->len; i++) {
        const virQEMUFinding *f = g_ptr_array_index(result->findings, i);
        g_autofree char *message = NULL;

        if (f->severity != VIR_QEMU_FINDING_ERROR)
            continue;
        message = virStringEscapeControl(f->message);
        g_ptr_array_add(guest->problems, g_strdup_printf("%s: %s", f->code, message));
    }
}

/* Any user can start a process whose command line names a guest's UUID:
 * the one that speaks for the guest must run the guest's emulator and be
 * the only one. */
static gboolean
virtPVStatusTrustProcess(virtPVStatusGuest *guest, const virQEMUProcess *process,
                         const char *emulator)
{
    g_autofree char *expected = emulator ? realpath(emulator, NULL) : NULL;
    g_autofree char *exe = virStringEscapeControl(process->exe);

    if (process->ambiguous) {
        g_ptr_array_add(guest->problems,
                        g_strdup(_("more than one process claims this guest's UUID")));
        return FALSE;
    }
    if (process->exe && expected && !g_str_equal(process->exe, expected)) {
        g_ptr_array_add(guest->problems,
                        g_strdup_printf(_("the process with this guest's UUID runs '%s', not "
                                          "the guest's emulator"),
                                        exe));
        return FALSE;
    }
    return TRUE;
}

static void
virtPVStatusCheckProcess(virtPVStatusGuest *guest, GHashTable *processes,
                         const virDomainDef *def)
{
    g_autofree char *key = def->uuid ? g_ascii_strdown(def->uuid, -1) : NULL;
    const virQEMUProcess *process = key ? g_hash_table_lookup(processes, key) : NULL;
    virQEMUProtectionArgv argv;

    if (!process) {
        guest->qemu = g_strdup(_("no QEMU process of this guest on this machine"));
        return;
    }
    if (!virtPVStatusTrustProcess(guest, process, def->emulator)) {
        guest->qemu = g_strdup(_("not trusted (see below)"));
        return;
    }
    guest->pid = process->pid;
    virQEMUProtectionReadArgv(process->argv, &argv);
    if (!argv.kvm)
        g_ptr_array_add(guest->problems, g_strdup(_("QEMU runs without KVM")));
    if (guest->mode == VIR_QEMU_PV_MODE_LAUNCH_SECURITY && !(argv.pv_object && argv.cgs))
        g_ptr_array_add(guest->problems,
                        g_strdup(_("QEMU has no s390-pv-guest object as the machine's "
                                   "confidential-guest-support")));
    if (guest->mode == VIR_QEMU_PV_MODE_IOMMU && argv.virtio_iommu < argv.virtio_devices)
        g_ptr_array_add(guest->problems,
                        g_strdup_printf(_("%u of %u virtio devices lack iommu_platform=on"),
                                        argv.virtio_devices - argv.virtio_iommu,
                                        argv.virtio_devices));
    guest->qemu = g_strdup_printf(_("pid %d: %s, s390-pv-guest object %s, iommu_platform=on "
                                    "on %u of %u virtio devices"),
                                  process->pid, argv.kvm ? "KVM" : _("no KVM"),
                                  argv.pv_object && argv.cgs ? _("yes") : _("no"),
                                  argv.virtio_iommu, argv.virtio_devices);
}

/* The agent's guest-file-read reply: asked through libvirt, or from
 * --agent-replies. */
static void
virtPVStatusCheckAgent(virtPVStatusGuest *guest, JsonObject *replies)
{
    const virtPVConnectDomain *dom = guest->dom;
    g_autoptr(GError) error = NULL;
    g_autofree char *fake = NULL;
    const char *reply = dom->agent;

    if (replies) {
        JsonNode *node = json_object_get_member(replies, dom->name);

        if (!node) {
            guest->agent_error = g_strdup(_("no reply recorded for this guest"));
            return;
        }
        reply = fake = json_to_string(node, FALSE);
    } else if (!reply) {
        guest->agent_error = g_strdup(dom->agent_error ? dom->agent_error->message
                                                       : _("the guest agent was not asked"));
        return;
    }
    if (!virQEMUProtectionParseAgentRead(reply, &guest->agent_value, &error)) {
        guest->agent_error = g_strdup(error->message);
        return;
    }
    if (!g_str_equal(guest->agent_value, "1")) {
        /* Written inside the guest: escaped like any input. */
        g_autofree char *value = virStringEscapeControl(guest->agent_value);

        g_ptr_array_add(guest->problems,
                        g_strdup_printf(_("the guest says %s = %s"),
                                        VIRT_PV_CONNECT_PROT_VIRT_GUEST, value));
    }
}

static void
virtPVStatusPrintText(const virtPVGlobalOptions *opts, const virtPVStatusGuest *guest)
{
    const virtPVConnectDomain *dom = guest->dom;
    g_autofree char *name = virStringEscapeControl(dom->name);
    g_autofree char *uri = virStringEscapeControl(dom->uri);
    g_autofree char *agent = NULL;
    gboolean should = guest->mode != VIR_QEMU_PV_MODE_NONE;
    guint i;

    if (opts->quiet && (guest->protected || !should))
        return;
    printf("%s (%s): %s%s%s\n", name, uri,
           virtPVColorCode(opts, guest->protected ? VIRT_PV_COLOR_GOOD
                                 : should         ? VIRT_PV_COLOR_BAD
                                                  : VIRT_PV_COLOR_DIM),
           guest->protected ? _("protected") : _("not protected"),
           virtPVColorCode(opts, VIRT_PV_COLOR_RESET));
    printf(_("  definition   PV mode %s\n"), virQEMUPVModeToString(guest->mode));
    printf(_("  qemu         %s\n"), guest->qemu);
    agent = virStringEscapeControl(guest->agent_value ? guest->agent_value : guest->agent_error);
    if (guest->agent_value)
        printf(_("  guest agent  %s = %s\n"), VIRT_PV_CONNECT_PROT_VIRT_GUEST, agent);
    else
        printf(_("  guest agent  unknown: %s\n"), agent);
    for (i = 0; i < guest->problems->len; i++)
        printf(_("  why not      %s\n"), (char *)g_ptr_array_index(guest->problems, i));
}

static void
virtPVStatusPrintJSON(const virtPVStatusGuest *guest)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    const virtPVConnectDomain *dom = guest->dom;
    guint i;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "uri");
    json_builder_add_string_value(b, dom->uri);
    json_builder_set_member_name(b, "domain");
    json_builder_add_string_value(b, dom->name);
    json_builder_set_member_name(b, "id");
    json_builder_add_int_value(b, dom->id);
    json_builder_set_member_name(b, "mode");
    json_builder_add_string_value(b, virQEMUPVModeToString(guest->mode));
    json_builder_set_member_name(b, "should_be_protected");
    json_builder_add_boolean_value(b, guest->mode != VIR_QEMU_PV_MODE_NONE);
    json_builder_set_member_name(b, "protected");
    json_builder_add_boolean_value(b, guest->protected);
    json_builder_set_member_name(b, "qemu_pid");
    if (guest->pid)
        json_builder_add_int_value(b, guest->pid);
    else
        json_builder_add_null_value(b);
    json_builder_set_member_name(b, "prot_virt_guest");
    if (guest->agent_value)
        json_builder_add_string_value(b, guest->agent_value);
    else
        json_builder_add_null_value(b);
    json_builder_set_member_name(b, "agent_error");
    if (guest->agent_error)
        json_builder_add_string_value(b, guest->agent_error);
    else
        json_builder_add_null_value(b);
    json_builder_set_member_name(b, "problems");
    json_builder_begin_array(b);
    for (i = 0; i < guest->problems->len; i++)
        json_builder_add_string_value(b, g_ptr_array_index(guest->problems, i));
    json_builder_end_array(b);
    json_builder_end_object(b);
    virtPVPrintJSON(b);
}

static void
virtPVStatusMetrics(virtPVMetrics *metrics, const virtPVStatusGuest *guest)
{
    const virtPVConnectDomain *dom = guest->dom;

    if (!metrics)
        return;
    /* Names of their own: node_exporter refuses a series that two files
     * (validate's and status's) both hold. */
    virtPVMetricsAdd(metrics, "virt_pv_guest_running_pv",
                     "Whether the running guest's live definition makes it a PV guest (1) or "
                     "not (0)",
                     guest->mode != VIR_QEMU_PV_MODE_NONE, "uri", dom->uri, "domain", dom->name,
                     "mode", virQEMUPVModeToString(guest->mode), NULL);
    virtPVMetricsAdd(metrics, "virt_pv_guest_protected",
                     "Whether the running guest is protected (1) or not (0)", guest->protected,
                     "uri", dom->uri, "domain", dom->name, NULL);
    if (guest->agent_value)
        virtPVMetricsAdd(metrics, "virt_pv_guest_prot_virt_guest",
                         "The guest's own /sys/firmware/uv/prot_virt_guest, read by its agent",
                         g_str_equal(guest->agent_value, "1"), "uri", dom->uri, "domain",
                         dom->name, NULL);
}

static int
virtPVStatusFailed(const virtPVGlobalOptions *opts, const virtPVConnectDomain *dom,
                   virtPVMetrics *metrics)
{
    g_autofree char *safe = virStringEscapeControl(dom->error->message);
    g_autofree char *label = virStringEscapeControl(dom->name ? dom->name : dom->uri);

    if (metrics)
        virtPVMetricsAdd(metrics, "virt_pv_guest_status_failed",
                         "Whether the running guest could not be read or checked (1)", 1, "uri",
                         dom->uri, "domain", dom->name ? dom->name : "", NULL);
    if (opts->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "uri");
        json_builder_add_string_value(b, dom->uri);
        json_builder_set_member_name(b, "domain");
        if (dom->name)
            json_builder_add_string_value(b, dom->name);
        else
            json_builder_add_null_value(b);
        json_builder_set_member_name(b, "error");
        json_builder_add_string_value(b, dom->error->message);
        json_builder_end_object(b);
        virtPVPrintJSON(b);
    } else {
        printf(_("%s: could not be checked: %s\n"), label, safe);
    }
    return VIRT_PV_EXIT_ERROR;
}

static int
virtPVStatusOne(const virtPVGlobalOptions *opts, const virtPVConnectDomain *dom,
                GHashTable *processes, JsonObject *replies, virtPVMetrics *metrics)
{
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) error = NULL;
    virtPVStatusGuest guest = { .dom = dom };
    gboolean should;

    if (!virDomainDefParseString(dom->xml, strlen(dom->xml), dom->name, 0, &def, &error)) {
        virtPVConnectDomain failed = *dom;

        failed.error = error;
        return virtPVStatusFailed(opts, &failed, metrics);
    }
    guest.problems = g_ptr_array_new_with_free_func(g_free);
    virtPVStatusCheckDefinition(&guest, def);
    if (dom->remote)
        guest.qemu = g_strdup(_("not checked: QEMU runs on the remote host"));
    else
        virtPVStatusCheckProcess(&guest, processes, def);
    virtPVStatusCheckAgent(&guest, replies);
    should = guest.mode != VIR_QEMU_PV_MODE_NONE;
    guest.protected = should && guest.problems->len == 0;

    if (opts->json)
        virtPVStatusPrintJSON(&guest);
    else
        virtPVStatusPrintText(opts, &guest);
    virtPVStatusMetrics(metrics, &guest);
    virtPVStatusGuestClear(&guest);
    return should && !guest.protected ? VIRT_PV_EXIT_FINDINGS : VIRT_PV_EXIT_OK;
}

static gboolean
virtPVStatusLoadReplies(const char *path, JsonParser **ret_parser, JsonObject **ret_replies,
                        GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autofree char *text = NULL;
    gsize len = 0;
    JsonNode *root;

    if (!path)
        return TRUE;
    if (!virFileReadLimit(path, 1024 * 1024, &text, &len, error))
        return FALSE;
    if (!json_parser_load_from_data(parser, text, (gssize)len, error))
        return FALSE;
    root = json_parser_get_root(parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    _("'%s' must hold a JSON object of replies by domain name"),
                    path);
        return FALSE;
    }
    *ret_replies = json_node_get_object(root);
    *ret_parser = g_steal_pointer(&parser);
    return TRUE;
}

static int
virtPVStatus(const virtPVGlobalOptions *opts, gpointer cmd_opts, int argc, char **argv)
{
    const virtPVStatusOptions *sopts = cmd_opts;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *replies = NULL;
    g_autoptr(GHashTable) processes = NULL;
    g_autoptr(GPtrArray) domains = NULL;
    g_autoptr(virtPVMetrics) metrics = NULL;
    g_autoptr(GHashTable) uris = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GError) error = NULL;
    virtPVConnectRequest request = {
        .uris = sopts->uris,
        .names = argv + 1,
        .all = sopts->all,
        .what = VIRT_PV_CONNECT_RUNNING,
        .agent_timeout_s = sopts->agent_timeout_s,
    };
    int ret = VIRT_PV_EXIT_OK;
    guint i;

    if (sopts->all == (argc > 1)) {
        fprintf(stderr, sopts->all ? _("error: --all and domain names exclude each other\n")
                                        : _("error: no domain given (domain names, or --all)\n"));
        return VIRT_PV_EXIT_ERROR;
    }
    if (sopts->agent_timeout_s < 1 || sopts->agent_timeout_s > 300) {
        fprintf(stderr, _("error: --agent-timeout must be between 1 and 300 seconds\n"));
        return VIRT_PV_EXIT_ERROR;
    }
    if (!virtPVStatusLoadReplies(sopts->agent_replies, &parser, &replies, &error))
        return virtPVReportError(error);
    request.ask_agent = !replies;
    if (sopts->prometheus)
        metrics = virtPVMetricsNew();

    domains = virtPVConnectFetch(&request);
    processes = virQEMUProcessTableRead(opts->root);
    for (i = 0; i < domains->len; i++) {
        const virtPVConnectDomain *dom = g_ptr_array_index(domains, i);
        int status = dom->error ? virtPVStatusFailed(opts, dom, metrics)
                                : virtPVStatusOne(opts, dom, processes, replies, metrics);

        ret = MAX(ret, status);
        g_hash_table_replace(uris, dom->uri, GINT_TO_POINTER(dom->remote));
    }
    virtPVValidateMetricsHosts(metrics, opts->root, "status", uris);
    if (metrics && !virtPVMetricsWrite(metrics, sopts->prometheus, &error))
        return virtPVReportError(error);
    return ret;
}

const virtPVCommand virtPVCommandStatus = {
    .name = "status",
    .params = N_("GUEST...|--all"),
    .summary = N_("Tell whether running guests are really protected"),
    .options = virtPVStatusEntries,
    .options_size = sizeof(virtPVStatusOptions),
    .options_init = &virtPVStatusDefaults,
    .run = virtPVStatus,
};
