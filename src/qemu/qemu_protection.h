/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

/*
 * Is a running guest protected?  What the QEMU process was started with,
 * and what the guest itself says through its agent.  PV needs KVM (the
 * Ultravisor runs the guest), and then either the s390-pv-guest object
 * named by the machine's confidential-guest-support (QEMU's
 * hw/s390x/pv.c, s390_pv_kvm_init) or, without it, iommu_platform=on on
 * every virtio device so that the guest's bounce buffers are used
 * (hw/virtio/virtio-bus.c, virtio_bus_device_plugged).  The guest's own
 * /sys/firmware/uv/prot_virt_guest is 1 once it runs in protected mode
 * (arch/s390/kernel/uv.c, prot_virt_guest_show).
 */

typedef struct {
    int pid;
    char **argv;
    char *exe;          /* what /proc/PID/exe names; NULL: unreadable */
    gboolean ambiguous; /* another process has the same -uuid: anyone
                         * may start a process with any command line */
} virQEMUProcess;

void virQEMUProcessFree(virQEMUProcess *process);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virQEMUProcess, virQEMUProcessFree)

/* The QEMU processes below @root (NULL: /) by the -uuid they were started
 * with (lower case): one pass over /proc for a whole fleet. */
GHashTable *virQEMUProcessTableRead(const char *root);

typedef struct {
    gboolean kvm;            /* -accel kvm, -machine accel=kvm, -enable-kvm */
    gboolean pv_object;      /* an s390-pv-guest object ... */
    gboolean cgs;            /* ... and the machine's confidential-guest-support */
    guint virtio_devices;    /* -device virtio-* */
    guint virtio_iommu;      /* of them with iommu_platform on */
} virQEMUProtectionArgv;

/* Read what the command line of a QEMU process says about protection;
 * -device and -object in both the JSON and the key=value syntax. */
void virQEMUProtectionReadArgv(char *const *argv, virQEMUProtectionArgv *ret);

/* The value of prot_virt_guest from the guest agent's reply to
 * guest-file-read ({"return":{"buf-b64":...}}), stripped: "1" or "0". */
gboolean virQEMUProtectionParseAgentRead(const char *reply, char **ret_value, GError **error);
