/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <dirent.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "qemu_error.h"
#include "qemu_protection.h"
#include "util/virfile.h"

/* A QEMU command line of libvirt's is some kilobytes; a megabyte is no
 * command line of a guest. */
#define VIR_QEMU_PROCESS_CMDLINE_MAX (1024 * 1024)

void
virQEMUProcessFree(virQEMUProcess *process)
{
    if (!process)
        return;
    g_strfreev(process->argv);
    g_free(process->exe);
    g_free(process);
}

static char **
virQEMUProcessSplit(const char *cmdline, gsize len)
{
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    gsize start = 0;
    gsize i;

    for (i = 0; i < len; i++) {
        if (cmdline[i] == '\0') {
            g_ptr_array_add(args, g_strndup(cmdline + start, i - start));
            start = i + 1;
        }
    }
    g_ptr_array_add(args, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&args), FALSE);
}

/* The -uuid of @argv when it is a QEMU command line. */
static const char *
virQEMUProcessUUID(char **argv)
{
    g_autofree char *base = NULL;
    guint i;

    if (!argv[0])
        return NULL;
    base = g_path_get_basename(argv[0]);
    if (!g_str_has_prefix(base, "qemu"))
        return NULL;
    for (i = 1; argv[i] && argv[i + 1]; i++) {
        if (g_str_equal(argv[i], "-uuid"))
            return argv[i + 1];
    }
    return NULL;
}

GHashTable *
virQEMUProcessTableRead(const char *root)
{
    GHashTable *table = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify)virQEMUProcessFree);
    g_autofree char *proc = virFileBuildPath(root, "/proc");
    g_autoptr(GDir) dir = g_dir_open(proc, 0, NULL);
    const char *entry;

    while (dir && (entry = g_dir_read_name(dir))) {
        g_autofree char *path = NULL;
        g_autofree char *cmdline = NULL;
        g_autoptr(virQEMUProcess) process = NULL;
        const char *uuid;
        gsize len = 0;

        if (strspn(entry, "0123456789") != strlen(entry))
            continue;
        path = g_strdup_printf("%s/%s/cmdline", proc, entry);
        /* Processes come and go while we read: one gone is no error. */
        if (!virFileReadLimit(path, VIR_QEMU_PROCESS_CMDLINE_MAX, &cmdline, &len, NULL))
            continue;
        process = g_new0(virQEMUProcess, 1);
        process->pid = atoi(entry);
        process->argv = virQEMUProcessSplit(cmdline, len);
        if ((uuid = virQEMUProcessUUID(process->argv))) {
            g_autofree char *key = g_ascii_strdown(uuid, -1);
            g_autofree char *exe = g_strdup_printf("%s/%s/exe", proc, entry);
            virQEMUProcess *other = g_hash_table_lookup(table, key);

            process->exe = g_file_read_link(exe, NULL);
            if (other) {
                other->ambiguous = TRUE;
                continue;
            }
            g_hash_table_insert(table, g_steal_pointer(&key), g_steal_pointer(&process));
        }
    }
    return table;
}

/* One -device or -object value: its type and whether @property is on.
 * JSON ({"driver":..., "iommu_platform":true}) or key=value
 * (virtio-blk-ccw,iommu_platform=on,...). */
static char *
virQEMUProtectionParseValue(const char *value, const char *type_key, const char *property,
                            gboolean *ret_on)
{
    *ret_on = FALSE;
    if (value[0] == '{') {
        g_autoptr(JsonNode) node = json_from_string(value, NULL);
        JsonObject *obj;
        JsonNode *prop;

        if (!node || !JSON_NODE_HOLDS_OBJECT(node))
            return NULL;
        obj = json_node_get_object(node);
        if (property && (prop = json_object_get_member(obj, property)) &&
            JSON_NODE_HOLDS_VALUE(prop)) {
            if (json_node_get_value_type(prop) == G_TYPE_BOOLEAN)
                *ret_on = json_node_get_boolean(prop);
            else if (json_node_get_value_type(prop) == G_TYPE_STRING)
                *ret_on = g_str_equal(json_node_get_string(prop), "on");
        }
        prop = json_object_get_member(obj, type_key);
        if (prop && JSON_NODE_HOLDS_VALUE(prop) &&
            json_node_get_value_type(prop) == G_TYPE_STRING)
            return g_strdup(json_node_get_string(prop));
        return g_strdup("");
    } else {
        g_auto(GStrv) parts = g_strsplit(value, ",", -1);
        g_autofree char *on = property ? g_strdup_printf("%s=on", property) : NULL;
        g_autofree char *on_true = property ? g_strdup_printf("%s=true", property) : NULL;
        g_autofree char *typed = g_strdup_printf("%s=", type_key);
        char *type = NULL;
        guint i;

        for (i = 0; parts[i]; i++) {
            if (on && (g_str_equal(parts[i], on) || g_str_equal(parts[i], on_true)))
                *ret_on = TRUE;
            if (g_str_has_prefix(parts[i], typed) && !type)
                type = g_strdup(parts[i] + strlen(typed));
        }
        return type ? type : g_strdup(parts[0] ? parts[0] : "");
    }
}

static void
virQEMUProtectionReadMachine(const char *value, virQEMUProtectionArgv *ret)
{
    g_auto(GStrv) parts = g_strsplit(value, ",", -1);
    guint i;

    for (i = 0; parts[i]; i++) {
        if (g_str_equal(parts[i], "accel=kvm"))
            ret->kvm = TRUE;
        if (g_str_has_prefix(parts[i], "confidential-guest-support="))
            ret->cgs = TRUE;
    }
}

void
virQEMUProtectionReadArgv(char *const *argv, virQEMUProtectionArgv *ret)
{
    guint i;

    memset(ret, 0, sizeof(*ret));
    for (i = 0; argv[i]; i++) {
        const char *opt = argv[i];
        const char *value = argv[i + 1];
        g_autofree char *type = NULL;
        gboolean on;

        if (g_str_equal(opt, "-enable-kvm"))
            ret->kvm = TRUE;
        if (!value)
            continue;
        if (g_str_equal(opt, "-accel")) {
            ret->kvm |= g_str_equal(value, "kvm") || g_str_has_prefix(value, "kvm,");
        } else if (g_str_equal(opt, "-machine")) {
            virQEMUProtectionReadMachine(value, ret);
        } else if (g_str_equal(opt, "-object")) {
            type = virQEMUProtectionParseValue(value, "qom-type", NULL, &on);
            ret->pv_object |= g_strcmp0(type, "s390-pv-guest") == 0;
        } else if (g_str_equal(opt, "-device")) {
            type = virQEMUProtectionParseValue(value, "driver", "iommu_platform", &on);
            if (type && g_str_has_prefix(type, "virtio-")) {
                ret->virtio_devices++;
                ret->virtio_iommu += on;
            }
        }
    }
}

gboolean
virQEMUProtectionParseAgentRead(const char *reply, char **ret_value, GError **error)
{
    g_autoptr(JsonNode) node = json_from_string(reply, NULL);
    g_autofree guchar *data = NULL;
    JsonNode *ret = NULL;
    JsonNode *buf = NULL;
    const char *b64 = NULL;
    gsize len = 0;

    /* Every step checked: the reply comes from inside the guest. */
    if (node && JSON_NODE_HOLDS_OBJECT(node))
        ret = json_object_get_member(json_node_get_object(node), "return");
    if (ret && JSON_NODE_HOLDS_OBJECT(ret))
        buf = json_object_get_member(json_node_get_object(ret), "buf-b64");
    if (buf && JSON_NODE_HOLDS_VALUE(buf) && json_node_get_value_type(buf) == G_TYPE_STRING)
        b64 = json_node_get_string(buf);
    if (!b64) {
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_PROTOCOL,
                    _("the guest agent's reply to guest-file-read has no 'buf-b64'"));
        return FALSE;
    }
    data = g_base64_decode(b64, &len);
    *ret_value = g_strstrip(g_strndup((const char *)data, len));
    return TRUE;
}
