/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

#include "conf/domain_conf.h"

/*
 * Where the devices of a guest sit for QEMU, decided as libvirt's QEMU
 * driver decides it (its qemu_domain_address.c): the ccw address of every
 * virtio-ccw and vfio-ccw device, and which device's loadparm the machine
 * takes.
 */

/* Whether @dev goes on the command line as a ccw device. */
typedef gboolean (*virQEMUDomainDeviceFilter)(const virDomainDevice *dev, gpointer opaque);

/* The devno of every device of @devices that @is_ccw accepts, as a table
 * from virDomainDevice * to "fe.0.0001": the address the definition gives
 * it, else the next free one from fe.0.0000 in libvirt's order of device
 * kinds.  Fails only when subchannel set 0 is full. */
gboolean virQEMUDomainAssignCCWAddresses(GPtrArray *devices, virQEMUDomainDeviceFilter is_ccw,
                                         gpointer opaque, GHashTable **ret_devnos,
                                         GError **error);

/* The loadparm of the boot device with boot index 1 among @devices that
 * @wanted accepts (disks, interfaces and vfio-ccw host devices), which a
 * QEMU without a per-device loadparm takes on the machine; NULL: none. */
const char *virQEMUDomainBootLoadparm(GPtrArray *devices, virQEMUDomainDeviceFilter wanted,
                                      gpointer opaque);
