/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vircpuinfo.h"

struct _virCPUInfo {
    GHashTable *fields; /* key -> value, first occurrence wins */
};

void
virCPUInfoFree(virCPUInfo *info)
{
    if (!info)
        return;
    g_clear_pointer(&info->fields, g_hash_table_unref);
    g_free(info);
}

/* Keys are padded with spaces or tabs before the colon ("facilities      :",
 * "features\t:"); lines can be of any length. */
static void
virCPUInfoAddLine(virCPUInfo *info, const char *line, gsize len)
{
    const char *colon = memchr(line, ':', len);
    const char *key_end;
    const char *value;
    const char *end = line + len;
    g_autofree char *key = NULL;

    if (!colon)
        return;
    key_end = colon;
    while (key_end > line && (key_end[-1] == ' ' || key_end[-1] == '\t'))
        key_end--;
    if (key_end == line)
        return;

    value = colon + 1;
    while (value < end && (*value == ' ' || *value == '\t'))
        value++;
    while (end > value && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;

    key = g_strndup(line, (gsize)(key_end - line));
    if (g_hash_table_contains(info->fields, key))
        return;
    g_hash_table_insert(info->fields, g_steal_pointer(&key),
                        g_strndup(value, (gsize)(end - value)));
}

virCPUInfo *
virCPUInfoParse(const char *text)
{
    virCPUInfo *info = g_new0(virCPUInfo, 1);
    const char *cursor = text;

    info->fields = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    while (*cursor) {
        const char *nl = strchr(cursor, '\n');
        gsize len = nl ? (gsize)(nl - cursor) : strlen(cursor);

        virCPUInfoAddLine(info, cursor, len);
        cursor += len;
        if (*cursor == '\n')
            cursor++;
    }
    return info;
}

const char *
virCPUInfoGet(const virCPUInfo *info, const char *key)
{
    return g_hash_table_lookup(info->fields, key);
}

gboolean
virCPUInfoIsS390(const virCPUInfo *info)
{
    const char *vendor = virCPUInfoGet(info, "vendor_id");

    return vendor && g_str_equal(vendor, "IBM/S390");
}

gboolean
virCPUInfoHasFacilities(const virCPUInfo *info)
{
    return virCPUInfoGet(info, "facilities") != NULL;
}

/* The facilities line lists the numbers of the installed facility bits,
 * separated by blanks.  Every number is looked at: the order is not relied
 * upon and tokens that are not numbers are skipped. */
gboolean
virCPUInfoHasFacility(const virCPUInfo *info, guint bit)
{
    const char *cursor = virCPUInfoGet(info, "facilities");

    if (!cursor)
        return FALSE;

    while (*cursor) {
        char *end;
        guint64 num;

        while (*cursor == ' ' || *cursor == '\t')
            cursor++;
        if (!*cursor)
            break;
        if (!g_ascii_isdigit(*cursor)) {
            while (*cursor && *cursor != ' ' && *cursor != '\t')
                cursor++;
            continue;
        }
        errno = 0;
        num = g_ascii_strtoull(cursor, &end, 10);
        if (errno == 0 && (*end == '\0' || *end == ' ' || *end == '\t') &&
            num == bit)
            return TRUE;
        cursor = end;
        while (*cursor && *cursor != ' ' && *cursor != '\t')
            cursor++;
    }
    return FALSE;
}
