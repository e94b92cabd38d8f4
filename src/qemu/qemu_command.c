/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdarg.h>
#include <string.h>

#include <glib/gi18n.h>

#include "qemu/qemu_command.h"
#include "qemu/qemu_domain_address.h"
#include "qemu/qemu_error.h"

/* A controller in virQEMUCommandBuilder.controllers: type, then index. */
#define VIR_QEMU_CONTROLLER_KEY(serial, index)                                                     \
    GUINT_TO_POINTER((guint)(serial) << 16 | (guint)(index))

typedef struct {
    const virDomainDef *def;
    GPtrArray *devices; /* def->devices, its disks in libvirt's order */
    const virQEMUCaps *caps;
    virQEMUPVMode mode;
    GPtrArray *args;
    GPtrArray *warnings;
    GHashTable *devnos;      /* virDomainDevice * -> "fe.0.0001" */
    GHashTable *controllers; /* VIR_QEMU_CONTROLLER_KEY of those emitted */
    guint ndisks;            /* disks still to emit: libvirt counts node names down */
    guint nnets;
    guint nconsoles;
    guint nchannels;
    guint ninputs;
    guint nrngs;
    guint nhostdevs;
} virQEMUCommandBuilder;

/* ---- refusals and warnings ------------------------------------------- */

/* A definition this builder cannot express correctly, though the model
 * took it: "FILE:LINE: message".  Input errors are the model's. */
static gboolean
virQEMURefuse(const virDomainDef *def, xmlNodePtr node, GError **error, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static gboolean
virQEMURefuse(const virDomainDef *def, xmlNodePtr node, GError **error, const char *fmt, ...)
{
    g_autofree char *message = NULL;
    va_list ap;

    va_start(ap, fmt);
    message = virDomainDefNodeMessageV(def, node, fmt, ap);
    va_end(ap);
    g_set_error_literal(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_FAILED, message);
    return FALSE;
}

/* "FILE:LINE: <disk> at '/domain/devices/disk[2]' is left out: ..." */
static void
virQEMUWarn(virQEMUCommandBuilder *b, xmlNodePtr node, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static void
virQEMUWarn(virQEMUCommandBuilder *b, xmlNodePtr node, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(b->warnings, virDomainDefNodeMessageV(b->def, node, fmt, ap));
    va_end(ap);
}

/* libvirt names a guest's state directories after the first 20
 * characters of its name. */
static char *
virQEMUShortName(const virDomainDef *def)
{
    return g_utf8_substring(def->name, 0, MIN(g_utf8_strlen(def->name, -1), 20));
}

/* ---- QEMU's key=value syntax -------------------------------------------- */

/* QemuOpts and keyval read ",," as a literal comma; -cpu does not (its
 * names are checked by virQEMUValidateNameIsPlain() instead). */
static void
virQEMUAppendEscaped(GString *buf, const char *value)
{
    for (; *value; value++) {
        if (*value == ',')
            g_string_append_c(buf, ',');
        g_string_append_c(buf, *value);
    }
}

static void
virQEMUPropStr(GString *buf, const char *key, const char *value)
{
    if (!value)
        return;
    g_string_append_printf(buf, ",%s=", key);
    virQEMUAppendEscaped(buf, value);
}

static void
virQEMUPropBool(GString *buf, const char *key, gboolean value)
{
    g_string_append_printf(buf, ",%s=%s", key, value ? "on" : "off");
}

static void
virQEMUPropSwitch(GString *buf, const char *key, virTristateSwitch value)
{
    if (value != VIR_TRISTATE_SWITCH_ABSENT)
        virQEMUPropBool(buf, key, value == VIR_TRISTATE_SWITCH_ON);
}

static void
virQEMUPropUInt(GString *buf, const char *key, guint64 value)
{
    g_string_append_printf(buf, ",%s=%" G_GUINT64_FORMAT, key, value);
}

static GString *
virQEMUPropsNew(const char *first)
{
    GString *buf = g_string_new(NULL);

    virQEMUAppendEscaped(buf, first);
    return buf;
}

static void
virQEMUArg(virQEMUCommandBuilder *b, const char *arg)
{
    g_ptr_array_add(b->args, g_strdup(arg));
}

static void
virQEMUOption(virQEMUCommandBuilder *b, const char *option, const char *value)
{
    virQEMUArg(b, option);
    virQEMUArg(b, value);
}

/* Add @option with @props as its value, consuming @props. */
static void
virQEMUOptionProps(virQEMUCommandBuilder *b, const char *option, GString *props)
{
    virQEMUArg(b, option);
    g_ptr_array_add(b->args, g_string_free(props, FALSE));
}

/* ---- virtio devices: iommu_platform, ccw address, boot index ---------- */

static gboolean
virQEMUVirtioIOMMU(virQEMUCommandBuilder *b, const virDomainDevice *dev, GString *props,
                   GError **error)
{
    switch (b->mode) {
    case VIR_QEMU_PV_MODE_IOMMU:
        /* QEMU < 6.0 has no PV object: every device needs bounce buffers
         * spelt out. */
        virQEMUPropBool(props, "iommu_platform", TRUE);
        return TRUE;
    case VIR_QEMU_PV_MODE_LAUNCH_SECURITY:
        /* QEMU makes iommu_platform=on the default; an explicit off would
         * win and let the host touch protected memory. */
        if (dev->iommu == VIR_TRISTATE_SWITCH_OFF)
            return virQEMURefuse(b->def, dev->node, error,
                                  _("<%s> at '%s' has iommu='off', "
                                    "which a protected guest cannot use"),
                                  dev->element, dev->xpath);
        if (dev->iommu == VIR_TRISTATE_SWITCH_ON)
            virQEMUPropBool(props, "iommu_platform", TRUE);
        return TRUE;
    case VIR_QEMU_PV_MODE_NONE:
    case VIR_QEMU_PV_MODE_LAST:
        break;
    }
    if (dev->iommu != VIR_TRISTATE_SWITCH_ABSENT)
        virQEMUPropBool(props, "iommu_platform", dev->iommu == VIR_TRISTATE_SWITCH_ON);
    return TRUE;
}

/* The start of every virtio-ccw device: "virtio-blk-ccw,iommu_platform=on,
 * id=virtio-disk0,devno=fe.0.0000" (the PV property right after the
 * driver, as libvirt orders them); the caller adds the rest. */
static GString *
virQEMUVirtioProps(virQEMUCommandBuilder *b, const virDomainDevice *dev, const char *driver,
                   const char *id, GError **error)
{
    g_autoptr(GString) props = virQEMUPropsNew(driver);

    if (!virQEMUVirtioIOMMU(b, dev, props, error))
        return NULL;
    virQEMUPropStr(props, "id", id);
    virQEMUPropStr(props, "devno", g_hash_table_lookup(b->devnos, dev));
    return g_steal_pointer(&props);
}

/* QEMU >= 9.2 takes a loadparm per boot device (hw/s390x/ccw-device.c
 * and hw/scsi/scsi-disk.c, property "loadparm"); libvirt then puts it on
 * the device, and before on the machine (qemuAppendLoadparmMachineParm).
 * Without capabilities the builder writes for a current QEMU. */
#define VIR_QEMU_VERSION_DEVICE_LOADPARM 9002000

static gboolean
virQEMUDeviceLoadparm(virQEMUCommandBuilder *b)
{
    return !b->caps || virQEMUCapsGetVersion(b->caps) >= VIR_QEMU_VERSION_DEVICE_LOADPARM;
}

/* The bootindex libvirt gives the device (the model works it out), and
 * its loadparm where QEMU takes one per device. */
static void
virQEMUPropBootIndex(virQEMUCommandBuilder *b, const virDomainDevice *dev, GString *props)
{
    if (!dev->boot_index)
        return;
    virQEMUPropUInt(props, "bootindex", dev->boot_index);
    if (virQEMUDeviceLoadparm(b))
        virQEMUPropStr(props, "loadparm", dev->loadparm);
}

/* The IOThread a virtio disk or SCSI controller runs in. */
static void
virQEMUPropIOThread(const virDomainDevice *dev, GString *props)
{
    g_autofree char *id = NULL;

    if (!dev->iothread)
        return;
    id = g_strdup_printf("iothread%u", dev->iothread);
    virQEMUPropStr(props, "iothread", id);
}

/* ---- disks ------------------------------------------------------------ */

typedef struct {
    gboolean direct;
    gboolean no_flush;
    gboolean write_cache;
} virQEMUDiskCache;

/* libvirt's cache modes in terms of QEMU's three switches
 * (qemuDomainDiskCacheModeFlags); the default sets none of them. */
static const virQEMUDiskCache virQEMUDiskCaches[] = {
    [VIR_DOMAIN_DISK_CACHE_NONE] = { TRUE, FALSE, TRUE },
    [VIR_DOMAIN_DISK_CACHE_WRITETHROUGH] = { FALSE, FALSE, FALSE },
    [VIR_DOMAIN_DISK_CACHE_WRITEBACK] = { FALSE, FALSE, TRUE },
    [VIR_DOMAIN_DISK_CACHE_DIRECTSYNC] = { TRUE, FALSE, FALSE },
    [VIR_DOMAIN_DISK_CACHE_UNSAFE] = { FALSE, TRUE, TRUE },
};
G_STATIC_ASSERT(G_N_ELEMENTS(virQEMUDiskCaches) == VIR_DOMAIN_DISK_CACHE_LAST);

/* NULL for the default mode. */
static const virQEMUDiskCache *
virQEMUDiskCacheFind(virDomainDiskCache cache)
{
    return cache == VIR_DOMAIN_DISK_CACHE_DEFAULT ? NULL : &virQEMUDiskCaches[cache];
}

static void
virQEMUPropCache(GString *props, const virQEMUDiskCache *cache)
{
    if (!cache)
        return;
    virQEMUPropBool(props, "cache.direct", cache->direct);
    virQEMUPropBool(props, "cache.no-flush", cache->no_flush);
}

/* werror and rerror as libvirt derives them (qemuBuildDiskGetErrorPolicy):
 * QEMU spells enospace "enospc", which is no read error policy; any
 * other write policy is also the read policy unless one is given. */
static void
virQEMUPropErrorPolicy(const virDomainDevice *dev, GString *props)
{
    virDomainDiskErrorPolicy write = dev->error_policy;
    virDomainDiskErrorPolicy read = dev->rerror_policy;

    if (write == VIR_DOMAIN_DISK_ERROR_POLICY_ENOSPACE)
        virQEMUPropStr(props, "werror", "enospc");
    else if (write)
        virQEMUPropStr(props, "werror", virDomainDiskErrorPolicyToString(write));
    if (!read && write != VIR_DOMAIN_DISK_ERROR_POLICY_ENOSPACE)
        read = write;
    if (read)
        virQEMUPropStr(props, "rerror", virDomainDiskErrorPolicyToString(read));
}

static const char *
virQEMUDiskUnsupported(const virDomainDevice *dev)
{
    const char *device = dev->disk_device;
    const char *format = dev->driver_type;
    gboolean scsi = virDomainDiskIsOnBus(dev, "scsi");

    if (!dev->virtio && !scsi)
        return N_("only disks on the virtio and scsi buses are supported");
    if (!g_str_equal(device, "disk") && !(scsi && g_str_equal(device, "cdrom")))
        return N_("only device='disk', and device='cdrom' on the scsi bus, are supported");
    if (!dev->type || (!g_str_equal(dev->type, "file") && !g_str_equal(dev->type, "block")))
        return N_("only file and block sources are supported");
    if (format && !g_str_equal(format, "raw") && !g_str_equal(format, "qcow2"))
        return N_("only raw and qcow2 images are supported");
    return NULL;
}

/* The -blockdev storage and format nodes of a disk; NULL in
 * @ret_node_name for a CD-ROM drive without a medium. */
static gboolean
virQEMUBuildDiskNodes(virQEMUCommandBuilder *b, const virDomainDevice *dev,
                      const virQEMUDiskCache *cache, char **ret_node_name, GError **error)
{
    gboolean block = g_str_equal(dev->type, "block");
    const char *source = dev->source_path;
    /* libvirt counts its node names down from the number of disks. */
    guint number = b->ndisks--;
    g_autofree char *storage = g_strdup_printf("libvirt-%u-storage", number);
    g_autofree char *node = g_strdup_printf("libvirt-%u-format", number);
    GString *props;

    /* A CD-ROM drive without a medium: the model lets only those lack
     * a source. */
    if (!source) {
        *ret_node_name = NULL;
        return TRUE;
    }

    props = virQEMUPropsNew(block ? "driver=host_device" : "driver=file");
    virQEMUPropStr(props, "filename", source);
    virQEMUPropStr(props, "node-name", storage);
    virQEMUPropCache(props, cache);
    if (dev->io != VIR_DOMAIN_DISK_IO_DEFAULT)
        virQEMUPropStr(props, "aio", virDomainDiskIoToString(dev->io));
    virQEMUPropBool(props, "auto-read-only", TRUE);
    virQEMUPropStr(props, "discard", "unmap");
    virQEMUOptionProps(b, "-blockdev", props);

    props = virQEMUPropsNew("node-name=");
    virQEMUAppendEscaped(props, node);
    virQEMUPropBool(props, "read-only", dev->readonly);
    virQEMUPropCache(props, cache);
    virQEMUPropStr(props, "driver", dev->driver_type ? dev->driver_type : "raw");
    virQEMUPropStr(props, "file", storage);
    virQEMUOptionProps(b, "-blockdev", props);
    *ret_node_name = g_steal_pointer(&node);
    return TRUE;
}

static gboolean
virQEMUBuildDisk(virQEMUCommandBuilder *b, const virDomainDevice *dev, GError **error)
{
    const virQEMUDiskCache *cache = virQEMUDiskCacheFind(dev->cache);
    g_autofree char *node = NULL;
    g_autofree char *id = NULL;
    GString *props;

    if (!virQEMUBuildDiskNodes(b, dev, cache, &node, error))
        return FALSE;

    if (virDomainDiskIsOnBus(dev, "scsi")) {
        /* Without an address libvirt puts the disk on controller 0, bus 0,
         * target 0, with the unit of its target name. */
        gboolean drive = dev->address_node != NULL;
        guint controller = dev->drive_controller;
        guint unit = drive ? dev->drive_unit : (guint)dev->target_index;
        g_autofree char *bus = NULL;
        g_autofree char *device_id = NULL;

        /* The model has every controller a disk names (libvirt adds the
         * missing ones); one left out is of a model QEMU builds otherwise. */
        if (!g_hash_table_contains(b->controllers, VIR_QEMU_CONTROLLER_KEY(FALSE, controller)))
            return virQEMURefuse(b->def, dev->node, error,
                                 _("<disk> at '%s' is on SCSI controller %u, "
                                   "which is not a virtio-scsi controller"),
                                 dev->xpath, controller);
        bus = g_strdup_printf("scsi%u.0", controller);
        id = g_strdup_printf("scsi%u-%u-%u-%u", controller, dev->drive_bus, dev->drive_target,
                             unit);
        device_id = g_strdup_printf("drive-%s", id);
        props = virQEMUPropsNew(g_str_equal(dev->disk_device, "cdrom") ? "scsi-cd" : "scsi-hd");
        virQEMUPropStr(props, "bus", bus);
        virQEMUPropUInt(props, "channel", dev->drive_bus);
        virQEMUPropUInt(props, "scsi-id", dev->drive_target);
        virQEMUPropUInt(props, "lun", unit);
        virQEMUPropStr(props, "device_id", device_id);
        virQEMUPropStr(props, "id", id);
    } else {
        id = g_strdup_printf("virtio-disk%d", dev->target_index);
        if (!(props = virQEMUVirtioProps(b, dev, "virtio-blk-ccw", id, error)))
            return FALSE;
        virQEMUPropIOThread(dev, props);
    }
    virQEMUPropStr(props, "drive", node);
    virQEMUPropBootIndex(b, dev, props);
    if (cache)
        virQEMUPropBool(props, "write-cache", cache->write_cache);
    virQEMUPropErrorPolicy(dev, props);
    virQEMUOptionProps(b, "-device", props);
    return TRUE;
}

/* ---- network interfaces ------------------------------------------------- */

static const char *const virQEMUTapTypes[] = { "network", "bridge", "ethernet", NULL };

static const char *
virQEMUInterfaceUnsupported(const virDomainDevice *dev)
{
    if (!dev->virtio)
        return N_("only virtio interfaces are supported");
    if (!dev->type ||
        (!g_str_equal(dev->type, "user") && !g_strv_contains(virQEMUTapTypes, dev->type)))
        return N_("only user, network, bridge and ethernet interfaces are supported");
    return NULL;
}

static gboolean
virQEMUBuildInterface(virQEMUCommandBuilder *b, const virDomainDevice *dev, GError **error)
{
    g_autofree char *netdev = g_strdup_printf("hostnet%u", b->nnets);
    g_autofree char *id = g_strdup_printf("net%u", b->nnets);
    GString *props;

    if (g_str_equal(dev->type, "user")) {
        props = virQEMUPropsNew("user");
    } else {
        /* libvirt creates the tap device (and opens vhost-net) itself and
         * passes the file descriptors; these are their placeholders. */
        props = virQEMUPropsNew("tap");
        g_string_append_printf(props, ",fd=@tapfd%u@", b->nnets);
        if (g_strcmp0(b->def->virt_type, "kvm") == 0 && dev->backend != VIR_DOMAIN_NET_BACKEND_QEMU)
            g_string_append_printf(props, ",vhost=on,vhostfd=@vhostfd%u@", b->nnets);
    }
    virQEMUPropStr(props, "id", netdev);
    virQEMUOptionProps(b, "-netdev", props);

    if (!(props = virQEMUVirtioProps(b, dev, "virtio-net-ccw", id, error)))
        return FALSE;
    virQEMUPropStr(props, "netdev", netdev);
    virQEMUPropStr(props, "mac", dev->mac);
    virQEMUPropBootIndex(b, dev, props);
    virQEMUOptionProps(b, "-device", props);
    b->nnets++;
    return TRUE;
}

/* ---- controllers -------------------------------------------------------- */

static gboolean
virQEMUControllerIgnored(const virDomainDevice *dev)
{
    /* Present in every libvirt s390x definition, nothing on the command
     * line: the PCI root bus and a USB controller of model none. */
    if (g_strcmp0(dev->type, "pci") == 0)
        return g_strcmp0(dev->model, "pci-root") == 0;
    if (g_strcmp0(dev->type, "usb") == 0)
        return !dev->model || g_str_equal(dev->model, "none");
    return FALSE;
}

static const char *
virQEMUControllerUnsupported(const virDomainDevice *dev)
{
    if (!dev->virtio)
        return N_("only virtio-scsi and virtio-serial controllers are supported");
    return NULL;
}

static gboolean
virQEMUBuildController(virQEMUCommandBuilder *b, const virDomainDevice *dev, GError **error)
{
    gboolean serial = g_str_equal(dev->type, "virtio-serial");
    g_autofree char *id = NULL;
    GString *props;

    g_hash_table_add(b->controllers, VIR_QEMU_CONTROLLER_KEY(serial, dev->index));
    id = g_strdup_printf("%s%u", serial ? "virtio-serial" : "scsi", dev->index);
    if (!(props = virQEMUVirtioProps(b, dev, serial ? "virtio-serial-ccw" : "virtio-scsi-ccw", id,
                                     error)))
        return FALSE;
    if (!serial)
        virQEMUPropIOThread(dev, props);
    virQEMUOptionProps(b, "-device", props);
    return TRUE;
}

/* ---- consoles and channels --------------------------------------------- */

static const char *const virQEMUChardevTypes[] = { "pty", "null", "file", "unix", NULL };

/* Why a character device's source has no -chardev here; NULL: it has one.
 * The model has checked that file and unix sources have a path, except
 * a virtio channel's, whose path comes from its target name. */
static const char *
virQEMUChardevUnsupported(const virDomainDevice *dev)
{
    if (dev->type && !g_strv_contains(virQEMUChardevTypes, dev->type))
        return N_("only pty, null, file and unix sources are supported");
    if (g_strcmp0(dev->type, "unix") == 0 && !dev->source_path && !dev->target_name)
        return N_("a unix channel needs a source path or a target name");
    return NULL;
}

/* A character device backend: -chardev TYPE,id=ID,... from the
 * element's type and <source>. */
static void
virQEMUBuildChardev(virQEMUCommandBuilder *b, const virDomainDevice *dev, const char *id,
                    const char *default_path)
{
    const char *type = dev->type ? dev->type : "pty";
    const char *path = dev->source_path ? dev->source_path : default_path;
    GString *props;

    if (g_str_equal(type, "pty") || g_str_equal(type, "null")) {
        props = virQEMUPropsNew(type);
        virQEMUPropStr(props, "id", id);
    } else {
        gboolean unix_socket = g_str_equal(type, "unix");

        props = virQEMUPropsNew(unix_socket ? "socket" : "file");
        virQEMUPropStr(props, "id", id);
        virQEMUPropStr(props, "path", path);
        if (unix_socket && dev->source_mode != VIR_DOMAIN_CHR_SOURCE_MODE_CONNECT) {
            virQEMUPropBool(props, "server", TRUE);
            virQEMUPropBool(props, "wait", FALSE);
        }
    }
    virQEMUOptionProps(b, "-chardev", props);
}

typedef struct {
    const char *target; /* <target type>; NULL: absent */
    const char *driver; /* NULL: the device is <serial>'s alias */
} virQEMUConsoleTarget;

/* On s390x libvirt turns a console without a target type into the SCLP
 * console, and a <console> of target type serial is only the alias of
 * the first <serial>. */
static const virQEMUConsoleTarget virQEMUConsoleTargets[] = {
    { NULL, "sclpconsole" },
    { "sclp", "sclpconsole" },
    { "sclplm", "sclplmconsole" },
    { "virtio", "virtconsole" },
    { "serial", NULL },
};

/* @def: (nullable): NULL leaves out the alias rule below */
static const virQEMUConsoleTarget *
virQEMUConsoleTargetFind(const virDomainDef *def, const virDomainDevice *dev)
{
    const char *target = dev->target_type;
    gsize i;

    /* The first console without a target type is the alias of the first
     * <serial> when there is one (libvirt: virDomainDefAddConsoleCompat). */
    if (!target && def && virDomainDefFindDevice(def, VIR_DOMAIN_DEVICE_SERIAL, FALSE) &&
        virDomainDefFindDevice(def, VIR_DOMAIN_DEVICE_CONSOLE, FALSE) == dev)
        target = "serial";
    for (i = 0; i < G_N_ELEMENTS(virQEMUConsoleTargets); i++) {
        if (g_strcmp0(virQEMUConsoleTargets[i].target, target) == 0)
            return &virQEMUConsoleTargets[i];
    }
    return NULL;
}

static const char *
virQEMUConsoleUnsupported(const virDomainDevice *dev)
{
    /* @def NULL: whether the target is known at all */
    if (!virQEMUConsoleTargetFind(NULL, dev))
        return N_("only sclp, sclplm, serial and virtio console targets are supported");
    return virQEMUChardevUnsupported(dev);
}

static gboolean
virQEMUBuildConsoleDevice(virQEMUCommandBuilder *b, const virDomainDevice *dev, const char *driver,
                          const char *name, GError **error)
{
    g_autofree char *chardev = g_strdup_printf("char%s%u", name, b->nconsoles);
    g_autofree char *id = g_strdup_printf("%s%u", name, b->nconsoles);
    GString *props;

    virQEMUBuildChardev(b, dev, chardev, NULL);
    props = virQEMUPropsNew(driver);
    virQEMUPropStr(props, "chardev", chardev);
    virQEMUPropStr(props, "id", id);
    virQEMUOptionProps(b, "-device", props);
    b->nconsoles++;
    return TRUE;
}

static gboolean
virQEMUBuildConsole(virQEMUCommandBuilder *b, const virDomainDevice *dev, GError **error)
{
    const virQEMUConsoleTarget *target = virQEMUConsoleTargetFind(b->def, dev);

    if (target && target->driver)
        return virQEMUBuildConsoleDevice(b, dev, target->driver, "console", error);
    /* Without a <serial>, libvirt makes the console of target type serial
     * the serial device itself (virDomainDefAddConsoleCompat), which on
     * s390x is the SCLP console. */
    if (!virDomainDefFindDevice(b->def, VIR_DOMAIN_DEVICE_SERIAL, FALSE))
        return virQEMUBuildConsoleDevice(b, dev, "sclpconsole", "serial", error);
    return TRUE;
}

/* <serial><target type='sclp-serial'><model name='sclpconsole'/>: what
 * libvirt itself writes for the s390x console. */
static const char *
virQEMUSerialUnsupported(const virDomainDevice *dev)
{
    /* Without a target type, libvirt makes it sclp-serial on s390x
     * (qemuDomainChrDefPostParse). */
    if (dev->target_type && !g_str_equal(dev->target_type, "sclp-serial"))
        return N_("only serial devices of target type sclp-serial are supported");
    if (dev->target_model && !g_str_equal(dev->target_model, "sclpconsole") &&
        !g_str_equal(dev->target_model, "sclplmconsole"))
        return N_("only the sclpconsole and sclplmconsole serial models are supported");
    return virQEMUChardevUnsupported(dev);
}

static gboolean
virQEMUBuildSerial(virQEMUCommandBuilder *b, const virDomainDevice *dev, GError **error)
{
    const char *model = dev->target_model ? dev->target_model : "sclpconsole";

    return virQEMUBuildConsoleDevice(b, dev, model, "serial", error);
}

static const char *
virQEMUChannelUnsupported(const virDomainDevice *dev)
{
    if (g_strcmp0(dev->target_type, "virtio") != 0)
        return N_("only virtio channels are supported");
    return virQEMUChardevUnsupported(dev);
}

static gboolean
virQEMUBuildChannel(virQEMUCommandBuilder *b, const virDomainDevice *dev, GError **error)
{
    g_autofree char *chardev = g_strdup_printf("charchannel%u", b->nchannels);
    g_autofree char *id = g_strdup_printf("channel%u", b->nchannels);
    const char *name = dev->target_name;
    g_autofree char *default_path = NULL;
    g_autofree char *short_name = virQEMUShortName(b->def);
    GString *props;

    /* libvirt puts a unix channel without a path in its state directory. */
    if (name)
        default_path =
            g_strdup_printf("/var/lib/libvirt/qemu/channel/target/domain-%s/%s", short_name, name);
    virQEMUBuildChardev(b, dev, chardev, default_path);
    props = virQEMUPropsNew("virtserialport");
    virQEMUPropStr(props, "bus", "virtio-serial0.0");
    virQEMUPropUInt(props, "nr", b->nchannels + 1);
    virQEMUPropStr(props, "chardev", chardev);
    virQEMUPropStr(props, "id", id);
    virQEMUPropStr(props, "name", name);
    virQEMUOptionProps(b, "-device", props);
    b->nchannels++;
    return TRUE;
}

/* ---- input, balloon, rng, vsock ----------------------------------------- */

static const char *const virQEMUInputTypes[] = { "keyboard", "mouse", "tablet", NULL };

static const char *
virQEMUInputUnsupported(const virDomainDevice *dev)
{
    if (!dev->virtio || !dev->type || !g_strv_contains(virQEMUInputTypes, dev->type))
        return N_("only virtio keyboards, mice and tablets are supported");
    return NULL;
}

static gboolean
virQEMUBuildInput(virQEMUCommandBuilder *b, const virDomainDevice *dev, GError **error)
{
    g_autofree char *driver = g_strdup_printf("virtio-%s-ccw", dev->type);
    g_autofree char *id = g_strdup_printf("input%u", b->ninputs++);
    GString *props;

    if (!(props = virQEMUVirtioProps(b, dev, driver, id, error)))
        return FALSE;
    virQEMUOptionProps(b, "-device", props);
    return TRUE;
}

static gboolean
virQEMUBalloonIgnored(const virDomainDevice *dev)
{
    return g_strcmp0(dev->model, "none") == 0;
}

static const char *
virQEMUBalloonUnsupported(const virDomainDevice *dev)
{
    if (!dev->virtio)
        return N_("only virtio balloons are supported");
    return NULL;
}

static gboolean
virQEMUBuildBalloon(virQEMUCommandBuilder *b, const virDomainDevice *dev, GError **error)
{
    GString *props;

    if (!(props = virQEMUVirtioProps(b, dev, "virtio-balloon-ccw", "balloon0", error)))
        return FALSE;
    virQEMUPropSwitch(props, "deflate-on-oom", dev->autodeflate);
    virQEMUPropSwitch(props, "free-page-reporting", dev->free_page_reporting);
    virQEMUOptionProps(b, "-device", props);
    return TRUE;
}

static const char *
virQEMURNGUnsupported(const virDomainDevice *dev)
{
    if (!dev->virtio || g_strcmp0(dev->backend_model, "random") != 0)
        return N_("only virtio rng devices with the random backend are supported");
    return NULL;
}

static gboolean
virQEMUBuildRNG(virQEMUCommandBuilder *b, const virDomainDevice *dev, GError **error)
{
    g_autofree char *object = g_strdup_printf("objrng%u", b->nrngs);
    g_autofree char *id = g_strdup_printf("rng%u", b->nrngs);
    const char *source = dev->source_path;
    GString *props = virQEMUPropsNew("rng-random");

    virQEMUPropStr(props, "id", object);
    /* libvirt 9.0's default source, measured. */
    virQEMUPropStr(props, "filename", source && *source ? source : "/dev/random");
    virQEMUOptionProps(b, "-object", props);

    if (!(props = virQEMUVirtioProps(b, dev, "virtio-rng-ccw", id, error)))
        return FALSE;
    virQEMUPropStr(props, "rng", object);
    /* libvirt writes no period without a rate (qemuBuildRNGDevProps). */
    if (dev->rate_bytes) {
        virQEMUPropUInt(props, "max-bytes", dev->rate_bytes);
        if (dev->rate_period)
            virQEMUPropUInt(props, "period", dev->rate_period);
    }
    virQEMUOptionProps(b, "-device", props);
    b->nrngs++;
    return TRUE;
}

static void
virQEMUVsockNotice(virQEMUCommandBuilder *b, const virDomainDevice *dev)
{
    if (!dev->cid && dev->cid_auto != VIR_TRISTATE_SWITCH_ON)
        virQEMUWarn(b, dev->node,
                    _("<vsock> at '%s' has neither a cid address nor auto='yes': "
                      "guest-cid 0 is written, as libvirt does, which QEMU refuses"),
                    dev->xpath);
    else if (!dev->cid)
        virQEMUWarn(b, dev->node,
                    _("<vsock> at '%s' has auto='yes': guest-cid 3 is written, "
                      "libvirt picks a free CID at start"),
                    dev->xpath);
}

static gboolean
virQEMUBuildVsock(virQEMUCommandBuilder *b, const virDomainDevice *dev, GError **error)
{
    guint cid = dev->cid;
    GString *props;

    /* With auto='yes' libvirt picks the first free CID at start; 3 is its
     * first try. */
    if (!cid && dev->cid_auto == VIR_TRISTATE_SWITCH_ON)
        cid = 3;
    if (!(props = virQEMUVirtioProps(b, dev, "vhost-vsock-ccw", "vsock0", error)))
        return FALSE;
    virQEMUPropUInt(props, "guest-cid", cid);
    virQEMUOptionProps(b, "-device", props);
    return TRUE;
}

/* ---- host devices and the watchdog ---------------------------------------- */

/* A mediated device of the s390 kinds libvirt builds: vfio-ccw (a
 * subchannel, with a ccw address) and vfio-ap (crypto adapters). */
static const char *
virQEMUHostdevUnsupported(const virDomainDevice *dev)
{
    if (g_strcmp0(dev->type, "mdev") != 0 ||
        (g_strcmp0(dev->model, "vfio-ccw") != 0 && g_strcmp0(dev->model, "vfio-ap") != 0) ||
        !dev->source_uuid)
        return N_("only mediated vfio-ccw and vfio-ap host devices are supported");
    return NULL;
}

static gboolean
virQEMUHostdevIsCCW(const virDomainDevice *dev)
{
    return dev->kind == VIR_DOMAIN_DEVICE_HOSTDEV && g_strcmp0(dev->model, "vfio-ccw") == 0;
}

static gboolean
virQEMUBuildHostdev(virQEMUCommandBuilder *b, const virDomainDevice *dev, GError **error)
{
    g_autofree char *id = g_strdup_printf("hostdev%u", b->nhostdevs++);
    g_autofree char *sysfsdev = g_strdup_printf("/sys/bus/mdev/devices/%s", dev->source_uuid);
    GString *props = virQEMUPropsNew(dev->model);

    virQEMUPropStr(props, "id", id);
    virQEMUPropStr(props, "sysfsdev", sysfsdev);
    if (virQEMUHostdevIsCCW(dev)) {
        virQEMUPropBootIndex(b, dev, props);
        virQEMUPropStr(props, "devno", g_hash_table_lookup(b->devnos, dev));
    }
    virQEMUOptionProps(b, "-device", props);
    return TRUE;
}

/* The s390 watchdog (diag 288).  QEMU has no dump action: libvirt has QEMU
 * pause and writes the dump itself on the event (qemuBuildWatchdogCommandLine). */
static const char *
virQEMUWatchdogUnsupported(const virDomainDevice *dev)
{
    if (g_strcmp0(dev->model, "diag288") != 0)
        return N_("only the diag288 watchdog is supported");
    return NULL;
}

static gboolean
virQEMUBuildWatchdog(virQEMUCommandBuilder *b, const virDomainDevice *dev, GError **error)
{
    const char *action = dev->action ? dev->action : "reset";

    if (g_str_equal(action, "dump")) {
        virQEMUWarn(b, dev->node,
                    _("<watchdog action='dump'> at '%s': QEMU pauses the guest; the dump "
                      "libvirt then writes is not translated"),
                    dev->xpath);
        action = "pause";
    }
    virQEMUOption(b, "-device", "diag288,id=watchdog0");
    virQEMUOption(b, "-watchdog-action", action);
    return TRUE;
}

static const char *
virQEMUVirtioUnsupported(const virDomainDevice *dev)
{
    if (!dev->virtio)
        return N_("only the virtio model is supported");
    return NULL;
}

/* ---- the device table ---------------------------------------------------- */

typedef gboolean (*virQEMUDeviceBuildFunc)(virQEMUCommandBuilder *b, const virDomainDevice *dev,
                                           GError **error);

typedef struct {
    virDomainDeviceKind kind;
    gboolean ccw;                                           /* a virtio-*-ccw device */
    gboolean (*ignored)(const virDomainDevice *dev);        /* nothing to emit, no warning */
    const char *(*unsupported)(const virDomainDevice *dev); /* why it is left out */
    virQEMUDeviceBuildFunc build;
    /* warnings about a device that is kept; NULL: none */
    void (*notice)(virQEMUCommandBuilder *b, const virDomainDevice *dev);
} virQEMUDeviceBuilder;

/* In the order the command line lists them, which is libvirt's. */
static const virQEMUDeviceBuilder virQEMUDeviceBuilders[] = {
    { VIR_DOMAIN_DEVICE_CONTROLLER, TRUE, virQEMUControllerIgnored, virQEMUControllerUnsupported,
      virQEMUBuildController },
    { VIR_DOMAIN_DEVICE_DISK, TRUE, NULL, virQEMUDiskUnsupported, virQEMUBuildDisk },
    { VIR_DOMAIN_DEVICE_INTERFACE, TRUE, NULL, virQEMUInterfaceUnsupported, virQEMUBuildInterface },
    { VIR_DOMAIN_DEVICE_SERIAL, FALSE, NULL, virQEMUSerialUnsupported, virQEMUBuildSerial },
    { VIR_DOMAIN_DEVICE_CHANNEL, FALSE, NULL, virQEMUChannelUnsupported, virQEMUBuildChannel },
    { VIR_DOMAIN_DEVICE_CONSOLE, FALSE, NULL, virQEMUConsoleUnsupported, virQEMUBuildConsole },
    { VIR_DOMAIN_DEVICE_INPUT, TRUE, NULL, virQEMUInputUnsupported, virQEMUBuildInput },
    { VIR_DOMAIN_DEVICE_WATCHDOG, FALSE, NULL, virQEMUWatchdogUnsupported, virQEMUBuildWatchdog },
    { VIR_DOMAIN_DEVICE_HOSTDEV, TRUE, NULL, virQEMUHostdevUnsupported, virQEMUBuildHostdev },
    { VIR_DOMAIN_DEVICE_MEMBALLOON, TRUE, virQEMUBalloonIgnored, virQEMUBalloonUnsupported,
      virQEMUBuildBalloon },
    { VIR_DOMAIN_DEVICE_RNG, TRUE, NULL, virQEMURNGUnsupported, virQEMUBuildRNG },
    { VIR_DOMAIN_DEVICE_VSOCK, TRUE, NULL, virQEMUVirtioUnsupported, virQEMUBuildVsock,
      virQEMUVsockNotice },
};

static const virQEMUDeviceBuilder *
virQEMUDeviceBuilderFind(virDomainDeviceKind kind)
{
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(virQEMUDeviceBuilders); i++) {
        if (virQEMUDeviceBuilders[i].kind == kind)
            return &virQEMUDeviceBuilders[i];
    }
    return NULL;
}

/* Whether @dev goes on the command line; warns once about those that
 * cannot. */
static gboolean
virQEMUDeviceWanted(virQEMUCommandBuilder *b, const virDomainDevice *dev, gboolean warn)
{
    const virQEMUDeviceBuilder *builder = virQEMUDeviceBuilderFind(dev->kind);
    const char *reason;

    if (!builder) {
        /* A panic device of model s390 (libvirt's default on s390x) is
         * part of the machine, and audio of type none is no audio: neither
         * needs an argument. */
        if (dev->kind == VIR_DOMAIN_DEVICE_PANIC &&
            (!dev->model || g_str_equal(dev->model, "s390")))
            return FALSE;
        if (dev->kind == VIR_DOMAIN_DEVICE_AUDIO && g_strcmp0(dev->type, "none") == 0)
            return FALSE;
        if (warn)
            virQEMUWarn(b, dev->node,
                        _("<%s> at '%s' is left out: "
                          "domxml-to-native does not support this device kind"),
                        dev->element, dev->xpath);
        return FALSE;
    }
    if (builder->ignored && builder->ignored(dev))
        return FALSE;
    if (!(reason = builder->unsupported(dev)) && builder->ccw &&
        (dev->virtio || virQEMUHostdevIsCCW(dev)) && dev->address_type &&
        !g_str_equal(dev->address_type, "ccw"))
        /* libvirt makes it a virtio-*-pci device behind a zpci device
         * (qemuBuildZPCIDevProps); this builder knows ccw only. */
        reason = N_("only ccw addresses are supported: zPCI (PCI) devices are not built");
    if (reason) {
        if (warn)
            virQEMUWarn(b, dev->node, _("<%s> at '%s' is left out: %s"), dev->element, dev->xpath,
                        _(reason));
        return FALSE;
    }
    if (warn && builder->notice)
        builder->notice(b, dev);
    return TRUE;
}

/* virQEMUDomainDeviceFilter: a ccw device of the command line. */
static gboolean
virQEMUDeviceIsCCW(const virDomainDevice *dev, gpointer opaque)
{
    virQEMUCommandBuilder *b = opaque;
    const virQEMUDeviceBuilder *builder = virQEMUDeviceBuilderFind(dev->kind);

    return builder && builder->ccw && (dev->virtio || virQEMUHostdevIsCCW(dev)) &&
           virQEMUDeviceWanted(b, dev, FALSE);
}

/* virQEMUDomainDeviceFilter: a device of the command line. */
static gboolean
virQEMUDeviceOnCommandLine(const virDomainDevice *dev, gpointer opaque)
{
    return virQEMUDeviceWanted(opaque, dev, FALSE);
}

/* ---- the machine ------------------------------------------------------- */

/* A machine alias (s390-ccw-virtio) as the versioned type it stands for,
 * when the capabilities know it. */
static const char *
virQEMUMachineType(virQEMUCommandBuilder *b)
{
    const char *machine = b->def->os_machine ? b->def->os_machine : VIR_QEMU_CAPS_PV_MACHINE;
    guint i;

    /* A machine type QEMU does not list is validate's machine-unknown. */
    for (i = 0; b->caps && i < virQEMUCapsGetMachineCount(b->caps); i++) {
        const virQEMUCapsMachine *m = virQEMUCapsGetMachine(b->caps, i);

        if (m->alias && g_str_equal(m->alias, machine))
            return m->name;
    }
    return machine;
}

/* Before QEMU 9.2 the loadparm of the device with boot index 1 is the
 * machine's (libvirt: qemuAppendLoadparmMachineParm). */
static const char *
virQEMUMachineLoadparm(virQEMUCommandBuilder *b)
{
    if (virQEMUDeviceLoadparm(b))
        return NULL;
    return virQEMUDomainBootLoadparm(b->devices, virQEMUDeviceOnCommandLine, b);
}

static void
virQEMUBuildMachine(virQEMUCommandBuilder *b)
{
    GString *props = virQEMUPropsNew(virQEMUMachineType(b));

    virQEMUPropBool(props, "usb", FALSE);
    /* <keywrap>: the CPACF key wrapping of the s390-ccw-virtio machine
     * (hw/s390x/s390-virtio-ccw.c, "aes-key-wrap", "dea-key-wrap"). */
    virQEMUPropSwitch(props, "aes-key-wrap", b->def->keywrap_aes);
    virQEMUPropSwitch(props, "dea-key-wrap", b->def->keywrap_dea);
    virQEMUPropBool(props, "dump-guest-core", FALSE);
    virQEMUPropStr(props, "loadparm", virQEMUMachineLoadparm(b));
    if (b->mode == VIR_QEMU_PV_MODE_LAUNCH_SECURITY)
        virQEMUPropStr(props, "confidential-guest-support", "lsec0");
    virQEMUOptionProps(b, "-machine", props);
    virQEMUOption(b, "-accel", g_strcmp0(b->def->virt_type, "kvm") == 0 ? "kvm" : "tcg");
}

typedef struct {
    const char *mode;
    const char *model; /* NULL: the <model> of the definition */
} virQEMUCPUMode;

static const virQEMUCPUMode virQEMUCPUModes[] = {
    { "host-model", "host" },
    { "host-passthrough", "host" },
    { "maximum", "max" },
    { "custom", NULL },
};

static gboolean
virQEMUFeatureEnabled(const char *policy)
{
    return !policy || g_str_equal(policy, "require") || g_str_equal(policy, "force") ||
           g_str_equal(policy, "optional");
}

/* <cpu mode='host-model' deprecated_features='off'>: libvirt switches off
 * the features QEMU calls deprecated for the host model
 * (virQEMUCapsUpdateCPUDeprecatedFeatures); which ones only QEMU knows. */
static void
virQEMUCPUDeprecated(virQEMUCommandBuilder *b, GString *props)
{
    const char *const *names;
    gsize i;

    if (b->def->cpu_deprecated_features == VIR_TRISTATE_SWITCH_ABSENT)
        return;
    if (b->def->cpu_deprecated_features == VIR_TRISTATE_SWITCH_ON ||
        g_strcmp0(b->def->cpu_mode, "host-model") != 0)
        return; /* on: QEMU's own choice, nothing to add */
    if (!b->caps) {
        virQEMUWarn(b, b->def->cpu_node,
                    _("deprecated_features='off' of <cpu> is not translated: which features "
                      "are deprecated comes from QEMU's capabilities (--caps or --emulator)"));
        return;
    }
    names = virQEMUCapsGetHostDeprecated(b->caps);
    for (i = 0; names && names[i]; i++)
        virQEMUPropBool(props, names[i], FALSE);
}

static gboolean
virQEMUBuildCPU(virQEMUCommandBuilder *b, GError **error)
{
    const virDomainDef *def = b->def;
    const char *mode = def->cpu_mode;
    const virQEMUCPUMode *found = NULL;
    GString *props;
    gsize i;

    if (!def->cpu_node)
        return TRUE;
    /* libvirt's default mode is custom, which needs a model. */
    if (!mode)
        mode = "custom";
    for (i = 0; i < G_N_ELEMENTS(virQEMUCPUModes); i++) {
        if (g_str_equal(virQEMUCPUModes[i].mode, mode))
            found = &virQEMUCPUModes[i];
    }
    /* The model knows only these modes.  Custom without a model is <cpu>
     * for the topology only: QEMU's default model, as without <cpu>. */
    if (!found || (!found->model && (!def->cpu_model || !*def->cpu_model)))
        return TRUE;

    /* -cpu has no escape for ',' (virQEMUValidateNameIsPlain()): the
     * validator refuses such names, and nothing else may pass either. */
    if (!found->model && !virQEMUValidateNameIsPlain(def->cpu_model))
        return virQEMURefuse(def, def->cpu_node, error, _("invalid CPU model name '%s'"),
                              def->cpu_model);
    for (i = 0; !found->model && i < def->cpu_features->len; i++) {
        const virDomainCPUFeature *feature = g_ptr_array_index(def->cpu_features, i);

        if (feature->name && !virQEMUValidateNameIsPlain(feature->name))
            return virQEMURefuse(def, feature->node, error,
                                  _("invalid CPU feature name '%s'"), feature->name);
    }
    props = virQEMUPropsNew(found->model ? found->model : def->cpu_model);
    for (i = 0; !found->model && i < def->cpu_features->len; i++) {
        const virDomainCPUFeature *feature = g_ptr_array_index(def->cpu_features, i);

        if (feature->name)
            virQEMUPropBool(props, feature->name, virQEMUFeatureEnabled(feature->policy));
    }
    virQEMUCPUDeprecated(b, props);
    virQEMUOptionProps(b, "-cpu", props);
    return TRUE;
}

/* -smp as libvirt writes it (qemuBuildSmpCommandLine), from the counts
 * the model has checked: the current vCPUs, the maximum where it differs,
 * the topology as the definition gives it. */
static void
virQEMUBuildSMP(virQEMUCommandBuilder *b)
{
    const virDomainDef *def = b->def;
    guint max = def->vcpu_max ? def->vcpu_max : 1;
    guint current = def->vcpu_current ? def->vcpu_current : max;
    GString *props = g_string_new(NULL);

    g_string_append_printf(props, "%u", current);
    if (current != max)
        virQEMUPropUInt(props, "maxcpus", max);
    if (def->topology_node) {
        virQEMUPropUInt(props, "sockets", def->topology_sockets);
        if (def->topology_dies)
            virQEMUPropUInt(props, "dies", def->topology_dies);
        virQEMUPropUInt(props, "cores", def->topology_cores);
        virQEMUPropUInt(props, "threads", def->topology_threads);
    } else {
        virQEMUPropUInt(props, "sockets", max);
        virQEMUPropUInt(props, "cores", 1);
        virQEMUPropUInt(props, "threads", 1);
    }
    virQEMUOptionProps(b, "-smp", props);
}

/* Direct kernel boot: for a protected guest, the Secure Execution image. */
static void
virQEMUBuildOS(virQEMUCommandBuilder *b)
{
    const char *const options[][2] = {
        { "-kernel", b->def->os_kernel },
        { "-initrd", b->def->os_initrd },
        { "-append", b->def->os_cmdline },
    };
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(options); i++) {
        if (options[i][1] && *options[i][1])
            virQEMUOption(b, options[i][0], options[i][1]);
    }
}

/* <memoryBacking><locked/>: libvirt's way of saying mlock. */
static void
virQEMUBuildMemLock(virQEMUCommandBuilder *b)
{
    if (b->def->memory_locked)
        virQEMUOption(b, "-overcommit", "mem-lock=on");
}

/* <iothreads>, <iothreadids>: one iothread object each, named as libvirt
 * names them (qemuBuildIOThreadCommandLine). */
static void
virQEMUBuildIOThreads(virQEMUCommandBuilder *b)
{
    guint i;

    for (i = 0; i < b->def->iothread_ids->len; i++) {
        GString *props = virQEMUPropsNew("iothread");

        g_string_append_printf(props, ",id=iothread%u",
                               g_array_index(b->def->iothread_ids, guint, i));
        virQEMUOptionProps(b, "-object", props);
    }
}

/* QEMU 8.1 has -run-with async-teardown (system/vl.c), 9.0 dropped the
 * older -async-teardown; libvirt writes the switch only where QEMU has
 * it (qemuBuildAsyncTeardownCommandLine). */
#define VIR_QEMU_VERSION_RUN_WITH_ASYNC_TEARDOWN 8001000

static void
virQEMUBuildAsyncTeardown(virQEMUCommandBuilder *b)
{
    virTristateSwitch enabled = b->def->async_teardown;

    if (enabled == VIR_TRISTATE_SWITCH_ABSENT)
        return;
    if (b->caps && virQEMUCapsGetVersion(b->caps) < VIR_QEMU_VERSION_RUN_WITH_ASYNC_TEARDOWN) {
        virQEMUWarn(b, b->def->async_teardown_node,
                    _("<async-teardown> is not translated: QEMU before 8.1 has no "
                      "-run-with async-teardown"));
        return;
    }
    virQEMUOption(b, "-run-with",
                  enabled == VIR_TRISTATE_SWITCH_ON ? "async-teardown=on" : "async-teardown=off");
}

static const char *
virQEMUEmulator(virQEMUCommandBuilder *b)
{
    if (b->def->emulator && *b->def->emulator)
        return b->def->emulator;
    if (b->caps && virQEMUCapsGetEmulator(b->caps))
        return virQEMUCapsGetEmulator(b->caps);
    return VIR_QEMU_CAPS_DEFAULT_EMULATOR;
}

static gboolean
virQEMUBuildGeneral(virQEMUCommandBuilder *b, GError **error)
{
    const char *uuid = b->def->uuid;
    g_autofree char *monitor = NULL;
    g_autofree char *short_name = NULL;
    GString *props;

    if (!b->def->name || !*b->def->name)
        return virQEMURefuse(b->def, b->def->root, error, "%s", _("the domain has no <name>"));
    if (!b->def->memory_node)
        return virQEMURefuse(b->def, b->def->root, error, "%s",
                              _("the domain has no <memory> element"));

    virQEMUArg(b, virQEMUEmulator(b));
    props = virQEMUPropsNew("guest=");
    virQEMUAppendEscaped(props, b->def->name);
    virQEMUPropBool(props, "debug-threads", TRUE);
    virQEMUOptionProps(b, "-name", props);
    virQEMUArg(b, "-S");
    virQEMUBuildMachine(b);
    if (!virQEMUBuildCPU(b, error))
        return FALSE;
    virQEMUArg(b, "-m");
    g_ptr_array_add(b->args, g_strdup_printf("%" G_GUINT64_FORMAT, b->def->memory_mib));
    virQEMUBuildMemLock(b);
    virQEMUBuildSMP(b);
    virQEMUBuildIOThreads(b);
    if (uuid && *uuid)
        virQEMUOption(b, "-uuid", uuid);
    virQEMUOption(b, "-display", "none");
    virQEMUArg(b, "-no-user-config");
    virQEMUArg(b, "-nodefaults");

    short_name = virQEMUShortName(b->def);
    monitor = g_strdup_printf("/var/lib/libvirt/qemu/domain-%s/monitor.sock", short_name);
    props = g_string_new("socket,id=charmonitor");
    virQEMUPropStr(props, "path", monitor);
    virQEMUPropBool(props, "server", TRUE);
    virQEMUPropBool(props, "wait", FALSE);
    virQEMUOptionProps(b, "-chardev", props);
    virQEMUOption(b, "-mon", "chardev=charmonitor,id=monitor,mode=control");
    virQEMUBuildOS(b);
    return TRUE;
}

/* ---- putting it together ------------------------------------------------ */

static gboolean
virQEMUBuildDevices(virQEMUCommandBuilder *b, const virQEMUDeviceBuilder *builder, GError **error)
{
    guint i;

    for (i = 0; i < b->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(b->devices, i);

        if (dev->kind != builder->kind || !virQEMUDeviceWanted(b, dev, FALSE))
            continue;
        if (!builder->build(b, dev, error))
            return FALSE;
    }
    return TRUE;
}

static void
virQEMUCountDisks(virQEMUCommandBuilder *b)
{
    guint i;

    for (i = 0; i < b->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(b->devices, i);

        if (dev->kind == VIR_DOMAIN_DEVICE_DISK && virQEMUDeviceWanted(b, dev, FALSE))
            b->ndisks++;
    }
}

static void
virQEMUWarnUnwanted(virQEMUCommandBuilder *b)
{
    guint i;

    for (i = 0; i < b->devices->len; i++)
        virQEMUDeviceWanted(b, g_ptr_array_index(b->devices, i), TRUE);
}

/* ---- what the command line covers ---------------------------------------- */

/*
 * Every element and attribute this builder translates, by path below
 * <domain> (see virDomainDefFindUncovered for the syntax), and those that
 * have no place on QEMU's command line at all because libvirt handles
 * them outside QEMU: pinning and placement on the host, the reaction to
 * guest events, the balloon target set over QMP after start, checks that
 * libvirt makes before start.  Everything else gets a warning, so that
 * nothing of a definition is dropped without a word.
 */
static const char *const virQEMUCovered[] = {
    "@type",
    "name", "uuid", "title", "description",
    "metadata/...",          /* other applications' data */
    "memory@unit",
    "currentMemory@unit",    /* the balloon target: QMP after start */
    "vcpu@placement,current",
    "iothreads", "iothreadids", "iothreadids/iothread@id",
    "os", "os/type@arch,machine", "os/boot@dev", "os/kernel", "os/initrd", "os/cmdline",
    "features", "features/async-teardown@enabled",
    "cpu@mode,deprecated_features",
    "cpu@check,match",       /* how libvirt compares the model with the host */
    "cpu/model@fallback", "cpu/feature@name,policy",
    "cpu/topology@sockets,dies,cores,threads",
    "cpu/topology@clusters=1", /* QEMU's default */
    "keywrap", "keywrap/cipher@name,state",
    "clock@offset=utc",      /* QEMU's default -rtc base=utc */
    "on_poweroff", "on_crash", /* libvirt acts on QEMU's events */
    "on_reboot=restart",     /* QEMU's own behaviour */
    "memoryBacking", "memoryBacking/locked",
    "launchSecurity@type",
    "devices", "devices/emulator",
    "devices/audio@id,type=none", "devices/panic@model=s390",
    "devices/disk@type,device",
    "devices/disk/driver@name,type,cache,io,iommu,error_policy,rerror_policy,iothread",
    "devices/disk/source@file,dev", "devices/disk/target@dev,bus",
    "devices/disk/address@type,cssid,ssid,devno,controller,bus,target,unit",
    "devices/disk/boot@order,loadparm", "devices/disk/readonly",
    "devices/interface@type",
    "devices/interface/source@network,bridge,dev", /* libvirt opens the tap */
    "devices/interface/target@dev", "devices/interface/mac@address",
    "devices/interface/model@type", "devices/interface/driver@name,iommu",
    "devices/interface/address@type,cssid,ssid,devno",
    "devices/interface/boot@order,loadparm",
    "devices/controller@type,index,model", "devices/controller/driver@iothread,iommu",
    "devices/controller/address@type,cssid,ssid,devno",
    "devices/serial@type", "devices/serial/target@type,port",
    "devices/serial/target/model@name", "devices/serial/source@path,mode",
    "devices/console@type", "devices/console/target@type,port",
    "devices/console/source@path,mode",
    "devices/channel@type", "devices/channel/target@type,name",
    "devices/channel/source@path,mode",
    "devices/input@type,bus", "devices/input/driver@iommu",
    "devices/input/address@type,cssid,ssid,devno",
    "devices/memballoon@model,autodeflate,freePageReporting",
    "devices/memballoon/stats@period", /* set over QMP after start */
    "devices/memballoon/driver@iommu", "devices/memballoon/address@type,cssid,ssid,devno",
    "devices/rng@model", "devices/rng/backend@model", "devices/rng/rate@bytes,period",
    "devices/rng/driver@iommu", "devices/rng/address@type,cssid,ssid,devno",
    "devices/vsock@model", "devices/vsock/cid@auto,address", "devices/vsock/driver@iommu",
    "devices/vsock/address@type,cssid,ssid,devno",
    "devices/hostdev@mode,type,model,managed", /* managed: libvirt detaches it */
    "devices/hostdev/source", "devices/hostdev/source/address@uuid",
    "devices/hostdev/boot@order,loadparm",
    "devices/hostdev/address@type,cssid,ssid,devno",
    "devices/watchdog@model,action",
    NULL,
};

/* "FILE:LINE: <clock offset> at '/domain/clock' is not translated". */
static void
virQEMUWarnUncovered(virQEMUCommandBuilder *b)
{
    g_autoptr(GHashTable) skip = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_autoptr(GPtrArray) uncovered = NULL;
    guint i;

    /* Devices left out have their own warning; the ignored ones (a PCI
     * root, <memballoon model='none'>) need none. */
    for (i = 0; i < b->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(b->devices, i);

        if (!dev->implicit && !virQEMUDeviceWanted(b, dev, FALSE))
            g_hash_table_add(skip, dev->node);
    }
    uncovered = virDomainDefFindUncovered(b->def, virQEMUCovered, skip);
    for (i = 0; i < uncovered->len; i++) {
        const virDomainUncovered *u = g_ptr_array_index(uncovered, i);
        g_autofree char *name = NULL;

        if (u->node->ns && u->node->ns->prefix)
            name = g_strdup_printf("%s:%s", u->node->ns->prefix, u->node->name);
        else
            name = g_strdup((const char *)u->node->name);
        if (u->attr)
            virQEMUWarn(b, u->node, _("<%s %s> at '%s' is not translated"), name, u->attr,
                        u->xpath);
        else
            virQEMUWarn(b, u->node, _("<%s> at '%s' is not translated"), name, u->xpath);
    }
}

/* The rule not-s390x (virQEMUValidateArchIsOther()). */
static gboolean
virQEMUCheckArch(const virDomainDef *def, GError **error)
{
    if (virQEMUValidateArchIsOther(def))
        return virQEMURefuse(def, def->os_type_node ? def->os_type_node : def->root, error,
                              _("only s390x guests are supported, not '%s'"),
                              def->os_arch ? def->os_arch : "");
    return TRUE;
}

void
virQEMUCommandLineFree(virQEMUCommandLine *cmd)
{
    if (!cmd)
        return;
    g_ptr_array_unref(cmd->args);
    g_ptr_array_unref(cmd->warnings);
    g_free(cmd);
}

gboolean
virQEMUBuildCommandLine(const virDomainDef *def, const virQEMUCaps *caps, virQEMUPVMode mode,
                        virQEMUCommandLine **ret_cmd, GError **error)
{
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GHashTable) devnos = NULL;
    g_autoptr(GHashTable) controllers = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_autoptr(GPtrArray) devices = NULL;
    g_autoptr(GPtrArray) disks = virDomainDefDisksInOrder(def);
    virQEMUCommandBuilder b = {
        .def = def,
        .caps = caps,
        .mode = mode,
        .args = args,
        .warnings = warnings,
        .controllers = controllers,
    };
    virQEMUCommandLine *cmd;
    gsize i;
    guint k;
    guint ndisks = 0;

    /* Disks take libvirt's order among themselves; the other devices keep
     * theirs. */
    b.devices = g_ptr_array_sized_new(def->devices->len);
    for (k = 0; k < def->devices->len; k++) {
        const virDomainDevice *dev = g_ptr_array_index(def->devices, k);

        if (dev->kind == VIR_DOMAIN_DEVICE_DISK && !dev->implicit && ndisks < disks->len)
            dev = g_ptr_array_index(disks, ndisks++);
        g_ptr_array_add(b.devices, (gpointer)dev);
    }
    devices = b.devices;

    if (!virQEMUCheckArch(def, error) ||
        !virQEMUDomainAssignCCWAddresses(b.devices, virQEMUDeviceIsCCW, &b, &devnos, error))
        return FALSE;
    b.devnos = devnos;
    virQEMUWarnUnwanted(&b);
    virQEMUWarnUncovered(&b);
    virQEMUCountDisks(&b);
    if (!virQEMUBuildGeneral(&b, error))
        return FALSE;

    for (i = 0; i < G_N_ELEMENTS(virQEMUDeviceBuilders); i++) {
        /* libvirt puts the PV object after the other backends and
         * before vsock, whose vhost fd it opens last. */
        if (virQEMUDeviceBuilders[i].kind == VIR_DOMAIN_DEVICE_VSOCK &&
            mode == VIR_QEMU_PV_MODE_LAUNCH_SECURITY)
            virQEMUOption(&b, "-object", "s390-pv-guest,id=lsec0");
        if (!virQEMUBuildDevices(&b, &virQEMUDeviceBuilders[i], error))
            return FALSE;
    }
    /* libvirt's -run-with async-teardown=on|off, after the devices. */
    virQEMUBuildAsyncTeardown(&b);

    cmd = g_new0(virQEMUCommandLine, 1);
    cmd->args = g_steal_pointer(&args);
    cmd->warnings = g_steal_pointer(&warnings);
    *ret_cmd = cmd;
    return TRUE;
}

/* ---- printing ------------------------------------------------------------ */

static gboolean
virQEMUShellSafe(const char *arg)
{
    const char *p;

    if (!*arg)
        return FALSE;
    for (p = arg; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("@%+=:,./_-", *p))
            return FALSE;
    }
    return TRUE;
}

char *
virQEMUCommandLineFormat(const virQEMUCommandLine *cmd)
{
    GString *out = g_string_new(NULL);
    guint i;

    for (i = 0; i < cmd->args->len; i++) {
        const char *arg = g_ptr_array_index(cmd->args, i);

        if (virQEMUShellSafe(arg)) {
            g_string_append(out, arg);
        } else {
            g_autofree char *quoted = g_shell_quote(arg);

            g_string_append(out, quoted);
        }
        g_string_append_c(out, '\n');
    }
    return g_string_free(out, FALSE);
}
