/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include "testutils.h"

/* Each case is a faked host below tests/hostvalidatedata/<case>/; the
 * golden files hold what `virt-pv --root <case> host-validate` prints,
 * as text (<case>.out) and as JSON (<case>.json).  With QEMU's
 * capabilities (the qemu-pv check), the case is <case>+<caps>, the caps
 * from tests/qemucapabilitiesdata/<caps>.json. */

typedef struct {
    const char *name;
    gboolean json;
    const char *caps;
} testHostCase;

static int
testHostValidate(const void *data)
{
    const testHostCase *c = data;
    g_autofree char *root = virTestDataPath("hostvalidatedata/%s", c->name);
    g_autofree char *golden = virTestDataPath("hostvalidatedata/%s%s%s.%s", c->name,
                                              c->caps ? "+" : "", c->caps ? c->caps : "",
                                              c->json ? "json" : "out");
    g_autofree char *caps = c->caps ? virTestDataPath("qemucapabilitiesdata/%s.json", c->caps)
                                    : NULL;
    g_autoptr(GPtrArray) argv = g_ptr_array_new();

    g_ptr_array_add(argv, (gpointer)virTestProgram());
    g_ptr_array_add(argv, (gpointer) "--root");
    g_ptr_array_add(argv, root);
    g_ptr_array_add(argv, (gpointer) "host-validate");
    if (c->json)
        g_ptr_array_add(argv, (gpointer) "--json");
    if (caps) {
        g_ptr_array_add(argv, (gpointer) "--caps");
        g_ptr_array_add(argv, caps);
    }
    g_ptr_array_add(argv, NULL);
    return virTestCompareCommand((const char *const *)argv->pdata, NULL, golden);
}

static int
mymain(void)
{
    int ret = 0;

#define DO_TEST_FULL(name, json, suffix) \
    do { \
        static const testHostCase c = { name, json, NULL }; \
        if (virTestRun("host-validate " name suffix, testHostValidate, &c) < 0) \
            ret = -1; \
    } while (0)
#define DO_TEST_CAPS(name, caps) \
    do { \
        static const testHostCase text = { name, FALSE, caps }; \
        static const testHostCase json = { name, TRUE, caps }; \
        if (virTestRun("host-validate " name " --caps " caps, testHostValidate, &text) < 0) \
            ret = -1; \
        if (virTestRun("host-validate " name " --caps " caps " --json", testHostValidate, \
                       &json) < 0) \
            ret = -1; \
    } while (0)
#define DO_TEST(name) \
    do { \
        DO_TEST_FULL(name, FALSE, ""); \
        DO_TEST_FULL(name, TRUE, " --json"); \
    } while (0)

    DO_TEST("s390x-pv-ok");
    DO_TEST("s390x-no-158");
    DO_TEST("s390x-prot-virt-off");
    DO_TEST("s390x-prot-virt-dropped");
    DO_TEST("s390x-old-kernel-cmdline-on");
    DO_TEST("s390x-old-kernel-after-dashdash");
    DO_TEST("s390x-old-kernel-quoted");
    DO_TEST("s390x-no-kvm");
    DO_TEST("s390x-no-facilities");
    DO_TEST("s390x-long-facilities-no-158");
    DO_TEST("s390x-facility-late");
    DO_TEST("s390x-debian12-tcg");
    DO_TEST("s390x-pv-keys");
    DO_TEST("s390x-pv-keys-malformed");
    DO_TEST("x86_64");
    DO_TEST("empty-root");
    DO_TEST("s390x-libvirt-guests-suspend");
    DO_TEST("s390x-libvirt-guests-sysconfig");
    DO_TEST("s390x-libvirt-guests-shutdown");
    DO_TEST("s390x-libvirt-guests-disabled");
    DO_TEST("s390x-libvirt-guests-unreadable");
    DO_TEST("s390x-libvirt-guests-masked");

    DO_TEST_CAPS("s390x-pv-ok", "qemu-8.2-s390x-kvm-pv");
    DO_TEST_CAPS("s390x-pv-ok", "qemu-8.2-s390x-kvm-no-pv");
    DO_TEST_CAPS("s390x-pv-ok", "qemu-5.2-s390x-kvm-iommu");
    DO_TEST_CAPS("s390x-pv-ok", "qemu-7.2-s390x-tcg");
    DO_TEST_CAPS("x86_64", "qemu-7.2-s390x-tcg");

    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
