/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include "qemu/qemu_command.h"
#include "testutils.h"

/*
 * The argv builder called directly, without validation in front of it:
 * the PV rules hold even for a caller that skips validation, and the
 * printed form quotes exactly what the shell would otherwise change.
 */

#define TEST_DOMAIN(mode_xml, devices)                                                             \
    "<domain type='kvm'><name>t</name><memory unit='MiB'>512</memory>"                             \
    "<os><type arch='s390x' machine='s390-ccw-virtio'>hvm</type></os>" mode_xml                    \
    "<devices>" devices "<memballoon model='none'/></devices></domain>"

#define TEST_DISK(driver_attrs)                                                                    \
    "<disk type='file' device='disk'><driver name='qemu' type='raw'" driver_attrs "/>"             \
    "<source file='/d.img'/><target dev='vda' bus='virtio'/></disk>"

typedef struct {
    const char *title;
    const char *xml;
    virQEMUPVMode mode;
    const char *expect; /* an argument the argv must have; NULL: must fail */
    const char *never;  /* a substring no argument may have */
} testBuildCase;

static gboolean
testArgsContain(const virQEMUCommandLine *cmd, const char *needle, gboolean whole)
{
    guint i;

    for (i = 0; i < cmd->args->len; i++) {
        const char *arg = g_ptr_array_index(cmd->args, i);

        if (whole ? g_str_equal(arg, needle) : strstr(arg, needle) != NULL)
            return TRUE;
    }
    return FALSE;
}

static int
testBuild(const void *data)
{
    const testBuildCase *c = data;
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virQEMUCommandLine) cmd = NULL;
    g_autoptr(GError) error = NULL;

    if (!virDomainDefParseString(c->xml, strlen(c->xml), "test.xml", 0, &def, &error)) {
        virTestDiag("cannot parse: %s", error->message);
        return -1;
    }
    if (!virQEMUBuildCommandLine(def, NULL, c->mode, &cmd, &error)) {
        if (c->expect) {
            virTestDiag("unexpected error: %s", error->message);
            return -1;
        }
        virTestDiag("refused as expected: %s", error->message);
        return 0;
    }
    if (!c->expect) {
        virTestDiag("an argv was built for a definition that must be refused");
        return -1;
    }
    if (!testArgsContain(cmd, c->expect, TRUE)) {
        virTestDiag("no argument '%s'", c->expect);
        return -1;
    }
    if (c->never && testArgsContain(cmd, c->never, FALSE)) {
        virTestDiag("an argument has '%s'", c->never);
        return -1;
    }
    return 0;
}

typedef struct {
    const char *const *args;
    const char *expect;
} testFormatCase;

static int
testFormat(const void *data)
{
    const testFormatCase *c = data;
    g_autoptr(virQEMUCommandLine) cmd = g_new0(virQEMUCommandLine, 1);
    g_autofree char *text = NULL;
    gsize i;

    cmd->args = g_ptr_array_new_with_free_func(g_free);
    cmd->warnings = g_ptr_array_new_with_free_func(g_free);
    for (i = 0; c->args[i]; i++)
        g_ptr_array_add(cmd->args, g_strdup(c->args[i]));
    text = virQEMUCommandLineFormat(cmd);
    if (!g_str_equal(text, c->expect)) {
        virTestDiag("expected:\n%s\ngot:\n%s", c->expect, text);
        return -1;
    }
    return 0;
}

static int
mymain(void)
{
    int ret = 0;

#define DO_TEST_BUILD(title, xml, mode, expect, never)                                             \
    do {                                                                                           \
        static const testBuildCase c = { title, xml, mode, expect, never };                        \
        if (virTestRun(title, testBuild, &c) < 0)                                                  \
            ret = -1;                                                                              \
    } while (0)
#define DO_TEST_FORMAT(title, expect, ...)                                                         \
    do {                                                                                           \
        static const char *const args[] = { __VA_ARGS__, NULL };                                   \
        static const testFormatCase c = { args, expect };                                          \
        if (virTestRun("format: " title, testFormat, &c) < 0)                                      \
            ret = -1;                                                                              \
    } while (0)

    DO_TEST_BUILD("launch-security: iommu='off' is refused, not emitted",
                  TEST_DOMAIN("<launchSecurity type='s390-pv'/>", TEST_DISK(" iommu='off'")),
                  VIR_QEMU_PV_MODE_LAUNCH_SECURITY, NULL, NULL);
    DO_TEST_BUILD("launch-security: no iommu attribute, no iommu_platform",
                  TEST_DOMAIN("<launchSecurity type='s390-pv'/>", TEST_DISK("")),
                  VIR_QEMU_PV_MODE_LAUNCH_SECURITY, "s390-pv-guest,id=lsec0", "iommu_platform");
    DO_TEST_BUILD("iommu mode: iommu_platform=on even where the definition lacks it",
                  TEST_DOMAIN("", TEST_DISK("")), VIR_QEMU_PV_MODE_IOMMU,
                  "virtio-blk-ccw,iommu_platform=on,id=virtio-disk0,devno=fe.0.0000,"
                  "drive=libvirt-1-format,bootindex=1",
                  "iommu_platform=off");
    DO_TEST_BUILD("iommu mode: iommu='off' still becomes on",
                  TEST_DOMAIN("", TEST_DISK(" iommu='off'")), VIR_QEMU_PV_MODE_IOMMU,
                  "s390-ccw-virtio,usb=off,dump-guest-core=off", "iommu_platform=off");
    DO_TEST_BUILD("not PV: iommu='off' is kept as libvirt writes it",
                  TEST_DOMAIN("", TEST_DISK(" iommu='off'")), VIR_QEMU_PV_MODE_NONE,
                  "virtio-blk-ccw,iommu_platform=off,id=virtio-disk0,devno=fe.0.0000,"
                  "drive=libvirt-1-format,bootindex=1",
                  "confidential-guest-support");
    DO_TEST_BUILD("commas in a path are doubled",
                  TEST_DOMAIN("", "<disk type='file'><source file='/a,b.img'/>"
                                  "<target dev='vda' bus='virtio'/></disk>"),
                  VIR_QEMU_PV_MODE_NONE,
                  "driver=file,filename=/a,,b.img,node-name=libvirt-1-storage,"
                  "auto-read-only=on,discard=unmap",
                  NULL);

    DO_TEST_FORMAT("plain words stay bare", "-m\n512\n", "-m", "512");
    DO_TEST_FORMAT("spaces and quotes are quoted", "'/a b'\n''\\''x'\\'''\n", "/a b", "'x'");
    DO_TEST_FORMAT("an empty argument is quoted", "''\n", "");
    DO_TEST_FORMAT("shell specials are quoted", "'$HOME'\n'a;b'\n'*'\n", "$HOME", "a;b", "*");
    DO_TEST_FORMAT("key=value with commas and placeholders stay bare",
                   "tap,fd=@tapfd0@,id=hostnet0\n", "tap,fd=@tapfd0@,id=hostnet0");

    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
