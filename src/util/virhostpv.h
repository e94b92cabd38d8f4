/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

#include "viruv.h"

/* Facility 158: the Ultravisor call facility, the hardware's half of PV. */
#define VIR_HOST_PV_FACILITY_UV 158

typedef enum {
    VIR_HOST_PV_FILE_ABSENT = -1,
    VIR_HOST_PV_FILE_OFF = 0,
    VIR_HOST_PV_FILE_ON = 1,
    VIR_HOST_PV_FILE_INVALID = 2,
} virHostPVFileValue;

/* What the kernel tells about the host's ability to run protected guests,
 * read below a root directory so that tests can fake a host. */
typedef struct {
    char *root;                 /* NULL for the real root */
    gboolean complete;          /* FALSE: only the kernel's PV state was read
                                 * (virHostPVStateReadKernel()) */
    gboolean has_cpuinfo;
    gboolean is_s390;
    gboolean has_facilities;    /* cpuinfo has a facilities line */
    gboolean facility_uv;       /* facility 158 */
    gboolean uv_sysfs;          /* /sys/firmware/uv exists */
    virHostPVFileValue prot_virt_host;
    gboolean has_cmdline;
    gboolean cmdline_prot_virt; /* /proc/cmdline turns prot_virt on */
    gboolean kvm;               /* /dev/kvm exists */
    virUVInfo *uv;              /* /sys/firmware/uv/query and keys */
    char *kernel_release;       /* /proc/sys/kernel/osrelease, or NULL */
    gboolean libvirt_guests_enabled; /* its unit is linked into a .wants dir */
    char *libvirt_guests_config;     /* the configuration file read, or NULL */
    char *libvirt_guests_on_shutdown; /* its ON_SHUTDOWN; NULL: unset */
    char *libvirt_guests_error;      /* why the configuration is unreadable */
} virHostPVState;

gboolean virHostPVStateRead(const char *root, virHostPVState **ret_state, GError **error);
gboolean virHostPVStateReadKernel(const char *root, virHostPVState **ret_state, GError **error);
void virHostPVStateFree(virHostPVState *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virHostPVState, virHostPVStateFree)

/* The KVM device QEMU opens.  QEMU knows nothing of a root directory: a
 * probe of a real binary always uses this machine's /dev/kvm, so this is
 * never read below one (virHostPVState.kvm is: it is the fact the host
 * checks judge).  The capabilities cache keys on it because the probe
 * decides on it. */
typedef struct {
    gboolean present;
    guint64 rdev; /* which device; 0 when absent */
    guint64 ino;
} virHostPVKVMDevice;

#define VIR_HOST_PV_KVM_DEVICE "/dev/kvm"

void virHostPVKVMDeviceRead(virHostPVKVMDevice *ret_device);
