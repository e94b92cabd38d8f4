/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "hostval/virhostpv.h"
#include "hostval/virhostvalidate.h"
#include "testutils.h"

/*
 * The host's PV state as the library answers it: for every faked host of
 * tests/hostvalidatedata/, virHostPVStateCanRunPV() must say what the
 * checks of host-validate say as a whole; and a prot_virt_host that is
 * neither 0 nor 1 is never taken for "on".
 */

static int
testAgrees(const void *data)
{
    const char *name = data;
    g_autofree char *root = virTestDataPath("hostvalidatedata/%s", name);
    g_autoptr(virHostPVState) state = NULL;
    g_autoptr(virHostValidateReport) report = NULL;
    g_autoptr(GError) error = NULL;

    if (!virHostPVStateRead(root, &state, &error)) {
        virTestDiag("%s", error->message);
        return -1;
    }
    report = virHostValidateRun(state, NULL);
    if (virHostPVStateCanRunPV(state) != report->ok) {
        virTestDiag("can run PV: %d, host-validate: %d", virHostPVStateCanRunPV(state),
                    report->ok);
        return -1;
    }
    return 0;
}

/* A copy of the good host whose prot_virt_host holds @value, with the
 * command line asking for prot_virt=1. */
static int
testProtVirtValue(const void *data)
{
    const char *value = data;
    g_autofree char *dir = g_dir_make_tmp("hostpvtest-XXXXXX", NULL);
    g_autofree char *good_cpuinfo = virTestDataPath("hostvalidatedata/s390x-pv-ok/proc/cpuinfo");
    g_autofree char *cpuinfo = NULL;
    g_autofree char *rm = NULL;
    g_autoptr(virHostPVState) state = NULL;
    g_autoptr(GError) error = NULL;
    const char *const dirs[] = { "proc", "dev", "sys/firmware/uv" };
    const struct {
        const char *path;
        const char *text;
    } files[] = {
        { "proc/cpuinfo", NULL },
        { "proc/cmdline", "root=/dev/dasda1 prot_virt=1\n" },
        { "dev/kvm", "" },
        { "sys/firmware/uv/prot_virt_host", value },
    };
    gboolean on = g_str_equal(value, "1\n");
    int ret = 0;
    gsize i;

    if (!dir || !g_file_get_contents(good_cpuinfo, &cpuinfo, NULL, NULL))
        return -1;
    for (i = 0; i < G_N_ELEMENTS(dirs); i++) {
        g_autofree char *path = g_build_filename(dir, dirs[i], NULL);

        if (g_mkdir_with_parents(path, 0755) < 0)
            ret = -1;
    }
    for (i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *path = g_build_filename(dir, files[i].path, NULL);

        if (!g_file_set_contents(path, files[i].text ? files[i].text : cpuinfo, -1, NULL))
            ret = -1;
    }
    if (ret == 0 && !virHostPVStateRead(dir, &state, &error)) {
        virTestDiag("%s", error->message);
        ret = -1;
    }
    if (ret == 0 && (virHostPVStateProtVirtEnabled(state) != on ||
                     virHostPVStateCanRunPV(state) != on)) {
        virTestDiag("prot_virt_host '%s': enabled %d, can run PV %d", g_strchomp(g_strdup(value)),
                    virHostPVStateProtVirtEnabled(state), virHostPVStateCanRunPV(state));
        ret = -1;
    }
    rm = g_strdup_printf("rm -rf '%s'", dir);
    if (system(rm) != 0)
        ret = -1;
    return ret;
}

static gint
testCompareNames(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

static int
mymain(void)
{
    g_autofree char *datadir = virTestDataPath("hostvalidatedata");
    g_autoptr(GDir) dir = g_dir_open(datadir, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *entry;
    int ret = 0;
    guint i;

    if (!dir)
        return -1;
    while ((entry = g_dir_read_name(dir))) {
        if (!strchr(entry, '.'))
            g_ptr_array_add(names, g_strdup(entry));
    }
    g_ptr_array_sort(names, testCompareNames);
    for (i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_autofree char *title = g_strdup_printf("%s: can run PV as host-validate says", name);

        if (virTestRun(title, testAgrees, name) < 0)
            ret = -1;
    }
    if (names->len < 10) {
        virTestDiag("only %u faked hosts found in %s", names->len, datadir);
        ret = -1;
    }
#define DO_TEST_VALUE(title, value) \
    do { \
        if (virTestRun("prot_virt_host " title, testProtVirtValue, value) < 0) \
            ret = -1; \
    } while (0)
    DO_TEST_VALUE("1 is on", "1\n");
    DO_TEST_VALUE("0 is off, whatever the command line", "0\n");
    DO_TEST_VALUE("2 is not on", "2\n");
    DO_TEST_VALUE("garbage is not on", "yes\n");
    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
