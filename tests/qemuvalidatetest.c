/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "qemu/qemu_validate.h"
#include "testutils.h"
#include "virt-pv-findings.h"

/*
 * Two kinds of case, all in tests/qemuvalidatedata/:
 *
 * - DO_TEST: `virt-pv validate [OPTIONS] <case>.xml`, run for real; its
 *   text output goes to <case>.out and its --json output to <case>.json
 *   (stdout, stderr and the exit status, see virTestCompareCommand).
 * - DO_TEST_CTX: the validator called directly with stand-ins for what a
 *   caller plugs in (QEMU capabilities, host state, the SE image check,
 *   the hook's require_pv); the findings, in the short form the libvirt
 *   hook prints, go to <case>-<variant>.hook.
 */

#define TEST_MAX_ARGS 8

typedef struct {
    const char *golden;
    const char *input;  /* a file fed on standard input, or NULL */
    const char *args[TEST_MAX_ARGS]; /* after "validate" */
} testValidateCase;

static int
testValidateCommand(const testValidateCase *c, gboolean json)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autofree char *golden = virTestDataPath("qemuvalidatedata/%s.%s", c->golden,
                                              json ? "json" : "out");
    g_autofree char *input = NULL;
    g_autoptr(GError) error = NULL;
    guint i;

    if (c->input && !g_file_get_contents(c->input, &input, NULL, &error)) {
        virTestDiag("%s", error->message);
        return -1;
    }
    g_ptr_array_add(argv, (gpointer)virTestProgram());
    if (json)
        g_ptr_array_add(argv, (gpointer) "--json");
    g_ptr_array_add(argv, (gpointer) "validate");
    for (i = 0; i < TEST_MAX_ARGS && c->args[i]; i++)
        g_ptr_array_add(argv, (gpointer)c->args[i]);
    g_ptr_array_add(argv, NULL);
    return virTestCompareCommand((const char *const *)argv->pdata, input, golden);
}

static int
testValidateText(const void *data)
{
    return testValidateCommand(data, FALSE);
}

static int
testValidateJSON(const void *data)
{
    return testValidateCommand(data, TRUE);
}

/* ---- stand-ins for what callers plug in -------------------------------- */

/* A header as pvimg 2.40 writes it by default (PCF 0xe0), with one key
 * slot whose phkh is 0x11 repeated; the host-fit rules are tested with
 * real keys and images in virseimagetest. */
static gboolean
testImageIsSE(const char *path, gpointer opaque, virSEImageHeader **ret_header,
              GError **error)
{
    virSEImageHeader *h = g_new0(virSEImageHeader, 1);

    h->version = VIR_SE_IMAGE_VERSION_1;
    h->layout_known = TRUE;
    h->key_slots = 1;
    h->encrypted_size = 128;
    h->size = VIR_SE_IMAGE_HEADER_HEAD_SIZE + VIR_SE_IMAGE_KEY_SLOT_SIZE + 128 +
              VIR_SE_IMAGE_TAG_SIZE;
    h->pcf = 0xe0;
    memset(h->slots[0], 0x11, VIR_SE_IMAGE_PHKH_SIZE);
    *ret_header = h;
    return TRUE;
}

static gboolean
testImageIsNotSE(const char *path, gpointer opaque, virSEImageHeader **ret_header,
                 GError **error)
{
    *ret_header = NULL;
    return TRUE;
}

static gboolean
testImageUnreadable(const char *path, gpointer opaque, virSEImageHeader **ret_header,
                    GError **error)
{
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "cannot open '%s': %s", path,
                g_strerror(EACCES));
    return FALSE;
}

static gboolean
testImageMissing(const char *path, gpointer opaque, virSEImageHeader **ret_header,
                 GError **error)
{
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "'%s' does not exist", path);
    return FALSE;
}

#define TEST_CAPS(k, o, c, u) \
    { .caps = { .have_caps = TRUE, .kvm = k, .pv_object = o, .cgs = c, .unpack = u } }
/* A QEMU that can run protected guests, of version @major.@minor. */
#define TEST_CAPS_VERSION(major, minor) \
    { .caps = { .have_caps = TRUE, .kvm = TRUE, .pv_object = TRUE, .cgs = TRUE, \
                .unpack = TRUE, .version = (major) * 1000000 + (minor) * 1000 } }

static const char *const testIgnoreList[] = { "hugepages", "not-kvm", NULL };

typedef struct {
    const char *name;
    const char *variant;
    const virQEMUValidateContext *ctx;
} testContextCase;

static const virQEMUValidateContext ctxCapsOK = TEST_CAPS(TRUE, TRUE, TRUE, TRUE);
static const virQEMUValidateContext ctxCapsNoKVM = TEST_CAPS(FALSE, TRUE, TRUE, FALSE);
static const virQEMUValidateContext ctxCapsNoObject = TEST_CAPS(TRUE, FALSE, TRUE, TRUE);
static const virQEMUValidateContext ctxCapsNoCGS = TEST_CAPS(TRUE, TRUE, FALSE, TRUE);
static const virQEMUValidateContext ctxCapsOld = TEST_CAPS(TRUE, FALSE, FALSE, TRUE);
static const virQEMUValidateContext ctxCapsNoUnpack = TEST_CAPS(TRUE, TRUE, TRUE, FALSE);
static const virQEMUValidateContext ctxHostNoPV = {
    .host = { .have_host = TRUE, .can_run_pv = FALSE,
              .reason = "prot_virt is not enabled on the kernel command line" },
};
static const virQEMUValidateContext ctxHostNoReason = {
    .host = { .have_host = TRUE, .can_run_pv = FALSE },
};
static const virQEMUValidateContext ctxHostOK = {
    .host = { .have_host = TRUE, .can_run_pv = TRUE },
};
static const virQEMUValidateContext ctxImageSE = { .image_check = testImageIsSE };
static const virQEMUValidateContext ctxImageNotSE = { .image_check = testImageIsNotSE };
static const virQEMUValidateContext ctxImageUnreadable = { .image_check = testImageUnreadable };
static const virQEMUValidateContext ctxImageMissing = { .image_check = testImageMissing };
static const virQEMUValidateContext ctxRequirePV = { .require_pv = TRUE };
static const virQEMUValidateContext ctxIgnore = { .ignore = testIgnoreList };
static const virQEMUValidateContext ctxIgnoreStrict = { .ignore = testIgnoreList,
                                                        .strict = TRUE };
static const virQEMUValidateContext ctxForcePV = { .force_pv = TRUE };
static const virQEMUValidateContext ctxQEMU80 = TEST_CAPS_VERSION(8, 0);
static const virQEMUValidateContext ctxQEMU81 = TEST_CAPS_VERSION(8, 1);
static const virQEMUValidateContext ctxQEMU91 = TEST_CAPS_VERSION(9, 1);
static const virQEMUValidateContext ctxQEMU92 = TEST_CAPS_VERSION(9, 2);

static int
testValidateContext(const void *data)
{
    const testContextCase *c = data;
    g_autofree char *file = g_strdup_printf("%s.xml", c->name);
    g_autofree char *golden = virTestDataPath("qemuvalidatedata/%s-%s.hook", c->name,
                                              c->variant);
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virQEMUValidateResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;
    size_t len = 0;
    FILE *out;

    if (!virDomainDefParseFile(file, 0, &def, &error)) {
        virTestDiag("%s", error->message);
        return -1;
    }
    result = virQEMUValidateDomain(c->ctx, def);
    if (!(out = open_memstream(&text, &len)))
        return -1;
    fprintf(out, "mode %s, %s, %u errors, %u warnings, %u notes\n",
            virQEMUPVModeToString(result->mode), result->ok ? "ok" : "not ok", result->nerrors,
            result->nwarnings, result->nnotes);
    virtPVFindingsPrintShort(out, result);
    fclose(out);
    return virTestCompareToFile(text, golden);
}

/* Every code the validator knows is listed once, and the list is what
 * --ignore accepts. */
static int
testValidateCodes(const void *data)
{
    const char *const *codes = virQEMUValidateCodes();
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    guint n = 0;

    for (; *codes; codes++, n++) {
        if (!g_hash_table_add(seen, (gpointer)*codes) || !virQEMUValidateCodeIsKnown(*codes)) {
            virTestDiag("code '%s' listed twice or unknown", *codes);
            return -1;
        }
    }
    if (n < 20 || virQEMUValidateCodeIsKnown("no-such-code")) {
        virTestDiag("%u codes", n);
        return -1;
    }
    return 0;
}

/* Every repair of the rule table has a name, and each but "none" is named
 * by some row: a repair that no rule names would never run. */
static int
testValidateRepairs(const void *data)
{
    const char *const *codes = virQEMUValidateCodes();
    gboolean named[VIR_QEMU_REPAIR_LAST] = { FALSE };
    guint i;

    for (; *codes; codes++) {
        virQEMURepair repair = virQEMUValidateCodeRepair(*codes);

        if (!virQEMURepairToString(repair)) {
            virTestDiag("code '%s' has the repair %d, which has no name", *codes, repair);
            return -1;
        }
        named[repair] = TRUE;
    }
    for (i = VIR_QEMU_REPAIR_NONE + 1; i < VIR_QEMU_REPAIR_LAST; i++) {
        if (!named[i]) {
            virTestDiag("no rule names the repair '%s'", virQEMURepairToString(i));
            return -1;
        }
    }
    return virQEMURepairToString(VIR_QEMU_REPAIR_LAST) == NULL ? 0 : -1;
}

static int
mymain(void)
{
    g_autofree char *datadir = virTestDataPath("qemuvalidatedata");
    int ret = 0;

    if (g_chdir(datadir) < 0) {
        virTestDiag("cannot enter %s", datadir);
        return -1;
    }

#define DO_TEST_FULL(golden, input, ...) \
    do { \
        static const testValidateCase c = { golden, input, { __VA_ARGS__ } }; \
        if (virTestRun("validate " golden, testValidateText, &c) < 0) \
            ret = -1; \
        if (virTestRun("validate --json " golden, testValidateJSON, &c) < 0) \
            ret = -1; \
    } while (0)
#define CAPS(name) "../qemucapabilitiesdata/" name ".json"
#define DO_TEST(name, ...) DO_TEST_FULL(name, NULL, __VA_ARGS__ __VA_OPT__(, ) name ".xml")

#define DO_TEST_CTX(name, variant, context) \
    do { \
        static const testContextCase c = { name, variant, &context }; \
        if (virTestRun("validate " name " with " variant, testValidateContext, &c) < 0) \
            ret = -1; \
    } while (0)

    /* Clean guests, both modes, and guests that are not PV. */
    DO_TEST("ls-clean");
    DO_TEST("ls-iommu-on");
    DO_TEST("iommu-clean");
    DO_TEST("iommu-forced-clean", "--pv");
    DO_TEST("kbase-launch-security");
    DO_TEST("kbase-iommu", "--pv");
    DO_TEST("not-pv");
    DO_TEST("not-pv-x86-sev");
    DO_TEST("arch-unset");
    DO_TEST("machine-unset");

    /* One rule at a time, triggered and narrowly not. */
    DO_TEST("not-s390x");
    DO_TEST("not-kvm");
    DO_TEST("machine-not-ccw");
    DO_TEST("machine-ccw-versioned");
    DO_TEST("machine-ccw-bad-suffix");
    DO_TEST("machine-ccw-rhel");
    DO_TEST("machine-ccw-noble");
    DO_TEST("machine-too-old");
    DO_TEST("machine-too-old-legacy-virtio");
    DO_TEST("machine-ccw-2.8");
    DO_TEST("cpu-model-multiline");
    DO_TEST("iommu-second-driver-invalid");
    DO_TEST("cpu-model");
    DO_TEST("cpu-model-default-mode");
    DO_TEST("cpu-model-unpack-required");
    DO_TEST("cpu-model-unpack-force");
    DO_TEST("cpu-model-unpack-optional");
    DO_TEST("cpu-host-passthrough");
    DO_TEST("cpu-maximum");
    DO_TEST("cpu-absent");
    DO_TEST("cpu-topology-only");
    DO_TEST("cpu-unpack-disabled");
    DO_TEST("cpu-unpack-forbid");
    DO_TEST("cpu-model-too-old");
    DO_TEST("cpu-model-too-old-base");
    DO_TEST("cpu-model-gen15a");
    DO_TEST("virtio-iommu-off");
    DO_TEST("virtio-iommu-missing");
    DO_TEST("virtio-iommu-off-iommu-mode");
    DO_TEST("disk-target-default-bus");
    DO_TEST("interface-default-model");
    DO_TEST("interface-non-virtio");
    DO_TEST("implicit-balloon");
    DO_TEST("implicit-console");
    DO_TEST("implicit-console-default-target");
    DO_TEST("implicit-console-with-controller");
    DO_TEST("implicit-channel");
    DO_TEST("implicit-scsi");
    DO_TEST("implicit-ls-mode");
    DO_TEST("memballoon-enabled");
    DO_TEST("memballoon-iommu-on");
    DO_TEST("memballoon-default");
    DO_TEST("hostdev-pci");
    DO_TEST("hostdev-scsi");
    DO_TEST("hostdev-vfio-ccw");
    DO_TEST("hostdev-vfio-ap");
    DO_TEST("hostdev-usb");
    DO_TEST("interface-hostdev");
    DO_TEST("hugepages");
    DO_TEST("memorybacking-locked");
    DO_TEST("virtio-mem");
    DO_TEST("virtio-pmem");
    DO_TEST("too-many-vcpus");
    DO_TEST("too-many-vcpus-list");
    DO_TEST("vcpus-247");
    DO_TEST("vcpus-248-els-disabled");
    DO_TEST("too-many-vcpus-els-disabled");
    DO_TEST("kernel-args-ignored");
    DO_TEST("kernel-args-empty");
    DO_TEST("boot-fallback-order");
    DO_TEST("boot-fallback-os");
    DO_TEST("boot-fallback-kernel");
    DO_TEST("boot-single-order");
    DO_TEST("boot-single-os");
    DO_TEST("virtio-pci-address");
    DO_TEST("virtio-ccw-address");
    DO_TEST("ls-vhost");
    DO_TEST("ls-vhost-iommu-off");
    DO_TEST("iommu-vhost-scsi");
    DO_TEST("launch-security-type");
    DO_TEST("launch-security-no-type");
    DO_TEST("launch-security-duplicate");
    DO_TEST("launch-security-children");
    DO_TEST("launch-security-and-marker");
    DO_TEST("emulator-not-s390x");
    DO_TEST("emulator-custom-path");
    DO_TEST("json-escapes");

    /* Every virtio device kind in both modes. */
    DO_TEST("ls-every-virtio");
    DO_TEST("ls-every-virtio-off");
    DO_TEST("iommu-every-virtio-missing");
    DO_TEST("iommu-every-virtio-on");

    /* The kernel image and the host, read below --root. */
    DO_TEST("kernel-not-se-image", "--root", "root-pv-ok");
    DO_TEST("kernel-missing", "--root", "root-pv-ok");
    DO_TEST("host-no-pv", "--root", "../hostvalidatedata/s390x-no-158");

    /* QEMU's capabilities: recorded and constructed probes (--caps). */
    DO_TEST_FULL("caps-kvm-pv", NULL, "--caps", CAPS("qemu-8.2-s390x-kvm-pv"), "ls-clean.xml");
    DO_TEST_FULL("caps-kvm-no-pv", NULL, "--caps", CAPS("qemu-8.2-s390x-kvm-no-pv"),
                 "ls-clean.xml");
    DO_TEST_FULL("caps-tcg", NULL, "--caps", CAPS("qemu-7.2-s390x-tcg"), "ls-clean.xml");
    DO_TEST_FULL("caps-old-qemu-ls", NULL, "--caps", CAPS("qemu-5.2-s390x-kvm-iommu"),
                 "ls-clean.xml");
    DO_TEST_FULL("caps-old-qemu-iommu", NULL, "--caps", CAPS("qemu-5.2-s390x-kvm-iommu"),
                 "iommu-clean.xml");
    DO_TEST_FULL("caps-machine-unknown", NULL, "--caps", CAPS("qemu-8.2-s390x-kvm-pv"),
                 "machine-ccw-rhel.xml");
    DO_TEST_FULL("caps-machine-known", NULL, "--caps", CAPS("qemu-8.2-s390x-kvm-pv"),
                 "machine-ccw-versioned.xml");
    DO_TEST_FULL("caps-async-teardown-on", NULL, "--caps", CAPS("qemu-8.2-s390x-kvm-pv"),
                 "async-teardown-on.xml");
    DO_TEST_FULL("caps-async-teardown-disabled", NULL, "--caps", CAPS("qemu-8.2-s390x-kvm-pv"),
                 "async-teardown-disabled.xml");
    DO_TEST_FULL("caps-memory-2g", NULL, "--caps", CAPS("qemu-8.2-s390x-kvm-pv"),
                 "memory-2g.xml");
    DO_TEST_FULL("caps-missing", NULL, "--caps", "does-not-exist.json", "ls-clean.xml");
    DO_TEST_FULL("caps-damaged", NULL, "--caps", "malformed.xml", "ls-clean.xml");
    DO_TEST_FULL("caps-and-emulator", NULL, "--caps", CAPS("qemu-8.2-s390x-kvm-pv"),
                 "--emulator", "/usr/bin/qemu-system-s390x", "ls-clean.xml");
    DO_TEST_FULL("emulator-missing", NULL, "--emulator", "/nonexistent/qemu-system-s390x",
                 "ls-clean.xml");

    /* Options. */
    DO_TEST_FULL("ignore", NULL, "--ignore", "hugepages", "hugepages.xml");
    DO_TEST_FULL("ignore-unknown", NULL, "--ignore", "no-such-code", "ls-clean.xml");
    DO_TEST_FULL("strict-warning", NULL, "--strict", "memballoon-default.xml");
    DO_TEST_FULL("strict-clean", NULL, "--strict", "ls-clean.xml");
    DO_TEST_FULL("stdin", "ls-every-virtio-off.xml", "-");
    DO_TEST_FULL("batch", NULL, "ls-clean.xml", "not-pv.xml", "virtio-iommu-missing.xml");
    DO_TEST_FULL("batch-with-error", NULL, "ls-clean.xml", "malformed.xml", "hugepages.xml");
    DO_TEST_FULL("no-file", NULL, NULL);

    /* --config: what the hook would decide (the host and QEMU are not
     * asked in these configurations, so the result is the same on any
     * machine). */
    DO_TEST_FULL("config-warn", NULL, "--config", "policy-warn.conf", "ls-clean.xml",
                 "not-pv.xml", "hugepages.xml");
    DO_TEST_FULL("config-refuse", NULL, "--config", "policy-refuse.conf", "not-pv.xml",
                 "hugepages.xml", "virtio-iommu-missing.xml", "malformed.xml");
    DO_TEST_FULL("config-and-ignore", NULL, "--config", "policy-warn.conf", "--ignore",
                 "hugepages", "ls-clean.xml");
    DO_TEST_FULL("config-malformed", NULL, "--config", "malformed.xml", "ls-clean.xml");
    DO_TEST_FULL("cache-dir-without-config", NULL, "--cache-dir", "cache", "ls-clean.xml");
    DO_TEST_FULL("missing-file", NULL, "does-not-exist.xml");

    /* The bundled examples (the demo shows them). */
    DO_TEST_FULL("example-pv-guest", NULL, "../../examples/pv-guest.xml");
    DO_TEST_FULL("example-pv-guest-iommu", NULL, "../../examples/pv-guest-iommu.xml");
    DO_TEST_FULL("example-pv-guest-broken", NULL, "../../examples/pv-guest-broken.xml");
    DO_TEST_FULL("example-pv-guest-broken-ignore", NULL, "--ignore", "hostdev-passthrough",
                 "../../examples/pv-guest-broken.xml");

    /* Bad input. */
    DO_TEST("malformed");
    DO_TEST("xxe");
    DO_TEST("billion-laughs");
    DO_TEST("not-domain");
    DO_TEST("empty");

    /* What callers plug in, with stand-ins. */
    DO_TEST_CTX("ls-clean", "caps-ok", ctxCapsOK);
    DO_TEST_CTX("ls-clean", "caps-no-kvm", ctxCapsNoKVM);
    DO_TEST_CTX("ls-clean", "caps-no-object", ctxCapsNoObject);
    DO_TEST_CTX("ls-clean", "caps-no-cgs", ctxCapsNoCGS);
    DO_TEST_CTX("ls-clean", "caps-old-qemu", ctxCapsOld);
    DO_TEST_CTX("iommu-clean", "caps-old-qemu", ctxCapsOld);
    DO_TEST_CTX("ls-clean", "caps-no-unpack", ctxCapsNoUnpack);
    DO_TEST_CTX("cpu-absent", "caps-no-unpack", ctxCapsNoUnpack);
    DO_TEST_CTX("ls-clean", "host-no-pv", ctxHostNoPV);
    DO_TEST_CTX("ls-clean", "host-no-reason", ctxHostNoReason);
    DO_TEST_CTX("ls-clean", "host-ok", ctxHostOK);
    DO_TEST_CTX("not-pv", "host-no-pv", ctxHostNoPV);
    DO_TEST_CTX("kernel-not-se-image", "image-se", ctxImageSE);
    DO_TEST_CTX("kernel-not-se-image", "image-not-se", ctxImageNotSE);
    DO_TEST_CTX("kernel-not-se-image", "image-unreadable", ctxImageUnreadable);
    DO_TEST_CTX("kernel-not-se-image", "image-missing", ctxImageMissing);
    DO_TEST_CTX("not-pv", "require-pv", ctxRequirePV);
    DO_TEST_CTX("ls-clean", "require-pv", ctxRequirePV);
    DO_TEST_CTX("hugepages", "ignore", ctxIgnore);
    DO_TEST_CTX("memballoon-default", "ignore-strict", ctxIgnoreStrict);
    DO_TEST_CTX("not-pv", "force-pv", ctxForcePV);
    DO_TEST_CTX("ls-clean", "qemu-8.0", ctxQEMU80);
    DO_TEST_CTX("ls-clean", "qemu-8.1", ctxQEMU81);
    DO_TEST_CTX("boot-fallback-order", "qemu-9.1", ctxQEMU91);
    DO_TEST_CTX("boot-fallback-order", "qemu-9.2", ctxQEMU92);
    DO_TEST_CTX("kernel-args-ignored", "image-not-se", ctxImageNotSE);

    if (virTestRun("finding codes", testValidateCodes, NULL) < 0)
        ret = -1;
    if (virTestRun("the repairs of the rule table", testValidateRepairs, NULL) < 0)
        ret = -1;
    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
