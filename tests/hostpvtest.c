/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "hostval/virhostvalidate.h"
#include "util/virhostpv.h"
#include "testutils.h"

/*
 * The host's PV state as validate and the hook use it (host-no-pv): the
 * host facts read once below a root, judged by virHostValidateRun().  For
 * every faked host of tests/hostvalidatedata/ the verdict is the "ok" of
 * the golden <case>.json that host-validate prints; and a prot_virt_host
 * that is neither 0 nor 1 is never taken for "on".  The kernel's state
 * read alone, for the capabilities cache, is the same as in a whole read.
 */

static gboolean
testGoldenOK(const char *name, gboolean *ret_ok)
{
    g_autofree char *path = virTestDataPath("hostvalidatedata/%s.json", name);
    g_autofree char *text = NULL;
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    char *end;
    JsonNode *root;

    if (!g_file_get_contents(path, &text, NULL, &error)) {
        virTestDiag("%s", error->message);
        return FALSE;
    }
    /* The golden file ends with the exit status, after the document. */
    if ((end = strstr(text, "\n[exit status")))
        *end = '\0';
    if (!json_parser_load_from_data(parser, text, -1, &error)) {
        virTestDiag("%s: %s", path, error->message);
        return FALSE;
    }
    root = json_parser_get_root(parser);
    if (!JSON_NODE_HOLDS_OBJECT(root) ||
        !json_object_has_member(json_node_get_object(root), "ok")) {
        virTestDiag("%s has no member 'ok'", path);
        return FALSE;
    }
    *ret_ok = json_object_get_boolean_member(json_node_get_object(root), "ok");
    return TRUE;
}

static int
testAgrees(const void *data)
{
    const char *name = data;
    g_autofree char *root = virTestDataPath("hostvalidatedata/%s", name);
    g_autoptr(virHostPVState) state = NULL;
    g_autoptr(virHostValidateReport) report = NULL;
    g_autoptr(GError) error = NULL;
    gboolean golden_ok;

    if (!testGoldenOK(name, &golden_ok))
        return -1;
    if (!virHostPVStateRead(root, &state, &error)) {
        virTestDiag("%s", error->message);
        return -1;
    }
    report = virHostValidateRun(state, NULL);
    if (report->ok != golden_ok) {
        virTestDiag("can run PV: %d, host-validate: %d", report->ok, golden_ok);
        return -1;
    }
    return 0;
}

/* What the capabilities cache keys on, read alone, is what the whole read
 * gives; nothing else is read (no cpuinfo, no Ultravisor queries). */
static int
testKernelOnly(const void *data)
{
    const char *name = data;
    g_autofree char *root = virTestDataPath("hostvalidatedata/%s", name);
    g_autoptr(virHostPVState) all = NULL;
    g_autoptr(virHostPVState) kernel = NULL;
    g_autoptr(GError) error = NULL;

    if (!virHostPVStateRead(root, &all, &error) ||
        !virHostPVStateReadKernel(root, &kernel, &error)) {
        virTestDiag("%s", error->message);
        return -1;
    }
    if (!all->complete || kernel->complete || kernel->has_cpuinfo || kernel->uv ||
        kernel->libvirt_guests_config ||
        g_strcmp0(kernel->kernel_release, all->kernel_release) != 0 ||
        kernel->uv_sysfs != all->uv_sysfs || kernel->prot_virt_host != all->prot_virt_host ||
        kernel->has_cmdline != all->has_cmdline ||
        kernel->cmdline_prot_virt != all->cmdline_prot_virt) {
        virTestDiag("kernel only: release %s, uv %d, prot_virt_host %d, cmdline %d/%d; "
                    "all: release %s, uv %d, prot_virt_host %d, cmdline %d/%d",
                    kernel->kernel_release, kernel->uv_sysfs, kernel->prot_virt_host,
                    kernel->has_cmdline, kernel->cmdline_prot_virt, all->kernel_release,
                    all->uv_sysfs, all->prot_virt_host, all->has_cmdline,
                    all->cmdline_prot_virt);
        return -1;
    }
    return 0;
}

/* A /proc/cpuinfo that cannot be read fails the whole read, but not the
 * kernel's state alone: domcapabilities and the hook without check_host
 * never needed it. */
static int
testKernelOnlyBadCPUInfo(const void *data G_GNUC_UNUSED)
{
    g_autofree char *dir = g_dir_make_tmp("hostpvtest-XXXXXX", NULL);
    g_autofree char *cpuinfo = dir ? g_build_filename(dir, "proc", "cpuinfo", NULL) : NULL;
    g_autofree char *kernel_dir = dir ? g_build_filename(dir, "proc", "sys", "kernel", NULL)
                                      : NULL;
    g_autofree char *release = dir ? g_build_filename(kernel_dir, "osrelease", NULL) : NULL;
    g_autofree char *rm = NULL;
    g_autoptr(virHostPVState) state = NULL;
    g_autoptr(GError) error = NULL;
    int ret = 0;

    if (!dir || g_mkdir_with_parents(cpuinfo, 0755) < 0 ||
        g_mkdir_with_parents(kernel_dir, 0755) < 0 ||
        !g_file_set_contents(release, "6.1.0-18-s390x\n", -1, NULL))
        ret = -1;
    if (ret == 0 && virHostPVStateRead(dir, &state, &error)) {
        virTestDiag("a /proc/cpuinfo that is a directory was read");
        ret = -1;
    }
    g_clear_pointer(&state, virHostPVStateFree);
    g_clear_error(&error);
    if (ret == 0 && !virHostPVStateReadKernel(dir, &state, &error)) {
        virTestDiag("%s", error->message);
        ret = -1;
    }
    if (ret == 0 && g_strcmp0(state->kernel_release, "6.1.0-18-s390x") != 0) {
        virTestDiag("kernel release '%s'", state->kernel_release);
        ret = -1;
    }
    rm = g_strdup_printf("rm -rf '%s'", dir);
    if (dir && system(rm) != 0)
        ret = -1;
    return ret;
}

/* The result of the check @id, or VIR_HOST_VALIDATE_LAST when it did not
 * run. */
static virHostValidateResult
testCheckResult(const virHostValidateReport *report, const char *id)
{
    guint i;

    for (i = 0; i < report->checks->len; i++) {
        const virHostValidateCheck *check = g_ptr_array_index(report->checks, i);

        if (g_str_equal(check->id, id))
            return check->result;
    }
    return VIR_HOST_VALIDATE_LAST;
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
    g_autoptr(virHostValidateReport) report = NULL;
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
    if (ret == 0)
        report = virHostValidateRun(state, NULL);
    if (report && ((testCheckResult(report, "prot-virt-host") == VIR_HOST_VALIDATE_PASS) != on ||
                   report->ok != on)) {
        g_autofree char *shown = g_strchomp(g_strdup(value));

        virTestDiag("prot_virt_host '%s': prot-virt-host %s, can run PV %d", shown,
                    virHostValidateResultToString(testCheckResult(report, "prot-virt-host")),
                    report->ok);
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
        g_autofree char *path = g_build_filename(datadir, entry, NULL);

        /* A faked host is a directory; README is not one. */
        if (!strchr(entry, '.') && g_file_test(path, G_FILE_TEST_IS_DIR))
            g_ptr_array_add(names, g_strdup(entry));
    }
    g_ptr_array_sort(names, testCompareNames);
    for (i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_autofree char *title = g_strdup_printf("%s: can run PV as host-validate says", name);
        g_autofree char *kernel = g_strdup_printf("%s: the kernel's state alone", name);

        if (virTestRun(title, testAgrees, name) < 0)
            ret = -1;
        if (virTestRun(kernel, testKernelOnly, name) < 0)
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
    if (virTestRun("the kernel's state alone without a readable cpuinfo",
                   testKernelOnlyBadCPUInfo, NULL) < 0)
        ret = -1;
    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
