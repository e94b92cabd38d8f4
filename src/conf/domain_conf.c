/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "domain_confpriv.h"
#include "virxml.h"
#include "util/virfile.h"

static const char *const virTristateSwitchStrings[] = {
    "unset",
    "on",
    "off",
};
G_STATIC_ASSERT(G_N_ELEMENTS(virTristateSwitchStrings) == VIR_TRISTATE_SWITCH_LAST);

const char *
virTristateSwitchToString(virTristateSwitch value)
{
    if ((guint)value >= VIR_TRISTATE_SWITCH_LAST)
        return NULL;
    return virTristateSwitchStrings[value];
}

static const char *const virDomainDiskErrorPolicyStrings[] = {
    "default", "stop", "report", "ignore", "enospace",
};
G_STATIC_ASSERT(G_N_ELEMENTS(virDomainDiskErrorPolicyStrings) == VIR_DOMAIN_DISK_ERROR_POLICY_LAST);

const char *
virDomainDiskErrorPolicyToString(virDomainDiskErrorPolicy value)
{
    if ((guint)value >= VIR_DOMAIN_DISK_ERROR_POLICY_LAST)
        return NULL;
    return virDomainDiskErrorPolicyStrings[value];
}

/* While parsing, the steps are kept in def->xpath_steps so that the xpaths
 * of all devices together cost linear time. */
static char *
virDomainDefNodeXPath(virDomainDef *def, xmlNodePtr node)
{
    return virXMLNodeXPathCached(&def->xpath_steps, node);
}

/* Number every element in preorder; the number lives in the node's
 * application field so that sorting needs no lookup table. */
static void
virDomainDefNumberNodes(xmlNodePtr root)
{
    xmlNodePtr cur = root;
    gsize order = 0;

    while (cur) {
        if (cur->type == XML_ELEMENT_NODE)
            cur->_private = GSIZE_TO_POINTER(++order);
        if (cur->children && cur->type == XML_ELEMENT_NODE) {
            cur = cur->children;
            continue;
        }
        while (cur && cur != root && !cur->next)
            cur = cur->parent;
        if (!cur || cur == root)
            break;
        cur = cur->next;
    }
}

gsize
virDomainDefNodeOrder(const virDomainDef *def, xmlNodePtr node)
{
    (void)def;
    if (!node || !node->_private)
        return G_MAXSIZE;
    return GPOINTER_TO_SIZE(node->_private) - 1;
}

/**
 * virDomainDefNodeMessageV:
 *
 * A message about @node in the "FILE:LINE: message" form of every input
 * error, or "FILE: message" when there is no node to point at.
 */
char *
virDomainDefNodeMessageV(const virDomainDef *def, xmlNodePtr node, const char *fmt, va_list ap)
{
    g_autofree char *message = g_strdup_vprintf(fmt, ap);

    if (!node)
        return g_strdup_printf("%s: %s", def->path, message);
    return g_strdup_printf("%s:%ld: %s", def->path, xmlGetLineNo(node), message);
}

static gboolean
virDomainInvalid(const virDomainDef *def, xmlNodePtr node, GError **error, const char *fmt,
                 ...) G_GNUC_PRINTF(4, 5);

static gboolean
virDomainInvalid(const virDomainDef *def, xmlNodePtr node, GError **error, const char *fmt, ...)
{
    g_autofree char *message = NULL;
    va_list ap;

    va_start(ap, fmt);
    message = virDomainDefNodeMessageV(def, node, fmt, ap);
    va_end(ap);
    g_set_error_literal(error, VIR_CONF_ERROR, VIR_CONF_ERROR_INVALID, message);
    return FALSE;
}

/* ---- devices ------------------------------------------------------------ */

typedef gboolean (*virDomainDeviceVirtioFunc)(const virDomainDevice *dev);

typedef struct {
    const char *element;
    virDomainDeviceVirtioFunc virtio; /* NULL: never a virtio device */
    gboolean takes_iommu; /* libvirt reads <driver iommu> for it */
} virDomainDeviceKindInfo;

static gboolean
virDomainDeviceAlwaysVirtio(const virDomainDevice *dev)
{
    return TRUE;
}

static gboolean
virDomainDeviceModelIsVirtio(const virDomainDevice *dev)
{
    return dev->model && g_str_has_prefix(dev->model, "virtio");
}

/* Where libvirt's s390x default is virtio, an absent model is too. */
static gboolean
virDomainDeviceModelIsVirtioOrDefault(const virDomainDevice *dev)
{
    return !dev->model || virDomainDeviceModelIsVirtio(dev);
}

/* Target name prefixes from which libvirt picks a disk's bus when the
 * definition names none. */
static const struct {
    const char *bus;
    const char *prefix;
} virDomainDiskBusPrefixes[] = {
    { "virtio", "vd" },
    { "scsi", "sd" },
};

/**
 * virDomainDiskIsOnBus:
 *
 * Whether the disk @dev sits on @bus ("virtio", "scsi"): the bus named in
 * its <target>, or the one its target name implies.
 */
gboolean
virDomainDiskIsOnBus(const virDomainDevice *dev, const char *bus)
{
    const char *target = dev->target_dev;
    gsize i;

    if (dev->kind != VIR_DOMAIN_DEVICE_DISK)
        return FALSE;
    if (dev->bus)
        return g_str_equal(dev->bus, bus);
    for (i = 0; target && i < G_N_ELEMENTS(virDomainDiskBusPrefixes); i++) {
        if (g_str_equal(virDomainDiskBusPrefixes[i].bus, bus))
            return g_str_has_prefix(target, virDomainDiskBusPrefixes[i].prefix);
    }
    return FALSE;
}

static gboolean
virDomainDiskIsVirtio(const virDomainDevice *dev)
{
    return virDomainDiskIsOnBus(dev, "virtio");
}

static gboolean
virDomainControllerIsVirtio(const virDomainDevice *dev)
{
    if (!dev->type)
        return FALSE;
    if (g_str_equal(dev->type, "virtio-serial"))
        return TRUE;
    /* On s390x a SCSI controller without a model is virtio-scsi. */
    return g_str_equal(dev->type, "scsi") && virDomainDeviceModelIsVirtioOrDefault(dev);
}

static gboolean
virDomainInterfaceIsVirtio(const virDomainDevice *dev)
{
    /* type='hostdev' passes a host NIC through instead. */
    if (dev->type && g_str_equal(dev->type, "hostdev"))
        return FALSE;
    return virDomainDeviceModelIsVirtioOrDefault(dev);
}

static gboolean
virDomainInputIsVirtio(const virDomainDevice *dev)
{
    /* On s390x, libvirt's default input bus is virtio. */
    return !dev->bus || g_str_equal(dev->bus, "virtio");
}

/* <hostdev type='scsi_host'> is vhost-scsi: a vhost-scsi-ccw device. */
static gboolean
virDomainHostdevIsVirtio(const virDomainDevice *dev)
{
    return dev->type && g_str_equal(dev->type, "scsi_host");
}

static gboolean
virDomainMemoryIsVirtio(const virDomainDevice *dev)
{
    return dev->model &&
           (g_str_equal(dev->model, "virtio-mem") || g_str_equal(dev->model, "virtio-pmem"));
}

/* Which kinds take <driver iommu='on'/> follows libvirt: the parsers that
 * read virtio options (virDomainVirtioOptionsParseXML callers in its
 * src/conf/domain_conf.c); the virtio IOMMU, virtio-mem/-pmem and
 * vhost-scsi host devices have none. */
static const virDomainDeviceKindInfo virDomainDeviceKinds[] = {
    [VIR_DOMAIN_DEVICE_DISK] = { "disk", virDomainDiskIsVirtio, TRUE },
    [VIR_DOMAIN_DEVICE_CONTROLLER] = { "controller", virDomainControllerIsVirtio, TRUE },
    [VIR_DOMAIN_DEVICE_LEASE] = { "lease", NULL, FALSE },
    [VIR_DOMAIN_DEVICE_FILESYSTEM] = { "filesystem", virDomainDeviceAlwaysVirtio, TRUE },
    [VIR_DOMAIN_DEVICE_INTERFACE] = { "interface", virDomainInterfaceIsVirtio, TRUE },
    [VIR_DOMAIN_DEVICE_INPUT] = { "input", virDomainInputIsVirtio, TRUE },
    [VIR_DOMAIN_DEVICE_SOUND] = { "sound", virDomainDeviceModelIsVirtio, TRUE },
    [VIR_DOMAIN_DEVICE_AUDIO] = { "audio", NULL, FALSE },
    [VIR_DOMAIN_DEVICE_VIDEO] = { "video", virDomainDeviceModelIsVirtioOrDefault, TRUE },
    [VIR_DOMAIN_DEVICE_HOSTDEV] = { "hostdev", virDomainHostdevIsVirtio, FALSE },
    [VIR_DOMAIN_DEVICE_REDIRDEV] = { "redirdev", NULL, FALSE },
    [VIR_DOMAIN_DEVICE_REDIRFILTER] = { "redirfilter", NULL, FALSE },
    [VIR_DOMAIN_DEVICE_SMARTCARD] = { "smartcard", NULL, FALSE },
    [VIR_DOMAIN_DEVICE_SERIAL] = { "serial", NULL, FALSE },
    [VIR_DOMAIN_DEVICE_PARALLEL] = { "parallel", NULL, FALSE },
    [VIR_DOMAIN_DEVICE_CONSOLE] = { "console", NULL, FALSE },
    [VIR_DOMAIN_DEVICE_CHANNEL] = { "channel", NULL, FALSE },
    [VIR_DOMAIN_DEVICE_GRAPHICS] = { "graphics", NULL, FALSE },
    [VIR_DOMAIN_DEVICE_HUB] = { "hub", NULL, FALSE },
    [VIR_DOMAIN_DEVICE_WATCHDOG] = { "watchdog", NULL, FALSE },
    [VIR_DOMAIN_DEVICE_MEMBALLOON] = { "memballoon", virDomainDeviceModelIsVirtio, TRUE },
    [VIR_DOMAIN_DEVICE_RNG] = { "rng", virDomainDeviceAlwaysVirtio, TRUE },
    [VIR_DOMAIN_DEVICE_TPM] = { "tpm", NULL, FALSE },
    [VIR_DOMAIN_DEVICE_NVRAM] = { "nvram", NULL, FALSE },
    [VIR_DOMAIN_DEVICE_PANIC] = { "panic", NULL, FALSE },
    [VIR_DOMAIN_DEVICE_SHMEM] = { "shmem", NULL, FALSE },
    [VIR_DOMAIN_DEVICE_MEMORY] = { "memory", virDomainMemoryIsVirtio, FALSE },
    [VIR_DOMAIN_DEVICE_IOMMU] = { "iommu", virDomainDeviceModelIsVirtio, FALSE },
    [VIR_DOMAIN_DEVICE_VSOCK] = { "vsock", virDomainDeviceModelIsVirtioOrDefault, TRUE },
    [VIR_DOMAIN_DEVICE_CRYPTO] = { "crypto", virDomainDeviceModelIsVirtio, TRUE },
    [VIR_DOMAIN_DEVICE_PSTORE] = { "pstore", NULL, FALSE },
    [VIR_DOMAIN_DEVICE_OTHER] = { "other", NULL, FALSE },
};
G_STATIC_ASSERT(G_N_ELEMENTS(virDomainDeviceKinds) == VIR_DOMAIN_DEVICE_LAST);

const char *
virDomainDeviceKindToString(virDomainDeviceKind kind)
{
    if ((guint)kind >= VIR_DOMAIN_DEVICE_LAST)
        return NULL;
    return virDomainDeviceKinds[kind].element;
}

static virDomainDeviceKind
virDomainDeviceKindFromElement(const char *element)
{
    guint i;

    for (i = 0; i < VIR_DOMAIN_DEVICE_OTHER; i++) {
        if (g_str_equal(virDomainDeviceKinds[i].element, element))
            return i;
    }
    return VIR_DOMAIN_DEVICE_OTHER;
}

static void
virDomainDeviceFree(virDomainDevice *dev)
{
    if (!dev)
        return;
    g_free(dev->element);
    g_free(dev->type);
    g_free(dev->bus);
    g_free(dev->target_type);
    g_free(dev->target_dev);
    g_free(dev->model);
    g_free(dev->action);
    g_free(dev->disk_device);
    g_free(dev->address_type);
    g_free(dev->loadparm);
    g_free(dev->source_uuid);
    g_free(dev->source_path);
    g_free(dev->driver_type);
    g_free(dev->mac);
    g_free(dev->target_model);
    g_free(dev->target_name);
    g_free(dev->backend_model);
    g_free(dev->xpath);
    g_free(dev);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainDevice, virDomainDeviceFree)

/* An attribute of libvirt's two-valued kinds: virTristateSwitch (on,
 * off) or virTristateBool (yes, no); absent is the third value. */
static gboolean
virDomainTristateParse(const virDomainDef *def, xmlNodePtr node, const char *attr,
                       const char *on, const char *off, virTristateSwitch *ret_value,
                       GError **error)
{
    g_autofree char *value = virXMLProp(node, attr);

    if (!value) {
        *ret_value = VIR_TRISTATE_SWITCH_ABSENT;
    } else if (g_str_equal(value, on)) {
        *ret_value = VIR_TRISTATE_SWITCH_ON;
    } else if (g_str_equal(value, off)) {
        *ret_value = VIR_TRISTATE_SWITCH_OFF;
    } else {
        return virDomainInvalid(def, node, error,
                                _("invalid value '%s' of attribute '%s' (expected '%s' or '%s')"),
                                value, attr, on, off);
    }
    return TRUE;
}

static gboolean
virDomainSwitchParse(const virDomainDef *def, xmlNodePtr node, const char *attr,
                     virTristateSwitch *ret_value, GError **error)
{
    return virDomainTristateParse(def, node, attr, "on", "off", ret_value, error);
}

static gboolean
virDomainBoolParse(const virDomainDef *def, xmlNodePtr node, const char *attr,
                   virTristateSwitch *ret_value, GError **error)
{
    return virDomainTristateParse(def, node, attr, "yes", "no", ret_value, error);
}

typedef enum {
    VIR_DOMAIN_PROP_ABSENT,
    VIR_DOMAIN_PROP_VALID,
    VIR_DOMAIN_PROP_INVALID,
} virDomainPropResult;

/* An unsigned attribute as libvirt's virXMLPropUInt reads it: the whole
 * text a number in @base (0: C's notation, 0x... and 0...), at most @max.
 * *@ret_text keeps the text for a message. */
static virDomainPropResult
virDomainUIntProp(xmlNodePtr node, const char *attr, guint base, guint64 max, guint *ret_value,
                  char **ret_text)
{
    g_autofree char *text = virXMLProp(node, attr);
    guint64 value;
    char *end = NULL;

    *ret_value = 0;
    if (!text)
        return VIR_DOMAIN_PROP_ABSENT;
    errno = 0;
    value = g_ascii_strtoull(text, &end, base);
    *ret_text = g_steal_pointer(&text);
    if (!**ret_text || !g_ascii_isxdigit(**ret_text) || errno || *end || value > max)
        return VIR_DOMAIN_PROP_INVALID;
    *ret_value = (guint)value;
    return VIR_DOMAIN_PROP_VALID;
}

/* A positive decimal number below G_MAXUINT32, as libvirt's ids are;
 * 0 when absent. */
static gboolean
virDomainIdParse(const virDomainDef *def, xmlNodePtr node, const char *attr, guint *ret_value,
                 GError **error)
{
    g_autofree char *text = NULL;

    switch (virDomainUIntProp(node, attr, 10, G_MAXUINT32 - 1, ret_value, &text)) {
    case VIR_DOMAIN_PROP_ABSENT:
        return TRUE;
    case VIR_DOMAIN_PROP_VALID:
        if (*ret_value > 0)
            return TRUE;
        break;
    case VIR_DOMAIN_PROP_INVALID:
        break;
    }
    return virDomainInvalid(def, node, error,
                            _("invalid value '%s' of attribute '%s' (expected a positive "
                              "number)"),
                            text, attr);
}

static gboolean
virDomainErrorPolicyParse(const virDomainDef *def, xmlNodePtr node, const char *attr,
                          gboolean enospace, virDomainDiskErrorPolicy *ret_value, GError **error)
{
    g_autofree char *value = virXMLProp(node, attr);
    guint i;

    *ret_value = VIR_DOMAIN_DISK_ERROR_POLICY_DEFAULT;
    if (!value)
        return TRUE;
    /* libvirt: virDomainDiskDefDriverParseXML; enospace is not a read
     * error policy (QEMU's rerror has no enospc). */
    for (i = VIR_DOMAIN_DISK_ERROR_POLICY_STOP; i < VIR_DOMAIN_DISK_ERROR_POLICY_LAST; i++) {
        if (g_str_equal(value, virDomainDiskErrorPolicyStrings[i]) &&
            (enospace || i != VIR_DOMAIN_DISK_ERROR_POLICY_ENOSPACE)) {
            *ret_value = i;
            return TRUE;
        }
    }
    return virDomainInvalid(def, node, error, _("invalid value '%s' of attribute '%s'"), value,
                            attr);
}

/* <boot loadparm>: libvirt (virDomainDeviceBootParseXML and
 * virDomainDeviceLoadparmIsValid) keeps it in upper case and takes 1 to
 * 8 characters of A-Z, 0-9, '.' and blank. */
static gboolean
virDomainLoadparmParse(const virDomainDef *def, xmlNodePtr boot, char **ret_value, GError **error)
{
    g_autofree char *value = virXMLProp(boot, "loadparm");
    g_autofree char *upper = NULL;
    gsize len;

    *ret_value = NULL;
    if (!value)
        return TRUE;
    upper = g_ascii_strup(value, -1);
    len = strlen(upper);
    if (len == 0 || len > 8 || strspn(upper, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789. ") != len)
        return virDomainInvalid(def, boot, error,
                                _("invalid loadparm '%s' (1 to 8 characters of A-Z, 0-9, "
                                  "'.' and blank)"),
                                value);
    *ret_value = g_steal_pointer(&upper);
    return TRUE;
}

/* What the first <driver> and <boot> of a device say beyond iommu. */
static gboolean
virDomainDeviceParseDriverBoot(virDomainDef *def, virDomainDevice *dev, xmlNodePtr driver,
                               xmlNodePtr boot, GError **error)
{
    return virDomainLoadparmParse(def, boot, &dev->loadparm, error) &&
           virDomainErrorPolicyParse(def, driver, "error_policy", TRUE, &dev->error_policy,
                                     error) &&
           virDomainErrorPolicyParse(def, driver, "rerror_policy", FALSE, &dev->rerror_policy,
                                     error) &&
           virDomainIdParse(def, driver, "iothread", &dev->iothread, error);
}

/* <boot order='N'/>: libvirt requires a decimal N > 0; QEMU's bootindex
 * is an int32. */
static gboolean
virDomainDeviceParseBoot(virDomainDef *def, virDomainDevice *dev, xmlNodePtr boot,
                         GError **error)
{
    g_autofree char *order = virXMLProp(boot, "order");
    guint64 value = 0;

    if (!order || !g_ascii_string_to_unsigned(order, 10, 1, G_MAXINT32, &value, NULL))
        return virDomainInvalid(def, boot, error,
                                _("invalid boot order '%s' (expected a number from 1)"),
                                order ? order : "");
    dev->boot_order = (guint)value;
    return TRUE;
}

/* ---- typed values of devices ---------------------------------------------- */

static const char *const virDomainDiskCacheStrings[] = {
    "default", "none", "writethrough", "writeback", "directsync", "unsafe",
};
G_STATIC_ASSERT(G_N_ELEMENTS(virDomainDiskCacheStrings) == VIR_DOMAIN_DISK_CACHE_LAST);

static const char *const virDomainDiskIoStrings[] = {
    "default", "native", "threads", "io_uring",
};
G_STATIC_ASSERT(G_N_ELEMENTS(virDomainDiskIoStrings) == VIR_DOMAIN_DISK_IO_LAST);

const char *
virDomainDiskIoToString(virDomainDiskIo value)
{
    if ((guint)value >= VIR_DOMAIN_DISK_IO_LAST)
        return NULL;
    return virDomainDiskIoStrings[value];
}

static const char *const virDomainNetBackendStrings[] = {
    "default", "qemu", "vhost",
};
G_STATIC_ASSERT(G_N_ELEMENTS(virDomainNetBackendStrings) == VIR_DOMAIN_NET_BACKEND_LAST);

/* libvirt has no name for the default mode: an absent one depends on the
 * source type. */
static const char *const virDomainChrSourceModeStrings[] = {
    NULL, "connect", "bind",
};
G_STATIC_ASSERT(G_N_ELEMENTS(virDomainChrSourceModeStrings) == VIR_DOMAIN_CHR_SOURCE_MODE_LAST);

/* The watchdog actions libvirt knows (virDomainWatchdogAction). */
static const char *const virDomainWatchdogActions[] = {
    "reset", "shutdown", "poweroff", "pause", "dump", "none", "inject-nmi", NULL,
};

/* The serial target models libvirt knows (virDomainChrSerialTargetModel). */
static const char *const virDomainSerialTargetModels[] = {
    "isa-serial", "usb-serial", "pci-serial", "spapr-vty", "pl011", "sclpconsole",
    "sclplmconsole", "16550a", "isa-debugcon", NULL,
};

/* The rng backends libvirt knows (virDomainRNGBackend). */
static const char *const virDomainRNGBackends[] = { "random", "egd", "builtin", NULL };

/* The index of @value in @names (@n of them, NULL ones never match);
 * FALSE when it is none of them.  An absent value is index 0. */
static gboolean
virDomainNameLookup(const char *const *names, guint n, const char *value, guint *ret_index)
{
    guint i;

    if (!value) {
        *ret_index = 0;
        return TRUE;
    }
    for (i = 0; i < n; i++) {
        if (names[i] && g_str_equal(names[i], value)) {
            *ret_index = i;
            return TRUE;
        }
    }
    return FALSE;
}

/* The children of a device element the parsers look at: the first of
 * each name. */
typedef struct {
    xmlNodePtr driver;
    xmlNodePtr target;
    xmlNodePtr model;
    xmlNodePtr boot;
    xmlNodePtr source;
} virDomainDeviceChildren;

/* <address type='ccw'>, as libvirt reads it (src/conf/device_conf.c,
 * virCCWDeviceAddressParseXML and virCCWDeviceAddressIsValid): cssid,
 * ssid and devno in C's notation, all three or none, cssid up to 0xfe,
 * ssid up to 3, devno up to 0xffff.  Any cssid: QEMU's virtual css
 * bridge lets a device use any (hw/s390x/css-bridge.c,
 * "cssid-unrestricted", always true). */
static gboolean
virDomainCCWAddressParse(const virDomainDef *def, virDomainDevice *dev, GError **error)
{
    static const char *const names[] = { "cssid", "ssid", "devno" };
    static const guint64 max[] = { 0xfe, 3, 0xffff };
    guint *values[] = { &dev->ccw_cssid, &dev->ccw_ssid, &dev->ccw_devno };
    guint present = 0;
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *text = NULL;
        virDomainPropResult rc =
            virDomainUIntProp(dev->address_node, names[i], 0, max[i], values[i], &text);

        if (rc == VIR_DOMAIN_PROP_INVALID)
            break;
        if (rc == VIR_DOMAIN_PROP_VALID)
            present++;
    }
    if (i == G_N_ELEMENTS(names) && (present == 0 || present == G_N_ELEMENTS(names))) {
        dev->ccw_set = present > 0;
        return TRUE;
    }
    return virDomainInvalid(def, dev->address_node, error,
                            _("<%s> at '%s' has an invalid ccw address "
                              "(cssid 0..0xfe, ssid 0..3, devno 0..0xffff)"),
                            dev->element, dev->xpath);
}

guint32
virDomainCCWAddressKey(const virDomainDevice *dev)
{
    return (guint32)dev->ccw_cssid << 24 | (guint32)dev->ccw_ssid << 16 | dev->ccw_devno;
}

char *
virDomainCCWAddressFormat(guint32 key)
{
    return g_strdup_printf("%x.%x.%04x", key >> 24, (key >> 16) & 0xff, key & 0xffff);
}

/* <address type='drive'>: decimal numbers (libvirt: src/conf/device_conf.c,
 * virDomainDeviceDriveAddressParseXML). */
static gboolean
virDomainDriveAddressParse(const virDomainDef *def, virDomainDevice *dev, GError **error)
{
    static const char *const names[] = { "controller", "bus", "target", "unit" };
    guint *values[] = { &dev->drive_controller, &dev->drive_bus, &dev->drive_target,
                        &dev->drive_unit };
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *text = NULL;

        if (virDomainUIntProp(dev->address_node, names[i], 10, G_MAXUINT, values[i], &text) ==
            VIR_DOMAIN_PROP_INVALID)
            return virDomainInvalid(def, dev->address_node, error,
                                    _("<%s> at '%s' has an invalid drive address %s '%s'"),
                                    dev->element, dev->xpath, names[i], text);
    }
    return TRUE;
}

/* <address type='pci'><zpci uid fid/>, as libvirt reads it
 * (src/conf/device_conf.c, virZPCIDeviceAddressParseXML, and
 * virZPCIDeviceAddressIsValid): numbers in C's notation, a uid from 1 to
 * 0xffff, a fid up to 0xffffffff. */
static gboolean
virDomainZPCIAddressParse(const virDomainDef *def, virDomainDevice *dev, GError **error)
{
    xmlNodePtr zpci = virXMLChild(dev->address_node, "zpci");
    g_autofree char *uid = NULL;
    g_autofree char *fid = NULL;
    virDomainPropResult rc;

    if (!zpci)
        return TRUE;
    rc = virDomainUIntProp(zpci, "uid", 0, 0xffff, &dev->zpci_uid, &uid);
    dev->zpci_uid_set = rc == VIR_DOMAIN_PROP_VALID;
    if (rc == VIR_DOMAIN_PROP_INVALID || (dev->zpci_uid_set && dev->zpci_uid == 0))
        return virDomainInvalid(def, zpci, error,
                                _("<%s> at '%s' has an invalid zPCI uid '%s' (1..0xffff)"),
                                dev->element, dev->xpath, uid);
    rc = virDomainUIntProp(zpci, "fid", 0, G_MAXUINT32, &dev->zpci_fid, &fid);
    dev->zpci_fid_set = rc == VIR_DOMAIN_PROP_VALID;
    if (rc == VIR_DOMAIN_PROP_INVALID)
        return virDomainInvalid(def, zpci, error,
                                _("<%s> at '%s' has an invalid zPCI fid '%s' (0..0xffffffff)"),
                                dev->element, dev->xpath, fid);
    return TRUE;
}

static gboolean
virDomainDeviceParseAddress(const virDomainDef *def, virDomainDevice *dev, GError **error)
{
    if (g_strcmp0(dev->address_type, "pci") == 0)
        return virDomainZPCIAddressParse(def, dev, error);
    if (g_strcmp0(dev->address_type, "ccw") == 0)
        return virDomainCCWAddressParse(def, dev, error);
    if (g_strcmp0(dev->address_type, "drive") == 0)
        return virDomainDriveAddressParse(def, dev, error);
    return TRUE;
}

static gint64 virDomainDiskNameIndex(const char *name);

/* libvirt requires a target name it can number (virDomainDiskDefParseXML,
 * virDiskNameParse), without a partition number (virDomainDiskDefValidate),
 * puts a SCSI disk only at a drive address (qemuValidateDomainDeviceDefDisk),
 * knows its cache and io modes by name (virDomainDiskDefDriverParseXML), and
 * wants a source for a file or block disk (the default type is file) other
 * than a CD-ROM or floppy drive ("missing source information for device",
 * measured with libvirt 9.0). */
static gboolean
virDomainDiskParse(virDomainDef *def, virDomainDevice *dev, const virDomainDeviceChildren *c,
                   GError **error)
{
    g_autofree char *cache = virXMLProp(c->driver, "cache");
    g_autofree char *io = virXMLProp(c->driver, "io");
    gint64 index = virDomainDiskNameIndex(dev->target_dev);
    gboolean block = g_strcmp0(dev->type, "block") == 0;
    guint value;

    if (!dev->target_dev)
        return virDomainInvalid(def, dev->node, error, _("<disk> at '%s' has no <target dev>"),
                                dev->xpath);
    if (index < 0 || g_ascii_isdigit(dev->target_dev[strlen(dev->target_dev) - 1]))
        return virDomainInvalid(def, dev->node, error,
                                _("<disk> at '%s' has an invalid target dev '%s'"), dev->xpath,
                                dev->target_dev);
    dev->target_index = (gint)index;
    if (virDomainDiskIsOnBus(dev, "scsi") && dev->address_type &&
        !g_str_equal(dev->address_type, "drive"))
        return virDomainInvalid(def, dev->address_node, error,
                                _("<disk> at '%s' has an address of type '%s'; "
                                  "a SCSI disk needs 'drive'"),
                                dev->xpath, dev->address_type);
    if (!virDomainNameLookup(virDomainDiskCacheStrings, VIR_DOMAIN_DISK_CACHE_LAST, cache, &value))
        return virDomainInvalid(def, c->driver, error,
                                _("<disk> at '%s' has an unknown cache mode '%s'"), dev->xpath,
                                cache);
    dev->cache = value;
    if (!virDomainNameLookup(virDomainDiskIoStrings, VIR_DOMAIN_DISK_IO_LAST, io, &value))
        return virDomainInvalid(def, c->driver, error,
                                _("<disk> at '%s' has an unknown io mode '%s'"), dev->xpath, io);
    dev->io = value;
    dev->driver_type = virXMLProp(c->driver, "type");
    if (block)
        dev->source_path = virXMLProp(c->source, "dev");
    else if (!dev->type || g_str_equal(dev->type, "file"))
        dev->source_path = virXMLProp(c->source, "file");
    dev->readonly = virXMLChild(dev->node, "readonly") != NULL;
    if ((block || !dev->type || g_str_equal(dev->type, "file")) && !dev->source_path &&
        !g_str_equal(dev->disk_device, "cdrom") && !g_str_equal(dev->disk_device, "floppy"))
        return virDomainInvalid(def, dev->node, error,
                                block ? _("<disk> at '%s' has no <source dev>")
                                      : _("<disk> at '%s' has no <source file>"),
                                dev->xpath);
    return TRUE;
}

/* A MAC address as libvirt reads it (src/util/virmacaddr.c,
 * virMacAddrParse): six parts of one or two hex digits joined by ':';
 * kept as it formats them (lower case, two digits each).  A multicast
 * address is refused (virDomainNetDefParseXML). */
static char *
virDomainMacParse(const char *text)
{
    g_auto(GStrv) parts = g_strsplit(text, ":", -1);
    guint8 bytes[6];
    gsize i;

    if (g_strv_length(parts) != G_N_ELEMENTS(bytes))
        return NULL;
    for (i = 0; i < G_N_ELEMENTS(bytes); i++) {
        gsize len = strlen(parts[i]);

        if (len < 1 || len > 2 || !g_ascii_isxdigit(parts[i][0]) ||
            (len == 2 && !g_ascii_isxdigit(parts[i][1])))
            return NULL;
        bytes[i] = (guint8)g_ascii_strtoull(parts[i], NULL, 16);
    }
    if (bytes[0] & 1)
        return NULL;
    return g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1], bytes[2],
                           bytes[3], bytes[4], bytes[5]);
}

/* libvirt: virDomainNetDefParseXML (<mac address>, <driver name>). */
static gboolean
virDomainInterfaceParse(virDomainDef *def, virDomainDevice *dev, const virDomainDeviceChildren *c,
                        GError **error)
{
    xmlNodePtr mac = virXMLChild(dev->node, "mac");
    g_autofree char *address = virXMLProp(mac, "address");
    g_autofree char *backend = virXMLProp(c->driver, "name");
    guint value;

    if (address && !(dev->mac = virDomainMacParse(address)))
        return virDomainInvalid(def, mac, error,
                                _("<interface> at '%s' has an invalid MAC address '%s' "
                                  "(expected six hex bytes joined by ':', not multicast)"),
                                dev->xpath, address);
    if (!virDomainNameLookup(virDomainNetBackendStrings, VIR_DOMAIN_NET_BACKEND_LAST, backend,
                             &value))
        return virDomainInvalid(def, c->driver, error,
                                _("<interface> at '%s' has an unknown driver name '%s'"),
                                dev->xpath, backend);
    dev->backend = value;
    return TRUE;
}

/* An index still to be given (see virDomainDefAssignControllerIndexes). */
#define VIR_DOMAIN_CONTROLLER_INDEX_UNSET G_MAXUINT

/* libvirt: virDomainControllerDefParseXML reads @index as a decimal int
 * from 0. */
static gboolean
virDomainControllerParse(virDomainDef *def, virDomainDevice *dev,
                         const virDomainDeviceChildren *c, GError **error)
{
    g_autofree char *text = NULL;

    switch (virDomainUIntProp(dev->node, "index", 10, G_MAXINT32, &dev->index, &text)) {
    case VIR_DOMAIN_PROP_ABSENT:
        dev->index = VIR_DOMAIN_CONTROLLER_INDEX_UNSET;
        return TRUE;
    case VIR_DOMAIN_PROP_VALID:
        return TRUE;
    case VIR_DOMAIN_PROP_INVALID:
        break;
    }
    return virDomainInvalid(def, dev->node, error,
                            _("<controller> at '%s' has an invalid index '%s'"), dev->xpath,
                            text);
}

/* A character device's source (libvirt: virDomainChrSourceDefParseXML;
 * virDomainChrSourceDefValidate wants a path for file and pipe sources,
 * and for unix ones except of a virtio channel, whose path libvirt makes
 * up). */
static gboolean
virDomainChrParse(virDomainDef *def, virDomainDevice *dev, const virDomainDeviceChildren *c,
                  GError **error)
{
    g_autofree char *mode = virXMLProp(c->source, "mode");
    const char *type = dev->type ? dev->type : "pty";
    gboolean needs_path = g_str_equal(type, "file") || g_str_equal(type, "pipe");
    guint value;

    if (!virDomainNameLookup(virDomainChrSourceModeStrings, VIR_DOMAIN_CHR_SOURCE_MODE_LAST, mode,
                             &value))
        return virDomainInvalid(def, c->source, error,
                                _("<%s> at '%s' has an unknown source mode '%s'"), dev->element,
                                dev->xpath, mode);
    dev->source_mode = value;
    dev->source_path = virXMLProp(c->source, "path");
    if (g_str_equal(type, "unix"))
        needs_path = dev->kind != VIR_DOMAIN_DEVICE_CHANNEL ||
                     g_strcmp0(dev->target_type, "virtio") != 0;
    if (needs_path && !dev->source_path)
        return virDomainInvalid(def, dev->node, error,
                                _("<%s> at '%s' of type '%s' has no <source path>"),
                                dev->element, dev->xpath, type);
    return TRUE;
}

static gboolean
virDomainSerialParse(virDomainDef *def, virDomainDevice *dev, const virDomainDeviceChildren *c,
                     GError **error)
{
    dev->target_model = virXMLChildProp(c->target, "model", "name");
    if (dev->target_model && !g_strv_contains(virDomainSerialTargetModels, dev->target_model))
        return virDomainInvalid(def, dev->node, error,
                                _("<serial> at '%s' has an unknown model '%s'"), dev->xpath,
                                dev->target_model);
    return virDomainChrParse(def, dev, c, error);
}

static gboolean
virDomainChannelParse(virDomainDef *def, virDomainDevice *dev, const virDomainDeviceChildren *c,
                      GError **error)
{
    dev->target_name = virXMLProp(c->target, "name");
    return virDomainChrParse(def, dev, c, error);
}

/* libvirt: virDomainMemballoonDefParseXML (virTristateSwitch values). */
static gboolean
virDomainBalloonParse(virDomainDef *def, virDomainDevice *dev, const virDomainDeviceChildren *c,
                      GError **error)
{
    return virDomainSwitchParse(def, dev->node, "autodeflate", &dev->autodeflate, error) &&
           virDomainSwitchParse(def, dev->node, "freePageReporting", &dev->free_page_reporting,
                                error);
}

/* libvirt: virDomainRNGDefParseXML: a known backend model, <rate> with
 * decimal bytes and period (libvirt 9.0 takes a period alone, measured). */
static gboolean
virDomainRNGParse(virDomainDef *def, virDomainDevice *dev, const virDomainDeviceChildren *c,
                  GError **error)
{
    xmlNodePtr backend = virXMLChild(dev->node, "backend");
    xmlNodePtr rate = virXMLChild(dev->node, "rate");
    g_autofree char *bytes = NULL;
    g_autofree char *period = NULL;

    dev->backend_model = virXMLProp(backend, "model");
    if (dev->backend_model && !g_strv_contains(virDomainRNGBackends, dev->backend_model))
        return virDomainInvalid(def, backend, error,
                                _("<rng> at '%s' has an unknown backend model '%s'"), dev->xpath,
                                dev->backend_model);
    dev->source_path = virXMLText(backend);
    if (rate && (virDomainUIntProp(rate, "bytes", 10, G_MAXUINT, &dev->rate_bytes, &bytes) ==
                     VIR_DOMAIN_PROP_INVALID ||
                 virDomainUIntProp(rate, "period", 10, G_MAXUINT, &dev->rate_period, &period) ==
                     VIR_DOMAIN_PROP_INVALID))
        return virDomainInvalid(def, rate, error,
                                _("<rng> at '%s' has an invalid <rate> (decimal bytes and "
                                  "period)"),
                                dev->xpath);
    return TRUE;
}

/* libvirt: virDomainVsockDefParseXML reads a decimal cid address and a
 * yes/no auto; guest CIDs start at 3 (0 to 2 are the hypervisor's,
 * local and the host's). */
static gboolean
virDomainVsockParse(virDomainDef *def, virDomainDevice *dev, const virDomainDeviceChildren *c,
                    GError **error)
{
    xmlNodePtr cid = virXMLChild(dev->node, "cid");
    g_autofree char *text = NULL;

    if (virDomainUIntProp(cid, "address", 10, G_MAXUINT32, &dev->cid, &text) ==
            VIR_DOMAIN_PROP_INVALID ||
        (text && dev->cid < 3))
        return virDomainInvalid(def, dev->node, error,
                                _("<vsock> at '%s' has an invalid cid address '%s'"), dev->xpath,
                                text);
    return virDomainBoolParse(def, cid, "auto", &dev->cid_auto, error);
}

static gboolean
virDomainWatchdogParse(virDomainDef *def, virDomainDevice *dev, const virDomainDeviceChildren *c,
                       GError **error)
{
    dev->action = virXMLProp(dev->node, "action");
    if (dev->action && !g_strv_contains(virDomainWatchdogActions, dev->action))
        return virDomainInvalid(def, dev->node, error,
                                _("<watchdog> at '%s' has an unknown action '%s'"), dev->xpath,
                                dev->action);
    return TRUE;
}

/* libvirt refuses a vfio-ccw mediated device at any but a ccw address
 * (virDomainMdevDefValidate, "Unsupported address type ... with mediated
 * device model 'vfio-ccw'"; its test hostdev-subsys-mdev-vfio-ccw-invalid-
 * address). */
static gboolean
virDomainHostdevParse(virDomainDef *def, virDomainDevice *dev, const virDomainDeviceChildren *c,
                      GError **error)
{
    if (g_strcmp0(dev->type, "mdev") == 0 && g_strcmp0(dev->model, "vfio-ccw") == 0 &&
        dev->address_type && !g_str_equal(dev->address_type, "ccw"))
        return virDomainInvalid(def, dev->address_node, error,
                                _("<hostdev> at '%s' has an address of type '%s'; a vfio-ccw "
                                  "device needs 'ccw'"),
                                dev->xpath, dev->address_type);
    return TRUE;
}

typedef gboolean (*virDomainDeviceKindParseFunc)(virDomainDef *def, virDomainDevice *dev,
                                                 const virDomainDeviceChildren *c,
                                                 GError **error);

/* What each kind has beyond the values every device has. */
static const virDomainDeviceKindParseFunc virDomainDeviceKindParsers[VIR_DOMAIN_DEVICE_LAST] = {
    [VIR_DOMAIN_DEVICE_DISK] = virDomainDiskParse,
    [VIR_DOMAIN_DEVICE_INTERFACE] = virDomainInterfaceParse,
    [VIR_DOMAIN_DEVICE_CONTROLLER] = virDomainControllerParse,
    [VIR_DOMAIN_DEVICE_SERIAL] = virDomainSerialParse,
    [VIR_DOMAIN_DEVICE_CONSOLE] = virDomainChrParse,
    [VIR_DOMAIN_DEVICE_CHANNEL] = virDomainChannelParse,
    [VIR_DOMAIN_DEVICE_MEMBALLOON] = virDomainBalloonParse,
    [VIR_DOMAIN_DEVICE_RNG] = virDomainRNGParse,
    [VIR_DOMAIN_DEVICE_VSOCK] = virDomainVsockParse,
    [VIR_DOMAIN_DEVICE_WATCHDOG] = virDomainWatchdogParse,
    [VIR_DOMAIN_DEVICE_HOSTDEV] = virDomainHostdevParse,
};

/* Takes @xpath. */
static gboolean
virDomainDeviceParse(virDomainDef *def, xmlNodePtr node, virDomainDeviceKind kind, char *xpath,
                     GError **error)
{
    g_autoptr(virDomainDevice) dev = g_new0(virDomainDevice, 1);
    virDomainDeviceChildren c = { NULL };
    const virDomainDeviceKindInfo *info;
    xmlNodePtr cur;

    dev->xpath = xpath;
    dev->target_index = -1;

    /* One walk over the children finds them all (the first of each).
     * libvirt reads only the first <driver>, but the iommu value of every
     * one must be valid: removing the first (as fix does) makes the next
     * one count. */
    for (cur = node->children; cur; cur = cur->next) {
        if (virXMLNodeIs(cur, "driver")) {
            virTristateSwitch iommu;

            if (!virDomainSwitchParse(def, cur, "iommu", c.driver ? &iommu : &dev->iommu, error))
                return FALSE;
            if (!c.driver)
                c.driver = cur;
        } else if (!c.target && virXMLNodeIs(cur, "target"))
            c.target = cur;
        else if (!c.model && virXMLNodeIs(cur, "model"))
            c.model = cur;
        else if (!c.boot && virXMLNodeIs(cur, "boot"))
            c.boot = cur;
        else if (!c.source && virXMLNodeIs(cur, "source"))
            c.source = cur;
        else if (!dev->address_node && virXMLNodeIs(cur, "address"))
            dev->address_node = cur;
    }
    if (c.boot && !virDomainDeviceParseBoot(def, dev, c.boot, error))
        return FALSE;
    if (!virDomainDeviceParseDriverBoot(def, dev, c.driver, c.boot, error))
        return FALSE;
    dev->element = g_strdup((const char *)node->name);
    dev->kind = kind;
    dev->node = node;
    dev->type = virXMLProp(node, "type");
    if (!(dev->bus = virXMLProp(node, "bus")))
        dev->bus = virXMLProp(c.target, "bus");
    dev->target_type = virXMLProp(c.target, "type");
    dev->target_dev = virXMLProp(c.target, "dev");
    if (kind == VIR_DOMAIN_DEVICE_HOSTDEV)
        dev->source_uuid = virXMLChildProp(c.source, "address", "uuid");
    if (!(dev->model = virXMLProp(node, "model")))
        dev->model = virXMLProp(c.model, "type");
    if (kind == VIR_DOMAIN_DEVICE_DISK && !(dev->disk_device = virXMLProp(node, "device")))
        dev->disk_device = g_strdup("disk");
    dev->address_type = virXMLProp(dev->address_node, "type");
    if (!virDomainDeviceParseAddress(def, dev, error))
        return FALSE;
    if (virDomainDeviceKindParsers[kind] && !virDomainDeviceKindParsers[kind](def, dev, &c, error))
        return FALSE;
    info = &virDomainDeviceKinds[dev->kind];
    dev->virtio = info->virtio && info->virtio(dev);
    dev->takes_iommu = info->takes_iommu;
    g_ptr_array_add(def->devices, g_steal_pointer(&dev));
    return TRUE;
}

/* @cause is the device that makes libvirt add this one, or NULL for
 * <devices> (or <domain> without it). */
static virDomainDevice *
virDomainDefAddImplicit(virDomainDef *def, virDomainDeviceKind kind, const char *type,
                        const char *model, const virDomainDevice *cause)
{
    xmlNodePtr node = cause ? cause->node : def->devices_node ? def->devices_node : def->root;
    virDomainDevice *dev = g_new0(virDomainDevice, 1);

    dev->kind = kind;
    dev->element = g_strdup(virDomainDeviceKindToString(kind));
    dev->type = g_strdup(type);
    dev->model = g_strdup(model);
    dev->virtio = TRUE;
    dev->takes_iommu = virDomainDeviceKinds[kind].takes_iommu;
    dev->node = node;
    dev->xpath = cause ? g_strdup(cause->xpath) : virDomainDefNodeXPath(def, node);
    dev->implicit = TRUE;
    g_ptr_array_add(def->devices, dev);
    return dev;
}

static gboolean
virDomainDeviceHasType(const virDomainDevice *dev, virDomainDeviceKind kind, const char *type)
{
    return dev->kind == kind && dev->type && g_str_equal(dev->type, type);
}

/* Consoles and channels of target type virtio sit on a virtio-serial bus.
 * A console without a target type is the SCLP console on s390x (libvirt
 * 9.0 fills in 'sclp'), so it needs none. */
static gboolean
virDomainDeviceNeedsVirtioSerial(const virDomainDevice *dev)
{
    if (dev->kind != VIR_DOMAIN_DEVICE_CONSOLE && dev->kind != VIR_DOMAIN_DEVICE_CHANNEL)
        return FALSE;
    return dev->target_type && g_str_equal(dev->target_type, "virtio");
}

static gboolean
virDomainDeviceNeedsSCSI(const virDomainDevice *dev)
{
    if (dev->kind == VIR_DOMAIN_DEVICE_HOSTDEV)
        return dev->type && g_str_equal(dev->type, "scsi");
    return virDomainDiskIsOnBus(dev, "scsi");
}

/* The highest SCSI controller index a definition may name: a guest has
 * no room for more virtio-scsi-ccw devices than devnos in a subchannel
 * set. */
#define VIR_DOMAIN_SCSI_CONTROLLER_MAX 0xffff

/* libvirt adds every SCSI controller from index 0 to the highest one that
 * a SCSI disk or host device names, a device without an address being on
 * controller 0 (virDomainDefAddDiskControllersForType; measured with
 * libvirt 9.0: a disk on controller 1 adds scsi0 and scsi1). */
static gboolean
virDomainDefAddImplicitSCSIControllers(virDomainDef *def, GError **error)
{
    g_autoptr(GHashTable) present = NULL;
    const virDomainDevice *cause = NULL;
    guint max = 0;
    guint n = def->devices->len;
    guint i;

    for (i = 0; i < n; i++) {
        const virDomainDevice *dev = g_ptr_array_index(def->devices, i);

        if (virDomainDeviceHasType(dev, VIR_DOMAIN_DEVICE_CONTROLLER, "scsi")) {
            if (!present)
                present = g_hash_table_new(g_direct_hash, g_direct_equal);
            g_hash_table_add(present, GUINT_TO_POINTER(dev->index));
        }
        if (!virDomainDeviceNeedsSCSI(dev))
            continue;
        cause = cause ? cause : dev;
        if (g_strcmp0(dev->address_type, "drive") != 0 || dev->drive_controller <= max)
            continue;
        if (dev->drive_controller > VIR_DOMAIN_SCSI_CONTROLLER_MAX)
            return virDomainInvalid(def, dev->address_node, error,
                                    _("<%s> at '%s' is on SCSI controller %u; a guest has "
                                      "room for controllers up to %u"),
                                    dev->element, dev->xpath, dev->drive_controller,
                                    VIR_DOMAIN_SCSI_CONTROLLER_MAX);
        max = dev->drive_controller;
    }
    for (i = 0; cause && i <= max; i++) {
        if (!present || !g_hash_table_contains(present, GUINT_TO_POINTER(i)))
            virDomainDefAddImplicit(def, VIR_DOMAIN_DEVICE_CONTROLLER, "scsi", "virtio-scsi",
                                    cause)->index = i;
    }
    return TRUE;
}

/* What libvirt adds to an s390x guest by itself, each a virtio device:
 * a balloon when <memballoon> is absent, a virtio-serial controller for
 * virtio consoles and channels, virtio-scsi controllers for SCSI disks
 * and host devices. */
static gboolean
virDomainDefAddImplicitDevices(virDomainDef *def, GError **error)
{
    const virDomainDevice *serial_cause = NULL;
    gboolean balloon = FALSE;
    gboolean serial = FALSE;
    guint i;

    for (i = 0; i < def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(def->devices, i);

        balloon = balloon || dev->kind == VIR_DOMAIN_DEVICE_MEMBALLOON;
        serial = serial ||
                 virDomainDeviceHasType(dev, VIR_DOMAIN_DEVICE_CONTROLLER, "virtio-serial");
        if (!serial_cause && virDomainDeviceNeedsVirtioSerial(dev))
            serial_cause = dev;
    }

    if (!serial && serial_cause)
        virDomainDefAddImplicit(def, VIR_DOMAIN_DEVICE_CONTROLLER, "virtio-serial", NULL,
                                serial_cause);
    if (!virDomainDefAddImplicitSCSIControllers(def, error))
        return FALSE;
    if (!balloon)
        virDomainDefAddImplicit(def, VIR_DOMAIN_DEVICE_MEMBALLOON, NULL, "virtio", NULL);
    return TRUE;
}

/* A disk's index from its target name the way libvirt's
 * virDiskNameToIndex reads it: the letters after the prefix (hd, sd, vd,
 * xvd, ubd, fd) in base 26, vda = 0, vdaa = 26; -1 when it has none. */
static gint64
virDomainDiskNameIndex(const char *name)
{
    static const char *const prefixes[] = { "fd", "hd", "vd", "sd", "xvd", "ubd" };
    const char *p = NULL;
    gint64 index = 0;
    gsize i;

    for (i = 0; name && i < G_N_ELEMENTS(prefixes) && !p; i++) {
        if (g_str_has_prefix(name, prefixes[i]))
            p = name + strlen(prefixes[i]);
    }
    if (!p || !*p)
        return -1;
    for (; *p >= 'a' && *p <= 'z'; p++) {
        index = index * 26 + (*p - 'a' + 1);
        if (index > G_MAXINT32)
            return -1;
    }
    return *p && !g_ascii_isdigit(*p) ? -1 : index - 1;
}

static const char *
virDomainDiskBusKey(const virDomainDevice *dev)
{
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(virDomainDiskBusPrefixes); i++) {
        if (virDomainDiskIsOnBus(dev, virDomainDiskBusPrefixes[i].bus))
            return virDomainDiskBusPrefixes[i].bus;
    }
    return dev->bus ? dev->bus : "";
}

/* A disk and its place in libvirt's order. */
typedef struct {
    virDomainDevice *disk;
    guint bus_rank; /* buses in the order their first disk comes */
    gint64 index;
    guint serial;   /* parse order */
} virDomainDiskSlot;

static gint
virDomainDiskSlotCompare(gconstpointer a, gconstpointer b)
{
    const virDomainDiskSlot *x = a;
    const virDomainDiskSlot *y = b;

    if (x->bus_rank != y->bus_rank)
        return x->bus_rank < y->bus_rank ? -1 : 1;
    if (x->index != y->index)
        return x->index < y->index ? -1 : 1;
    return x->serial < y->serial ? -1 : x->serial > y->serial;
}

/* libvirt inserts every disk it parses before the first disk of the same
 * bus with a greater index, else after the last disk of that bus, else at
 * the end (virDomainDiskInsert).  So the disks of a bus stay together,
 * the buses in the order their first disk comes, and within a bus they
 * are sorted stably by index: one sort gives the same order without
 * libvirt's quadratic walk. */
GPtrArray *
virDomainDefDisksInOrder(const virDomainDef *def)
{
    g_autoptr(GArray) slots = g_array_new(FALSE, FALSE, sizeof(virDomainDiskSlot));
    g_autoptr(GPtrArray) buses = g_ptr_array_new();
    GPtrArray *disks = g_ptr_array_new();
    guint i;

    for (i = 0; i < def->devices->len; i++) {
        virDomainDevice *disk = g_ptr_array_index(def->devices, i);
        const char *bus;
        virDomainDiskSlot slot = { disk, 0, 0, i };

        if (disk->kind != VIR_DOMAIN_DEVICE_DISK || disk->implicit)
            continue;
        bus = virDomainDiskBusKey(disk);
        while (slot.bus_rank < buses->len &&
               !g_str_equal(g_ptr_array_index(buses, slot.bus_rank), bus))
            slot.bus_rank++;
        if (slot.bus_rank == buses->len)
            g_ptr_array_add(buses, (gpointer)bus);
        slot.index = virDomainDiskNameIndex(disk->target_dev);
        g_array_append_val(slots, slot);
    }
    g_array_sort(slots, virDomainDiskSlotCompare);
    for (i = 0; i < slots->len; i++)
        g_ptr_array_add(disks, g_array_index(slots, virDomainDiskSlot, i).disk);
    return disks;
}

/* ---- boot order ----------------------------------------------------------- */

/* The position (from 1) of the last <os><boot dev='@name'>, as libvirt
 * counts it; 0 when absent. */
static guint
virDomainBootDevIndex(char **devs, const char *name)
{
    guint index = 0;
    guint i;

    for (i = 0; devs && devs[i]; i++) {
        if (g_str_equal(devs[i], name))
            index = i + 1;
    }
    return index;
}

/* The bootindex libvirt hands QEMU for each device (its
 * qemuProcessPrepareDeviceBootorder): the per-device <boot order>, or,
 * without any, the first disk, CD-ROM, floppy and interface get the
 * place of 'hd', 'cdrom', 'fd' and 'network' in <os><boot dev>, which
 * defaults to 'hd' alone. */
static void
virDomainDefAssignBootIndexes(virDomainDef *def)
{
    static char *default_devs[] = { (char *)"hd", NULL };
    char **devs = def->os_boot_devs ? def->os_boot_devs : default_devs;
    guint disk = virDomainBootDevIndex(devs, "hd");
    guint cdrom = virDomainBootDevIndex(devs, "cdrom");
    guint floppy = virDomainBootDevIndex(devs, "fd");
    guint network = virDomainBootDevIndex(devs, "network");
    gboolean per_device = FALSE;
    g_autoptr(GPtrArray) disks = NULL;
    guint i;

    for (i = 0; i < def->devices->len; i++) {
        virDomainDevice *dev = g_ptr_array_index(def->devices, i);

        dev->boot_index = dev->boot_order;
        per_device = per_device || dev->boot_order > 0;
    }
    if (per_device)
        return;
    /* libvirt walks its disks in its own order (see above), then the
     * interfaces. */
    disks = virDomainDefDisksInOrder(def);
    for (i = 0; i < def->devices->len; i++) {
        virDomainDevice *dev = g_ptr_array_index(def->devices, i);

        if (dev->kind == VIR_DOMAIN_DEVICE_INTERFACE && !dev->implicit)
            g_ptr_array_add(disks, dev);
    }
    for (i = 0; i < disks->len; i++) {
        virDomainDevice *dev = g_ptr_array_index(disks, i);
        guint *slot = NULL;

        if (dev->implicit)
            continue;
        if (dev->kind == VIR_DOMAIN_DEVICE_INTERFACE)
            slot = &network;
        else if (g_strcmp0(dev->disk_device, "cdrom") == 0)
            slot = &cdrom;
        else if (g_strcmp0(dev->disk_device, "floppy") == 0)
            slot = &floppy;
        else if (dev->disk_device)
            slot = &disk;
        if (!slot)
            continue;
        dev->boot_index = *slot;
        *slot = 0;
        /* Only the first interface counts, whatever it gets. */
        if (dev->kind == VIR_DOMAIN_DEVICE_INTERFACE)
            network = 0;
    }
}

/* ---- the parts of <domain> -------------------------------------------- */

typedef gboolean (*virDomainPartFunc)(virDomainDef *def, xmlNodePtr node, GError **error);

static gboolean
virDomainParseName(virDomainDef *def, xmlNodePtr node, GError **error)
{
    if (!def->name)
        def->name = virXMLText(node);
    return TRUE;
}

/* Only for the record: the hook's audit trail names a guest by it. */
static gboolean
virDomainParseUUID(virDomainDef *def, xmlNodePtr node, GError **error)
{
    if (!def->uuid)
        def->uuid = virXMLText(node);
    return TRUE;
}

/* QEMU's own versioned machine names, s390-ccw-virtio-X.Y; distributions
 * add names of their own (s390-ccw-virtio-rhel9.6.0, -noble) whose
 * version is not QEMU's. */
#define VIR_DOMAIN_MACHINE_CCW_PREFIX "s390-ccw-virtio-"

static gboolean
virDomainIsDecimal(const char *text, gsize len)
{
    return len > 0 && len <= 4 && strspn(text, "0123456789") >= len;
}

static void
virDomainParseMachineVersion(virDomainDef *def)
{
    const char *version;
    const char *dot;

    if (!def->os_machine || !g_str_has_prefix(def->os_machine, VIR_DOMAIN_MACHINE_CCW_PREFIX))
        return;
    version = def->os_machine + strlen(VIR_DOMAIN_MACHINE_CCW_PREFIX);
    if (!(dot = strchr(version, '.')) || !virDomainIsDecimal(version, dot - version) ||
        !virDomainIsDecimal(dot + 1, strlen(dot + 1)))
        return;
    def->os_machine_major = (guint)g_ascii_strtoull(version, NULL, 10);
    def->os_machine_minor = (guint)g_ascii_strtoull(dot + 1, NULL, 10);
}

/* The values of <os><boot dev> libvirt knows. */
static const char *const virDomainBootDevs[] = { "fd", "hd", "cdrom", "network", NULL };

static gboolean
virDomainParseBootDevs(virDomainDef *def, xmlNodePtr os, GError **error)
{
    g_autoptr(GPtrArray) devs = g_ptr_array_new_with_free_func(g_free);
    xmlNodePtr cur;

    for (cur = os->children; cur; cur = cur->next) {
        char *dev;

        if (!virXMLNodeIs(cur, "boot"))
            continue;
        dev = virXMLProp(cur, "dev");
        if (!dev || !g_strv_contains(virDomainBootDevs, dev)) {
            gboolean ok = virDomainInvalid(def, cur, error,
                                           _("invalid boot device '%s' (expected fd, hd, "
                                             "cdrom or network)"),
                                           dev ? dev : "");

            g_free(dev);
            return ok;
        }
        g_ptr_array_add(devs, dev);
    }
    if (devs->len == 0)
        return TRUE;
    g_ptr_array_add(devs, NULL);
    def->os_boot_devs = (char **)g_ptr_array_free(g_steal_pointer(&devs), FALSE);
    return TRUE;
}

static gboolean
virDomainParseOS(virDomainDef *def, xmlNodePtr node, GError **error)
{
    xmlNodePtr type = virXMLChild(node, "type");
    xmlNodePtr kernel = virXMLChild(node, "kernel");

    if (def->os_type_node || def->os_kernel_node)
        return TRUE;
    if (type) {
        def->os_type_node = type;
        def->os_type = virXMLText(type);
        def->os_arch = virXMLProp(type, "arch");
        def->os_machine = virXMLProp(type, "machine");
        virDomainParseMachineVersion(def);
    }
    if (kernel) {
        def->os_kernel_node = kernel;
        def->os_kernel = virXMLText(kernel);
    }
    if ((def->os_initrd_node = virXMLChild(node, "initrd")))
        def->os_initrd = virXMLText(def->os_initrd_node);
    if ((def->os_cmdline_node = virXMLChild(node, "cmdline")))
        def->os_cmdline = virXMLText(def->os_cmdline_node);
    return virDomainParseBootDevs(def, node, error);
}

/* The scale of a memory unit as libvirt reads it (virScaleInteger): case
 * does not matter, "b"/"byte"/"bytes" are bytes, a prefix k, m, g, t, p,
 * e alone or with "iB" is binary, with "B" decimal; 0 for anything else. */
static guint64
virDomainMemoryUnitScale(const char *unit)
{
    static const char prefixes[] = "kmgtpe";
    const char *prefix;
    guint64 scale = 1;
    guint64 base;

    if (!g_ascii_strcasecmp(unit, "b") || !g_ascii_strcasecmp(unit, "byte") ||
        !g_ascii_strcasecmp(unit, "bytes"))
        return 1;
    if (!*unit || !(prefix = strchr(prefixes, g_ascii_tolower(*unit))))
        return 0;
    if (!unit[1] || !g_ascii_strcasecmp(unit + 1, "iB"))
        base = 1024;
    else if (!g_ascii_strcasecmp(unit + 1, "B"))
        base = 1000;
    else
        return 0;
    for (; prefix >= prefixes; prefix--)
        scale *= base;
    return scale;
}

/* <memory unit='...'>N</memory>, in MiB rounded up: libvirt aligns the
 * memory of an s390x guest to 1 MiB before QEMU sees it. */
static gboolean
virDomainParseMemory(virDomainDef *def, xmlNodePtr node, GError **error)
{
    g_autofree char *text = virXMLText(node);
    g_autofree char *unit = virXMLProp(node, "unit");
    guint64 scale = virDomainMemoryUnitScale(unit ? unit : "KiB");
    guint64 value = 0;

    if (def->memory_node)
        return TRUE;
    if (!scale || !text ||
        !g_ascii_string_to_unsigned(text, 10, 1, G_MAXUINT64 / scale, &value, NULL))
        return virDomainInvalid(def, node, error, _("invalid memory size '%s %s'"),
                                text ? text : "", unit ? unit : "KiB");
    def->memory_node = node;
    def->memory_mib = (value * scale + (1024 * 1024 - 1)) / (1024 * 1024);
    return TRUE;
}

/* <features><async-teardown enabled='yes|no'/>: libvirt reads an element
 * without the attribute as yes. */
static gboolean
virDomainParseFeatures(virDomainDef *def, xmlNodePtr node, GError **error)
{
    xmlNodePtr teardown = virXMLChild(node, "async-teardown");

    if (!teardown || def->async_teardown_node)
        return TRUE;
    if (!virDomainBoolParse(def, teardown, "enabled", &def->async_teardown, error))
        return FALSE;
    if (def->async_teardown == VIR_TRISTATE_SWITCH_ABSENT)
        def->async_teardown = VIR_TRISTATE_SWITCH_ON;
    def->async_teardown_node = teardown;
    return TRUE;
}

static gboolean
virDomainParseOnCrash(virDomainDef *def, xmlNodePtr node, GError **error)
{
    if (!def->on_crash_node) {
        def->on_crash_node = node;
        def->on_crash = virXMLText(node);
    }
    return TRUE;
}

/* The modes of a guest CPU libvirt knows (virCPUMode); without one it
 * takes custom. */
static const char *const virDomainCPUModes[] = {
    "custom", "host-model", "host-passthrough", "maximum", NULL,
};

/* libvirt (src/conf/cpu_conf.c, virCPUDefParseXML) refuses an unknown
 * mode, and features without a model in custom mode. */
static gboolean
virDomainCPUCheckMode(const virDomainDef *def, GError **error)
{
    if (def->cpu_mode && !g_strv_contains(virDomainCPUModes, def->cpu_mode))
        return virDomainInvalid(def, def->cpu_node, error, _("unknown CPU mode '%s'"),
                                def->cpu_mode);
    if ((!def->cpu_mode || g_str_equal(def->cpu_mode, "custom")) &&
        (!def->cpu_model || !*def->cpu_model) && def->cpu_features->len > 0)
        return virDomainInvalid(def, def->cpu_node, error, "%s",
                                _("<cpu> has <feature> elements but no <model>"));
    return TRUE;
}

/* <cpu><topology>: libvirt (virCPUDefParseXML) wants sockets, cores and
 * threads, takes dies and clusters as 1 when absent, each a decimal
 * number from 1. */
static gboolean
virDomainParseTopology(virDomainDef *def, xmlNodePtr cpu, GError **error)
{
    static const char *const names[] = { "sockets", "dies", "clusters", "cores", "threads" };
    static const gboolean required[] = { TRUE, FALSE, FALSE, TRUE, TRUE };
    xmlNodePtr topology = virXMLChild(cpu, "topology");
    guint *values[] = { &def->topology_sockets, &def->topology_dies, &def->topology_clusters,
                        &def->topology_cores, &def->topology_threads };
    gsize i;

    if (!topology)
        return TRUE;
    def->topology_node = topology;
    for (i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *text = NULL;
        virDomainPropResult rc =
            virDomainUIntProp(topology, names[i], 10, G_MAXUINT, values[i], &text);

        if (rc == VIR_DOMAIN_PROP_ABSENT && required[i])
            return virDomainInvalid(def, topology, error,
                                    _("<topology> lacks the attribute '%s'"), names[i]);
        if (rc == VIR_DOMAIN_PROP_INVALID || (rc == VIR_DOMAIN_PROP_VALID && *values[i] == 0))
            return virDomainInvalid(def, topology, error,
                                    _("<topology> has an invalid %s '%s' "
                                      "(expected a number from 1)"),
                                    names[i], text);
    }
    return TRUE;
}

/* The vCPUs the topology describes must be the maximum count: libvirt's
 * QEMU driver refuses the definition otherwise (qemuValidateDomainDefCpu,
 * "CPU topology doesn't match maximum vcpu count").  libvirt 9.0 counts
 * sockets * dies * cores * threads and ignores clusters (measured: it
 * takes clusters='2' cores='2' for two vCPUs and writes no clusters to
 * -smp, as this builder does); later versions count clusters too, and
 * QEMU's s390x machine has none to give.  Without <vcpu> a guest has
 * one. */
static gboolean
virDomainDefCheckTopology(const virDomainDef *def, GError **error)
{
    guint64 vcpus;
    guint max = def->vcpu_max ? def->vcpu_max : 1;

    if (!def->topology_node)
        return TRUE;
    vcpus = (guint64)def->topology_sockets * MAX(def->topology_dies, 1) *
            def->topology_cores * def->topology_threads;
    if (vcpus != max)
        return virDomainInvalid(def, def->topology_node, error,
                                _("the CPU topology gives %llu vCPUs, but the domain has %u"),
                                (unsigned long long)vcpus, max);
    return TRUE;
}

static gboolean
virDomainParseCPU(virDomainDef *def, xmlNodePtr node, GError **error)
{
    xmlNodePtr cur;

    if (def->cpu_node)
        return TRUE;
    def->cpu_node = node;
    def->cpu_mode = virXMLProp(node, "mode");
    if (!virDomainSwitchParse(def, node, "deprecated_features", &def->cpu_deprecated_features,
                              error))
        return FALSE;
    def->cpu_model = virXMLText(virXMLChild(node, "model"));
    for (cur = node->children; cur; cur = cur->next) {
        virDomainCPUFeature *feature;

        if (!virXMLNodeIs(cur, "feature"))
            continue;
        feature = g_new0(virDomainCPUFeature, 1);
        feature->name = virXMLProp(cur, "name");
        feature->policy = virXMLProp(cur, "policy");
        feature->xpath = virDomainDefNodeXPath(def, cur);
        feature->node = cur;
        g_ptr_array_add(def->cpu_features, feature);
    }
    return virDomainCPUCheckMode(def, error) && virDomainParseTopology(def, node, error);
}

static gboolean
virDomainParseVcpu(virDomainDef *def, xmlNodePtr node, GError **error)
{
    g_autofree char *text = virXMLText(node);
    g_autofree char *current = NULL;
    guint64 value = 0;

    if (!text || !g_ascii_string_to_unsigned(text, 10, 1, G_MAXUINT, &value, NULL))
        return virDomainInvalid(def, node, error, _("invalid vCPU count '%s' in <vcpu>"),
                                text ? text : "");
    def->vcpu_node = node;
    def->vcpu_max = (guint)value;
    /* libvirt: virDomainVcpuParse, then virDomainDefSetVcpus refuses more
     * than the maximum. */
    switch (virDomainUIntProp(node, "current", 10, def->vcpu_max, &def->vcpu_current, &current)) {
    case VIR_DOMAIN_PROP_ABSENT:
        def->vcpu_current = def->vcpu_max;
        return TRUE;
    case VIR_DOMAIN_PROP_VALID:
        if (def->vcpu_current > 0)
            return TRUE;
        break;
    case VIR_DOMAIN_PROP_INVALID:
        break;
    }
    return virDomainInvalid(def, node, error, _("invalid current vCPU count '%s' (1..%u)"),
                            current, def->vcpu_max);
}

/* <vcpus> lists every vCPU; it counts only when <vcpu> is absent. */
static gboolean
virDomainParseVcpus(virDomainDef *def, xmlNodePtr node, GError **error)
{
    if (def->vcpu_node)
        return TRUE;
    def->vcpu_node = node;
    def->vcpu_max = virXMLCountElements(node, "vcpu");
    def->vcpu_current = def->vcpu_max;
    return TRUE;
}

static gboolean
virDomainParseMemoryBacking(virDomainDef *def, xmlNodePtr node, GError **error)
{
    if (!def->hugepages_node)
        def->hugepages_node = virXMLChild(node, "hugepages");
    def->memory_locked = def->memory_locked || virXMLChild(node, "locked") != NULL;
    return TRUE;
}

static gboolean
virDomainParseIOThreads(virDomainDef *def, xmlNodePtr node, GError **error)
{
    g_autofree char *text = virXMLText(node);
    guint64 value = 0;

    if (!text || !g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT16, &value, NULL))
        return virDomainInvalid(def, node, error, _("invalid IOThread count '%s'"),
                                text ? text : "");
    def->iothreads = (guint)value;
    return TRUE;
}

static gboolean
virDomainParseIOThreadIds(virDomainDef *def, xmlNodePtr node, GError **error)
{
    xmlNodePtr cur;

    for (cur = node->children; cur; cur = cur->next) {
        guint id = 0;

        if (!virXMLNodeIs(cur, "iothread"))
            continue;
        if (!virDomainIdParse(def, cur, "id", &id, error))
            return FALSE;
        if (id == 0)
            return virDomainInvalid(def, cur, error, "%s", _("<iothread> without an id"));
        g_array_append_val(def->iothread_ids, id);
    }
    return TRUE;
}

static gboolean
virDomainIOThreadIdTaken(const virDomainDef *def, guint id)
{
    guint i;

    for (i = 0; i < def->iothread_ids->len; i++) {
        if (g_array_index(def->iothread_ids, guint, i) == id)
            return TRUE;
    }
    return FALSE;
}

/* libvirt (virDomainDefParseIOThreads) gives the IOThreads that
 * <iothreadids> does not name the lowest free ids. */
static void
virDomainDefFillIOThreadIds(virDomainDef *def)
{
    guint id = 1;

    while (def->iothread_ids->len < def->iothreads) {
        if (!virDomainIOThreadIdTaken(def, id))
            g_array_append_val(def->iothread_ids, id);
        id++;
    }
}

/* A device may only name an IOThread the domain has (libvirt:
 * virDomainDefValidateIOThreads). */
static gboolean
virDomainDefCheckIOThreads(const virDomainDef *def, GError **error)
{
    guint i;

    for (i = 0; i < def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(def->devices, i);

        if (dev->iothread && !virDomainIOThreadIdTaken(def, dev->iothread))
            return virDomainInvalid(def, dev->node, error,
                                    _("<%s> at '%s' names IOThread %u, which the domain lacks"),
                                    dev->element, dev->xpath, dev->iothread);
    }
    return TRUE;
}

/* No two devices at one ccw address (libvirt: virDomainCCWAddressValidate
 * in src/conf/domain_addr.c, when the QEMU driver reserves the addresses
 * of a definition). */
static gboolean
virDomainDefCheckCCWAddresses(const virDomainDef *def, GError **error)
{
    g_autoptr(GHashTable) used = NULL;
    guint i;

    for (i = 0; i < def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(def->devices, i);
        guint32 key;

        if (!dev->ccw_set)
            continue;
        if (!used)
            used = g_hash_table_new(g_direct_hash, g_direct_equal);
        key = virDomainCCWAddressKey(dev);
        if (!g_hash_table_add(used, GUINT_TO_POINTER(key))) {
            g_autofree char *text = virDomainCCWAddressFormat(key);

            return virDomainInvalid(def, dev->address_node, error,
                                    _("<%s> at '%s' uses ccw address %s, which another device "
                                      "has"),
                                    dev->element, dev->xpath, text);
        }
    }
    return TRUE;
}

/* No two devices with one zPCI uid or fid (libvirt reserves them when it
 * assigns addresses, src/conf/domain_addr.c: "zPCI uid %u is already
 * reserved"). */
static gboolean
virDomainDefCheckZPCIIds(const virDomainDef *def, GError **error)
{
    g_autoptr(GHashTable) uids = NULL;
    g_autoptr(GHashTable) fids = NULL;
    guint i;

    for (i = 0; i < def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(def->devices, i);

        if (!dev->zpci_uid_set && !dev->zpci_fid_set)
            continue;
        if (!uids) {
            uids = g_hash_table_new(g_direct_hash, g_direct_equal);
            fids = g_hash_table_new(g_int_hash, g_int_equal);
        }
        if (dev->zpci_uid_set && !g_hash_table_add(uids, GUINT_TO_POINTER(dev->zpci_uid)))
            return virDomainInvalid(def, dev->address_node, error,
                                    _("<%s> at '%s' has zPCI uid 0x%04x, which another device "
                                      "has"),
                                    dev->element, dev->xpath, dev->zpci_uid);
        if (dev->zpci_fid_set && !g_hash_table_add(fids, (gpointer)&dev->zpci_fid))
            return virDomainInvalid(def, dev->address_node, error,
                                    _("<%s> at '%s' has zPCI fid 0x%08x, which another device "
                                      "has"),
                                    dev->element, dev->xpath, dev->zpci_fid);
    }
    return TRUE;
}

/* A controller without an index gets the lowest one that no controller of
 * its type has, in document order (libvirt: virDomainControllerDefPostParse
 * with virDomainControllerFindUnusedIndex). */
static void
virDomainDefAssignControllerIndexes(virDomainDef *def)
{
    g_autoptr(GHashTable) taken = NULL;
    g_autoptr(GHashTable) next = NULL;
    gboolean unset = FALSE;
    guint i;

    for (i = 0; i < def->devices->len && !unset; i++) {
        const virDomainDevice *dev = g_ptr_array_index(def->devices, i);

        unset = dev->kind == VIR_DOMAIN_DEVICE_CONTROLLER &&
                dev->index == VIR_DOMAIN_CONTROLLER_INDEX_UNSET;
    }
    if (!unset)
        return;
    taken = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    next = g_hash_table_new(g_str_hash, g_str_equal);
    for (i = 0; i < def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(def->devices, i);

        if (dev->kind == VIR_DOMAIN_DEVICE_CONTROLLER &&
            dev->index != VIR_DOMAIN_CONTROLLER_INDEX_UNSET)
            g_hash_table_add(taken,
                             g_strdup_printf("%s/%u", dev->type ? dev->type : "", dev->index));
    }
    for (i = 0; i < def->devices->len; i++) {
        virDomainDevice *dev = g_ptr_array_index(def->devices, i);
        const char *type = (dev->type ? dev->type : "");
        guint index;

        if (dev->kind != VIR_DOMAIN_DEVICE_CONTROLLER ||
            dev->index != VIR_DOMAIN_CONTROLLER_INDEX_UNSET)
            continue;
        /* The lowest free index only grows as indexes are taken. */
        index = GPOINTER_TO_UINT(g_hash_table_lookup(next, type));
        for (;; index++) {
            g_autofree char *key = g_strdup_printf("%s/%u", type, index);

            if (!g_hash_table_contains(taken, key)) {
                g_hash_table_add(taken, g_steal_pointer(&key));
                break;
            }
        }
        dev->index = index;
        g_hash_table_insert(next, (gpointer)type, GUINT_TO_POINTER(index + 1));
    }
}


/* <keywrap><cipher name='aes|dea' state='on|off'/>: the s390 machine's
 * aes-key-wrap and dea-key-wrap. */
static gboolean
virDomainParseKeywrap(virDomainDef *def, xmlNodePtr node, GError **error)
{
    xmlNodePtr cur;

    for (cur = node->children; cur; cur = cur->next) {
        g_autofree char *name = NULL;
        virTristateSwitch *target;

        if (!virXMLNodeIs(cur, "cipher"))
            continue;
        name = virXMLProp(cur, "name");
        if (g_strcmp0(name, "aes") == 0)
            target = &def->keywrap_aes;
        else if (g_strcmp0(name, "dea") == 0)
            target = &def->keywrap_dea;
        else
            return virDomainInvalid(def, cur, error,
                                    _("unknown keywrap cipher '%s' (expected 'aes' or 'dea')"),
                                    name ? name : "");
        if (!virDomainSwitchParse(def, cur, "state", target, error))
            return FALSE;
    }
    return TRUE;
}

static void
virDomainLaunchSecurityFree(virDomainLaunchSecurity *sec)
{
    g_free(sec->type);
    g_free(sec->xpath);
    g_free(sec);
}

static void
virDomainCPUFeatureFree(virDomainCPUFeature *feature)
{
    g_free(feature->name);
    g_free(feature->policy);
    g_free(feature->xpath);
    g_free(feature);
}

static gboolean
virDomainParseLaunchSecurity(virDomainDef *def, xmlNodePtr node, GError **error)
{
    virDomainLaunchSecurity *sec = g_new0(virDomainLaunchSecurity, 1);

    sec->type = virXMLProp(node, "type");
    sec->nchildren = virXMLCountElements(node, NULL);
    sec->xpath = virDomainDefNodeXPath(def, node);
    sec->node = node;
    g_ptr_array_add(def->launch_security, sec);
    return TRUE;
}

static gboolean
virDomainParseMetadata(virDomainDef *def, xmlNodePtr node, GError **error)
{
    xmlNodePtr cur;

    for (cur = node->children; cur && !def->pv_marker; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && cur->ns && cur->ns->href &&
            g_str_equal((const char *)cur->ns->href, VIR_DOMAIN_PV_NAMESPACE) &&
            g_str_equal((const char *)cur->name, VIR_DOMAIN_PV_MARKER))
            def->pv_marker = cur;
    }
    return TRUE;
}

/* Devices are counted per kind as they come, so that their xpaths cost
 * nothing beyond the walk; elements of no known kind take the general
 * (hashed) way. */
static char *
virDomainDeviceXPath(virDomainDef *def, const char *prefix, guint *counts,
                     virDomainDeviceKind kind, xmlNodePtr node)
{
    GString *xpath;

    if (kind == VIR_DOMAIN_DEVICE_OTHER)
        return virDomainDefNodeXPath(def, node);
    xpath = g_string_new(prefix);
    g_string_append_c(xpath, '/');
    g_string_append(xpath, virDomainDeviceKindToString(kind));
    virXMLAppendIndex(xpath, ++counts[kind]);
    return g_string_free(xpath, FALSE);
}

static gboolean
virDomainParseDevices(virDomainDef *def, xmlNodePtr node, GError **error)
{
    g_autofree char *prefix = virDomainDefNodeXPath(def, node);
    guint counts[VIR_DOMAIN_DEVICE_LAST] = { 0 };
    xmlNodePtr cur;

    if (!def->devices_node)
        def->devices_node = node;
    for (cur = node->children; cur; cur = cur->next) {
        virDomainDeviceKind kind;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (virXMLNodeIs(cur, "emulator")) {
            if (!def->emulator_node) {
                def->emulator_node = cur;
                def->emulator = virXMLText(cur);
            }
            continue;
        }
        kind = cur->ns ? VIR_DOMAIN_DEVICE_OTHER
                       : virDomainDeviceKindFromElement((const char *)cur->name);
        if (!virDomainDeviceParse(def, cur, kind,
                                  virDomainDeviceXPath(def, prefix, counts, kind, cur), error))
            return FALSE;
    }
    return TRUE;
}

typedef struct {
    const char *element;
    virDomainPartFunc parse;
} virDomainPart;

static const virDomainPart virDomainParts[] = {
    { "name", virDomainParseName },
    { "uuid", virDomainParseUUID },
    { "os", virDomainParseOS },
    { "memory", virDomainParseMemory },
    { "features", virDomainParseFeatures },
    { "cpu", virDomainParseCPU },
    { "vcpu", virDomainParseVcpu },
    { "vcpus", virDomainParseVcpus },
    { "on_crash", virDomainParseOnCrash },
    { "memoryBacking", virDomainParseMemoryBacking },
    { "launchSecurity", virDomainParseLaunchSecurity },
    { "metadata", virDomainParseMetadata },
    { "iothreads", virDomainParseIOThreads },
    { "iothreadids", virDomainParseIOThreadIds },
    { "keywrap", virDomainParseKeywrap },
    { "devices", virDomainParseDevices },
};

static gboolean
virDomainParsePart(virDomainDef *def, xmlNodePtr node, GError **error)
{
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(virDomainParts); i++) {
        if (virXMLNodeIs(node, virDomainParts[i].element))
            return virDomainParts[i].parse(def, node, error);
    }
    return TRUE;
}

static gboolean
virDomainDefParseDomain(virDomainDef *def, GError **error)
{
    xmlNodePtr root = xmlDocGetRootElement(def->doc);
    xmlNodePtr cur;

    if (!root || !virXMLNodeIs(root, "domain")) {
        g_set_error(error, VIR_CONF_ERROR, VIR_CONF_ERROR_NOT_DOMAIN,
                    _("%s:%ld: not a domain definition: the root element is <%s>, not <domain>"),
                    def->path, root ? xmlGetLineNo(root) : 0L,
                    root ? (const char *)root->name : "");
        return FALSE;
    }
    def->root = root;
    virDomainDefNumberNodes(root);
    def->virt_type = virXMLProp(root, "type");
    /* Walk vcpu before vcpus whatever their order: <vcpu> wins. */
    if ((cur = virXMLChild(root, "vcpu")) && !virDomainParseVcpu(def, cur, error))
        return FALSE;
    for (cur = root->children; cur; cur = cur->next) {
        if (virXMLNodeIs(cur, "vcpu"))
            continue;
        if (cur->type == XML_ELEMENT_NODE && !virDomainParsePart(def, cur, error))
            return FALSE;
    }
    virDomainDefFillIOThreadIds(def);
    if (!virDomainDefCheckIOThreads(def, error) || !virDomainDefCheckCCWAddresses(def, error) ||
        !virDomainDefCheckZPCIIds(def, error) ||
        !virDomainDefCheckTopology(def, error))
        return FALSE;
    virDomainDefAssignControllerIndexes(def);
    if (!virDomainDefAddImplicitDevices(def, error))
        return FALSE;
    virDomainDefAssignBootIndexes(def);
    /* Edits after parsing would make the recorded steps wrong. */
    g_clear_pointer(&def->xpath_steps, g_hash_table_unref);
    return TRUE;
}

static virDomainDef *
virDomainDefNew(const char *name)
{
    virDomainDef *def = g_new0(virDomainDef, 1);

    def->path = g_strdup(name);
    def->cpu_features = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainCPUFeatureFree);
    def->launch_security =
        g_ptr_array_new_with_free_func((GDestroyNotify)virDomainLaunchSecurityFree);
    def->devices = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainDeviceFree);
    def->iothread_ids = g_array_new(FALSE, FALSE, sizeof(guint));
    return def;
}

void
virDomainDefFree(virDomainDef *def)
{
    if (!def)
        return;
    g_clear_pointer(&def->devices, g_ptr_array_unref);
    g_clear_pointer(&def->cpu_features, g_ptr_array_unref);
    g_clear_pointer(&def->launch_security, g_ptr_array_unref);
    g_clear_pointer(&def->iothread_ids, g_array_unref);
    g_clear_pointer(&def->xpath_steps, g_hash_table_unref);
    g_clear_pointer(&def->doc, xmlFreeDoc);
    g_free(def->path);
    g_free(def->xml);
    g_free(def->name);
    g_free(def->uuid);
    g_free(def->virt_type);
    g_free(def->os_type);
    g_free(def->os_arch);
    g_free(def->os_machine);
    g_free(def->os_kernel);
    g_free(def->on_crash);
    g_free(def->os_initrd);
    g_free(def->os_cmdline);
    g_strfreev(def->os_boot_devs);
    g_free(def->cpu_mode);
    g_free(def->cpu_model);
    g_free(def->emulator);
    g_free(def);
}

static gboolean
virDomainDefParseTake(char *xml, gsize len, const char *name, unsigned int flags,
                      virDomainDef **ret_def, GError **error)
{
    g_autoptr(virDomainDef) def = virDomainDefNew(name);

    def->xml = xml;
    def->xml_len = len;
    if (!(def->doc = virXMLParseSafe(xml, len, name, error)))
        return FALSE;
    if (!virDomainDefParseDomain(def, error))
        return FALSE;
    *ret_def = g_steal_pointer(&def);
    return TRUE;
}

gboolean
virDomainDefParseString(const char *xml, gsize len, const char *name, unsigned int flags,
                        virDomainDef **ret_def, GError **error)
{
    if (len > VIR_DOMAIN_XML_MAX) {
        g_set_error(error, VIR_CONF_ERROR, VIR_CONF_ERROR_XML,
                    _("'%s' is larger than %d bytes"), name, VIR_DOMAIN_XML_MAX);
        return FALSE;
    }
    return virDomainDefParseTake(g_strndup(xml, len), len, name, flags, ret_def, error);
}

void
virDomainDefParserInit(void)
{
    virXMLParserInit();
}

/* "-" is standard input, read from descriptor 0: /dev/stdin is missing in
 * an initramfs and in some containers. */
gboolean
virDomainDefParseFile(const char *path, unsigned int flags, virDomainDef **ret_def,
                      GError **error)
{
    char *xml = NULL;
    gsize len = 0;

    if (g_str_equal(path, "-")) {
        if (!virFileReadFd(STDIN_FILENO, path, VIR_DOMAIN_XML_MAX, &xml, &len, error))
            return FALSE;
    } else if (!virFileReadLimit(path, VIR_DOMAIN_XML_MAX, &xml, &len, error)) {
        return FALSE;
    }
    return virDomainDefParseTake(xml, len, path, flags, ret_def, error);
}

/* ---- queries ------------------------------------------------------------ */

gboolean
virDomainDefHasPVMarker(const virDomainDef *def)
{
    return def->pv_marker != NULL;
}

gboolean
virDomainDefHasKernel(const virDomainDef *def)
{
    return def->os_kernel && *def->os_kernel;
}

gboolean
virDomainDefHasLaunchSecurityType(const virDomainDef *def, const char *type)
{
    guint i;

    for (i = 0; i < def->launch_security->len; i++) {
        const virDomainLaunchSecurity *sec = g_ptr_array_index(def->launch_security, i);

        if (g_strcmp0(sec->type, type) == 0)
            return TRUE;
    }
    return FALSE;
}

const virDomainDevice *
virDomainDefFindDevice(const virDomainDef *def, virDomainDeviceKind kind,
                       gboolean include_implicit)
{
    guint i;

    for (i = 0; i < def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(def->devices, i);

        if (dev->kind == kind && (include_implicit || !dev->implicit))
            return dev;
    }
    return NULL;
}

/* ---- coverage ----------------------------------------------------------- */

typedef struct {
    gboolean subtree;
    GHashTable *texts; /* allowed texts; NULL: any */
    GHashTable *attrs; /* name -> allowed value, or "" for any */
} virDomainCoverage;

static void
virDomainCoverageFree(virDomainCoverage *c)
{
    g_clear_pointer(&c->texts, g_hash_table_unref);
    g_hash_table_unref(c->attrs);
    g_free(c);
}

static virDomainCoverage *
virDomainCoverageGet(GHashTable *table, const char *path)
{
    virDomainCoverage *c = g_hash_table_lookup(table, path);

    if (!c) {
        c = g_new0(virDomainCoverage, 1);
        c->attrs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        g_hash_table_insert(table, g_strdup(path), c);
    }
    return c;
}

/* One entry of the table virDomainDefFindUncovered() takes. */
static void
virDomainCoverageAdd(GHashTable *table, const char *entry)
{
    const char *at = strchr(entry, '@');
    g_autofree char *path = g_strndup(entry, at ? (gsize)(at - entry) : strlen(entry));
    char *eq = strchr(path, '=');
    gsize len;
    virDomainCoverage *c;

    if (eq) {
        *eq = '\0';
        c = virDomainCoverageGet(table, path);
        if (!c->texts)
            c->texts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        g_hash_table_add(c->texts, g_strdup(eq + 1));
    } else if ((len = strlen(path)) >= 4 && g_str_equal(path + len - 4, "/...")) {
        path[len - 4] = '\0';
        virDomainCoverageGet(table, path)->subtree = TRUE;
    }
    c = virDomainCoverageGet(table, path);
    if (at) {
        g_auto(GStrv) attrs = g_strsplit(at + 1, ",", -1);
        guint i;

        for (i = 0; attrs[i]; i++) {
            char *value = strchr(attrs[i], '=');

            if (value)
                *value++ = '\0';
            g_hash_table_insert(c->attrs, g_strdup(attrs[i]), g_strdup(value ? value : ""));
        }
    }
}

static void
virDomainUncoveredAdd(GPtrArray *list, xmlNodePtr node, const char *attr)
{
    virDomainUncovered *u = g_new0(virDomainUncovered, 1);

    u->node = node;
    u->attr = g_strdup(attr);
    u->xpath = virXMLNodeXPath(node);
    g_ptr_array_add(list, u);
}

void
virDomainUncoveredFree(virDomainUncovered *u)
{
    if (!u)
        return;
    g_free(u->attr);
    g_free(u->xpath);
    g_free(u);
}

static gboolean
virDomainCoverageHasText(const virDomainCoverage *c, xmlNodePtr node)
{
    g_autofree char *text = NULL;

    if (!c->texts)
        return TRUE;
    text = virXMLText(node);
    return g_hash_table_contains(c->texts, text ? text : "");
}

static void
virDomainFindUncoveredIn(GHashTable *table, GHashTable *skip, xmlNodePtr node, const char *path,
                         GPtrArray *list)
{
    const virDomainCoverage *c = g_hash_table_lookup(table, path);
    xmlAttrPtr attr;
    xmlNodePtr cur;

    if (skip && g_hash_table_contains(skip, node))
        return;
    if (!c || node->ns || !virDomainCoverageHasText(c, node)) {
        virDomainUncoveredAdd(list, node, NULL);
        return;
    }
    if (c->subtree)
        return;
    for (attr = node->properties; attr; attr = attr->next) {
        const char *want = attr->ns ? NULL : g_hash_table_lookup(c->attrs, attr->name);
        g_autofree char *value = NULL;

        if (want && *want)
            value = virXMLProp(node, (const char *)attr->name);
        if (!want || (*want && g_strcmp0(value, want) != 0))
            virDomainUncoveredAdd(list, node, (const char *)attr->name);
    }
    for (cur = node->children; cur; cur = cur->next) {
        g_autofree char *child = NULL;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        child = *path ? g_strdup_printf("%s/%s", path, cur->name) : g_strdup((char *)cur->name);
        virDomainFindUncoveredIn(table, skip, cur, child, list);
    }
}

GPtrArray *
virDomainDefFindUncovered(const virDomainDef *def, const char *const *covered, GHashTable *skip)
{
    g_autoptr(GHashTable) table = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify)virDomainCoverageFree);
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainUncoveredFree);
    gsize i;

    for (i = 0; covered[i]; i++)
        virDomainCoverageAdd(table, covered[i]);
    virDomainFindUncoveredIn(table, skip, def->root, "", list);
    return list;
}

/* ---- dump --------------------------------------------------------------- */

#define VIR_DUMP_STR(s) ((s) ? (s) : "-")

static void
virDomainDefDumpDevice(GString *out, const virDomainDevice *dev)
{
    g_string_append_printf(out, "device %s%s: %s", dev->implicit ? "(implicit) " : "",
                           dev->xpath, dev->element);
    if (dev->kind == VIR_DOMAIN_DEVICE_OTHER)
        g_string_append(out, " (unknown)");
    g_string_append_printf(out, " type=%s bus=%s target=%s model=%s iommu=%s%s%s",
                           VIR_DUMP_STR(dev->type), VIR_DUMP_STR(dev->bus),
                           VIR_DUMP_STR(dev->target_type), VIR_DUMP_STR(dev->model),
                           virTristateSwitchToString(dev->iommu), dev->virtio ? " virtio" : "",
                           dev->virtio && !dev->takes_iommu ? " (no driver iommu)" : "");
    if (dev->disk_device)
        g_string_append_printf(out, " device=%s", dev->disk_device);
    if (dev->boot_index)
        g_string_append_printf(out, " bootindex=%u", dev->boot_index);
    if (dev->address_node)
        g_string_append_printf(out, " address=%s", VIR_DUMP_STR(dev->address_type));
    if (dev->action)
        g_string_append_printf(out, " action=%s", dev->action);
    g_string_append_c(out, '\n');
    if (dev->loadparm || dev->error_policy || dev->rerror_policy || dev->iothread)
        g_string_append_printf(out, "  loadparm=%s error_policy=%s rerror_policy=%s iothread=%u\n",
                               VIR_DUMP_STR(dev->loadparm),
                               virDomainDiskErrorPolicyToString(dev->error_policy),
                               virDomainDiskErrorPolicyToString(dev->rerror_policy), dev->iothread);
}

/* The machine-wide settings the argv builder translates; printed only
 * when the definition has them. */
static void
virDomainDefDumpMachine(GString *out, const virDomainDef *def)
{
    guint i;

    if (def->iothread_ids->len > 0) {
        g_string_append(out, "iothreads:");
        for (i = 0; i < def->iothread_ids->len; i++)
            g_string_append_printf(out, " %u", g_array_index(def->iothread_ids, guint, i));
        g_string_append_c(out, '\n');
    }
    if (def->keywrap_aes || def->keywrap_dea)
        g_string_append_printf(out, "keywrap: aes=%s dea=%s\n",
                               virTristateSwitchToString(def->keywrap_aes),
                               virTristateSwitchToString(def->keywrap_dea));
    if (def->cpu_deprecated_features)
        g_string_append_printf(out, "cpu deprecated_features: %s\n",
                               virTristateSwitchToString(def->cpu_deprecated_features));
}

static void
virDomainDefDumpHeader(GString *out, const virDomainDef *def)
{
    g_string_append_printf(out, "name: %s\n", VIR_DUMP_STR(def->name));
    g_string_append_printf(out, "type: %s\n", VIR_DUMP_STR(def->virt_type));
    g_string_append_printf(out, "os: type=%s arch=%s machine=%s\n", VIR_DUMP_STR(def->os_type),
                           VIR_DUMP_STR(def->os_arch), VIR_DUMP_STR(def->os_machine));
    if (def->os_machine_major || def->os_machine_minor)
        g_string_append_printf(out, "machine version: %u.%u\n", def->os_machine_major,
                               def->os_machine_minor);
    g_string_append_printf(out, "kernel: %s initrd=%s cmdline=%s\n", VIR_DUMP_STR(def->os_kernel),
                           VIR_DUMP_STR(def->os_initrd), VIR_DUMP_STR(def->os_cmdline));
    if (def->os_boot_devs) {
        g_autofree char *devs = g_strjoinv(" ", def->os_boot_devs);

        g_string_append_printf(out, "boot devs: %s\n", devs);
    }
    if (def->memory_node)
        g_string_append_printf(out, "memory: %" G_GUINT64_FORMAT " MiB\n", def->memory_mib);
    if (def->async_teardown_node)
        g_string_append_printf(out, "async teardown: %s\n",
                               virTristateSwitchToString(def->async_teardown));
    g_string_append_printf(out, "emulator: %s\n", VIR_DUMP_STR(def->emulator));
    if (def->cpu_node)
        g_string_append_printf(out, "cpu: mode=%s model=%s\n", VIR_DUMP_STR(def->cpu_mode),
                               VIR_DUMP_STR(def->cpu_model));
    else
        g_string_append(out, "cpu: absent\n");
    if (def->vcpu_node)
        g_string_append_printf(out, "vcpu max: %u (%s)\n", def->vcpu_max,
                               (const char *)def->vcpu_node->name);
    g_string_append_printf(out, "hugepages: %s\n", def->hugepages_node ? "yes" : "no");
    if (def->on_crash_node)
        g_string_append_printf(out, "on_crash: %s\n", VIR_DUMP_STR(def->on_crash));
    g_string_append_printf(out, "pv marker: %s\n", def->pv_marker ? "yes" : "no");
}

char *
virDomainDefDump(const virDomainDef *def)
{
    GString *out = g_string_new(NULL);
    guint i;

    virDomainDefDumpHeader(out, def);
    virDomainDefDumpMachine(out, def);
    for (i = 0; i < def->cpu_features->len; i++) {
        const virDomainCPUFeature *f = g_ptr_array_index(def->cpu_features, i);

        g_string_append_printf(out, "cpu feature %s: name=%s policy=%s\n", f->xpath,
                               VIR_DUMP_STR(f->name), VIR_DUMP_STR(f->policy));
    }
    for (i = 0; i < def->launch_security->len; i++) {
        const virDomainLaunchSecurity *sec = g_ptr_array_index(def->launch_security, i);

        g_string_append_printf(out, "launchSecurity %s: type=%s children=%u\n", sec->xpath,
                               VIR_DUMP_STR(sec->type), sec->nchildren);
    }
    for (i = 0; i < def->devices->len; i++)
        virDomainDefDumpDevice(out, g_ptr_array_index(def->devices, i));
    return g_string_free(out, FALSE);
}
