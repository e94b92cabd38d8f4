/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include <glib/gi18n.h>

#include "conf/virxml.h"
#include "conf/virxmltextedit.h"
#include "qemu_error.h"
#include "qemu_fix.h"
#include "qemu_validate.h"

static const char *const virQEMUFixModeNames[] = {
    "launch-security",
    "iommu",
};
G_STATIC_ASSERT(G_N_ELEMENTS(virQEMUFixModeNames) == VIR_QEMU_FIX_MODE_LAST);

const char *
virQEMUFixModeToString(virQEMUFixMode mode)
{
    if ((guint)mode >= VIR_QEMU_FIX_MODE_LAST)
        return NULL;
    return virQEMUFixModeNames[mode];
}

gboolean
virQEMUFixModeFromString(const char *str, virQEMUFixMode *ret_mode)
{
    guint i;

    for (i = 0; i < VIR_QEMU_FIX_MODE_LAST; i++) {
        if (g_str_equal(str, virQEMUFixModeNames[i])) {
            *ret_mode = i;
            return TRUE;
        }
    }
    return FALSE;
}

static void
virQEMUFixChangeFree(virQEMUFixChange *change)
{
    if (!change)
        return;
    g_free(change->xpath);
    g_free(change->message);
    g_free(change);
}

void
virQEMUFixResultFree(virQEMUFixResult *result)
{
    if (!result)
        return;
    g_free(result->xml);
    g_clear_pointer(&result->changes, g_ptr_array_unref);
    g_free(result);
}

/* The elements fix writes, in the editor's fragment notation. */
#define FIX_LAUNCH_SECURITY "<launchSecurity type='s390-pv'/>"
#define FIX_BALLOON "<memballoon model='none'/>"
#define FIX_DRIVER "<driver iommu='on'/>"
#define FIX_MARKER "<pv:protected xmlns:pv='" VIR_DOMAIN_PV_NAMESPACE "'/>"

typedef struct {
    const virDomainDef *def;
    virQEMUFixMode mode;
    virXMLTextEdit *edit;
    GPtrArray *changes; /* of virQEMUFixChange */
    GArray *order;      /* document position of each change's element */
    GHashTable *xpaths; /* xmlNodePtr -> the xpath the model computed */
} virQEMUFixCtx;

G_GNUC_PRINTF(3, 4)
static void
virQEMUFixNote(virQEMUFixCtx *ctx, xmlNodePtr node, const char *fmt, ...)
{
    virQEMUFixChange *change = g_new0(virQEMUFixChange, 1);
    gsize order = virDomainDefNodeOrder(ctx->def, node);
    va_list ap;

    va_start(ap, fmt);
    change->message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    change->xpath = g_strdup(g_hash_table_lookup(ctx->xpaths, node));
    if (!change->xpath)
        change->xpath = virXMLNodeXPath(node);
    g_ptr_array_add(ctx->changes, change);
    g_array_append_val(ctx->order, order);
}

static guint
virQEMUFixCountAttributes(xmlNodePtr node)
{
    guint n = 0;
    xmlAttrPtr attr;

    for (attr = node->properties; attr; attr = attr->next)
        n++;
    return n;
}

/* Remove @child of @parent; when it is the only element there, write
 * <parent .../> instead of leaving an empty pair of tags. */
static gboolean
virQEMUFixRemoveChild(virQEMUFixCtx *ctx, xmlNodePtr parent, xmlNodePtr child, GError **error)
{
    xmlNodePtr cur;

    for (cur = parent->children; cur; cur = cur->next) {
        if (cur != child && cur->type == XML_ELEMENT_NODE)
            return virXMLTextEditRemoveElement(ctx->edit, child, error);
    }
    return virXMLTextEditCollapse(ctx->edit, parent, error);
}

/* ---- launchSecurity ----------------------------------------------------- */

/* launch-security-malformed, in launch-security mode.  Only s390-pv
 * elements are deduplicated: with another type among them the user's
 * intent is unclear, and validation reports it. */
static gboolean
virQEMUFixLaunchSecurity(virQEMUFixCtx *ctx, GError **error)
{
    GPtrArray *all = ctx->def->launch_security;
    guint i;

    if (ctx->mode != VIR_QEMU_FIX_MODE_LAUNCH_SECURITY)
        return TRUE;
    for (i = 0; i < all->len; i++) {
        const virDomainLaunchSecurity *sec = g_ptr_array_index(all, i);

        if (!virQEMUValidateLaunchSecurityIsPV(sec))
            return TRUE;
    }
    for (i = 0; i < all->len; i++) {
        const virDomainLaunchSecurity *sec = g_ptr_array_index(all, i);

        if (i > 0) {
            if (!virXMLTextEditRemoveElement(ctx->edit, sec->node, error))
                return FALSE;
            virQEMUFixNote(ctx, sec->node, _("removed a duplicate <launchSecurity>"));
        } else if (sec->nchildren > 0) {
            if (!virXMLTextEditReplaceElement(ctx->edit, sec->node, FIX_LAUNCH_SECURITY, error))
                return FALSE;
            virQEMUFixNote(ctx, sec->node,
                           _("removed the child elements of <launchSecurity type='s390-pv'>"));
        }
    }
    return TRUE;
}

/* ---- protection --------------------------------------------------------- */

/* iommu mode protects each virtio device instead. */
static gboolean
virQEMUFixRemoveLaunchSecurity(virQEMUFixCtx *ctx, GError **error)
{
    const virDomainDef *def = ctx->def;
    guint i;

    for (i = 0; i < def->launch_security->len; i++) {
        const virDomainLaunchSecurity *sec = g_ptr_array_index(def->launch_security, i);

        if (!virQEMUValidateLaunchSecurityIsPV(sec))
            continue;
        if (!virXMLTextEditRemoveElement(ctx->edit, sec->node, error))
            return FALSE;
        virQEMUFixNote(ctx, sec->node,
                       _("removed <launchSecurity>: iommu mode protects each virtio device "
                         "with iommu='on' instead"));
    }
    return TRUE;
}

/* iommu mode: without launchSecurity, the metadata marker says that the
 * guest is meant to be protected. */
static gboolean
virQEMUFixMarker(virQEMUFixCtx *ctx, GError **error)
{
    const virDomainDef *def = ctx->def;
    xmlNodePtr metadata;

    if (def->pv_marker)
        return TRUE;
    if ((metadata = virXMLChild(def->root, "metadata"))) {
        if (!virXMLTextEditAppendChild(ctx->edit, metadata, FIX_MARKER, error))
            return FALSE;
        virQEMUFixNote(ctx, metadata, _("added the PV marker to <metadata>"));
        return TRUE;
    }
    if (!virXMLTextEditAppendChild(ctx->edit, def->root,
                                   "<metadata>\n\t" FIX_MARKER "\n</metadata>", error))
        return FALSE;
    virQEMUFixNote(ctx, def->root, _("added <metadata> with the PV marker"));
    return TRUE;
}

/* pv-required: make the guest a PV guest in the mode asked for. */
static gboolean
virQEMUFixProtect(virQEMUFixCtx *ctx, GError **error)
{
    const virDomainDef *def = ctx->def;

    if (ctx->mode == VIR_QEMU_FIX_MODE_IOMMU)
        return virQEMUFixRemoveLaunchSecurity(ctx, error) && virQEMUFixMarker(ctx, error);
    if (def->launch_security->len > 0)
        return TRUE;
    if (!virXMLTextEditAppendChild(ctx->edit, def->root, FIX_LAUNCH_SECURITY, error))
        return FALSE;
    virQEMUFixNote(ctx, def->root, _("added <launchSecurity type='s390-pv'/>"));
    return TRUE;
}

/* ---- CPU ---------------------------------------------------------------- */

static const virDomainCPUFeature *
virQEMUFixCPUFeature(const virDomainDef *def, xmlNodePtr node)
{
    guint i;

    for (i = 0; i < def->cpu_features->len; i++) {
        const virDomainCPUFeature *feature = g_ptr_array_index(def->cpu_features, i);

        if (feature->node == node)
            return feature;
    }
    return NULL;
}

/* The children of <cpu> that the repair drops: the model when it becomes
 * host-model, and features that turn unpack off. */
static gboolean
virQEMUFixCPUDrops(const virDomainDef *def, xmlNodePtr child, gboolean to_host_model)
{
    const virDomainCPUFeature *feature = virQEMUFixCPUFeature(def, child);

    if (to_host_model && virXMLNodeIs(child, "model"))
        return TRUE;
    return feature && virQEMUValidateFeatureDisablesUnpack(feature);
}

/* Drop those children; when nothing else is left, write <cpu .../>
 * rather than leave an empty pair of tags. */
static gboolean
virQEMUFixCPUChildren(virQEMUFixCtx *ctx, gboolean to_host_model, GError **error)
{
    xmlNodePtr cpu = ctx->def->cpu_node;
    gboolean keeps = FALSE;
    gboolean drops = FALSE;
    xmlNodePtr child;

    for (child = cpu->children; child; child = child->next) {
        if (child->type != XML_ELEMENT_NODE)
            continue;
        if (virQEMUFixCPUDrops(ctx->def, child, to_host_model))
            drops = TRUE;
        else
            keeps = TRUE;
    }
    if (!drops)
        return TRUE;
    if (!keeps)
        return virXMLTextEditCollapse(ctx->edit, cpu, error);
    for (child = cpu->children; child; child = child->next) {
        if (child->type == XML_ELEMENT_NODE &&
            virQEMUFixCPUDrops(ctx->def, child, to_host_model) &&
            !virXMLTextEditRemoveElement(ctx->edit, child, error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
virQEMUFixCPUMode(virQEMUFixCtx *ctx, GError **error)
{
    const virDomainDef *def = ctx->def;

    if (!virXMLTextEditSetAttr(ctx->edit, def->cpu_node, "mode", "host-model", error) ||
        !virXMLTextEditRemoveAttr(ctx->edit, def->cpu_node, "match", error))
        return FALSE;
    if (def->cpu_model)
        virQEMUFixNote(ctx, def->cpu_node,
                       _("changed the CPU from model '%s' to host-model, which has unpack"),
                       def->cpu_model);
    else
        virQEMUFixNote(ctx, def->cpu_node,
                       _("changed the CPU from custom to host-model, which has unpack"));
    return TRUE;
}

/* cpu-model and cpu-unpack-disabled, at once: both drop children of <cpu>. */
static gboolean
virQEMUFixCPU(virQEMUFixCtx *ctx, GError **error)
{
    const virDomainDef *def = ctx->def;
    gboolean to_host_model;
    guint i;

    if (!def->cpu_node)
        return TRUE;
    to_host_model = virQEMUValidateCPULacksUnpack(def);
    if (to_host_model && !virQEMUFixCPUMode(ctx, error))
        return FALSE;
    for (i = 0; i < def->cpu_features->len; i++) {
        const virDomainCPUFeature *feature = g_ptr_array_index(def->cpu_features, i);

        if (virQEMUValidateFeatureDisablesUnpack(feature))
            virQEMUFixNote(ctx, feature->node,
                           _("removed the '%s' policy of CPU feature unpack"), feature->policy);
    }
    return virQEMUFixCPUChildren(ctx, to_host_model, error);
}

/* ---- virtio devices ----------------------------------------------------- */

/* Devices whose fate is decided elsewhere: the balloon is switched off,
 * virtio-mem cannot work under PV at all. */
static gboolean
virQEMUFixDeviceIsOwnCase(const virDomainDevice *dev)
{
    return dev->kind == VIR_DOMAIN_DEVICE_MEMBALLOON || virQEMUValidateDeviceIsVirtioMem(dev);
}

/* launch-security mode: QEMU turns iommu_platform on by itself; an
 * explicit off is what breaks the guest. */
static gboolean
virQEMUFixDriverOffOne(virQEMUFixCtx *ctx, const virDomainDevice *dev, xmlNodePtr driver,
                       GError **error)
{
    if (virQEMUFixCountAttributes(driver) == 1 && !driver->children)
        return virQEMUFixRemoveChild(ctx, dev->node, driver, error);
    return virXMLTextEditRemoveAttr(ctx->edit, driver, "iommu", error);
}

/* Every <driver> with iommu='off' goes: with the first one removed, a
 * second (invalid for libvirt's schema, but possible in a hand-written
 * file) would otherwise become the device's driver, still off. */
static gboolean
virQEMUFixDriverOff(virQEMUFixCtx *ctx, const virDomainDevice *dev, GError **error)
{
    xmlNodePtr cur;

    for (cur = dev->node->children; cur; cur = cur->next) {
        xmlChar *iommu;
        gboolean off;

        if (!virXMLNodeIs(cur, "driver"))
            continue;
        iommu = xmlGetNoNsProp(cur, (const xmlChar *)"iommu");
        off = iommu && g_str_equal((const char *)iommu, "off");
        xmlFree(iommu);
        if (off && !virQEMUFixDriverOffOne(ctx, dev, cur, error))
            return FALSE;
    }
    virQEMUFixNote(ctx, dev->node, _("removed iommu='off', which overrides QEMU's PV default"));
    return TRUE;
}

static gboolean
virQEMUFixDriverOn(virQEMUFixCtx *ctx, const virDomainDevice *dev, GError **error)
{
    xmlNodePtr driver = virXMLChild(dev->node, "driver");

    /* Elements that take no <driver iommu> in libvirt's schema (the virtio
     * IOMMU, virtio-pmem, vhost-scsi) are left for validation to report. */
    if (!virQEMUValidateDeviceLacksIommu(dev) || !dev->takes_iommu)
        return TRUE;
    if (driver) {
        if (!virXMLTextEditSetAttr(ctx->edit, driver, "iommu", "on", error))
            return FALSE;
        virQEMUFixNote(ctx, dev->node, _("set iommu='on' on the driver"));
        return TRUE;
    }
    if (!virXMLTextEditAppendChild(ctx->edit, dev->node, FIX_DRIVER, error))
        return FALSE;
    virQEMUFixNote(ctx, dev->node, _("added <driver iommu='on'/>"));
    return TRUE;
}

/* The explicit form of a controller libvirt would add by itself, at the
 * index the model gives it. */
static char *
virQEMUFixImplicitController(const virDomainDevice *dev)
{
    if (dev->kind != VIR_DOMAIN_DEVICE_CONTROLLER || !dev->type)
        return NULL;
    if (g_str_equal(dev->type, "virtio-serial"))
        return g_strdup_printf("<controller type='virtio-serial' index='%u'>\n\t" FIX_DRIVER
                               "\n</controller>",
                               dev->index);
    if (g_str_equal(dev->type, "scsi"))
        return g_strdup_printf("<controller type='scsi' index='%u' model='virtio-scsi'>\n\t"
                               FIX_DRIVER "\n</controller>",
                               dev->index);
    return NULL;
}

static gboolean
virQEMUFixImplicit(virQEMUFixCtx *ctx, const virDomainDevice *dev, GError **error)
{
    g_autofree char *fragment = virQEMUFixImplicitController(dev);

    if (!fragment || !ctx->def->devices_node)
        return TRUE;
    if (!virXMLTextEditAppendChild(ctx->edit, ctx->def->devices_node, fragment, error))
        return FALSE;
    virQEMUFixNote(ctx, ctx->def->devices_node,
                   _("added the %s controller that libvirt would add, with iommu='on' (needed "
                     "by %s)"),
                   dev->type, dev->xpath);
    return TRUE;
}

/* virtio-iommu-off, virtio-iommu-missing and implicit-virtio-device, as
 * the mode wants them; the implicit balloon is the balloon's repair. */
static gboolean
virQEMUFixDevices(virQEMUFixCtx *ctx, GError **error)
{
    GPtrArray *devices = ctx->def->devices;
    guint i;

    for (i = 0; i < devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(devices, i);
        gboolean ok = TRUE;

        if (!dev->virtio || virQEMUFixDeviceIsOwnCase(dev))
            continue;
        if (ctx->mode == VIR_QEMU_FIX_MODE_LAUNCH_SECURITY)
            ok = !virQEMUValidateDeviceIommuOff(dev) || virQEMUFixDriverOff(ctx, dev, error);
        else if (dev->implicit)
            ok = virQEMUFixImplicit(ctx, dev, error);
        else
            ok = virQEMUFixDriverOn(ctx, dev, error);
        if (!ok)
            return FALSE;
    }
    return TRUE;
}

/* ---- the balloon -------------------------------------------------------- */

/* No <memballoon> at all: libvirt would add a virtio one; say none. */
static gboolean
virQEMUFixBalloonImplicit(virQEMUFixCtx *ctx, const virDomainDevice *balloon, GError **error)
{
    const virDomainDef *def = ctx->def;

    if (def->devices_node) {
        if (!virXMLTextEditAppendChild(ctx->edit, def->devices_node, FIX_BALLOON, error))
            return FALSE;
    } else if (!virXMLTextEditAppendChild(ctx->edit, def->root,
                                          "<devices>\n\t" FIX_BALLOON "\n</devices>", error)) {
        return FALSE;
    }
    virQEMUFixNote(ctx, balloon->node,
                   _("added <memballoon model='none'/>: libvirt would add a virtio balloon, "
                     "which PV fences"));
    return TRUE;
}

/* memballoon-enabled.  Every balloon element is switched off: libvirt's
 * schema allows one, but a definition with two must not keep a working
 * second one after fix. */
static gboolean
virQEMUFixBalloon(virQEMUFixCtx *ctx, GError **error)
{
    const virDomainDef *def = ctx->def;
    guint i;

    for (i = 0; i < def->devices->len; i++) {
        const virDomainDevice *balloon = g_ptr_array_index(def->devices, i);

        if (balloon->kind != VIR_DOMAIN_DEVICE_MEMBALLOON ||
            (balloon->model && g_str_equal(balloon->model, "none")))
            continue;
        if (balloon->implicit)
            return virQEMUFixBalloonImplicit(ctx, balloon, error);
        if (!virXMLTextEditReplaceElement(ctx->edit, balloon->node, FIX_BALLOON, error))
            return FALSE;
        virQEMUFixNote(ctx, balloon->node,
                       _("switched the balloon off: PV fences it, so it does nothing"));
    }
    return TRUE;
}

/* ---- putting it together ------------------------------------------------ */

typedef gboolean (*virQEMUFixRepairFunc)(virQEMUFixCtx *ctx, GError **error);

/* The function of each repair the rule table names (qemu_validate.c). */
static const virQEMUFixRepairFunc virQEMUFixRepairs[] = {
    [VIR_QEMU_REPAIR_NONE] = NULL,
    [VIR_QEMU_REPAIR_PROTECT] = virQEMUFixProtect,
    [VIR_QEMU_REPAIR_LAUNCH_SECURITY] = virQEMUFixLaunchSecurity,
    [VIR_QEMU_REPAIR_CPU] = virQEMUFixCPU,
    [VIR_QEMU_REPAIR_VIRTIO] = virQEMUFixDevices,
    [VIR_QEMU_REPAIR_BALLOON] = virQEMUFixBalloon,
};
G_STATIC_ASSERT(G_N_ELEMENTS(virQEMUFixRepairs) == VIR_QEMU_REPAIR_LAST);

/* Run the repairs that the rule table names, in the order of
 * virQEMURepair: each once, however many rules name it. */
static gboolean
virQEMUFixRun(virQEMUFixCtx *ctx, GError **error)
{
    const char *const *codes = virQEMUValidateCodes();
    gboolean named[VIR_QEMU_REPAIR_LAST] = { FALSE };
    guint i;

    for (i = 0; codes[i]; i++)
        named[virQEMUValidateCodeRepair(codes[i])] = TRUE;
    for (i = VIR_QEMU_REPAIR_NONE + 1; i < VIR_QEMU_REPAIR_LAST; i++) {
        if (named[i] && !virQEMUFixRepairs[i](ctx, error))
            return FALSE;
    }
    return TRUE;
}

/* The xpaths the model computed while parsing, in linear time for all of
 * them; computing one afresh costs as much as the element's siblings, too
 * much for each of thousands of devices. */
static GHashTable *
virQEMUFixKnownXPaths(const virDomainDef *def)
{
    GHashTable *xpaths = g_hash_table_new(g_direct_hash, g_direct_equal);
    guint i;

    for (i = 0; i < def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(def->devices, i);

        if (!dev->implicit)
            g_hash_table_insert(xpaths, dev->node, dev->xpath);
    }
    return xpaths;
}

static gint
virQEMUFixCompareOrder(gconstpointer a, gconstpointer b, gpointer opaque)
{
    GArray *order = opaque;
    guint x = *(const guint *)a;
    guint y = *(const guint *)b;
    gsize ox = g_array_index(order, gsize, x);
    gsize oy = g_array_index(order, gsize, y);

    /* Ties keep the order the changes were made in. */
    if (ox != oy)
        return ox < oy ? -1 : 1;
    return x < y ? -1 : (x > y ? 1 : 0);
}

/* The changes in document order of their elements. */
static GPtrArray *
virQEMUFixSortedChanges(virQEMUFixCtx *ctx)
{
    GPtrArray *sorted = g_ptr_array_new_with_free_func((GDestroyNotify)virQEMUFixChangeFree);
    g_autofree guint *perm = g_new(guint, ctx->changes->len);
    guint i;

    for (i = 0; i < ctx->changes->len; i++)
        perm[i] = i;
    g_qsort_with_data(perm, (gint)ctx->changes->len, sizeof(guint), virQEMUFixCompareOrder,
                      ctx->order);
    for (i = 0; i < ctx->changes->len; i++)
        g_ptr_array_add(sorted, g_steal_pointer(&g_ptr_array_index(ctx->changes, perm[i])));
    return sorted;
}

gboolean
virQEMUFixDomain(const virDomainDef *def, virQEMUFixMode mode, virQEMUFixResult **ret_result,
                 GError **error)
{
    g_autoptr(virXMLTextEdit) edit = NULL;
    g_autoptr(GPtrArray) changes =
        g_ptr_array_new_with_free_func((GDestroyNotify)virQEMUFixChangeFree);
    g_autoptr(GArray) order = g_array_new(FALSE, FALSE, sizeof(gsize));
    g_autoptr(virQEMUFixResult) result = g_new0(virQEMUFixResult, 1);
    g_autoptr(GHashTable) xpaths = virQEMUFixKnownXPaths(def);
    virQEMUFixCtx ctx = { def, mode, NULL, changes, order, xpaths };

    if (!(edit = virXMLTextEditNew(def->xml, def->xml_len, def->doc, def->path, error)))
        return FALSE;
    ctx.edit = edit;
    /* A definition for another architecture is not a PV guest gone wrong:
     * changing it would only hide the real problem. */
    if (!virQEMUValidateArchIsOther(def) && !virQEMUFixRun(&ctx, error))
        return FALSE;
    if (!(result->xml = virXMLTextEditApply(edit, &result->len, error)))
        return FALSE;
    result->changes = virQEMUFixSortedChanges(&ctx);
    *ret_result = g_steal_pointer(&result);
    return TRUE;
}
