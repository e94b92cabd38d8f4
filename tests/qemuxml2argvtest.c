/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <glib/gstdio.h>

#include "testutils.h"

/*
 * `virt-pv domxml-to-native <case>.xml` against golden files:
 * - <case>.args: the argv, exactly what is printed on stdout (the
 *   integration test feeds these files to the real QEMU); the command
 *   must succeed, and print nothing on stderr unless <case>.warn holds
 *   the expected warnings;
 * - <case>.err: a refused definition, with stdout, stderr and the exit
 *   status together.
 * The XML lives in tests/qemuxml2argvdata/; the valid cases of the
 * validation tests (tests/qemuvalidatedata/) and the examples get argv
 * too, as validate-<case> and example-<name>.
 */

typedef enum {
    TEST_ARGS,      /* argv, no warning */
    TEST_ARGS_WARN, /* argv, and warnings on stderr */
    TEST_ERR,       /* refused */
} testOutcome;

typedef struct {
    const char *name; /* of the golden files */
    const char *xml;  /* relative to tests/ */
    testOutcome outcome;
    const char *caps; /* --caps qemucapabilitiesdata/<caps>.json */
    gboolean pv;      /* --pv */
} testNativeCase;

static int
testNativeArgs(const testNativeCase *c, const char *const *argv)
{
    g_autofree char *golden = virTestDataPath("qemuxml2argvdata/%s.args", c->name);
    g_autofree char *warn_golden = virTestDataPath("qemuxml2argvdata/%s.warn", c->name);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = virTestRunCommand(argv, NULL, &out, &err);
    int ret = 0;

    if (status != 0) {
        virTestDiag("exit status %d, expected 0; stderr:\n%s", status, err ? err : "");
        return -1;
    }
    if (virTestCompareToFile(out, golden) < 0)
        ret = -1;
    if (c->outcome == TEST_ARGS_WARN) {
        if (virTestCompareToFile(err, warn_golden) < 0)
            ret = -1;
    } else if (err && *err) {
        virTestDiag("unexpected output on stderr:\n%s", err);
        ret = -1;
    }
    return ret;
}

static int
testNative(const void *data)
{
    const testNativeCase *c = data;
    g_autofree char *caps = NULL;
    g_autofree char *err_golden = virTestDataPath("qemuxml2argvdata/%s.err", c->name);
    const char *argv[7] = { virTestProgram(), "domxml-to-native" };
    int argc = 2;

    if (c->caps) {
        caps = g_strdup_printf("qemucapabilitiesdata/%s.json", c->caps);
        argv[argc++] = "--caps";
        argv[argc++] = caps;
    }
    if (c->pv)
        argv[argc++] = "--pv";
    /* Relative to the tests' directory, so that the golden files do not
     * depend on where the tree is. */
    argv[argc] = c->xml;
    if (c->outcome == TEST_ERR)
        return virTestCompareCommand(argv, NULL, err_golden);
    return testNativeArgs(c, argv);
}

static int
mymain(void)
{
    g_autofree char *srcdir = virTestDataPath(".");
    int ret = 0;

    if (g_chdir(srcdir) < 0) {
        virTestDiag("cannot change to '%s'", srcdir);
        return -1;
    }

#define DO_TEST_FULL(name, xml, outcome, caps, pv) \
    do { \
        static const testNativeCase c = { name, xml, outcome, caps, pv }; \
        if (virTestRun("domxml-to-native " name, testNative, &c) < 0) \
            ret = -1; \
    } while (0)
#define DO_TEST(name) \
    DO_TEST_FULL(name, "qemuxml2argvdata/" name ".xml", TEST_ARGS, NULL, FALSE)
#define DO_TEST_WARN(name) \
    DO_TEST_FULL(name, "qemuxml2argvdata/" name ".xml", TEST_ARGS_WARN, NULL, FALSE)
#define DO_TEST_ERR(name) \
    DO_TEST_FULL(name, "qemuxml2argvdata/" name ".xml", TEST_ERR, NULL, FALSE)
#define DO_TEST_CAPS(name, caps) \
    DO_TEST_FULL(name, "qemuxml2argvdata/" name ".xml", TEST_ARGS, caps, FALSE)
#define DO_TEST_CAPS_ERR(name, caps) \
    DO_TEST_FULL(name, "qemuxml2argvdata/" name ".xml", TEST_ERR, caps, FALSE)
#define DO_TEST_VALIDATE_FULL(name, outcome, pv) \
    DO_TEST_FULL("validate-" name, "qemuvalidatedata/" name ".xml", outcome, NULL, pv)
#define DO_TEST_VALIDATE(name) DO_TEST_VALIDATE_FULL(name, TEST_ARGS, FALSE)
#define DO_TEST_EXAMPLE(name) \
    DO_TEST_FULL("example-" name, "../examples/" name ".xml", TEST_ARGS, NULL, FALSE)

    /* Both modes, every device kind. */
    DO_TEST("ls-minimal");
    DO_TEST("iommu-minimal");
    DO_TEST("ls-all-devices");
    DO_TEST("iommu-all-devices");
    DO_TEST("not-pv-tcg");
    DO_TEST("machine-versioned");

    /* CPU models. */
    DO_TEST("cpu-none");
    DO_TEST("cpu-host-model");
    DO_TEST("cpu-host-passthrough");
    DO_TEST("cpu-maximum");
    DO_TEST("cpu-custom-features");
    DO_TEST("cpu-topology");

    /* Boot order, disks, addresses. */
    DO_TEST_WARN("boot-order");
    DO_TEST_WARN("boot-os-dev");
    DO_TEST("disk-cache-modes");
    DO_TEST("disk-block-readonly");
    DO_TEST_WARN("disk-scsi");
    DO_TEST_WARN("disk-scsi-implicit-controllers");
    DO_TEST("path-special");
    DO_TEST_WARN("ccw-explicit");
    DO_TEST_WARN("ccw-mixed");
    DO_TEST_WARN("ccw-pci-address");
    /* libvirt sorts disks by target within a bus, then assigns ccw addresses. */
    DO_TEST("disk-order");
    /* What the builder does not translate, each with its line. */
    DO_TEST_WARN("not-translated");
    DO_TEST_WARN("hostdev-mdev-watchdog");
    DO_TEST_WARN("machine-settings");

    /* Devices. */
    DO_TEST("net-kinds");
    DO_TEST("controllers");
    DO_TEST("console-kinds");
    DO_TEST("console-libvirt-style");
    DO_TEST("console-virtio-implicit-controller");
    DO_TEST("input-kinds");
    DO_TEST_WARN("balloon-virtio");
    DO_TEST_WARN("balloon-implicit");
    DO_TEST("rng-rate");
    DO_TEST_WARN("vsock-auto");
    DO_TEST_WARN("unsupported-devices");

    /* With capabilities: machine aliases resolved, PV support checked. */
    DO_TEST_CAPS("caps-kvm-pv", "qemu-8.2-s390x-kvm-pv");
    DO_TEST_FULL("caps-machine-unknown", "qemuvalidatedata/machine-ccw-rhel.xml", TEST_ARGS_WARN,
                 "qemu-8.2-s390x-kvm-pv", FALSE);
    DO_TEST_CAPS("caps-qemu-5.2-iommu", "qemu-5.2-s390x-kvm-iommu");
    /* QEMU 7.2: loadparm on the machine, no -run-with async-teardown. */
    DO_TEST_FULL("machine-settings-qemu-7.2", "qemuxml2argvdata/machine-settings-tcg.xml",
                 TEST_ARGS_WARN, "qemu-7.2-s390x-tcg", FALSE);
    DO_TEST_CAPS_ERR("caps-kvm-no-pv", "qemu-8.2-s390x-kvm-no-pv");
    /* The host model's deprecated features, from the capabilities; without
     * them only a warning. */
    DO_TEST_CAPS("cpu-deprecated-features-off", "qemu-10.0-s390x-kvm-no-pv");
    DO_TEST_FULL("cpu-deprecated-features-off-no-caps",
                 "qemuxml2argvdata/cpu-deprecated-features-off.xml", TEST_ARGS_WARN, NULL, FALSE);
    DO_TEST_CAPS_ERR("caps-qemu-5.2-ls", "qemu-5.2-s390x-kvm-iommu");
    DO_TEST_CAPS_ERR("err-caps-missing", "absent");

    /* The examples, and every definition the validation tests accept. */
    DO_TEST_EXAMPLE("pv-guest");
    DO_TEST_EXAMPLE("pv-guest-iommu");
    DO_TEST_VALIDATE("arch-unset");
    DO_TEST_VALIDATE("cpu-absent");
    DO_TEST_VALIDATE("cpu-host-passthrough");
    DO_TEST_VALIDATE("cpu-maximum");
    DO_TEST_VALIDATE("cpu-model-unpack-force");
    DO_TEST_VALIDATE("cpu-model-unpack-required");
    DO_TEST_VALIDATE("cpu-topology-only");
    DO_TEST_VALIDATE("emulator-custom-path");
    DO_TEST_VALIDATE_FULL("hostdev-usb", TEST_ARGS_WARN, FALSE);
    DO_TEST_VALIDATE_FULL("hostdev-vfio-ap", TEST_ARGS_WARN, FALSE);
    DO_TEST_VALIDATE("implicit-console-with-controller");
    DO_TEST_VALIDATE_FULL("implicit-ls-mode", TEST_ARGS_WARN, FALSE);
    DO_TEST_VALIDATE_FULL("interface-non-virtio", TEST_ARGS_WARN, FALSE);
    DO_TEST_VALIDATE("iommu-clean");
    DO_TEST_VALIDATE_FULL("iommu-every-virtio-on", TEST_ARGS_WARN, FALSE);
    DO_TEST_VALIDATE_FULL("iommu-forced-clean", TEST_ARGS, TRUE);
    DO_TEST_VALIDATE_FULL("kbase-iommu", TEST_ARGS, TRUE);
    DO_TEST_VALIDATE("kbase-launch-security");
    DO_TEST_VALIDATE("kernel-missing");
    DO_TEST_VALIDATE("launch-security-and-marker");
    DO_TEST_VALIDATE("ls-clean");
    DO_TEST_VALIDATE_FULL("ls-every-virtio", TEST_ARGS_WARN, FALSE);
    DO_TEST_VALIDATE("ls-iommu-on");
    DO_TEST_VALIDATE("machine-ccw-versioned");
    DO_TEST_VALIDATE("machine-ccw-rhel");
    DO_TEST_VALIDATE("machine-ccw-noble");
    DO_TEST_VALIDATE("machine-ccw-2.8");
    DO_TEST_VALIDATE("cpu-model-gen15a");
    DO_TEST_VALIDATE("vcpus-248-els-disabled");
    DO_TEST_VALIDATE_FULL("kernel-args-ignored", TEST_ARGS_WARN, FALSE);
    DO_TEST_VALIDATE_FULL("boot-fallback-order", TEST_ARGS_WARN, FALSE);
    DO_TEST_VALIDATE("boot-fallback-kernel");
    DO_TEST_VALIDATE("boot-single-order");
    DO_TEST_VALIDATE("boot-single-os");
    DO_TEST_VALIDATE("virtio-ccw-address");
    DO_TEST_VALIDATE("async-teardown-on");
    DO_TEST_VALIDATE("async-teardown-disabled");
    DO_TEST_VALIDATE_FULL("ls-vhost", TEST_ARGS_WARN, FALSE);
    DO_TEST_VALIDATE("machine-unset");
    DO_TEST_VALIDATE_FULL("memballoon-default", TEST_ARGS_WARN, FALSE);
    DO_TEST_VALIDATE_FULL("memballoon-enabled", TEST_ARGS_WARN, FALSE);
    DO_TEST_VALIDATE_FULL("memballoon-iommu-on", TEST_ARGS_WARN, FALSE);
    DO_TEST_VALIDATE("memorybacking-locked");
    DO_TEST_VALIDATE_FULL("not-pv-x86-sev", TEST_ERR, FALSE);
    DO_TEST_VALIDATE("not-pv");
    DO_TEST_VALIDATE("vcpus-247");
    DO_TEST_VALIDATE_FULL("virtio-pmem", TEST_ARGS_WARN, FALSE);

    /* Refused: by validation (exit 1) or as input errors (exit 2). */
    DO_TEST_ERR("err-ls-iommu-off");
    DO_TEST_ERR("err-iommu-missing");
    DO_TEST_ERR("err-hostdev");
    DO_TEST_ERR("err-watchdog-action");
    DO_TEST_ERR("err-iothread-missing");
    DO_TEST_ERR("err-ls-x86-guest");
    DO_TEST_ERR("err-x86-guest");
    DO_TEST_ERR("err-ccw-duplicate");
    DO_TEST_ERR("err-ccw-invalid");
    DO_TEST_ERR("err-disk-no-source");
    DO_TEST_ERR("err-no-memory");
    DO_TEST_ERR("err-malformed");

    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
