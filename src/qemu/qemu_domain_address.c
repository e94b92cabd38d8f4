/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <glib/gi18n.h>

#include "qemu/qemu_domain_address.h"
#include "qemu/qemu_error.h"

/* The channel subsystem id of virtual (virtio-ccw) devices, and the first
 * address libvirt gives, fe.0.0000, as a key (virDomainCCWAddressKey). */
#define VIR_QEMU_CCW_CSSID_VIRTUAL 0xfe
#define VIR_QEMU_CCW_FIRST ((guint32)VIR_QEMU_CCW_CSSID_VIRTUAL << 24)

/* The order in which devices without an address get one: libvirt's
 * (qemuDomainPrimeVirtioDeviceAddresses). */
static const virDomainDeviceKind virQEMUDomainCCWOrder[] = {
    VIR_DOMAIN_DEVICE_DISK,       VIR_DOMAIN_DEVICE_INTERFACE, VIR_DOMAIN_DEVICE_HOSTDEV,
    VIR_DOMAIN_DEVICE_CONTROLLER, VIR_DOMAIN_DEVICE_INPUT,     VIR_DOMAIN_DEVICE_MEMBALLOON,
    VIR_DOMAIN_DEVICE_RNG,        VIR_DOMAIN_DEVICE_VSOCK,
};

/* Honour every address the definition gives (the model has checked that
 * no two devices share one), then give the other devices fe.0.0000
 * upwards, skipping the taken ones. */
gboolean
virQEMUDomainAssignCCWAddresses(GPtrArray *devices, virQEMUDomainDeviceFilter is_ccw,
                                gpointer opaque, GHashTable **ret_devnos, GError **error)
{
    g_autoptr(GHashTable) used = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_autoptr(GHashTable) devnos =
        g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    guint32 next = VIR_QEMU_CCW_FIRST;
    gsize k;
    guint i;

    for (i = 0; i < devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(devices, i);
        guint32 key;

        if (dev->implicit || !dev->ccw_set || !is_ccw(dev, opaque))
            continue;
        key = virDomainCCWAddressKey(dev);
        g_hash_table_add(used, GUINT_TO_POINTER(key));
        g_hash_table_insert(devnos, (gpointer)dev, virDomainCCWAddressFormat(key));
    }
    for (k = 0; k < G_N_ELEMENTS(virQEMUDomainCCWOrder); k++) {
        for (i = 0; i < devices->len; i++) {
            const virDomainDevice *dev = g_ptr_array_index(devices, i);

            if (dev->kind != virQEMUDomainCCWOrder[k] || !is_ccw(dev, opaque) ||
                g_hash_table_contains(devnos, dev))
                continue;
            while (g_hash_table_contains(used, GUINT_TO_POINTER(next)))
                next++;
            if ((next & 0xffff0000) != VIR_QEMU_CCW_FIRST) {
                g_set_error_literal(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_FAILED,
                                    _("no free ccw address is left in subchannel set 0"));
                return FALSE;
            }
            g_hash_table_add(used, GUINT_TO_POINTER(next));
            g_hash_table_insert(devnos, (gpointer)dev, virDomainCCWAddressFormat(next));
        }
    }
    *ret_devnos = g_steal_pointer(&devnos);
    return TRUE;
}

/* libvirt: qemuAppendLoadparmMachineParm takes the loadparm of the
 * device with boot index 1. */
const char *
virQEMUDomainBootLoadparm(GPtrArray *devices, virQEMUDomainDeviceFilter wanted, gpointer opaque)
{
    guint i;

    for (i = 0; i < devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(devices, i);
        gboolean boot_kind = dev->kind == VIR_DOMAIN_DEVICE_DISK ||
                             dev->kind == VIR_DOMAIN_DEVICE_INTERFACE ||
                             (dev->kind == VIR_DOMAIN_DEVICE_HOSTDEV &&
                              g_strcmp0(dev->model, "vfio-ccw") == 0);

        if (boot_kind && dev->loadparm && dev->boot_index == 1 && wanted(dev, opaque))
            return dev->loadparm;
    }
    return NULL;
}
