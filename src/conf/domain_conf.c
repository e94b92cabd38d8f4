/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "domain_conf.h"
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
    g_autofree char *target = NULL;
    gsize i;

    if (dev->kind != VIR_DOMAIN_DEVICE_DISK)
        return FALSE;
    if (dev->bus)
        return g_str_equal(dev->bus, bus);
    target = virXMLChildProp(dev->node, "target", "dev");
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

/* A positive decimal number below G_MAXUINT32, as libvirt's ids are. */
static gboolean
virDomainIdParse(const virDomainDef *def, xmlNodePtr node, const char *attr, guint *ret_value,
                 GError **error)
{
    g_autofree char *value = virXMLProp(node, attr);
    guint64 number = 0;

    if (!value) {
        *ret_value = 0;
        return TRUE;
    }
    if (!g_ascii_string_to_unsigned(value, 10, 1, G_MAXUINT32 - 1, &number, NULL))
        return virDomainInvalid(def, node, error,
                                _("invalid value '%s' of attribute '%s' (expected a positive "
                                  "number)"),
                                value, attr);
    *ret_value = (guint)number;
    return TRUE;
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

/* Takes @xpath. */
static gboolean
virDomainDeviceParse(virDomainDef *def, xmlNodePtr node, virDomainDeviceKind kind, char *xpath,
                     GError **error)
{
    g_autoptr(virDomainDevice) dev = g_new0(virDomainDevice, 1);
    xmlNodePtr driver = NULL;
    xmlNodePtr target = NULL;
    xmlNodePtr model = NULL;
    xmlNodePtr boot = NULL;
    const virDomainDeviceKindInfo *info;
    xmlNodePtr cur;

    dev->xpath = xpath;

    /* One walk over the children finds them all (the first of each).
     * libvirt reads only the first <driver>, but the iommu value of every
     * one must be valid: removing the first (as fix does) makes the next
     * one count. */
    for (cur = node->children; cur; cur = cur->next) {
        if (virXMLNodeIs(cur, "driver")) {
            virTristateSwitch iommu;

            if (!virDomainSwitchParse(def, cur, "iommu", driver ? &iommu : &dev->iommu, error))
                return FALSE;
            if (!driver)
                driver = cur;
        } else if (!target && virXMLNodeIs(cur, "target"))
            target = cur;
        else if (!model && virXMLNodeIs(cur, "model"))
            model = cur;
        else if (!boot && virXMLNodeIs(cur, "boot"))
            boot = cur;
        else if (!dev->address_node && virXMLNodeIs(cur, "address"))
            dev->address_node = cur;
    }
    if (boot && !virDomainDeviceParseBoot(def, dev, boot, error))
        return FALSE;
    if (!virDomainDeviceParseDriverBoot(def, dev, driver, boot, error))
        return FALSE;
    dev->element = g_strdup((const char *)node->name);
    dev->kind = kind;
    dev->node = node;
    dev->type = virXMLProp(node, "type");
    if (!(dev->bus = virXMLProp(node, "bus")))
        dev->bus = virXMLProp(target, "bus");
    dev->target_type = virXMLProp(target, "type");
    dev->target_dev = virXMLProp(target, "dev");
    if (kind == VIR_DOMAIN_DEVICE_HOSTDEV)
        dev->source_uuid = virXMLChildProp(virXMLChild(node, "source"), "address", "uuid");
    if (!(dev->model = virXMLProp(node, "model")))
        dev->model = virXMLProp(model, "type");
    if (kind == VIR_DOMAIN_DEVICE_WATCHDOG)
        dev->action = virXMLProp(node, "action");
    if (kind == VIR_DOMAIN_DEVICE_DISK && !(dev->disk_device = virXMLProp(node, "device")))
        dev->disk_device = g_strdup("disk");
    dev->address_type = virXMLProp(dev->address_node, "type");
    info = &virDomainDeviceKinds[dev->kind];
    dev->virtio = info->virtio && info->virtio(dev);
    dev->takes_iommu = info->takes_iommu;
    g_ptr_array_add(def->devices, g_steal_pointer(&dev));
    return TRUE;
}

/* @cause is the device that makes libvirt add this one, or NULL for
 * <devices> (or <domain> without it). */
static void
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

/* What libvirt adds to an s390x guest by itself, each a virtio device:
 * a balloon when <memballoon> is absent, a virtio-serial controller for
 * virtio consoles and channels, a virtio-scsi controller for SCSI disks
 * and host devices. */
static void
virDomainDefAddImplicitDevices(virDomainDef *def)
{
    const virDomainDevice *serial_cause = NULL;
    const virDomainDevice *scsi_cause = NULL;
    gboolean balloon = FALSE;
    gboolean serial = FALSE;
    gboolean scsi = FALSE;
    guint i;

    for (i = 0; i < def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(def->devices, i);

        balloon = balloon || dev->kind == VIR_DOMAIN_DEVICE_MEMBALLOON;
        serial = serial ||
                 virDomainDeviceHasType(dev, VIR_DOMAIN_DEVICE_CONTROLLER, "virtio-serial");
        scsi = scsi || virDomainDeviceHasType(dev, VIR_DOMAIN_DEVICE_CONTROLLER, "scsi");
        if (!serial_cause && virDomainDeviceNeedsVirtioSerial(dev))
            serial_cause = dev;
        if (!scsi_cause && virDomainDeviceNeedsSCSI(dev))
            scsi_cause = dev;
    }

    if (!serial && serial_cause)
        virDomainDefAddImplicit(def, VIR_DOMAIN_DEVICE_CONTROLLER, "virtio-serial", NULL,
                                serial_cause);
    if (!scsi && scsi_cause)
        virDomainDefAddImplicit(def, VIR_DOMAIN_DEVICE_CONTROLLER, "scsi", "virtio-scsi",
                                scsi_cause);
    if (!balloon)
        virDomainDefAddImplicit(def, VIR_DOMAIN_DEVICE_MEMBALLOON, NULL, "virtio", NULL);
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
    return TRUE;
}

static gboolean
virDomainParseVcpu(virDomainDef *def, xmlNodePtr node, GError **error)
{
    g_autofree char *text = virXMLText(node);
    guint64 value = 0;

    if (!text || !g_ascii_string_to_unsigned(text, 10, 1, G_MAXUINT, &value, NULL))
        return virDomainInvalid(def, node, error, _("invalid vCPU count '%s' in <vcpu>"),
                                text ? text : "");
    def->vcpu_node = node;
    def->vcpu_max = (guint)value;
    return TRUE;
}

/* <vcpus> lists every vCPU; it counts only when <vcpu> is absent. */
static gboolean
virDomainParseVcpus(virDomainDef *def, xmlNodePtr node, GError **error)
{
    if (def->vcpu_node)
        return TRUE;
    def->vcpu_node = node;
    def->vcpu_max = virXMLCountElements(node, "vcpu");
    return TRUE;
}

static gboolean
virDomainParseMemoryBacking(virDomainDef *def, xmlNodePtr node, GError **error)
{
    if (!def->hugepages_node)
        def->hugepages_node = virXMLChild(node, "hugepages");
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
    if (kind == VIR_DOMAIN_DEVICE_OTHER)
        return virDomainDefNodeXPath(def, node);
    return g_strdup_printf("%s/%s[%u]", prefix, virDomainDeviceKindToString(kind),
                           ++counts[kind]);
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
    virDomainDefAddImplicitDevices(def);
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
