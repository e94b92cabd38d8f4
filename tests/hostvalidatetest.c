/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include "testutils.h"

/* Each case is a faked host below tests/hostvalidatedata/<case>/; the
 * golden files hold what `virt-pv --root <case> host-validate` prints,
 * as text (<case>.out) and as JSON (<case>.json). */

typedef struct {
    const char *name;
    gboolean json;
} testHostCase;

static int
testHostValidate(const void *data)
{
    const testHostCase *c = data;
    g_autofree char *root = virTestDataPath("hostvalidatedata/%s", c->name);
    g_autofree char *golden =
        virTestDataPath("hostvalidatedata/%s.%s", c->name, c->json ? "json" : "out");
    const char *argv[] = { virTestProgram(), "--root", root, "host-validate",
                           c->json ? "--json" : NULL, NULL };

    return virTestCompareCommand(argv, NULL, golden);
}

static int
mymain(void)
{
    int ret = 0;

#define DO_TEST_FULL(name, json, suffix) \
    do { \
        static const testHostCase c = { name, json }; \
        if (virTestRun("host-validate " name suffix, testHostValidate, &c) < 0) \
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
    DO_TEST("x86_64");
    DO_TEST("empty-root");

    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
