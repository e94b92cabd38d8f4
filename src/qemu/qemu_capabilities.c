/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>
#include <sys/utsname.h>

#include <glib/gi18n.h>

#include "qemu_capabilities.h"
#include "qemu_capabilitiespriv.h"
#include "qemu_error.h"
#include "qemu_json.h"
#include "qemu_monitor.h"
#include "util/virfile.h"

/* The version of the JSON form; bump it when its meaning changes. */
#define VIR_QEMU_CAPS_FORMAT 1

struct _virQEMUCaps {
    char *emulator;
    char *arch;
    guint version_major;
    guint version_minor;
    guint version_micro;
    char *package;
    gboolean kvm_present;
    gboolean kvm_enabled;
    gboolean pv_object;   /* the s390-pv-guest object type exists */
    gboolean machine_cgs; /* the machine has confidential-guest-support */
    char *host_model;     /* NULL: no host CPU model (TCG) */
    gboolean host_unpack;
    GStrv host_deprecated; /* the host model's deprecated features */
    GPtrArray *machines;  /* of virQEMUCapsMachine, sorted by name */
    JsonNode *key;        /* what the cache compares; may be NULL */
};

static void
virQEMUCapsMachineFree(gpointer data)
{
    virQEMUCapsMachine *machine = data;

    g_free(machine->name);
    g_free(machine->alias);
    g_free(machine);
}

static virQEMUCaps *
virQEMUCapsNew(const char *emulator)
{
    virQEMUCaps *caps = g_new0(virQEMUCaps, 1);

    caps->emulator = g_strdup(emulator);
    caps->machines = g_ptr_array_new_with_free_func(virQEMUCapsMachineFree);
    return caps;
}

void
virQEMUCapsFree(virQEMUCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->emulator);
    g_free(caps->arch);
    g_free(caps->package);
    g_free(caps->host_model);
    g_strfreev(caps->host_deprecated);
    g_ptr_array_unref(caps->machines);
    g_clear_pointer(&caps->key, json_node_unref);
    g_free(caps);
}

const char *
virQEMUCapsGetEmulator(const virQEMUCaps *caps)
{
    return caps->emulator;
}

/* The version as one number, major * 1000000 + minor * 1000 + micro. */
guint
virQEMUCapsGetVersion(const virQEMUCaps *caps)
{
    return caps->version_major * 1000000 + caps->version_minor * 1000 + caps->version_micro;
}

gboolean
virQEMUCapsHostModelHasUnpack(const virQEMUCaps *caps)
{
    return caps->host_model && caps->host_unpack;
}

/* The features of the host model that QEMU calls deprecated (QEMU >= 9.1,
 * query-cpu-model-expansion "deprecated-props"); NULL when none. */
const char *const *
virQEMUCapsGetHostDeprecated(const virQEMUCaps *caps)
{
    return (const char *const *)caps->host_deprecated;
}

/* Everything QEMU must offer for a guest with launchSecurity s390-pv. */
gboolean
virQEMUCapsSupportsPV(const virQEMUCaps *caps)
{
    return caps->kvm_enabled && caps->pv_object && caps->machine_cgs &&
           virQEMUCapsHostModelHasUnpack(caps);
}

guint
virQEMUCapsGetMachineCount(const virQEMUCaps *caps)
{
    return caps->machines->len;
}

const virQEMUCapsMachine *
virQEMUCapsGetMachine(const virQEMUCaps *caps, guint i)
{
    if (i >= caps->machines->len)
        return NULL;
    return g_ptr_array_index(caps->machines, i);
}

const virQEMUCapsMachine *
virQEMUCapsGetDefaultMachine(const virQEMUCaps *caps)
{
    guint i;

    for (i = 0; i < caps->machines->len; i++) {
        const virQEMUCapsMachine *machine = g_ptr_array_index(caps->machines, i);

        if (machine->is_default)
            return machine;
    }
    return NULL;
}

JsonNode *
virQEMUCapsGetKey(const virQEMUCaps *caps)
{
    return caps->key;
}

/* Takes a reference to @key. */
void
virQEMUCapsSetKey(virQEMUCaps *caps, JsonNode *key)
{
    g_clear_pointer(&caps->key, json_node_unref);
    caps->key = key ? json_node_ref(key) : NULL;
}

/* The machine type whose properties tell about confidential-guest-support:
 * the one the alias s390-ccw-virtio points to, or else the default if it is
 * an s390-ccw-virtio one; NULL for an emulator of another architecture. */
static const virQEMUCapsMachine *
virQEMUCapsPVMachine(const virQEMUCaps *caps)
{
    const virQEMUCapsMachine *def = virQEMUCapsGetDefaultMachine(caps);
    guint i;

    for (i = 0; i < caps->machines->len; i++) {
        const virQEMUCapsMachine *machine = g_ptr_array_index(caps->machines, i);

        if (g_strcmp0(machine->alias, VIR_QEMU_CAPS_PV_MACHINE) == 0)
            return machine;
    }
    if (def && g_str_has_prefix(def->name, VIR_QEMU_CAPS_PV_MACHINE))
        return def;
    return NULL;
}

/* Every machine type name and alias QEMU knows, NULL-terminated. */
static char **
virQEMUCapsMachineNames(const virQEMUCaps *caps)
{
    g_autoptr(GStrvBuilder) names = g_strv_builder_new();
    guint i;

    for (i = 0; i < caps->machines->len; i++) {
        const virQEMUCapsMachine *machine = g_ptr_array_index(caps->machines, i);

        g_strv_builder_add(names, machine->name);
        if (machine->alias)
            g_strv_builder_add(names, machine->alias);
    }
    return g_strv_builder_end(names);
}

void
virQEMUCapsPVClear(virQEMUCapsPV *pv)
{
    g_clear_pointer(&pv->emulator, g_free);
    g_clear_pointer(&pv->probe_error, g_free);
    g_clear_pointer(&pv->machines, g_strfreev);
}

/* What a protected guest needs of QEMU: the qemu-* rules and the qemu-pv
 * check, the machine list and the version for the rules that depend on
 * QEMU's. */
void
virQEMUCapsGetPV(const virQEMUCaps *caps, virQEMUCapsPV *ret_pv)
{
    *ret_pv = (virQEMUCapsPV){
        .emulator = g_strdup(caps->emulator),
        .have_caps = TRUE,
        .kvm = caps->kvm_enabled,
        .pv_object = caps->pv_object,
        .cgs = caps->machine_cgs,
        .unpack = virQEMUCapsHostModelHasUnpack(caps),
        .version = virQEMUCapsGetVersion(caps),
        .machines = virQEMUCapsMachineNames(caps),
    };
}

/* ---- The probe: one row per QMP query ---- */

static void
virQEMUCapsSetBadReply(const char *command, GError **error)
{
    g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_PROTOCOL,
                _("the answer to the QMP command '%s' does not have the expected form"),
                command);
}

static gboolean
virQEMUCapsParseVersion(virQEMUCaps *caps, JsonNode *reply, GError **error)
{
    JsonObject *obj = JSON_NODE_HOLDS_OBJECT(reply) ? json_node_get_object(reply) : NULL;
    JsonNode *qemu = obj ? json_object_get_member(obj, "qemu") : NULL;
    JsonObject *ver;

    if (!qemu || !JSON_NODE_HOLDS_OBJECT(qemu)) {
        virQEMUCapsSetBadReply("query-version", error);
        return FALSE;
    }
    ver = json_node_get_object(qemu);
    caps->version_major = (guint)json_object_get_int_member_with_default(ver, "major", 0);
    caps->version_minor = (guint)json_object_get_int_member_with_default(ver, "minor", 0);
    caps->version_micro = (guint)json_object_get_int_member_with_default(ver, "micro", 0);
    caps->package = g_strdup(json_object_get_string_member_with_default(obj, "package", ""));
    return TRUE;
}

static gboolean
virQEMUCapsParseTarget(virQEMUCaps *caps, JsonNode *reply, GError **error)
{
    const char *arch = NULL;

    if (JSON_NODE_HOLDS_OBJECT(reply))
        arch = json_object_get_string_member_with_default(json_node_get_object(reply), "arch",
                                                          NULL);
    if (!arch) {
        virQEMUCapsSetBadReply("query-target", error);
        return FALSE;
    }
    caps->arch = g_strdup(arch);
    return TRUE;
}

static gboolean
virQEMUCapsParseKVM(virQEMUCaps *caps, JsonNode *reply, GError **error)
{
    JsonObject *obj;

    if (!JSON_NODE_HOLDS_OBJECT(reply)) {
        virQEMUCapsSetBadReply("query-kvm", error);
        return FALSE;
    }
    obj = json_node_get_object(reply);
    caps->kvm_present = json_object_get_boolean_member_with_default(obj, "present", FALSE);
    caps->kvm_enabled = json_object_get_boolean_member_with_default(obj, "enabled", FALSE);
    return TRUE;
}

/* Whether the s390-pv-guest object type exists (QEMU >= 6.0 built with
 * KVM for s390x): QEMU lists the properties of a type it has and refuses
 * one it lacks.  Asking about this one type is cheap; listing the types
 * (qom-list-types) initialises every class QEMU has and costs more than
 * half as much as starting QEMU. */
static JsonNode *
virQEMUCapsArgsPVObject(const virQEMUCaps *caps)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "typename");
    json_builder_add_string_value(b, VIR_QEMU_CAPS_PV_OBJECT);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

static gboolean
virQEMUCapsListHasName(JsonNode *reply, const char *name)
{
    JsonArray *list = json_node_get_array(reply);
    guint i;

    for (i = 0; i < json_array_get_length(list); i++) {
        JsonNode *elem = json_array_get_element(list, i);

        if (JSON_NODE_HOLDS_OBJECT(elem) &&
            g_strcmp0(json_object_get_string_member_with_default(json_node_get_object(elem),
                                                                 "name", NULL),
                      name) == 0)
            return TRUE;
    }
    return FALSE;
}

static gboolean
virQEMUCapsParsePVObject(virQEMUCaps *caps, JsonNode *reply, GError **error)
{
    if (!JSON_NODE_HOLDS_ARRAY(reply)) {
        virQEMUCapsSetBadReply("qom-list-properties", error);
        return FALSE;
    }
    caps->pv_object = TRUE;
    return TRUE;
}

/* From a recording of libvirt's, which lists every type instead. */
static gboolean
virQEMUCapsParsePVObjectFromTypes(virQEMUCaps *caps, JsonNode *reply, GError **error)
{
    if (!JSON_NODE_HOLDS_ARRAY(reply)) {
        virQEMUCapsSetBadReply("qom-list-types", error);
        return FALSE;
    }
    caps->pv_object = virQEMUCapsListHasName(reply, VIR_QEMU_CAPS_PV_OBJECT);
    return TRUE;
}

static gint
virQEMUCapsMachineCompare(gconstpointer a, gconstpointer b)
{
    const virQEMUCapsMachine *ma = *(virQEMUCapsMachine *const *)a;
    const virQEMUCapsMachine *mb = *(virQEMUCapsMachine *const *)b;

    return strverscmp(ma->name, mb->name);
}

static gboolean
virQEMUCapsParseMachines(virQEMUCaps *caps, JsonNode *reply, GError **error)
{
    JsonArray *list;
    guint i;

    if (!JSON_NODE_HOLDS_ARRAY(reply)) {
        virQEMUCapsSetBadReply("query-machines", error);
        return FALSE;
    }
    list = json_node_get_array(reply);
    for (i = 0; i < json_array_get_length(list); i++) {
        JsonNode *elem = json_array_get_element(list, i);
        JsonObject *obj = JSON_NODE_HOLDS_OBJECT(elem) ? json_node_get_object(elem) : NULL;
        const char *name = obj ? json_object_get_string_member_with_default(obj, "name", NULL)
                               : NULL;
        virQEMUCapsMachine *machine;

        if (!name) {
            virQEMUCapsSetBadReply("query-machines", error);
            return FALSE;
        }
        machine = g_new0(virQEMUCapsMachine, 1);
        machine->name = g_strdup(name);
        machine->alias = g_strdup(json_object_get_string_member_with_default(obj, "alias", NULL));
        machine->is_default = json_object_get_boolean_member_with_default(obj, "is-default",
                                                                          FALSE);
        machine->deprecated = json_object_get_boolean_member_with_default(obj, "deprecated",
                                                                          FALSE);
        machine->cpu_max = json_object_get_int_member_with_default(obj, "cpu-max", 0);
        g_ptr_array_add(caps->machines, machine);
    }
    g_ptr_array_sort(caps->machines, virQEMUCapsMachineCompare);
    return TRUE;
}

static gboolean
virQEMUCapsWantMachineProps(const virQEMUCaps *caps)
{
    return virQEMUCapsPVMachine(caps) != NULL;
}

static JsonNode *
virQEMUCapsArgsMachineProps(const virQEMUCaps *caps)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autofree char *type = g_strdup_printf("%s-machine", virQEMUCapsPVMachine(caps)->name);

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "typename");
    json_builder_add_string_value(b, type);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

/* libvirt asks the properties of the machine it probes with, "none".
 * confidential-guest-support is a property of every machine (QEMU's
 * hw/core/machine.c, machine_class_init), so that answer serves. */
static JsonNode *
virQEMUCapsArgsNoneMachineProps(const virQEMUCaps *caps)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "typename");
    json_builder_add_string_value(b, "none-machine");
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

static gboolean
virQEMUCapsParseMachineProps(virQEMUCaps *caps, JsonNode *reply, GError **error)
{
    if (!JSON_NODE_HOLDS_ARRAY(reply)) {
        virQEMUCapsSetBadReply("qom-list-properties", error);
        return FALSE;
    }
    caps->machine_cgs = virQEMUCapsListHasName(reply, "confidential-guest-support");
    return TRUE;
}

/* Only KVM has a host CPU model; under TCG QEMU does not know the name. */
static gboolean
virQEMUCapsWantHostModel(const virQEMUCaps *caps)
{
    return caps->kvm_enabled;
}

static JsonNode *
virQEMUCapsArgsHostModelType(const char *type)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "type");
    json_builder_add_string_value(b, type);
    json_builder_set_member_name(b, "model");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, "host");
    json_builder_end_object(b);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

static JsonNode *
virQEMUCapsArgsHostModel(const virQEMUCaps *caps)
{
    return virQEMUCapsArgsHostModelType("full");
}

/* Older libvirt recordings hold only the static expansion; it names the
 * features the host model has beyond its base model, so an unpack the
 * host offers is there too (QEMU target/s390x/cpu_models_sysemu.c). */
static JsonNode *
virQEMUCapsArgsHostModelStatic(const virQEMUCaps *caps)
{
    return virQEMUCapsArgsHostModelType("static");
}

/* The strings of a JSON array; NULL when it has none. */
static GStrv
virQEMUCapsStringList(JsonNode *node)
{
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
    JsonArray *list;
    guint i;
    guint n = 0;

    if (!node || !JSON_NODE_HOLDS_ARRAY(node))
        return NULL;
    list = json_node_get_array(node);
    for (i = 0; i < json_array_get_length(list); i++) {
        JsonNode *elem = json_array_get_element(list, i);

        if (JSON_NODE_HOLDS_VALUE(elem) && json_node_get_value_type(elem) == G_TYPE_STRING) {
            g_strv_builder_add(builder, json_node_get_string(elem));
            n++;
        }
    }
    return n ? g_strv_builder_end(builder) : NULL;
}

static gboolean
virQEMUCapsParseHostModel(virQEMUCaps *caps, JsonNode *reply, GError **error)
{
    JsonObject *obj = JSON_NODE_HOLDS_OBJECT(reply) ? json_node_get_object(reply) : NULL;
    JsonNode *model = obj ? json_object_get_member(obj, "model") : NULL;
    JsonObject *mobj = model && JSON_NODE_HOLDS_OBJECT(model) ? json_node_get_object(model)
                                                               : NULL;
    const char *name = mobj ? json_object_get_string_member_with_default(mobj, "name", NULL)
                            : NULL;
    JsonNode *props = mobj ? json_object_get_member(mobj, "props") : NULL;

    if (!name) {
        virQEMUCapsSetBadReply("query-cpu-model-expansion", error);
        return FALSE;
    }
    caps->host_model = g_strdup(name);
    caps->host_deprecated = virQEMUCapsStringList(json_object_get_member(obj, "deprecated-props"));
    if (props && JSON_NODE_HOLDS_OBJECT(props))
        caps->host_unpack = json_object_get_boolean_member_with_default(
            json_node_get_object(props), VIR_QEMU_CAPS_UNPACK, FALSE);
    return TRUE;
}

typedef struct _virQEMUCapsQuery virQEMUCapsQuery;
struct _virQEMUCapsQuery {
    const char *command;
    gboolean (*wanted)(const virQEMUCaps *caps);  /* NULL: always asked */
    JsonNode *(*arguments)(const virQEMUCaps *caps); /* NULL: none */
    gboolean (*parse)(virQEMUCaps *caps, JsonNode *reply, GError **error);
    gboolean optional; /* an error answer means "not there" */
    /* What a recording of libvirt's answers instead, when libvirt never
     * asked this; NULL: nothing. */
    const virQEMUCapsQuery *recorded;
};

static const virQEMUCapsQuery virQEMUCapsQueryPVObjectRecorded = {
    "qom-list-types", NULL, NULL, virQEMUCapsParsePVObjectFromTypes, FALSE, NULL,
};
static const virQEMUCapsQuery virQEMUCapsQueryMachinePropsRecorded = {
    "qom-list-properties", virQEMUCapsWantMachineProps, virQEMUCapsArgsNoneMachineProps,
    virQEMUCapsParseMachineProps, TRUE, NULL,
};
static const virQEMUCapsQuery virQEMUCapsQueryHostModelRecorded = {
    "query-cpu-model-expansion", virQEMUCapsWantHostModel, virQEMUCapsArgsHostModelStatic,
    virQEMUCapsParseHostModel, TRUE, NULL,
};

/* What the probe asks, in order; later rows may depend on earlier ones. */
static const virQEMUCapsQuery virQEMUCapsQueries[] = {
    { "query-version", NULL, NULL, virQEMUCapsParseVersion, FALSE, NULL },
    { "query-target", NULL, NULL, virQEMUCapsParseTarget, FALSE, NULL },
    { "query-kvm", NULL, NULL, virQEMUCapsParseKVM, FALSE, NULL },
    { "qom-list-properties", NULL, virQEMUCapsArgsPVObject, virQEMUCapsParsePVObject, TRUE,
      &virQEMUCapsQueryPVObjectRecorded },
    { "query-machines", NULL, NULL, virQEMUCapsParseMachines, FALSE, NULL },
    { "qom-list-properties", virQEMUCapsWantMachineProps, virQEMUCapsArgsMachineProps,
      virQEMUCapsParseMachineProps, TRUE, &virQEMUCapsQueryMachinePropsRecorded },
    { "query-cpu-model-expansion", virQEMUCapsWantHostModel, virQEMUCapsArgsHostModel,
      virQEMUCapsParseHostModel, TRUE, &virQEMUCapsQueryHostModelRecorded },
};

static gboolean
virQEMUCapsRunQuery(virQEMUCaps *caps, virQEMUMonitor *mon, const virQEMUCapsQuery *query,
                    GError **error)
{
    g_autoptr(JsonNode) args = NULL;
    g_autoptr(JsonNode) reply = NULL;
    g_autoptr(GError) cmd_error = NULL;

    if (query->wanted && !query->wanted(caps))
        return TRUE;
    if (query->arguments)
        args = query->arguments(caps);
    if (!virQEMUMonitorCommand(mon, query->command, args, &reply, &cmd_error)) {
        if (query->recorded &&
            g_error_matches(cmd_error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_NOT_RECORDED))
            return virQEMUCapsRunQuery(caps, mon, query->recorded, error);
        if (query->optional &&
            g_error_matches(cmd_error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_COMMAND))
            return TRUE;
        g_propagate_error(error, g_steal_pointer(&cmd_error));
        return FALSE;
    }
    return query->parse(caps, reply, error);
}

static gboolean
virQEMUCapsRunQueries(virQEMUCaps *caps, virQEMUMonitor *mon, GError **error)
{
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(virQEMUCapsQueries); i++) {
        if (!virQEMUCapsRunQuery(caps, mon, &virQEMUCapsQueries[i], error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
virQEMUCapsWriteRecording(virQEMUMonitor *mon, const virQEMUCaps *caps, const char *path,
                          GError **error)
{
    struct utsname uts = { 0 };
    g_autofree char *header = NULL;
    g_autofree char *text = NULL;
    g_autoptr(GError) write_error = NULL;

    uname(&uts);
    header = g_strdup_printf("Recorded by virt-pv %s (domcapabilities --record) from '%s',\n"
                             "QEMU %u.%u.%u (%s), on %s %s.",
                             VERSION, caps->emulator, caps->version_major, caps->version_minor,
                             caps->version_micro, caps->package ? caps->package : "",
                             uts.machine, uts.release);
    text = virQEMUMonitorFormatTranscript(mon, header);
    if (!virFileWriteAtomic(path, text, strlen(text), 0644, &write_error)) {
        g_set_error_literal(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_FAILED, write_error->message);
        return FALSE;
    }
    return TRUE;
}

/**
 * virQEMUCapsProbe:
 *
 * Start @emulator and ask it what PV needs.  Where /dev/kvm exists QEMU is
 * asked to use KVM (falling back to TCG), as a guest would run: the
 * machine's own /dev/kvm, the one QEMU opens, never one below --root
 * (@opts->kvm, when given, is that device as the caller already read it).
 */
gboolean
virQEMUCapsProbe(const char *emulator, const virQEMUCapsProbeOptions *opts,
                 virQEMUCaps **ret_caps, GError **error)
{
    static const char *const accel_kvm[] = { "-accel", "kvm", "-accel", "tcg", NULL };
    g_autoptr(virQEMUMonitor) mon = NULL;
    g_autoptr(virQEMUCaps) caps = virQEMUCapsNew(emulator);
    const char *record = opts ? opts->record_path : NULL;
    virHostPVKVMDevice kvm;

    if (opts && opts->kvm)
        kvm = *opts->kvm;
    else
        virHostPVKVMDeviceRead(&kvm);
    if (!virQEMUMonitorSpawn(emulator, kvm.present ? accel_kvm : NULL,
                             opts ? opts->timeout_ms : 0, record ? VIR_QEMU_MONITOR_RECORD : 0,
                             &mon, error))
        return FALSE;
    if (!virQEMUCapsRunQueries(caps, mon, error) || !virQEMUMonitorClose(mon, error))
        return FALSE;
    if (record && !virQEMUCapsWriteRecording(mon, caps, record, error))
        return FALSE;
    *ret_caps = g_steal_pointer(&caps);
    return TRUE;
}

/**
 * virQEMUCapsNewFromReplies:
 * @emulator: the path to report as the emulator's
 *
 * Run the probe against the conversation recorded in @path.
 */
gboolean
virQEMUCapsNewFromReplies(const char *path, const char *emulator, virQEMUCaps **ret_caps,
                          GError **error)
{
    g_autoptr(virQEMUMonitor) mon = NULL;
    g_autoptr(virQEMUCaps) caps = virQEMUCapsNew(emulator);

    if (!virQEMUMonitorOpenReplies(path, &mon, error) ||
        !virQEMUCapsRunQueries(caps, mon, error))
        return FALSE;
    *ret_caps = g_steal_pointer(&caps);
    return TRUE;
}

/* ---- The JSON form (cache files, --json, --caps FILE) ---- */

static void
virQEMUCapsMachinesToJSON(const virQEMUCaps *caps, JsonBuilder *b)
{
    guint i;

    json_builder_set_member_name(b, "machines");
    json_builder_begin_array(b);
    for (i = 0; i < caps->machines->len; i++) {
        const virQEMUCapsMachine *machine = g_ptr_array_index(caps->machines, i);

        json_builder_begin_object(b);
        virQEMUJSONAddString(b, "name", machine->name);
        virQEMUJSONAddString(b, "alias", machine->alias);
        virQEMUJSONAddBool(b, "default", machine->is_default);
        virQEMUJSONAddBool(b, "deprecated", machine->deprecated);
        virQEMUJSONAddInt(b, "cpu-max", machine->cpu_max);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

static JsonNode *
virQEMUCapsToJSON(const virQEMUCaps *caps)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    virQEMUJSONAddInt(b, "format", VIR_QEMU_CAPS_FORMAT);
    virQEMUJSONAddString(b, "emulator", caps->emulator);
    virQEMUJSONAddString(b, "arch", caps->arch);
    json_builder_set_member_name(b, "version");
    json_builder_begin_object(b);
    virQEMUJSONAddInt(b, "major", caps->version_major);
    virQEMUJSONAddInt(b, "minor", caps->version_minor);
    virQEMUJSONAddInt(b, "micro", caps->version_micro);
    virQEMUJSONAddString(b, "package", caps->package);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "kvm");
    json_builder_begin_object(b);
    virQEMUJSONAddBool(b, "present", caps->kvm_present);
    virQEMUJSONAddBool(b, "enabled", caps->kvm_enabled);
    json_builder_end_object(b);
    virQEMUJSONAddBool(b, "s390-pv-guest", caps->pv_object);
    virQEMUJSONAddBool(b, "confidential-guest-support", caps->machine_cgs);
    json_builder_set_member_name(b, "host-model");
    if (caps->host_model) {
        json_builder_begin_object(b);
        virQEMUJSONAddString(b, "name", caps->host_model);
        virQEMUJSONAddBool(b, VIR_QEMU_CAPS_UNPACK, caps->host_unpack);
        if (caps->host_deprecated) {
            guint i;

            json_builder_set_member_name(b, "deprecated-props");
            json_builder_begin_array(b);
            for (i = 0; caps->host_deprecated[i]; i++)
                json_builder_add_string_value(b, caps->host_deprecated[i]);
            json_builder_end_array(b);
        }
        json_builder_end_object(b);
    } else {
        json_builder_add_null_value(b);
    }
    /* Derived, for readers; ignored when the file is loaded. */
    virQEMUJSONAddBool(b, "pv-supported", virQEMUCapsSupportsPV(caps));
    virQEMUCapsMachinesToJSON(caps, b);
    if (caps->key) {
        json_builder_set_member_name(b, "key");
        json_builder_add_value(b, json_node_copy(caps->key));
    }
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

char *
virQEMUCapsFormatJSON(const virQEMUCaps *caps, gboolean pretty)
{
    g_autoptr(JsonNode) root = virQEMUCapsToJSON(caps);
    g_autoptr(JsonGenerator) gen = json_generator_new();

    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, pretty);
    json_generator_set_indent(gen, 2);
    return json_generator_to_data(gen, NULL);
}

/* Reading the JSON form back: every member is checked for its type, so
 * that a damaged file is refused instead of half-believed. */
typedef struct {
    const char *path;
    GError **error;
    gboolean failed;
} virQEMUCapsReader;

static JsonNode *
virQEMUCapsReadMember(virQEMUCapsReader *r, JsonObject *obj, const char *name,
                      JsonNodeType type, GType value_type, gboolean nullable)
{
    JsonNode *node = obj ? json_object_get_member(obj, name) : NULL;

    if (r->failed)
        return NULL;
    if (node && nullable && JSON_NODE_HOLDS_NULL(node))
        return NULL;
    if (node && json_node_get_node_type(node) == type &&
        (type != JSON_NODE_VALUE || json_node_get_value_type(node) == value_type))
        return node;
    g_set_error(r->error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_CACHE,
                _("'%s' is not a virt-pv capabilities file: member '%s' is missing or has "
                  "the wrong type"),
                r->path, name);
    r->failed = TRUE;
    return NULL;
}

static JsonObject *
virQEMUCapsReadObject(virQEMUCapsReader *r, JsonObject *obj, const char *name, gboolean nullable)
{
    JsonNode *node = virQEMUCapsReadMember(r, obj, name, JSON_NODE_OBJECT, G_TYPE_INVALID,
                                           nullable);

    return node ? json_node_get_object(node) : NULL;
}

static char *
virQEMUCapsReadString(virQEMUCapsReader *r, JsonObject *obj, const char *name, gboolean nullable)
{
    JsonNode *node = virQEMUCapsReadMember(r, obj, name, JSON_NODE_VALUE, G_TYPE_STRING,
                                           nullable);

    return node ? g_strdup(json_node_get_string(node)) : NULL;
}

static gboolean
virQEMUCapsReadBool(virQEMUCapsReader *r, JsonObject *obj, const char *name)
{
    JsonNode *node = virQEMUCapsReadMember(r, obj, name, JSON_NODE_VALUE, G_TYPE_BOOLEAN,
                                           FALSE);

    return node ? json_node_get_boolean(node) : FALSE;
}

static gint64
virQEMUCapsReadInt(virQEMUCapsReader *r, JsonObject *obj, const char *name)
{
    JsonNode *node = virQEMUCapsReadMember(r, obj, name, JSON_NODE_VALUE, G_TYPE_INT64, FALSE);

    return node ? json_node_get_int(node) : 0;
}

static void
virQEMUCapsReadMachines(virQEMUCapsReader *r, JsonObject *top, virQEMUCaps *caps)
{
    JsonNode *node = virQEMUCapsReadMember(r, top, "machines", JSON_NODE_ARRAY, G_TYPE_INVALID,
                                           FALSE);
    JsonArray *list = node ? json_node_get_array(node) : NULL;
    guint i;

    for (i = 0; list && i < json_array_get_length(list) && !r->failed; i++) {
        JsonNode *elem = json_array_get_element(list, i);
        JsonObject *obj = JSON_NODE_HOLDS_OBJECT(elem) ? json_node_get_object(elem) : NULL;
        virQEMUCapsMachine *machine = g_new0(virQEMUCapsMachine, 1);

        machine->name = virQEMUCapsReadString(r, obj, "name", FALSE);
        machine->alias = virQEMUCapsReadString(r, obj, "alias", TRUE);
        machine->is_default = virQEMUCapsReadBool(r, obj, "default");
        machine->deprecated = virQEMUCapsReadBool(r, obj, "deprecated");
        machine->cpu_max = virQEMUCapsReadInt(r, obj, "cpu-max");
        g_ptr_array_add(caps->machines, machine);
    }
}

static void
virQEMUCapsReadTop(virQEMUCapsReader *r, JsonObject *top, virQEMUCaps *caps)
{
    JsonObject *version;
    JsonObject *kvm;
    JsonObject *host;
    JsonNode *key = json_object_get_member(top, "key");

    /* In the order virQEMUCapsToJSON() writes, so that the first damaged
     * member is the one reported. */
    caps->emulator = virQEMUCapsReadString(r, top, "emulator", FALSE);
    caps->arch = virQEMUCapsReadString(r, top, "arch", FALSE);
    version = virQEMUCapsReadObject(r, top, "version", FALSE);
    caps->version_major = (guint)virQEMUCapsReadInt(r, version, "major");
    caps->version_minor = (guint)virQEMUCapsReadInt(r, version, "minor");
    caps->version_micro = (guint)virQEMUCapsReadInt(r, version, "micro");
    caps->package = virQEMUCapsReadString(r, version, "package", TRUE);
    kvm = virQEMUCapsReadObject(r, top, "kvm", FALSE);
    caps->kvm_present = virQEMUCapsReadBool(r, kvm, "present");
    caps->kvm_enabled = virQEMUCapsReadBool(r, kvm, "enabled");
    caps->pv_object = virQEMUCapsReadBool(r, top, "s390-pv-guest");
    caps->machine_cgs = virQEMUCapsReadBool(r, top, "confidential-guest-support");
    host = virQEMUCapsReadObject(r, top, "host-model", TRUE);
    if (host) {
        caps->host_model = virQEMUCapsReadString(r, host, "name", FALSE);
        caps->host_unpack = virQEMUCapsReadBool(r, host, VIR_QEMU_CAPS_UNPACK);
        /* Optional: written only when QEMU names deprecated features. */
        caps->host_deprecated =
            virQEMUCapsStringList(json_object_get_member(host, "deprecated-props"));
    }
    virQEMUCapsReadMachines(r, top, caps);
    if (key && !r->failed)
        caps->key = json_node_copy(key);
}

/**
 * virQEMUCapsParseJSON:
 * @path: the file the text came from, for messages
 *
 * Read capabilities in the form virQEMUCapsToJSON() writes.
 */
gboolean
virQEMUCapsParseJSON(const char *text, gsize len, const char *path, virQEMUCaps **ret_caps,
                     GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) parse_error = NULL;
    g_autoptr(virQEMUCaps) caps = virQEMUCapsNew(NULL);
    virQEMUCapsReader r = { path, error, FALSE };
    JsonNode *root;
    JsonObject *top;

    switch (virQEMUJSONCheckShape(text, len)) {
    case VIR_QEMU_JSON_SHAPE_NOT_JSON:
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_CACHE,
                    _("'%s' is not a virt-pv capabilities file: %s"), path,
                    _("it does not start like a JSON value"));
        return FALSE;
    case VIR_QEMU_JSON_SHAPE_BAD_ESCAPE:
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_CACHE,
                    _("'%s' is not a virt-pv capabilities file: %s"), path,
                    _("a string has an escape sequence that JSON does not have"));
        return FALSE;
    case VIR_QEMU_JSON_SHAPE_TOO_DEEP:
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_CACHE,
                    _("'%s' is not a virt-pv capabilities file: JSON nested deeper than %d "
                      "levels"),
                    path, VIR_QEMU_JSON_MAX_DEPTH);
        return FALSE;
    case VIR_QEMU_JSON_SHAPE_TRAILING:
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_CACHE,
                    _("'%s' is not a virt-pv capabilities file: text follows the JSON "
                      "document"),
                    path);
        return FALSE;
    case VIR_QEMU_JSON_SHAPE_OK:
        break;
    }
    if (!json_parser_load_from_data(parser, text, (gssize)len, &parse_error)) {
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_CACHE,
                    _("'%s' is not a virt-pv capabilities file: %s"), path,
                    parse_error->message);
        return FALSE;
    }
    root = json_parser_get_root(parser);
    top = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
    if (virQEMUCapsReadInt(&r, top, "format") != VIR_QEMU_CAPS_FORMAT) {
        if (r.failed)
            return FALSE;
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_CACHE,
                    _("'%s' has a capabilities format this virt-pv does not know"), path);
        return FALSE;
    }
    virQEMUCapsReadTop(&r, top, caps);
    if (r.failed)
        return FALSE;
    *ret_caps = g_steal_pointer(&caps);
    return TRUE;
}

/* Capabilities files are small; a bigger file is not one. */
#define VIR_QEMU_CAPS_MAX_FILE (1024 * 1024)

gboolean
virQEMUCapsLoadFile(const char *path, virQEMUCaps **ret_caps, GError **error)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) read_error = NULL;
    gsize len = 0;

    if (!virFileReadLimit(path, VIR_QEMU_CAPS_MAX_FILE, &text, &len, &read_error)) {
        g_set_error_literal(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_CACHE, read_error->message);
        return FALSE;
    }
    return virQEMUCapsParseJSON(text, len, path, ret_caps, error);
}

/* ---- The libvirt-like XML form ---- */

static void
virQEMUCapsFormatCPU(const virQEMUCaps *caps, GString *out)
{
    g_string_append(out, "  <cpu>\n");
    if (!caps->host_model) {
        g_string_append(out, "    <mode name='host-model' supported='no'/>\n");
    } else {
        g_autofree char *model = g_markup_escape_text(caps->host_model, -1);

        g_string_append(out, "    <mode name='host-model' supported='yes'>\n");
        g_string_append_printf(out, "      <model fallback='forbid'>%s</model>\n", model);
        if (caps->host_unpack)
            g_string_append_printf(out, "      <feature policy='require' name='%s'/>\n",
                                   VIR_QEMU_CAPS_UNPACK);
        g_string_append(out, "    </mode>\n");
    }
    g_string_append(out, "  </cpu>\n");
}

char *
virQEMUCapsFormatXML(const virQEMUCaps *caps)
{
    GString *out = g_string_new("<domainCapabilities>\n");
    const virQEMUCapsMachine *machine = virQEMUCapsGetDefaultMachine(caps);
    g_autofree char *path = g_markup_escape_text(caps->emulator ? caps->emulator : "", -1);
    g_autofree char *arch = g_markup_escape_text(caps->arch ? caps->arch : "", -1);

    g_string_append_printf(out, "  <path>%s</path>\n", path);
    g_string_append_printf(out, "  <domain>%s</domain>\n", caps->kvm_enabled ? "kvm" : "qemu");
    if (machine) {
        g_autofree char *name = g_markup_escape_text(machine->name, -1);

        g_string_append_printf(out, "  <machine>%s</machine>\n", name);
    }
    g_string_append_printf(out, "  <arch>%s</arch>\n", arch);
    if (machine && machine->cpu_max > 0)
        g_string_append_printf(out, "  <vcpu max='%" G_GINT64_FORMAT "'/>\n", machine->cpu_max);
    virQEMUCapsFormatCPU(caps, out);
    g_string_append(out, "  <features>\n");
    g_string_append_printf(out, "    <s390-pv supported='%s'/>\n",
                           virQEMUCapsSupportsPV(caps) ? "yes" : "no");
    g_string_append(out, "  </features>\n");
    g_string_append(out, "</domainCapabilities>\n");
    return g_string_free(out, FALSE);
}
