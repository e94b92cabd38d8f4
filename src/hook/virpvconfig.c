/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include <glib/gi18n.h>

#include "util/virfile.h"
#include "virpvconfig.h"
#include "virpvconfigpriv.h"

G_DEFINE_QUARK(virt-pv-config-error-quark, virPVConfigError)

/* A configuration file is a few lines; anything bigger is not one. */
#define VIR_PV_CONFIG_MAX_LEN (1024 * 1024)

typedef enum {
    VIR_PV_CONFIG_KEY_BOOL,
    VIR_PV_CONFIG_KEY_GLOBS,
    VIR_PV_CONFIG_KEY_CODES,
    VIR_PV_CONFIG_KEY_PATHS,  /* absolute file names */
} virPVConfigKeyKind;

typedef struct {
    const char *name;
    virPVConfigKeyKind kind;
    gsize offset; /* of the field in virPVConfig */
} virPVConfigKey;

static const virPVConfigKey virPVConfigKeys[] = {
    { "enforce", VIR_PV_CONFIG_KEY_BOOL, G_STRUCT_OFFSET(virPVConfig, enforce) },
    { "require_pv", VIR_PV_CONFIG_KEY_GLOBS, G_STRUCT_OFFSET(virPVConfig, require_pv) },
    { "ignore", VIR_PV_CONFIG_KEY_CODES, G_STRUCT_OFFSET(virPVConfig, ignore) },
    { "check_host", VIR_PV_CONFIG_KEY_BOOL, G_STRUCT_OFFSET(virPVConfig, check_host) },
    { "check_qemu", VIR_PV_CONFIG_KEY_BOOL, G_STRUCT_OFFSET(virPVConfig, check_qemu) },
    { "host_key_documents", VIR_PV_CONFIG_KEY_PATHS,
      G_STRUCT_OFFSET(virPVConfig, host_key_documents) },
};

/* Where each key was set, so that every error can name its line.
 * GKeyFile itself reports neither lines nor duplicates. */
typedef struct {
    guint lines[G_N_ELEMENTS(virPVConfigKeys)];
} virPVConfigLines;

const char *
virPVConfigDefaultPath(void)
{
    return SYSCONFDIR "/virt-pv/virt-pv.conf";
}

static virPVConfig *
virPVConfigNew(void)
{
    virPVConfig *config = g_new0(virPVConfig, 1);

    config->enforce = TRUE;
    config->check_host = TRUE;
    config->check_qemu = TRUE;
    return config;
}

void
virPVConfigFree(virPVConfig *config)
{
    if (!config)
        return;
    g_strfreev(config->require_pv);
    g_strfreev(config->ignore);
    g_strfreev(config->host_key_documents);
    g_free(config);
}

static const virPVConfigKey *
virPVConfigFindKey(const char *name, gsize *ret_index)
{
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(virPVConfigKeys); i++) {
        if (g_str_equal(virPVConfigKeys[i].name, name)) {
            *ret_index = i;
            return &virPVConfigKeys[i];
        }
    }
    return NULL;
}

/* Split "key = value" (or "[group]") without judging it; a NULL key
 * means the line is blank or a comment. */
static gboolean
virPVConfigSplitLine(char *line, char **ret_group, char **ret_key, char **ret_value)
{
    char *eq;

    *ret_group = *ret_key = *ret_value = NULL;
    g_strstrip(line);
    if (!*line || *line == '#')
        return TRUE;
    if (*line == '[') {
        gsize len = strlen(line);

        if (line[len - 1] != ']')
            return FALSE;
        line[len - 1] = '\0';
        *ret_group = line + 1;
        return TRUE;
    }
    if (!(eq = strchr(line, '=')) || eq == line)
        return FALSE;
    *eq = '\0';
    *ret_key = g_strstrip(line);
    *ret_value = g_strstrip(eq + 1);
    return TRUE;
}

typedef gboolean (*virPVConfigLineFunc)(const char *path, guint lineno, const char *group,
                                        const char *key, const char *value, void *opaque,
                                        GError **error);

/* Call @func for every group header and key line of @text. */
static gboolean
virPVConfigScan(const char *path, const char *text, virPVConfigLineFunc func, void *opaque,
                GError **error)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    const char *group = NULL;
    guint i;

    for (i = 0; lines[i]; i++) {
        char *new_group;
        char *key;
        char *value;

        if (!virPVConfigSplitLine(lines[i], &new_group, &key, &value)) {
            g_set_error(error, VIR_PV_CONFIG_ERROR, VIR_PV_CONFIG_ERROR_INVALID,
                        _("%s:%u: expected 'key = value', '[group]' or a '#' comment"), path,
                        i + 1);
            return FALSE;
        }
        if (new_group)
            group = new_group;
        if ((new_group || key) && !func(path, i + 1, group, key, value, opaque, error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
virPVConfigCheckLine(const char *path, guint lineno, const char *group, const char *key,
                     const char *value, void *opaque, GError **error)
{
    virPVConfigLines *lines = opaque;
    gsize index;

    if (!group || !g_str_equal(group, VIR_PV_CONFIG_GROUP)) {
        g_set_error(error, VIR_PV_CONFIG_ERROR, VIR_PV_CONFIG_ERROR_INVALID,
                    group ? _("%s:%u: unknown group '[%s]' (expected '[%s]')")
                          : _("%s:%u: settings must follow a '[%s]' line"),
                    path, lineno, group ? group : VIR_PV_CONFIG_GROUP, VIR_PV_CONFIG_GROUP);
        return FALSE;
    }
    if (!key)
        return TRUE;
    if (!virPVConfigFindKey(key, &index)) {
        g_set_error(error, VIR_PV_CONFIG_ERROR, VIR_PV_CONFIG_ERROR_INVALID,
                    _("%s:%u: unknown setting '%s'"), path, lineno, key);
        return FALSE;
    }
    if (lines->lines[index]) {
        g_set_error(error, VIR_PV_CONFIG_ERROR, VIR_PV_CONFIG_ERROR_INVALID,
                    _("%s:%u: '%s' is already set on line %u"), path, lineno, key,
                    lines->lines[index]);
        return FALSE;
    }
    lines->lines[index] = lineno;
    return TRUE;
}

/* A list value: ';'-separated, blanks around items and empty items
 * dropped, so that "a; b;" means a and b. */
static char **
virPVConfigCleanList(char **items)
{
    g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func(g_free);
    guint i;

    for (i = 0; items && items[i]; i++) {
        g_autofree char *item = g_strstrip(g_strdup(items[i]));

        if (*item)
            g_ptr_array_add(kept, g_steal_pointer(&item));
    }
    g_ptr_array_add(kept, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&kept), FALSE);
}

/* What a file is read against: its name for messages, and the finding
 * codes that `ignore` may name. */
typedef struct {
    const char *path;
    const char *const *codes;
} virPVConfigSource;

static gboolean
virPVConfigReadKey(GKeyFile *kf, const virPVConfigSource *src, guint lineno,
                   const virPVConfigKey *key, virPVConfig *config, GError **error)
{
    const char *path = src->path;
    g_autoptr(GError) local = NULL;
    g_auto(GStrv) raw = NULL;
    g_auto(GStrv) list = NULL;
    guint i;

    if (key->kind == VIR_PV_CONFIG_KEY_BOOL) {
        gboolean value = g_key_file_get_boolean(kf, VIR_PV_CONFIG_GROUP, key->name, &local);

        if (local) {
            g_set_error(error, VIR_PV_CONFIG_ERROR, VIR_PV_CONFIG_ERROR_INVALID,
                        _("%s:%u: '%s' must be true or false (or 1 or 0)"), path, lineno,
                        key->name);
            return FALSE;
        }
        G_STRUCT_MEMBER(gboolean, config, key->offset) = value;
        return TRUE;
    }

    if (!(raw = g_key_file_get_string_list(kf, VIR_PV_CONFIG_GROUP, key->name, NULL, &local))) {
        g_set_error(error, VIR_PV_CONFIG_ERROR, VIR_PV_CONFIG_ERROR_INVALID,
                    _("%s:%u: cannot read '%s': %s"), path, lineno, key->name, local->message);
        return FALSE;
    }
    list = virPVConfigCleanList(raw);
    for (i = 0; key->kind == VIR_PV_CONFIG_KEY_CODES && list[i]; i++) {
        if (!g_strv_contains(src->codes, list[i])) {
            g_set_error(error, VIR_PV_CONFIG_ERROR, VIR_PV_CONFIG_ERROR_INVALID,
                        _("%s:%u: '%s' is not a finding code"), path, lineno, list[i]);
            return FALSE;
        }
    }
    /* The hook runs wherever libvirt runs it: a relative name means
     * nothing there. */
    for (i = 0; key->kind == VIR_PV_CONFIG_KEY_PATHS && list[i]; i++) {
        if (!g_path_is_absolute(list[i])) {
            g_set_error(error, VIR_PV_CONFIG_ERROR, VIR_PV_CONFIG_ERROR_INVALID,
                        _("%s:%u: '%s' is not an absolute file name"), path, lineno, list[i]);
            return FALSE;
        }
    }
    g_strfreev(G_STRUCT_MEMBER(char **, config, key->offset));
    G_STRUCT_MEMBER(char **, config, key->offset) = g_steal_pointer(&list);
    return TRUE;
}

static gboolean
virPVConfigParse(const virPVConfigSource *src, const char *text, virPVConfig **ret_config,
                 GError **error)
{
    const char *path = src->path;
    g_autoptr(virPVConfig) config = virPVConfigNew();
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) local = NULL;
    virPVConfigLines lines = { { 0 } };
    gsize i;

    if (!virPVConfigScan(path, text, virPVConfigCheckLine, &lines, error))
        return FALSE;
    if (!g_key_file_load_from_data(kf, text, -1, G_KEY_FILE_NONE, &local)) {
        g_set_error(error, VIR_PV_CONFIG_ERROR, VIR_PV_CONFIG_ERROR_INVALID, "%s: %s", path,
                    local->message);
        return FALSE;
    }
    for (i = 0; i < G_N_ELEMENTS(virPVConfigKeys); i++) {
        if (lines.lines[i] &&
            !virPVConfigReadKey(kf, src, lines.lines[i], &virPVConfigKeys[i], config, error))
            return FALSE;
    }
    *ret_config = g_steal_pointer(&config);
    return TRUE;
}

/**
 * virPVConfigLoad:
 * @codes: the finding codes that `ignore` may name, NULL-terminated
 *
 * Load @path; a missing file gives the defaults.
 */
gboolean
virPVConfigLoad(const char *path, const char *const *codes, virPVConfig **ret_config,
                GError **error)
{
    virPVConfigSource src = { path, codes };
    g_autofree char *text = NULL;
    const char *bad;

    if (!virFileReadOptional(path, VIR_PV_CONFIG_MAX_LEN, &text, NULL, error))
        return FALSE;
    if (!text) {
        *ret_config = virPVConfigNew();
        return TRUE;
    }
    if (!g_utf8_validate(text, -1, &bad)) {
        guint lineno = 1;
        const char *p;

        for (p = text; p < bad; p++)
            lineno += *p == '\n';
        g_set_error(error, VIR_PV_CONFIG_ERROR, VIR_PV_CONFIG_ERROR_INVALID,
                    _("%s:%u: not UTF-8 text"), path, lineno);
        return FALSE;
    }
    return virPVConfigParse(&src, text, ret_config, error);
}

static gboolean
virPVConfigSalvageLine(const char *path, guint lineno, const char *group, const char *key,
                       const char *value, void *opaque, GError **error)
{
    GPtrArray *globs = opaque;
    g_auto(GStrv) items = NULL;
    g_auto(GStrv) clean = NULL;
    guint i;

    if (!key || !g_str_equal(key, "require_pv"))
        return TRUE;
    items = g_strsplit(value, ";", -1);
    clean = virPVConfigCleanList(items);
    for (i = 0; clean[i]; i++)
        g_ptr_array_add(globs, g_steal_pointer(&clean[i]));
    return TRUE;
}

char **
virPVConfigSalvageRequirePV(const char *path)
{
    g_autoptr(GPtrArray) globs = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *raw = NULL;
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    guint i;

    if (!virFileReadOptional(path, VIR_PV_CONFIG_MAX_LEN, &raw, NULL, NULL) || !raw)
        return NULL;
    /* Globs are matched as UTF-8. */
    text = g_utf8_make_valid(raw, -1);
    /* Scan line by line so that one broken line does not hide the
     * others. */
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++)
        virPVConfigScan(path, lines[i], virPVConfigSalvageLine, globs, NULL);
    if (globs->len == 0)
        return NULL;
    g_ptr_array_add(globs, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&globs), FALSE);
}

gboolean
virPVConfigGlobsMatch(char *const *globs, const char *guest)
{
    gsize i;

    for (i = 0; globs && globs[i]; i++) {
        if (g_pattern_match_simple(globs[i], guest))
            return TRUE;
    }
    return FALSE;
}

gboolean
virPVConfigRequiresPV(const virPVConfig *config, const char *guest)
{
    return virPVConfigGlobsMatch(config->require_pv, guest);
}

gboolean
virPVConfigIgnores(const virPVConfig *config, const char *code)
{
    return config->ignore && g_strv_contains((const char *const *)config->ignore, code);
}
