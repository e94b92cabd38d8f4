/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include <glib/gi18n.h>

#include "virerror.h"
#include "virfile.h"
#include "virstring.h"
#include "viruv.h"

/* Every file below /sys/firmware/uv is one page at most (sysfs_emit);
 * keys/all, the longest, is 15 lines of 65 bytes. */
#define VIR_UV_MAX_FILE 4096

#define VIR_UV_DIR "/sys/firmware/uv"

typedef struct {
    const char *name;
    gboolean hex; /* the kernel prints "%lx"; else "%d" */
} virUVQueryFieldInfo;

/* arch/s390/kernel/uv.c, the uv_query_* attributes and their formats. */
static const virUVQueryFieldInfo virUVQueryFields[] = {
    { "feature_indications", TRUE },
    { "max_cpus", FALSE },
    { "max_guests", FALSE },
    { "max_address", TRUE },
    { "supp_se_hdr_ver", TRUE },
    { "supp_se_hdr_pcf", TRUE },
    { "dump_storage_state_len", TRUE },
    { "dump_finalize_len", TRUE },
    { "dump_cpu_len", TRUE },
    { "supp_att_req_hdr_ver", TRUE },
    { "supp_att_pflags", TRUE },
    { "supp_add_secret_req_ver", TRUE },
    { "supp_add_secret_pcf", TRUE },
    { "supp_secret_types", TRUE },
    { "max_secrets", FALSE },
    { "max_assoc_secrets", FALSE },
    { "max_retr_secrets", FALSE },
};
G_STATIC_ASSERT(G_N_ELEMENTS(virUVQueryFields) == VIR_UV_QUERY_LAST);

const char *
virUVQueryFieldToString(virUVQueryField field)
{
    if ((guint)field >= VIR_UV_QUERY_LAST)
        return NULL;
    return virUVQueryFields[field].name;
}

gboolean
virUVQueryFieldIsHex(virUVQueryField field)
{
    return (guint)field < VIR_UV_QUERY_LAST && virUVQueryFields[field].hex;
}

static const char *const virUVKeysStateNames[] = {
    "absent",
    "ok",
    "invalid",
};
G_STATIC_ASSERT(G_N_ELEMENTS(virUVKeysStateNames) == VIR_UV_KEYS_LAST);

const char *
virUVKeysStateToString(virUVKeysState state)
{
    if ((guint)state >= VIR_UV_KEYS_LAST)
        return NULL;
    return virUVKeysStateNames[state];
}

void
virUVInfoFree(virUVInfo *info)
{
    if (!info)
        return;
    g_free(info->keys_problem);
    g_clear_pointer(&info->problems, g_ptr_array_unref);
    g_free(info);
}

/* ---- parsing one file --------------------------------------------------- */

static gboolean
virUVIsHexDigits(const char *s, gsize len)
{
    gsize i;

    if (len == 0)
        return FALSE;
    for (i = 0; i < len; i++) {
        if (!g_ascii_isxdigit(s[i]))
            return FALSE;
    }
    return TRUE;
}

/* Split @text into exactly @nlines newline-terminated lines. */
static GStrv
virUVSplitLines(const char *text, guint nlines, GError **error)
{
    g_auto(GStrv) lines = NULL;
    gsize len = strlen(text);
    guint got;

    if (len == 0 || text[len - 1] != '\n') {
        g_set_error_literal(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE,
                            _("the text does not end with a line break"));
        return NULL;
    }
    lines = g_strsplit(text, "\n", -1);
    got = g_strv_length(lines) - 1; /* the empty piece after the last '\n' */
    if (got != nlines) {
        g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE,
                    ngettext("expected %u line, found %u", "expected %u lines, found %u",
                             nlines),
                    nlines, got);
        return NULL;
    }
    return g_steal_pointer(&lines);
}

static gboolean
virUVParseNumber(const char *line, gboolean hex, guint64 *ret_value, GError **error)
{
    gsize len = strlen(line);
    guint64 value = 0;

    /* The kernel prints bare digits: no sign, no "0x", no blanks. */
    if (len == 0 || len > 20 || (hex ? len > 16 || !virUVIsHexDigits(line, len)
                                     : strspn(line, "0123456789") != len) ||
        !g_ascii_string_to_unsigned(line, hex ? 16 : 10, 0, G_MAXUINT64, &value, NULL)) {
        /* Quote no more of the file than a number could be long. */
        g_autofree char *quoted = g_strndup(line, 24);

        g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE,
                    hex ? _("'%s' is not a hexadecimal number of up to 16 digits")
                        : _("'%s' is not a decimal number"),
                    quoted);
        return FALSE;
    }
    *ret_value = value;
    return TRUE;
}

gboolean
virUVParseFacilities(const char *text, guint64 ret_words[VIR_UV_FACILITY_WORDS], GError **error)
{
    g_auto(GStrv) lines = virUVSplitLines(text, VIR_UV_FACILITY_WORDS, error);
    guint64 words[VIR_UV_FACILITY_WORDS];
    guint i;

    if (!lines)
        return FALSE;
    for (i = 0; i < VIR_UV_FACILITY_WORDS; i++) {
        if (!virUVParseNumber(lines[i], TRUE, &words[i], error))
            return FALSE;
    }
    memcpy(ret_words, words, sizeof(words));
    return TRUE;
}

gboolean
virUVParseQueryValue(virUVQueryField field, const char *text, guint64 *ret_value,
                     GError **error)
{
    g_auto(GStrv) lines = virUVSplitLines(text, 1, error);

    if (!lines)
        return FALSE;
    return virUVParseNumber(lines[0], virUVQueryFieldIsHex(field), ret_value, error);
}

gboolean
virUVParseKeyHashes(const char *text, guint nlines, char ret_first[VIR_UV_KEY_HASH_HEX_LEN + 1],
                    char ret_second[VIR_UV_KEY_HASH_HEX_LEN + 1], GError **error)
{
    g_auto(GStrv) lines = virUVSplitLines(text, nlines, error);
    guint i;

    if (!lines)
        return FALSE;
    for (i = 0; i < nlines; i++) {
        gsize len = strlen(lines[i]);

        if (len != VIR_UV_KEY_HASH_HEX_LEN || !virUVIsHexDigits(lines[i], len)) {
            g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE,
                        _("line %u is not a hash of %u hexadecimal digits"), i + 1,
                        VIR_UV_KEY_HASH_HEX_LEN);
            return FALSE;
        }
    }
    for (i = 0; i < MIN(nlines, 2u); i++) {
        char *out = i == 0 ? ret_first : ret_second;
        g_autofree char *lower = NULL;

        if (!out)
            continue;
        lower = g_ascii_strdown(lines[i], -1);
        memcpy(out, lower, VIR_UV_KEY_HASH_HEX_LEN + 1);
    }
    return TRUE;
}

/* ---- reading the directory ---------------------------------------------- */

/* Read @name below /sys/firmware/uv: TRUE with NULL when absent, FALSE
 * when it cannot be read (too big, not a regular file, an I/O error). */
static gboolean
virUVReadFile(const char *root, const char *name, char **ret_text, GError **error)
{
    g_autofree char *rel = g_strdup_printf(VIR_UV_DIR "/%s", name);
    g_autofree char *path = virFileBuildPath(root, rel);

    return virFileReadOptional(path, VIR_UV_MAX_FILE, ret_text, NULL, error);
}

/* Messages may quote the files, which are input: escaped once, here. */
static char *
virUVProblem(const char *name, const GError *error)
{
    g_autofree char *text = g_strdup_printf("%s/%s: %s", VIR_UV_DIR, name, error->message);

    return virStringEscapeControl(text);
}

static void
virUVAddProblem(virUVInfo *info, const char *name, const GError *error)
{
    g_ptr_array_add(info->problems, virUVProblem(name, error));
}

static void
virUVReadFacilities(const char *root, virUVInfo *info)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) error = NULL;

    if (!virUVReadFile(root, "query/facilities", &text, &error) ||
        (text && !virUVParseFacilities(text, info->facilities, &error))) {
        virUVAddProblem(info, "query/facilities", error);
        return;
    }
    info->has_facilities = text != NULL;
}

static void
virUVReadQuery(const char *root, virUVInfo *info)
{
    guint field;

    virUVReadFacilities(root, info);
    for (field = 0; field < VIR_UV_QUERY_LAST; field++) {
        g_autofree char *name = g_strdup_printf("query/%s", virUVQueryFields[field].name);
        g_autofree char *text = NULL;
        g_autoptr(GError) error = NULL;
        virUVQueryValue *value = &info->values[field];

        if (!virUVReadFile(root, name, &text, &error) ||
            (text && !virUVParseQueryValue(field, text, &value->value, &error))) {
            virUVAddProblem(info, name, error);
            continue;
        }
        value->present = text != NULL;
    }
}

static void
virUVKeysInvalid(virUVInfo *info, const char *name, const GError *error)
{
    info->keys_state = VIR_UV_KEYS_INVALID;
    info->keys_problem = virUVProblem(name, error);
    info->host_key[0] = info->backup_host_key[0] = '\0';
}

/* One of the key files: @nlines hashes.  TRUE when it was there. */
static gboolean
virUVReadKeyFile(const char *root, virUVInfo *info, const char *name, guint nlines,
                 char *ret_first, char *ret_second, gboolean *ret_ok)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) error = NULL;

    *ret_ok = TRUE;
    if (!virUVReadFile(root, name, &text, &error) ||
        (text && !virUVParseKeyHashes(text, nlines, ret_first, ret_second, &error))) {
        virUVKeysInvalid(info, name, error);
        *ret_ok = FALSE;
        return TRUE;
    }
    return text != NULL;
}

static gboolean
virUVIsZeroHash(const char *hex)
{
    return strspn(hex, "0") == VIR_UV_KEY_HASH_HEX_LEN;
}

/* keys/host_key and keys/backup_host_key, each one hash; keys/all, the
 * whole answer, is checked too and stands in for a missing single file.
 * A hash of zeros is a key slot with no key in it. */
static void
virUVReadKeys(const char *root, virUVInfo *info)
{
    char all_host[VIR_UV_KEY_HASH_HEX_LEN + 1] = "";
    char all_backup[VIR_UV_KEY_HASH_HEX_LEN + 1] = "";
    g_autofree char *dir = virFileBuildPath(root, VIR_UV_DIR "/keys");
    gboolean have_host;
    gboolean have_backup;
    gboolean have_all;
    gboolean ok;

    info->keys_state = VIR_UV_KEYS_ABSENT;
    if (!g_file_test(dir, G_FILE_TEST_IS_DIR))
        return;

    have_all = virUVReadKeyFile(root, info, "keys/all", VIR_UV_KEYS_ALL_LINES, all_host,
                                all_backup, &ok);
    if (!ok)
        return;
    have_host = virUVReadKeyFile(root, info, "keys/host_key", 1, info->host_key, NULL, &ok);
    if (!ok)
        return;
    have_backup = virUVReadKeyFile(root, info, "keys/backup_host_key", 1,
                                   info->backup_host_key, NULL, &ok);
    if (!ok)
        return;

    if (!have_host && have_all)
        memcpy(info->host_key, all_host, sizeof(all_host));
    if (!have_backup && have_all)
        memcpy(info->backup_host_key, all_backup, sizeof(all_backup));
    if (!info->host_key[0] || virUVIsZeroHash(info->host_key)) {
        g_autoptr(GError) error = g_error_new_literal(VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE,
                                                      _("no host key hash"));

        virUVKeysInvalid(info, have_host ? "keys/host_key" : "keys", error);
        return;
    }
    if (info->backup_host_key[0] && virUVIsZeroHash(info->backup_host_key))
        info->backup_host_key[0] = '\0';
    info->keys_state = VIR_UV_KEYS_OK;
}

virUVInfo *
virUVInfoRead(const char *root)
{
    g_autoptr(virUVInfo) info = g_new0(virUVInfo, 1);
    g_autofree char *query = virFileBuildPath(root, VIR_UV_DIR "/query");

    info->problems = g_ptr_array_new_with_free_func(g_free);
    info->query = g_file_test(query, G_FILE_TEST_IS_DIR);
    if (info->query)
        virUVReadQuery(root, info);
    virUVReadKeys(root, info);
    return g_steal_pointer(&info);
}

/* ---- questions ------------------------------------------------------------ */

static gboolean
virUVBitIsSet(guint64 word, guint bit)
{
    return bit < 64 && (word & (G_GUINT64_CONSTANT(1) << (63 - bit)));
}

gboolean
virUVInfoHasFacility(const virUVInfo *info, guint bit)
{
    if (!info->has_facilities || bit >= 64 * VIR_UV_FACILITY_WORDS)
        return FALSE;
    return virUVBitIsSet(info->facilities[bit / 64], bit % 64);
}

gboolean
virUVInfoCanDump(const virUVInfo *info)
{
    guint bit;

    for (bit = VIR_UV_FACILITY_DUMP_INIT; bit <= VIR_UV_FACILITY_DUMP_COMPLETE; bit++) {
        if (!virUVInfoHasFacility(info, bit))
            return FALSE;
    }
    return TRUE;
}

typedef struct {
    guint bit;
    const char *name;
} virUVBitName;

/* arch/s390/include/asm/uv.h, enum uv_cmds_inst. */
static const virUVBitName virUVFacilityBits[] = {
    { 0, "query-ultravisor-info" },
    { 1, "init-ultravisor" },
    { 2, "create-secure-config" },
    { 3, "destroy-secure-config" },
    { 4, "create-secure-cpu" },
    { 5, "destroy-secure-cpu" },
    { 6, "convert-to-secure" },
    { 7, "convert-from-secure" },
    { 8, "set-shared-access" },
    { 9, "remove-shared-access" },
    { 11, "set-secure-config-params" },
    { 13, "unpack-image" },
    { 14, "verify-image" },
    { 15, "cpu-reset" },
    { 16, "cpu-reset-initial" },
    { 17, "cpu-set-state" },
    { 18, "prepare-reset" },
    { 19, "cpu-clear-reset" },
    { 20, "unshare-all" },
    { 21, "pin-page-shared" },
    { 22, "unpin-page-shared" },
    { 23, "destroy-secure-config-fast" },
    { 24, "dump-init" },
    { 25, "dump-config-storage-state" },
    { 26, "dump-cpu" },
    { 27, "dump-complete" },
    { 28, "retrieve-attestation" },
    { 29, "add-secret" },
    { 30, "list-secrets" },
    { 31, "lock-secrets" },
    { 33, "retrieve-secret" },
    { 34, "query-keys" },
};

/* enum uv_feat_ind. */
static const virUVBitName virUVFeatureBits[] = {
    { 0, "misc" },
    { 1, "adapter-interrupt-virtualization" },
    { 4, "ap-passthrough" },
    { 5, "ap-interrupts" },
};

static void
virUVAddBitName(GStrvBuilder *names, const virUVBitName *table, gsize ntable, guint bit)
{
    g_autofree char *unknown = NULL;
    gsize i;

    for (i = 0; i < ntable; i++) {
        if (table[i].bit == bit) {
            g_strv_builder_add(names, table[i].name);
            return;
        }
    }
    unknown = g_strdup_printf("bit %u", bit);
    g_strv_builder_add(names, unknown);
}

GStrv
virUVFacilityNames(const virUVInfo *info)
{
    g_autoptr(GStrvBuilder) names = g_strv_builder_new();
    guint bit;

    for (bit = 0; bit < 64 * VIR_UV_FACILITY_WORDS; bit++) {
        if (virUVInfoHasFacility(info, bit))
            virUVAddBitName(names, virUVFacilityBits, G_N_ELEMENTS(virUVFacilityBits), bit);
    }
    return g_strv_builder_end(names);
}

GStrv
virUVFeatureNames(guint64 features)
{
    g_autoptr(GStrvBuilder) names = g_strv_builder_new();
    guint bit;

    for (bit = 0; bit < 64; bit++) {
        if (virUVBitIsSet(features, bit))
            virUVAddBitName(names, virUVFeatureBits, G_N_ELEMENTS(virUVFeatureBits), bit);
    }
    return g_strv_builder_end(names);
}

/* Bit n stands for header version 0x100 * (n + 1). */
gboolean
virUVSupportsHeaderVersion(guint64 supp_se_hdr_ver, guint32 version)
{
    if (version == 0 || version % 0x100 != 0)
        return FALSE;
    return virUVBitIsSet(supp_se_hdr_ver, version / 0x100 - 1);
}

GStrv
virUVHeaderVersionNames(guint64 supp_se_hdr_ver)
{
    g_autoptr(GStrvBuilder) names = g_strv_builder_new();
    guint bit;

    for (bit = 0; bit < 64; bit++) {
        if (virUVBitIsSet(supp_se_hdr_ver, bit)) {
            g_autofree char *name = g_strdup_printf("0x%x", 0x100 * (bit + 1));

            g_strv_builder_add(names, name);
        }
    }
    return g_strv_builder_end(names);
}

char *
virUVKeyHashShort(const char *hex)
{
    return g_strndup(hex, 8);
}
