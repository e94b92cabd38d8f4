/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <glib/gstdio.h>

#include "testutils.h"

/* `virt-pv --root ROOT hook --config CONF qemu GUEST OP SUBOP -` with a
 * guest from tests/hookdata/<guest>.xml on stdin and a faked host from
 * tests/hostvalidatedata/<root>/; tests/hookdata/<case>.out holds the
 * hook's stdout, stderr and exit status.  QEMU is not probed here
 * (check_qemu = false): the integration test runs the hook with real
 * capabilities under a real libvirtd. */

typedef struct {
    const char *name;
    const char *guest;  /* hookdata/<guest>.xml; NULL: empty stdin */
    const char *conf;   /* hookdata/<conf>.conf */
    const char *root;   /* hostvalidatedata/<root> */
    const char *op;
    const char *subop;
} testHookCase;

static int
testHook(const void *data)
{
    const testHookCase *c = data;
    g_autofree char *root = g_strdup_printf("hostvalidatedata/%s", c->root);
    g_autofree char *golden = virTestDataPath("hookdata/%s.out", c->name);
    g_autofree char *input = NULL;
    g_autofree char *rel_conf = g_strdup_printf("hookdata/%s.conf", c->conf);
    const char *argv[] = { virTestProgram(), "--root", root, "hook", "--config", rel_conf,
                           "qemu", c->guest ? c->guest : "none", c->op, c->subop, "-", NULL };

    if (c->guest) {
        g_autofree char *path = virTestDataPath("hookdata/%s.xml", c->guest);

        if (!g_file_get_contents(path, &input, NULL, NULL))
            return -1;
    }
    return virTestCompareCommand(argv, input ? input : "", golden);
}

static int
mymain(void)
{
    int ret = 0;
    const char *srcdir = g_getenv("VIRT_PV_TEST_SRCDIR");

    /* Relative paths keep machine-specific directories out of the
     * golden files. */
    if (srcdir && g_chdir(srcdir) < 0)
        return -1;

#define DO_TEST_FULL(name, guest, conf, root, op, subop) \
    do { \
        static const testHookCase c = { name, guest, conf, root, op, subop }; \
        if (virTestRun("hook " name, testHook, &c) < 0) \
            ret = -1; \
    } while (0)
#define DO_TEST(name, guest, conf, root) \
    DO_TEST_FULL(name, guest, conf, root, "prepare", "begin")

    DO_TEST("pv-good", "pv-good", "default", "s390x-pv-ok");
    DO_TEST("pv-bad", "pv-bad", "default", "s390x-pv-ok");
    DO_TEST("pv-good-x86-host", "pv-good", "default", "x86_64");
    DO_TEST("pv-good-prot-virt-off", "pv-good", "default", "s390x-prot-virt-off");
    DO_TEST("pv-good-x86-no-host-check", "pv-good", "no-host", "x86_64");
    DO_TEST("plain", "plain", "default", "s390x-pv-ok");
    DO_TEST("plain-x86-host", "plain", "default", "x86_64");
    DO_TEST("plain-required", "plain", "require", "s390x-pv-ok");
    DO_TEST("pv-good-required", "pv-good", "require", "s390x-pv-ok");
    DO_TEST("pv-bad-ignored", "pv-bad", "ignore", "s390x-pv-ok");
    DO_TEST("pv-bad-warn-only", "pv-bad", "warn-only", "s390x-pv-ok");
    DO_TEST("plain-required-warn-only", "plain", "warn-only", "s390x-pv-ok");
    DO_TEST("pv-good-malformed-conf", "pv-good", "malformed", "s390x-pv-ok");
    DO_TEST("plain-malformed-conf-required", "plain", "malformed", "s390x-pv-ok");
    DO_TEST("malformed-xml", "malformed", "default", "s390x-pv-ok");
    DO_TEST_FULL("pv-bad-start", "pv-bad", "default", "s390x-pv-ok", "start", "begin");
    DO_TEST_FULL("pv-bad-release", "pv-bad", "default", "s390x-pv-ok", "release", "end");
    DO_TEST_FULL("garbage-stopped", "malformed", "malformed", "x86_64", "stopped", "end");

    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
