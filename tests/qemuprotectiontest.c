/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include "qemu/qemu_protection.h"
#include "testutils.h"

/*
 * What `status` reads off a QEMU command line and off a guest agent's
 * reply.  The command lines are written here in the shape libvirt 9.0
 * gives QEMU (JSON -device and -object, as recorded from the private
 * libvirtd of tests/integration, and the key=value form virt-pv's own
 * domxml-to-native writes); the agent replies in the shape of QEMU's
 * qga/commands-posix.c, qmp_guest_file_read (count, buf-b64, eof).
 */

typedef struct {
    const char *name;
    const char *const *argv;
    gboolean kvm;
    gboolean pv_object;
    gboolean cgs;
    guint virtio_devices;
    guint virtio_iommu;
} testArgvCase;

static int
testArgv(const void *data)
{
    const testArgvCase *c = data;
    virQEMUProtectionArgv got;

    virQEMUProtectionReadArgv((char *const *)c->argv, &got);
    if (got.kvm != c->kvm || got.pv_object != c->pv_object || got.cgs != c->cgs ||
        got.virtio_devices != c->virtio_devices || got.virtio_iommu != c->virtio_iommu) {
        virTestDiag("%s: kvm %d object %d cgs %d virtio %u/%u, expected %d %d %d %u/%u", c->name,
                    got.kvm, got.pv_object, got.cgs, got.virtio_iommu, got.virtio_devices,
                    c->kvm, c->pv_object, c->cgs, c->virtio_iommu, c->virtio_devices);
        return -1;
    }
    return 0;
}

typedef struct {
    const char *reply;
    const char *value; /* NULL: an error */
} testAgentCase;

static int
testAgent(const void *data)
{
    const testAgentCase *c = data;
    g_autofree char *value = NULL;
    g_autoptr(GError) error = NULL;
    gboolean ok = virQEMUProtectionParseAgentRead(c->reply, &value, &error);

    if (ok != (c->value != NULL) || (ok && g_strcmp0(value, c->value) != 0)) {
        virTestDiag("'%s': got %s (%s), expected %s", c->reply, ok ? value : "an error",
                    error ? error->message : "", c->value ? c->value : "an error");
        return -1;
    }
    return 0;
}

static const char *const argvLaunchSecurityKVM[] = {
    "/usr/bin/qemu-system-s390x", "-name", "guest=ls,debug-threads=on",
    "-machine", "s390-ccw-virtio-7.2,usb=off,dump-guest-core=off,"
    "confidential-guest-support=lsec0,memory-backend=s390.ram",
    "-accel", "kvm", "-uuid", "5c1b2f0e-8a6d-4e3b-9f27-0d4c6b1a7e93",
    "-device", "{\"driver\":\"virtio-blk-ccw\",\"devno\":\"fe.0.0000\","
    "\"drive\":\"libvirt-1-format\",\"id\":\"virtio-disk0\",\"bootindex\":1}",
    "-object", "{\"qom-type\":\"s390-pv-guest\",\"id\":\"lsec0\"}", NULL,
};

static const char *const argvIommuTCG[] = {
    "/usr/bin/qemu-system-s390x", "-machine", "s390-ccw-virtio-7.2,usb=off",
    "-accel", "tcg",
    "-device", "{\"driver\":\"virtio-serial-ccw\",\"id\":\"virtio-serial0\","
    "\"iommu_platform\":true,\"devno\":\"fe.0.0001\"}",
    "-device", "{\"driver\":\"virtio-blk-ccw\",\"iommu_platform\":true,\"devno\":\"fe.0.0000\","
    "\"drive\":\"libvirt-1-format\",\"id\":\"virtio-disk0\",\"bootindex\":1}",
    "-device", "{\"driver\":\"virtserialport\",\"bus\":\"virtio-serial0.0\",\"nr\":1}", NULL,
};

static const char *const argvKeyValueOneMissing[] = {
    "qemu-system-s390x", "-machine", "s390-ccw-virtio,accel=kvm",
    "-device", "virtio-blk-ccw,iommu_platform=on,id=virtio-disk0,devno=fe.0.0000",
    "-device", "virtio-net-ccw,netdev=hostnet0,id=net0,devno=fe.0.0001",
    "-device", "driver=virtio-rng-ccw,iommu_platform=true,id=rng0", NULL,
};

/* The object without the machine property names nothing: not protected. */
static const char *const argvObjectOnly[] = {
    "qemu-system-s390x", "-enable-kvm", "-object", "s390-pv-guest,id=lsec0",
    "-device", "{\"driver\":\"virtio-blk-ccw\",\"iommu_platform\":\"on\"}",
    "-device", "{\"driver\":42}", "-device", "{not json", "-object", NULL,
};

static int
mymain(void)
{
    int ret = 0;

#define DO_TEST_ARGV(argv, kvm, object, cgs, devices, iommu) \
    do { \
        static const testArgvCase c = { #argv, argv, kvm, object, cgs, devices, iommu }; \
        if (virTestRun("argv " #argv, testArgv, &c) < 0) \
            ret = -1; \
    } while (0)
#define DO_TEST_AGENT(reply, value) \
    do { \
        static const testAgentCase c = { reply, value }; \
        if (virTestRun("agent " reply, testAgent, &c) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST_ARGV(argvLaunchSecurityKVM, TRUE, TRUE, TRUE, 1, 0);
    DO_TEST_ARGV(argvIommuTCG, FALSE, FALSE, FALSE, 2, 2);
    DO_TEST_ARGV(argvKeyValueOneMissing, TRUE, FALSE, FALSE, 3, 2);
    DO_TEST_ARGV(argvObjectOnly, TRUE, TRUE, FALSE, 1, 1);

    DO_TEST_AGENT("{\"return\":{\"count\":2,\"buf-b64\":\"MQo=\",\"eof\":true}}", "1");
    DO_TEST_AGENT("{\"return\":{\"count\":2,\"buf-b64\":\"MAo=\",\"eof\":true}}", "0");
    DO_TEST_AGENT("{\"return\":{\"count\":0,\"buf-b64\":\"\",\"eof\":true}}", "");
    DO_TEST_AGENT("{\"return\":{\"count\":2}}", NULL);
    DO_TEST_AGENT("{\"return\":{\"buf-b64\":17}}", NULL);
    DO_TEST_AGENT("{\"return\":5}", NULL);
    DO_TEST_AGENT("{\"error\":{\"class\":\"GenericError\",\"desc\":\"no such file\"}}", NULL);
    DO_TEST_AGENT("[1]", NULL);
    DO_TEST_AGENT("not json", NULL);

    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
