/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <unistd.h>

#include "hook/virpvconfig.h"
#include "hook/virpvconfigpriv.h"
#include "qemu/qemu_validate.h"
#include "testutils.h"

/* Each case is tests/pvconfigdata/<case>.conf; <case>.out holds the
 * configuration it gives (or the error, and what require_pv globs a
 * malformed file still yields), and which sample guests it requires to
 * be PV.  Paths are relative to pvconfigdata so that errors read the
 * same everywhere. */

static const char *const testGuests[] = { "web1", "web-db", "db-prod", "plain", NULL };

static void
testFormatList(GString *out, const char *name, char *const *list)
{
    guint i;

    g_string_append_printf(out, "%s:", name);
    for (i = 0; list && list[i]; i++)
        g_string_append_printf(out, " '%s'", list[i]);
    g_string_append_c(out, '\n');
}

static void
testFormatConfig(GString *out, const virPVConfig *config)
{
    guint i;

    g_string_append_printf(out, "enforce: %s\n", config->enforce ? "true" : "false");
    testFormatList(out, "require_pv", config->require_pv);
    testFormatList(out, "ignore", config->ignore);
    g_string_append_printf(out, "check_host: %s\n", config->check_host ? "true" : "false");
    g_string_append_printf(out, "check_qemu: %s\n", config->check_qemu ? "true" : "false");
    testFormatList(out, "host_key_documents", config->host_key_documents);
    g_string_append(out, "must be PV:");
    for (i = 0; testGuests[i]; i++) {
        if (virPVConfigRequiresPV(config, testGuests[i]))
            g_string_append_printf(out, " %s", testGuests[i]);
    }
    g_string_append_printf(out, "\nignores not-kvm: %s\n",
                           virPVConfigIgnores(config, "not-kvm") ? "yes" : "no");
}

static int
testConfig(const void *data)
{
    const char *name = data;
    g_autofree char *dir = virTestDataPath("pvconfigdata");
    g_autofree char *golden = virTestDataPath("pvconfigdata/%s.out", name);
    g_autofree char *file = g_strdup_printf("%s.conf", name);
    g_autoptr(virPVConfig) config = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GString) out = g_string_new(NULL);

    if (chdir(dir) < 0)
        return -1;
    if (virPVConfigLoad(file, virQEMUValidateCodes(), &config, &error)) {
        testFormatConfig(out, config);
    } else {
        g_auto(GStrv) salvaged = virPVConfigSalvageRequirePV(file);

        g_string_append_printf(out, "error: %s\n", error->message);
        testFormatList(out, "salvaged require_pv", salvaged);
    }
    return virTestCompareToFile(out->str, golden);
}

static int
mymain(void)
{
    int ret = 0;

#define DO_TEST(name) \
    do { \
        if (virTestRun("config " name, testConfig, name) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST("absent");
    DO_TEST("empty");
    DO_TEST("commented-default");
    DO_TEST("tcg-test");
    DO_TEST("require-globs");
    DO_TEST("enforce-off");
    DO_TEST("spaces-and-empty-items");
    DO_TEST("bad-boolean");
    DO_TEST("bad-line");
    DO_TEST("bad-line-keeps-require");
    DO_TEST("unknown-key");
    DO_TEST("unknown-group");
    DO_TEST("key-before-group");
    DO_TEST("duplicate-key");
    DO_TEST("bad-code");
    DO_TEST("unknown-code");
    DO_TEST("unterminated-group");
    DO_TEST("not-utf8");
    DO_TEST("host-key-documents");
    DO_TEST("host-key-document-relative");

    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
