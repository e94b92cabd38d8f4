/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "qemu_validate.h"
#include "conf/virxml.h"
#include "util/virhostkey.h"
#include "util/virstring.h"

/* The s390x machine type of virtio-ccw guests. */
#define VIR_QEMU_CCW_MACHINE "s390-ccw-virtio"

/* QEMU's version numbers as virQEMUCapsPV.version has them. */
#define VIR_QEMU_VERSION(major, minor) ((major) * 1000000 + (minor) * 1000)

static const char *const virQEMUFindingSeverityStrings[] = {
    "error",
    "warning",
    "note",
};
G_STATIC_ASSERT(G_N_ELEMENTS(virQEMUFindingSeverityStrings) == VIR_QEMU_FINDING_LAST);

const char *
virQEMUFindingSeverityToString(virQEMUFindingSeverity severity)
{
    if ((guint)severity >= VIR_QEMU_FINDING_LAST)
        return NULL;
    return virQEMUFindingSeverityStrings[severity];
}

static const char *const virQEMUPVModeStrings[] = {
    "none",
    "launch-security",
    "iommu",
};
G_STATIC_ASSERT(G_N_ELEMENTS(virQEMUPVModeStrings) == VIR_QEMU_PV_MODE_LAST);

const char *
virQEMUPVModeToString(virQEMUPVMode mode)
{
    if ((guint)mode >= VIR_QEMU_PV_MODE_LAST)
        return NULL;
    return virQEMUPVModeStrings[mode];
}

static const char *const virQEMURepairStrings[] = {
    "none",
    "protect",
    "launch-security",
    "cpu",
    "virtio",
    "balloon",
};
G_STATIC_ASSERT(G_N_ELEMENTS(virQEMURepairStrings) == VIR_QEMU_REPAIR_LAST);

const char *
virQEMURepairToString(virQEMURepair repair)
{
    if ((guint)repair >= VIR_QEMU_REPAIR_LAST)
        return NULL;
    return virQEMURepairStrings[repair];
}

static gboolean
virQEMUValidateIsS390x(const virDomainDef *def)
{
    return g_strcmp0(def->os_arch, "s390x") == 0;
}

/* Without an arch libvirt takes the host's, which for a guest meant for
 * PV is s390x. */
gboolean
virQEMUValidateArchIsOther(const virDomainDef *def)
{
    return def->os_arch && !virQEMUValidateIsS390x(def);
}

gboolean
virQEMUValidateLaunchSecurityIsPV(const virDomainLaunchSecurity *sec)
{
    return g_strcmp0(sec->type, "s390-pv") == 0;
}

/* launchSecurity type='s390-pv' makes a guest PV; on s390x any other
 * launchSecurity shows the same intent, wrongly spelt.  Without one,
 * --pv or the metadata marker ask for iommu mode. */
virQEMUPVMode
virQEMUValidateMode(const virQEMUValidateContext *ctx, const virDomainDef *def)
{
    if (virDomainDefHasLaunchSecurityType(def, "s390-pv"))
        return VIR_QEMU_PV_MODE_LAUNCH_SECURITY;
    if (def->launch_security->len > 0 && virQEMUValidateIsS390x(def))
        return VIR_QEMU_PV_MODE_LAUNCH_SECURITY;
    if (ctx->force_pv || virDomainDefHasPVMarker(def))
        return VIR_QEMU_PV_MODE_IOMMU;
    return VIR_QEMU_PV_MODE_NONE;
}

/* ---- running the rules -------------------------------------------------- */

typedef enum {
    VIR_QEMU_KERNEL_UNKNOWN = 0, /* not asked yet */
    VIR_QEMU_KERNEL_SE,
    VIR_QEMU_KERNEL_NOT_SE,
    VIR_QEMU_KERNEL_UNCHECKED,   /* no check, missing, or unreadable */
} virQEMUKernelState;

typedef struct {
    const virQEMUValidateContext *ctx;
    const virDomainDef *def;
    virQEMUValidateResult *result;
    virQEMUKernelState kernel;
    GError *kernel_error;        /* why the kernel is unchecked, if asked */
    virSEImageHeader *image;     /* the kernel's SE header, when it has one */
} virQEMUValidateRun;

typedef struct _virQEMUValidateRule virQEMUValidateRule;
typedef void (*virQEMUValidateRuleFunc)(virQEMUValidateRun *run,
                                        const virQEMUValidateRule *rule);

#define VIR_QEMU_RULE_NONE (1u << VIR_QEMU_PV_MODE_NONE)
#define VIR_QEMU_RULE_LS (1u << VIR_QEMU_PV_MODE_LAUNCH_SECURITY)
#define VIR_QEMU_RULE_IOMMU (1u << VIR_QEMU_PV_MODE_IOMMU)
#define VIR_QEMU_RULE_PV (VIR_QEMU_RULE_LS | VIR_QEMU_RULE_IOMMU)

struct _virQEMUValidateRule {
    const char *code;
    virQEMUFindingSeverity severity;
    unsigned int modes;         /* VIR_QEMU_RULE_* */
    const char *hint;           /* N_(); a rule may give a more precise one */
    virQEMUValidateRuleFunc check;
    virQEMURepair repair;       /* what `virt-pv fix` does about it */
};

static void
virQEMUFindingFree(virQEMUFinding *finding)
{
    g_free(finding->message);
    g_free(finding->hint);
    g_free(finding->xpath);
    g_free(finding);
}

void
virQEMUValidateContextClear(virQEMUValidateContext *ctx)
{
    virQEMUCapsPVClear(&ctx->caps);
}

void
virQEMUValidateResultFree(virQEMUValidateResult *result)
{
    if (!result)
        return;
    g_clear_pointer(&result->findings, g_ptr_array_unref);
    g_free(result);
}

static gboolean
virQEMUValidateIgnored(const virQEMUValidateContext *ctx, const char *code)
{
    return ctx->ignore && g_strv_contains(ctx->ignore, code);
}

/* Record a finding of @rule at @node, whose xpath is @xpath when the
 * model knows it already (NULL: worked out here).  @hint NULL: the rule's
 * own hint.  Takes @message and @hint. */
static void
virQEMUValidateAddFull(virQEMUValidateRun *run, const virQEMUValidateRule *rule,
                       virQEMUFindingSeverity severity, xmlNodePtr node, const char *xpath,
                       char *message, char *hint)
{
    virQEMUFinding *finding = g_new0(virQEMUFinding, 1);

    if (severity == VIR_QEMU_FINDING_ERROR && virQEMUValidateIgnored(run->ctx, rule->code))
        severity = VIR_QEMU_FINDING_WARNING;
    finding->code = rule->code;
    finding->severity = severity;
    /* Messages quote values from the definition; a finding stays one line
     * whatever those hold. */
    finding->message = virStringEscapeControl(message);
    finding->hint = virStringEscapeControl(hint ? hint : _(rule->hint));
    g_free(message);
    g_free(hint);
    finding->xpath = xpath ? g_strdup(xpath) : virXMLNodeXPath(node);
    finding->order = virDomainDefNodeOrder(run->def, node);
    g_ptr_array_add(run->result->findings, finding);
}

static void
virQEMUValidateAdd(virQEMUValidateRun *run, const virQEMUValidateRule *rule, xmlNodePtr node,
                   char *message)
{
    virQEMUValidateAddFull(run, rule, rule->severity, node, NULL, message, NULL);
}

static void
virQEMUValidateAddAt(virQEMUValidateRun *run, const virQEMUValidateRule *rule, xmlNodePtr node,
                     const char *xpath, char *message)
{
    virQEMUValidateAddFull(run, rule, rule->severity, node, xpath, message, NULL);
}

/* ---- the rules ---------------------------------------------------------- */

static void
virQEMUValidateArch(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virDomainDef *def = run->def;

    if (virQEMUValidateArchIsOther(def))
        virQEMUValidateAdd(run, rule, def->os_type_node,
                           g_strdup_printf(_("the guest architecture is '%s', not s390x"),
                                           def->os_arch));
}

static void
virQEMUValidateVirtType(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virDomainDef *def = run->def;

    if (!def->virt_type)
        virQEMUValidateAdd(run, rule, def->root, g_strdup(_("the domain type is not set")));
    else if (!g_str_equal(def->virt_type, "kvm"))
        virQEMUValidateAdd(run, rule, def->root,
                           g_strdup_printf(_("the domain type is '%s', not kvm"),
                                           def->virt_type));
}

/*
 * s390-ccw-virtio, or any s390-ccw-virtio-SUFFIX: QEMU names its versioned
 * machines s390-ccw-virtio-X.Y (hw/s390x/s390-virtio-ccw.c,
 * DEFINE_CCW_MACHINE), and distributions register their own under the
 * same prefix (RHEL s390-ccw-virtio-rhel9.6.0, Ubuntu -noble, -jammy);
 * libvirt writes the full name into every defined guest.
 */
static gboolean
virQEMUValidateMachineIsCCW(const char *machine)
{
    return g_str_equal(machine, VIR_QEMU_CCW_MACHINE) ||
           (g_str_has_prefix(machine, VIR_QEMU_CCW_MACHINE "-") &&
            machine[strlen(VIR_QEMU_CCW_MACHINE "-")] != '\0');
}

static void
virQEMUValidateMachine(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virDomainDef *def = run->def;

    if (def->os_machine && !virQEMUValidateMachineIsCCW(def->os_machine))
        virQEMUValidateAdd(run, rule, def->os_type_node,
                           g_strdup_printf(_("the machine type is '%s', not s390-ccw-virtio"),
                                           def->os_machine));
}

/* With the probed machine list, a name QEMU does not know fails at start
 * ("unsupported machine type"); a warning, since the list may come from
 * another QEMU than the one that will run the guest. */
static void
virQEMUValidateMachineKnown(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virDomainDef *def = run->def;
    const virQEMUCapsPV *caps = &run->ctx->caps;

    if (!caps->have_caps || !caps->machines || !def->os_machine ||
        !virQEMUValidateMachineIsCCW(def->os_machine) ||
        g_strv_contains((const char *const *)caps->machines, def->os_machine))
        return;
    virQEMUValidateAdd(run, rule, def->os_type_node,
                       g_strdup_printf(_("the machine type '%s' is not among the machine "
                                         "types of this QEMU"),
                                       def->os_machine));
}

/*
 * hw/s390x/s390-virtio-ccw.c: ccw_machine_2_7_class_options() sets
 * cpu_model_allowed = false, so machines up to 2.7 have no CPU model and
 * thus no unpack feature; ccw_machine_2_4_class_options() also sets
 * max_revision 0 on every virtio-*-ccw device, legacy virtio without
 * VIRTIO_F_VERSION_1, which a protected Linux guest refuses
 * (drivers/virtio/virtio.c, virtio_features_ok(): restricted memory
 * access needs VERSION_1 and ACCESS_PLATFORM).  Only QEMU's own X.Y
 * names carry a version; distribution names are not judged.
 */
static void
virQEMUValidateMachineAge(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virDomainDef *def = run->def;
    guint major = def->os_machine_major;
    guint minor = def->os_machine_minor;

    if ((major == 0 && minor == 0) || major > 2 || (major == 2 && minor > 7))
        return;
    if (major < 2 || minor <= 4)
        virQEMUValidateAdd(run, rule, def->os_type_node,
                           g_strdup_printf(_("the machine type '%s' offers only legacy virtio "
                                             "devices, which a protected guest refuses, and "
                                             "no CPU model with unpack"),
                                           def->os_machine));
    else
        virQEMUValidateAdd(run, rule, def->os_type_node,
                           g_strdup_printf(_("the machine type '%s' has no CPU models, so the "
                                             "guest cannot have the unpack feature"),
                                           def->os_machine));
}

/* policy='disable' or 'forbid': the guest's CPU does not have it. */
static gboolean
virQEMUValidateFeatureIsOff(const virDomainCPUFeature *feature)
{
    return feature->policy &&
           (g_str_equal(feature->policy, "disable") || g_str_equal(feature->policy, "forbid"));
}

/* An absent policy means require. */
static gboolean
virQEMUValidateFeatureIsOn(const virDomainCPUFeature *feature)
{
    return !feature->policy || g_str_equal(feature->policy, "require") ||
           g_str_equal(feature->policy, "force");
}

static gboolean
virQEMUValidateFeatureIsUnpack(const virDomainCPUFeature *feature)
{
    return g_strcmp0(feature->name, "unpack") == 0;
}

gboolean
virQEMUValidateFeatureDisablesUnpack(const virDomainCPUFeature *feature)
{
    return virQEMUValidateFeatureIsUnpack(feature) && virQEMUValidateFeatureIsOff(feature);
}

static gboolean
virQEMUValidateCPURequiresUnpack(const virDomainDef *def)
{
    guint i;

    for (i = 0; i < def->cpu_features->len; i++) {
        const virDomainCPUFeature *f = g_ptr_array_index(def->cpu_features, i);

        if (virQEMUValidateFeatureIsUnpack(f) && virQEMUValidateFeatureIsOn(f))
            return TRUE;
    }
    return FALSE;
}

/* libvirt's default mode is custom, but a <cpu> without a model (only
 * topology, say) leaves QEMU's default model, the host's. */
static gboolean
virQEMUValidateCPUIsCustom(const virDomainDef *def)
{
    if (!def->cpu_node)
        return FALSE;
    if (def->cpu_mode)
        return g_str_equal(def->cpu_mode, "custom");
    return def->cpu_model != NULL;
}

gboolean
virQEMUValidateCPULacksUnpack(const virDomainDef *def)
{
    return virQEMUValidateCPUIsCustom(def) && !virQEMUValidateCPURequiresUnpack(def);
}

static void
virQEMUValidateCPUModel(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virDomainDef *def = run->def;

    if (!virQEMUValidateCPULacksUnpack(def))
        return;
    virQEMUValidateAdd(run, rule, def->cpu_node,
                       g_strdup_printf(_("the custom CPU model '%s' does not require the "
                                         "unpack feature"),
                                       def->cpu_model ? def->cpu_model : ""));
}

static void
virQEMUValidateCPUUnpack(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    guint i;

    for (i = 0; i < run->def->cpu_features->len; i++) {
        const virDomainCPUFeature *f = g_ptr_array_index(run->def->cpu_features, i);

        if (virQEMUValidateFeatureDisablesUnpack(f))
            virQEMUValidateAddAt(run, rule, f->node, f->xpath,
                               g_strdup_printf(_("the CPU feature unpack has policy '%s'"),
                                               f->policy));
    }
}

/*
 * The CPU models before the z15 (gen15a), in the order of
 * target/s390x/cpu_models.c (s390_cpu_defs[]).  unpack is first in the
 * full feature set of gen15a, and set_feature() there refuses it for an
 * older model: "Feature 'unpack' is not available for CPU model 'z14', it
 * was introduced with later models."
 */
static const char *const virQEMUValidatePreZ15Models[] = {
    "z900", "z900.2", "z900.3", "z800", "z990", "z990.2", "z990.3", "z890",
    "z990.4", "z890.2", "z990.5", "z890.3", "z9EC", "z9EC.2", "z9BC", "z9EC.3",
    "z9BC.2", "z10EC", "z10EC.2", "z10BC", "z10EC.3", "z10BC.2", "z196", "z196.2",
    "z114", "zEC12", "zEC12.2", "zBC12", "z13", "z13.2", "z13s", "z14",
    "z14.2", "z14ZR1", NULL,
};

/* A model name without the "-base" of QEMU's static variants. */
static gboolean
virQEMUValidateCPUModelIsPreZ15(const char *model)
{
    g_autofree char *name = g_strdup(model);

    if (g_str_has_suffix(name, "-base"))
        name[strlen(name) - strlen("-base")] = '\0';
    return g_strv_contains(virQEMUValidatePreZ15Models, name);
}

static void
virQEMUValidateCPUModelAge(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virDomainDef *def = run->def;

    if (!virQEMUValidateCPUIsCustom(def) || !def->cpu_model ||
        !virQEMUValidateCPURequiresUnpack(def) ||
        !virQEMUValidateCPUModelIsPreZ15(def->cpu_model))
        return;
    virQEMUValidateAdd(run, rule, def->cpu_node,
                       g_strdup_printf(_("the CPU model '%s' is older than the z15 (gen15a); "
                                         "QEMU refuses the unpack feature for it"),
                                       def->cpu_model));
}

gboolean
virQEMUValidateDeviceIommuOff(const virDomainDevice *dev)
{
    return !dev->implicit && dev->virtio && dev->iommu == VIR_TRISTATE_SWITCH_OFF;
}

static void
virQEMUValidateIommuOff(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    guint i;

    for (i = 0; i < run->def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(run->def->devices, i);

        if (virQEMUValidateDeviceIommuOff(dev))
            virQEMUValidateAddAt(run, rule, dev->node, dev->xpath,
                               g_strdup_printf(_("the virtio %s has iommu='off', which "
                                                 "overrides QEMU's PV default"),
                                               dev->element));
    }
}

/*
 * iommu mode: a virtio device whose element takes no <driver iommu> in
 * libvirt cannot get iommu_platform=on.  vhost-scsi (<hostdev
 * type='scsi_host'>) is the one users meet.  In launch-security mode QEMU
 * turns iommu_platform on for it as for every virtio device, and
 * hw/virtio/vhost.c, vhost_dev_set_features(), takes ACCESS_PLATFORM out
 * of what the vhost backend sees when the device's DMA address space is
 * plain memory (vhost_dev_has_iommu()), as on virtio-ccw: vhost-scsi,
 * vhost-vsock and virtiofs work there and are not flagged.
 */
static void
virQEMUValidateIommuImpossible(virQEMUValidateRun *run, const virQEMUValidateRule *rule,
                               const virDomainDevice *dev)
{
    gboolean vhost_scsi = dev->kind == VIR_DOMAIN_DEVICE_HOSTDEV;

    virQEMUValidateAddFull(
        run, rule, rule->severity, dev->node, dev->xpath,
        vhost_scsi ? g_strdup(_("the vhost-scsi host device cannot carry iommu='on': libvirt "
                                "has no <driver iommu> for it"))
                   : g_strdup_printf(_("the virtio %s cannot carry iommu='on': libvirt has "
                                       "no <driver iommu> for it"),
                                     dev->element),
        vhost_scsi ? g_strdup(_("use launch-security mode (<launchSecurity type='s390-pv'/>), "
                                "or give the guest its storage through a virtio-scsi "
                                "controller with <driver iommu='on'/>"))
                   : g_strdup(_("remove the device, or use launch-security mode "
                                "(<launchSecurity type='s390-pv'/>)")));
}

gboolean
virQEMUValidateDeviceLacksIommu(const virDomainDevice *dev)
{
    return !dev->implicit && dev->virtio && dev->iommu != VIR_TRISTATE_SWITCH_ON;
}

static void
virQEMUValidateIommuMissing(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    guint i;

    for (i = 0; i < run->def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(run->def->devices, i);

        if (!virQEMUValidateDeviceLacksIommu(dev))
            continue;
        if (!dev->takes_iommu) {
            virQEMUValidateIommuImpossible(run, rule, dev);
            continue;
        }
        virQEMUValidateAddFull(
            run, rule, rule->severity, dev->node, dev->xpath,
            g_strdup_printf(dev->iommu == VIR_TRISTATE_SWITCH_OFF
                                ? _("the virtio %s has iommu='off'")
                                : _("the virtio %s lacks iommu='on'"),
                            dev->element),
            g_strdup_printf(_("set <driver iommu='on'/> in the %s element"), dev->element));
    }
}

static void
virQEMUValidateImplicitDevice(virQEMUValidateRun *run, const virQEMUValidateRule *rule,
                              const virDomainDevice *dev)
{
    const char *cause = (const char *)dev->node->name;

    if (dev->kind == VIR_DOMAIN_DEVICE_MEMBALLOON) {
        virQEMUValidateAddFull(run, rule, rule->severity, dev->node, dev->xpath,
                               g_strdup(_("without a <memballoon> element libvirt adds a "
                                          "virtio balloon that cannot carry iommu='on'")),
                               g_strdup(_("add <memballoon model='none'/> to <devices>")));
    } else if (g_strcmp0(dev->type, "virtio-serial") == 0) {
        virQEMUValidateAddFull(
            run, rule, rule->severity, dev->node, dev->xpath,
            g_strdup_printf(_("the virtio %s makes libvirt add a virtio-serial controller "
                              "without iommu='on'"),
                            cause),
            g_strdup(_("add <controller type='virtio-serial'><driver iommu='on'/>"
                       "</controller>, or use an sclp console")));
    } else {
        virQEMUValidateAddFull(
            run, rule, rule->severity, dev->node, dev->xpath,
            g_strdup_printf(_("the SCSI %s makes libvirt add a virtio-scsi controller "
                              "without iommu='on'"),
                            cause),
            g_strdup(_("add <controller type='scsi' model='virtio-scsi'><driver "
                       "iommu='on'/></controller>")));
    }
}

static void
virQEMUValidateImplicitDevices(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    guint i;

    for (i = 0; i < run->def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(run->def->devices, i);

        if (dev->implicit && dev->virtio)
            virQEMUValidateImplicitDevice(run, rule, dev);
    }
}

static void
virQEMUValidateBalloon(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    guint i;

    for (i = 0; i < run->def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(run->def->devices, i);

        if (dev->kind != VIR_DOMAIN_DEVICE_MEMBALLOON || !dev->virtio)
            continue;
        virQEMUValidateAddAt(run, rule, dev->node, dev->xpath,
                           g_strdup(dev->implicit
                                        ? _("libvirt adds a virtio balloon by default; under "
                                            "PV it is fenced and does nothing")
                                        : _("a virtio balloon is configured; under PV it is "
                                            "fenced and does nothing")));
    }
}

/*
 * vfio passthrough of PCI and CCW devices is not supported: QEMU has no
 * way to let a vfio device reach protected memory.  vfio-ap works on hosts
 * and guests with AP support for PV.
 *
 * <hostdev type='scsi'> is no vfio device: libvirt makes it a
 * scsi-generic device on the guest's virtio-scsi controller, and its data
 * goes through that controller's (iommu_platform) bounce buffers; nothing
 * in QEMU's PV code (target/s390x/kvm/pv.c, hw/s390x/s390-virtio-ccw.c
 * s390_machine_protect()) refuses it.  A note says where to look.
 */
static void
virQEMUValidateHostdevSCSI(virQEMUValidateRun *run, const virQEMUValidateRule *rule,
                           const virDomainDevice *dev)
{
    virQEMUValidateAddFull(run, rule, VIR_QEMU_FINDING_NOTE, dev->node, dev->xpath,
                           g_strdup(_("SCSI passthrough goes through the virtio-scsi "
                                      "controller; the host sees the commands and data the "
                                      "guest sends to that device")),
                           g_strdup(_("pass through only devices whose data the guest "
                                      "encrypts itself, or use a virtio disk")));
}

static void
virQEMUValidateHostdev(virQEMUValidateRun *run, const virQEMUValidateRule *rule,
                       const virDomainDevice *dev)
{
    const char *what = NULL;

    if (dev->kind == VIR_DOMAIN_DEVICE_INTERFACE) {
        if (g_strcmp0(dev->type, "hostdev") == 0)
            what = "interface type='hostdev'";
    } else if (g_strcmp0(dev->type, "scsi") == 0) {
        virQEMUValidateHostdevSCSI(run, rule, dev);
        return;
    } else if (g_strcmp0(dev->type, "pci") == 0) {
        what = dev->type;
    } else if (g_strcmp0(dev->type, "mdev") == 0) {
        if (g_strcmp0(dev->model, "vfio-ap") == 0) {
            virQEMUValidateAddFull(
                run, rule, VIR_QEMU_FINDING_WARNING, dev->node, dev->xpath,
                g_strdup(_("vfio-ap passes crypto adapters through; a protected guest can "
                           "use them only with AP support for PV on host and guest")),
                g_strdup(_("check that the host (IBM z16 or newer) and the guest kernel "
                           "support AP for protected guests")));
            return;
        }
        what = dev->model ? dev->model : "mdev";
    }
    if (what)
        virQEMUValidateAddAt(run, rule, dev->node, dev->xpath,
                           g_strdup_printf(_("host device passthrough (%s) is not supported "
                                             "for protected guests"),
                                           what));
}

static void
virQEMUValidateHostdevs(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    guint i;

    for (i = 0; i < run->def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(run->def->devices, i);

        if (dev->kind == VIR_DOMAIN_DEVICE_HOSTDEV || dev->kind == VIR_DOMAIN_DEVICE_INTERFACE)
            virQEMUValidateHostdev(run, rule, dev);
    }
}

static void
virQEMUValidateHugepages(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    if (run->def->hugepages_node)
        virQEMUValidateAdd(run, rule, run->def->hugepages_node,
                           g_strdup(_("the guest memory is backed by huge pages")));
}

gboolean
virQEMUValidateDeviceIsVirtioMem(const virDomainDevice *dev)
{
    return dev->kind == VIR_DOMAIN_DEVICE_MEMORY && g_strcmp0(dev->model, "virtio-mem") == 0;
}

static void
virQEMUValidateVirtioMem(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    guint i;

    for (i = 0; i < run->def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(run->def->devices, i);

        if (virQEMUValidateDeviceIsVirtioMem(dev))
            virQEMUValidateAddAt(run, rule, dev->node, dev->xpath,
                               g_strdup(_("a virtio-mem device cannot work: PV disables RAM "
                                          "discard")));
    }
}

/* The Ultravisor's own bound (query/max_cpus, the highest guest CPU id
 * plus one: arch/s390/kernel/uv.c, uv_query_max_guest_cpus), or
 * G_MAXUINT when the host is not known. */
static guint
virQEMUValidateUVMaxVcpus(const virQEMUValidateRun *run)
{
    const virUVInfo *uv = run->ctx->host.uv;

    if (!uv || !uv->values[VIR_UV_QUERY_MAX_CPUS].present)
        return G_MAXUINT;
    return (guint)MIN(uv->values[VIR_UV_QUERY_MAX_CPUS].value, G_MAXUINT);
}

/*
 * target/s390x/kvm/pv.c, s390_pv_get_max_cpus(): under PV the SCLP
 * Read-SCP-Info reply (hw/s390x/sclp.c, read_SCP_info()) must fit one
 * 4 KiB page; its 16-byte CPU entries start at offset 144 with the
 * extended-length-SCCB feature (els), at 128 without: 247 or 248 vCPUs.
 * s390_pv_check_cpus() compares the maximum (-smp maxcpus), not the
 * current count ("Protected VMs support a maximum of %d CPUs", QEMU 8.0).
 */
#define VIR_QEMU_PV_SCLP_PAGE 4096
#define VIR_QEMU_PV_SCLP_CPU_ENTRY 16
#define VIR_QEMU_PV_SCLP_CPU_OFFSET_ELS 144
#define VIR_QEMU_PV_SCLP_CPU_OFFSET 128

static gboolean
virQEMUValidateCPUFeatureDisabled(const virDomainDef *def, const char *name)
{
    guint i;

    for (i = 0; i < def->cpu_features->len; i++) {
        const virDomainCPUFeature *f = g_ptr_array_index(def->cpu_features, i);

        if (g_strcmp0(f->name, name) == 0 && virQEMUValidateFeatureIsOff(f))
            return TRUE;
    }
    return FALSE;
}

/* The most vCPUs a protected guest may have; further limits (the
 * Ultravisor's) go in as a MIN(). */
static guint
virQEMUValidateMaxVcpus(const virQEMUValidateRun *run)
{
    guint offset = virQEMUValidateCPUFeatureDisabled(run->def, "els")
                       ? VIR_QEMU_PV_SCLP_CPU_OFFSET
                       : VIR_QEMU_PV_SCLP_CPU_OFFSET_ELS;

    return (VIR_QEMU_PV_SCLP_PAGE - offset) / VIR_QEMU_PV_SCLP_CPU_ENTRY;
}

static void
virQEMUValidateVcpus(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    guint qemu_max = virQEMUValidateMaxVcpus(run);
    guint uv_max = virQEMUValidateUVMaxVcpus(run);
    guint max = MIN(qemu_max, uv_max);

    if (run->def->vcpu_max <= max)
        return;
    virQEMUValidateAddFull(run, rule, rule->severity, run->def->vcpu_node, NULL,
                           g_strdup_printf(uv_max < qemu_max
                                               ? _("the guest has up to %u vCPUs; this host's "
                                                   "Ultravisor runs protected guests with at "
                                                   "most %u")
                                               : _("the guest has up to %u vCPUs; a protected "
                                                   "guest has at most %u"),
                                           run->def->vcpu_max, max),
                           g_strdup_printf(_("set <vcpu> to %u or fewer"), max));
}

static void
virQEMUValidateLaunchSecurityType(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    guint i;

    for (i = 0; i < run->def->launch_security->len; i++) {
        const virDomainLaunchSecurity *sec = g_ptr_array_index(run->def->launch_security, i);

        if (!sec->type)
            virQEMUValidateAddAt(run, rule, sec->node, sec->xpath,
                               g_strdup(_("the launchSecurity element has no type")));
        else if (!virQEMUValidateLaunchSecurityIsPV(sec))
            virQEMUValidateAddAt(run, rule, sec->node, sec->xpath,
                               g_strdup_printf(_("launchSecurity type '%s' does not exist "
                                                 "on s390x"),
                                               sec->type));
    }
}

static void
virQEMUValidateLaunchSecurityForm(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    guint i;

    for (i = 0; i < run->def->launch_security->len; i++) {
        const virDomainLaunchSecurity *sec = g_ptr_array_index(run->def->launch_security, i);

        if (i > 0)
            virQEMUValidateAddAt(run, rule, sec->node, sec->xpath,
                               g_strdup(_("a second launchSecurity element")));
        else if (virQEMUValidateLaunchSecurityIsPV(sec) && sec->nchildren > 0)
            virQEMUValidateAddAt(run, rule, sec->node, sec->xpath,
                               g_strdup_printf(ngettext("launchSecurity type 's390-pv' has "
                                                        "%u child element; it takes none",
                                                        "launchSecurity type 's390-pv' has "
                                                        "%u child elements; it takes none",
                                                        sec->nchildren),
                                               sec->nchildren));
    }
}

static void
virQEMUValidateEmulator(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    g_autofree char *base = NULL;

    if (!run->def->emulator)
        return;
    base = g_path_get_basename(run->def->emulator);
    if (g_str_has_prefix(base, "qemu-system-") && !g_str_equal(base, "qemu-system-s390x"))
        virQEMUValidateAdd(run, rule, run->def->emulator_node,
                           g_strdup_printf(_("the emulator '%s' is not qemu-system-s390x"),
                                           run->def->emulator));
}

/* Running as root, the hook runs a guest's emulator (to probe it) only
 * when nobody but root can have changed it: tools/ decides, with
 * virFileIsTrustedExecutable(), and says why not. */
static void
virQEMUValidateEmulatorTrust(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    if (!run->ctx->emulator_untrusted)
        return;
    virQEMUValidateAdd(run, rule,
                       run->def->emulator_node ? run->def->emulator_node : run->def->root,
                       g_strdup_printf(_("the emulator was not run to probe it: %s"),
                                       run->ctx->emulator_untrusted));
}

/**
 * virQEMUValidateNameIsPlain:
 *
 * Whether @name can stand in a QEMU option without being read as more of
 * it.  QEMU's -cpu parser splits at every ',' and '=' and knows no
 * escape (target/s390x/cpu_models.c s390_cpu_model_parse via
 * cpu_model_from_type and the generic parse_cpu_option(), which splits the
 * model name at the first ','; QEMU 7.2 measured: in
 * "-cpu gen15a,unpack=on,msa=on,unpack=off" the last unpack wins).  CPU
 * model and feature names and machine types are plain words: letters,
 * digits, '.', '_' and '-'.
 */
gboolean
virQEMUValidateNameIsPlain(const char *name)
{
    const char *p;

    if (!name || !*name)
        return FALSE;
    for (p = name; *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '.' && *p != '_' && *p != '-')
            return FALSE;
    }
    return TRUE;
}

static void
virQEMUValidateNames(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virDomainDef *def = run->def;
    guint i;

    if (def->os_machine && !virQEMUValidateNameIsPlain(def->os_machine))
        virQEMUValidateAdd(run, rule, def->os_type_node,
                           g_strdup_printf(_("the machine type '%s' is not a plain name, which "
                                             "QEMU's option syntax needs"),
                                           def->os_machine));
    if (def->cpu_model && *def->cpu_model && !virQEMUValidateNameIsPlain(def->cpu_model))
        virQEMUValidateAdd(run, rule, def->cpu_node,
                           g_strdup_printf(_("the CPU model '%s' is not a plain name, which "
                                             "QEMU's option syntax needs"),
                                           def->cpu_model));
    for (i = 0; i < def->cpu_features->len; i++) {
        const virDomainCPUFeature *f = g_ptr_array_index(def->cpu_features, i);

        if (f->name && !virQEMUValidateNameIsPlain(f->name))
            virQEMUValidateAddAt(run, rule, f->node, f->xpath,
                                 g_strdup_printf(_("the CPU feature '%s' is not a plain "
                                                   "name, which QEMU's option syntax needs"),
                                                 f->name));
    }
}

static const virQEMUValidateRule *virQEMUValidateRuleFind(const char *code);

/* Whether the kernel is a Secure Execution image (and its header), asked
 * once per run. */
static virQEMUKernelState
virQEMUValidateKernelState(virQEMUValidateRun *run)
{
    if (run->kernel != VIR_QEMU_KERNEL_UNKNOWN)
        return run->kernel;
    if (!run->ctx->image_check || !virDomainDefHasKernel(run->def))
        run->kernel = VIR_QEMU_KERNEL_UNCHECKED;
    else if (!run->ctx->image_check(run->def->os_kernel, run->ctx->image_opaque, &run->image,
                                       &run->kernel_error))
        run->kernel = VIR_QEMU_KERNEL_UNCHECKED;
    else
        run->kernel = run->image ? VIR_QEMU_KERNEL_SE : VIR_QEMU_KERNEL_NOT_SE;
    return run->kernel;
}

static void
virQEMUValidateKernel(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virDomainDef *def = run->def;
    virQEMUKernelState state = virQEMUValidateKernelState(run);
    GError *error = run->kernel_error;

    if (state == VIR_QEMU_KERNEL_NOT_SE) {
        virQEMUValidateAdd(run, rule, def->os_kernel_node,
                           g_strdup_printf(_("the kernel '%s' is not a Secure Execution image"),
                                           def->os_kernel));
    } else if (error && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)) {
        /* Often the definition is checked away from the host that holds
         * the image: say so, but it is no error. */
        virQEMUValidateAddFull(run, virQEMUValidateRuleFind("kernel-unchecked"),
                               VIR_QEMU_FINDING_NOTE, def->os_kernel_node, NULL,
                               g_strdup_printf(_("the kernel could not be checked: %s"),
                                               error->message),
                               NULL);
    }
    if (run->image && !run->image->layout_known)
        virQEMUValidateAddFull(run, virQEMUValidateRuleFind("kernel-unchecked"),
                               VIR_QEMU_FINDING_NOTE, def->os_kernel_node, NULL,
                               g_strdup_printf(_("the kernel's SE header has version 0x%x, "
                                                 "whose key slots and flags virt-pv does not "
                                                 "read: they were not checked"),
                                               run->image->version),
                               g_strdup(_("check the image with 'pvimg test' and 'pvimg "
                                          "info'")));
}

/* The kernel's SE header, or NULL (not read, not an SE image). */
static const virSEImageHeader *
virQEMUValidateImage(virQEMUValidateRun *run)
{
    return virQEMUValidateKernelState(run) == VIR_QEMU_KERNEL_SE ? run->image : NULL;
}

/* The Ultravisor's facts, when both the host and an SE kernel are known. */
static const virUVInfo *
virQEMUValidateHostFit(virQEMUValidateRun *run)
{
    const virUVInfo *uv = run->ctx->host.uv;

    if (!run->ctx->host.have_host || !uv || !uv->query || !virQEMUValidateImage(run))
        return NULL;
    return uv;
}

/* The same, for the rules that read the header past its version. */
static const virUVInfo *
virQEMUValidateHostFitSlots(virQEMUValidateRun *run)
{
    const virUVInfo *uv = virQEMUValidateHostFit(run);

    return uv && run->image->layout_known ? uv : NULL;
}

/* "rebuild ... with this host's host-key document", naming the document
 * when one of those given is this host's. */
static char *
virQEMUValidateHostKeyHint(const virQEMUValidateRun *run, const virUVInfo *uv)
{
    const virHostKeyDocument *doc =
        virHostKeyDocumentFind(run->ctx->host_key_documents, uv->host_key);

    if (doc)
        return g_strdup_printf(_("rebuild the image with this host's host-key document '%s' "
                                 "(pvimg create --host-key-document)"),
                               doc->path);
    return NULL;
}

/*
 * The Ultravisor unpacks an image only through a key slot made for one of
 * its keys: the boot loader fails with rc 0x108 otherwise.  s390-tools'
 * `pvimg test --key-hashes` (rust/pvimg/src/cmd/test.rs,
 * hdr_test_target_hashes) counts a slot for the host key or for the backup
 * host key as a pass.
 */
static void
virQEMUValidateHostKey(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virUVInfo *uv = virQEMUValidateHostFitSlots(run);
    g_autofree char *host_short = NULL;
    g_autofree char *backup_short = NULL;

    if (!uv || uv->keys_state != VIR_UV_KEYS_OK)
        return;
    if (virSEImageFindSlot(run->image, uv->host_key) >= 0)
        return;
    host_short = virUVKeyHashShort(uv->host_key);
    if (uv->backup_host_key[0] && virSEImageFindSlot(run->image, uv->backup_host_key) >= 0) {
        backup_short = virUVKeyHashShort(uv->backup_host_key);
        virQEMUValidateAddFull(
            run, virQEMUValidateRuleFind("kernel-backup-host-key-only"),
            VIR_QEMU_FINDING_WARNING, run->def->os_kernel_node, NULL,
            g_strdup_printf(virSEImagePCFHas(run->image->pcf,
                                             VIR_SE_IMAGE_PCF_BACKUP_TARGET_KEYS)
                                ? _("the kernel '%s' opens only with this host's backup host "
                                    "key %s…, not with its host key %s…")
                                : _("the kernel '%s' opens only with this host's backup host "
                                    "key %s…, not with its host key %s…, and does not enable "
                                    "backup target keys (plaintext control flag 62): the "
                                    "Ultravisor may refuse it"),
                            run->def->os_kernel, backup_short, host_short),
            virQEMUValidateHostKeyHint(run, uv));
        return;
    }
    if (uv->backup_host_key[0]) {
        backup_short = virUVKeyHashShort(uv->backup_host_key);
        virQEMUValidateAddFull(run, rule, rule->severity, run->def->os_kernel_node, NULL,
                               g_strdup_printf(_("no key slot of the kernel '%s' is for this "
                                                 "host: host key %s…, backup host key %s…"),
                                               run->def->os_kernel, host_short, backup_short),
                               virQEMUValidateHostKeyHint(run, uv));
    } else {
        virQEMUValidateAddFull(run, rule, rule->severity, run->def->os_kernel_node, NULL,
                               g_strdup_printf(_("no key slot of the kernel '%s' is for this "
                                                 "host: host key %s…"),
                                               run->def->os_kernel, host_short),
                               virQEMUValidateHostKeyHint(run, uv));
    }
}

static void
virQEMUValidateHostKeysUnknown(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virUVInfo *uv = virQEMUValidateHostFitSlots(run);

    if (!uv || uv->keys_state == VIR_UV_KEYS_OK)
        return;
    if (uv->keys_state == VIR_UV_KEYS_INVALID)
        virQEMUValidateAdd(run, rule, run->def->os_kernel_node,
                           g_strdup_printf(_("the host keys of this host cannot be read, so "
                                             "the kernel's key slots were not checked: %s"),
                                           uv->keys_problem));
    else
        virQEMUValidateAdd(run, rule, run->def->os_kernel_node,
                           g_strdup(_("this host does not publish its host-key hashes "
                                      "(Linux before 6.13, or no query-keys call), so the "
                                      "kernel's key slots were not checked")));
}

/* rc 0x104 at boot. */
static void
virQEMUValidateHeaderVersion(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virUVInfo *uv = virQEMUValidateHostFit(run);
    const virUVQueryValue *supp;
    g_auto(GStrv) versions = NULL;
    g_autofree char *joined = NULL;

    if (!uv)
        return;
    supp = &uv->values[VIR_UV_QUERY_SUPP_SE_HDR_VER];
    if (!supp->present || virUVSupportsHeaderVersion(supp->value, run->image->version))
        return;
    versions = virUVHeaderVersionNames(supp->value);
    joined = versions[0] ? g_strjoinv(", ", versions) : g_strdup(_("none"));
    virQEMUValidateAdd(run, rule, run->def->os_kernel_node,
                       g_strdup_printf(_("the kernel's SE header has version 0x%x; this "
                                         "host's Ultravisor supports %s"),
                                       run->image->version, joined));
}

/* rc 0x106/0x30 at boot. */
static void
virQEMUValidatePCF(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virUVInfo *uv = virQEMUValidateHostFitSlots(run);
    const virUVQueryValue *supp;
    g_auto(GStrv) names = NULL;
    g_autofree char *joined = NULL;
    guint64 unsupported;

    if (!uv)
        return;
    supp = &uv->values[VIR_UV_QUERY_SUPP_SE_HDR_PCF];
    if (!supp->present || !(unsupported = run->image->pcf & ~supp->value))
        return;
    names = virSEImagePCFNames(unsupported);
    joined = g_strjoinv(", ", names);
    virQEMUValidateAdd(run, rule, run->def->os_kernel_node,
                       g_strdup_printf(_("the kernel's SE header sets plaintext control flags "
                                         "this host's Ultravisor does not support: %s"),
                                       joined));
}

/* Why a dump of this guest would be useless, or NULL.  QEMU dumps a
 * protected guest through the Ultravisor only when the dump calls work
 * (target/s390x/arch_dump.c, arch_sections_add); otherwise, or when the
 * image does not allow dumping, it quietly writes a plain dump of
 * encrypted memory. */
static char *
virQEMUValidateDumpProblem(virQEMUValidateRun *run)
{
    const virUVInfo *uv = run->ctx->host.have_host ? run->ctx->host.uv : NULL;
    const virSEImageHeader *image = virQEMUValidateImage(run);

    if (image && image->layout_known &&
        !virSEImagePCFHas(image->pcf, VIR_SE_IMAGE_PCF_ALLOW_DUMPING))
        return g_strdup(_("the kernel's SE header does not allow dumping"));
    if (uv && uv->has_facilities && !virUVInfoCanDump(uv))
        return g_strdup(_("this host's Ultravisor has no dump calls"));
    return NULL;
}

static void
virQEMUValidateCrashDump(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virDomainDef *def = run->def;
    g_autofree char *problem = NULL;
    guint i;

    if (!(problem = virQEMUValidateDumpProblem(run)))
        return;
    if (def->on_crash && g_str_has_prefix(def->on_crash, "coredump-"))
        virQEMUValidateAdd(run, rule, def->on_crash_node,
                           g_strdup_printf(_("<on_crash>%s</on_crash> would write a dump of "
                                             "encrypted memory: %s"),
                                           def->on_crash, problem));
    for (i = 0; i < def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(def->devices, i);

        if (dev->kind == VIR_DOMAIN_DEVICE_WATCHDOG && g_strcmp0(dev->action, "dump") == 0)
            virQEMUValidateAddAt(run, rule, dev->node, dev->xpath,
                                 g_strdup_printf(_("the watchdog's action='dump' would write "
                                                   "a dump of encrypted memory: %s"),
                                                 problem));
    }
}

/*
 * docs/system/s390x/protvirt.rst ("Boot Process"): an image passed with
 * -kernel carries its kernel, initrd and command line encrypted, and "the
 * command line options -initrd and -cmdline are ineffective".
 * hw/s390x/ipl.c, s390_ipl_realize(), loads the -initrd file all the same;
 * the unpacked guest never looks at it.  Guests converted to PV keep the
 * old elements.  Not reported for a kernel known not to be an SE image
 * (kernel-not-se-image is).
 */
static void
virQEMUValidateKernelArgs(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virDomainDef *def = run->def;
    const struct {
        xmlNodePtr node;
        const char *value;
    } args[] = {
        { def->os_cmdline_node, def->os_cmdline },
        { def->os_initrd_node, def->os_initrd },
    };
    gsize i;

    if (!virDomainDefHasKernel(def) ||
        virQEMUValidateKernelState(run) == VIR_QEMU_KERNEL_NOT_SE)
        return;
    for (i = 0; i < G_N_ELEMENTS(args); i++) {
        if (!args[i].value || !*args[i].value)
            continue;
        virQEMUValidateAdd(run, rule, args[i].node,
                           g_strdup_printf(_("<%s> is ignored: a Secure Execution image "
                                             "boots with the command line and initrd sealed "
                                             "into it"),
                                           (const char *)args[i].node->name));
    }
}

/*
 * hw/s390x/ipl.c, s390_init_all_iplbs() (QEMU 9.2): every device with a
 * bootindex after the first gets a fallback IPL block, and the BIOS tries
 * the next one when a boot fails.  A fallback device that holds an
 * ordinary boot image starts the guest unprotected, without an error.
 * s390_ipl_prepare_cpu() ignores the devices for a -kernel boot; QEMU
 * before 9.2 boots the first device only.
 */
#define VIR_QEMU_IPL_FALLBACK_VERSION VIR_QEMU_VERSION(9, 2)

static const virDomainDevice *
virQEMUValidateFirstBootDevice(const virDomainDef *def, guint *ret_count)
{
    const virDomainDevice *first = NULL;
    guint count = 0;
    guint i;

    for (i = 0; i < def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(def->devices, i);

        if (dev->implicit || !dev->boot_index)
            continue;
        count++;
        if (!first || dev->boot_index < first->boot_index)
            first = dev;
    }
    *ret_count = count;
    return first;
}

static void
virQEMUValidateBootFallback(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virDomainDef *def = run->def;
    const virQEMUCapsPV *caps = &run->ctx->caps;
    const virDomainDevice *first;
    guint count = 0;
    guint i;

    if (virDomainDefHasKernel(def) ||
        (caps->have_caps && caps->version && caps->version < VIR_QEMU_IPL_FALLBACK_VERSION))
        return;
    first = virQEMUValidateFirstBootDevice(def, &count);
    if (count < 2)
        return;
    for (i = 0; i < def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(def->devices, i);

        if (dev->implicit || !dev->boot_index || dev == first)
            continue;
        virQEMUValidateAddAt(run, rule, dev->node, dev->xpath,
                             g_strdup_printf(_("if booting from '%s' fails, QEMU tries the "
                                               "%s at '%s' (boot index %u); a boot image there "
                                               "without a Secure Execution header runs "
                                               "unprotected"),
                                             first->xpath, dev->element, dev->xpath,
                                             dev->boot_index));
    }
}

/*
 * hw/s390x/s390-pci-inst.c: clp_service_call(), pcistb_service_call() and
 * the other zPCI instruction handlers read and write the guest's request
 * blocks with s390_cpu_virt_mem_rw(); none goes through the SIDA, the
 * only way QEMU reaches the operands of a protected guest's intercepted
 * instructions (s390_cpu_pv_mem_rw(), used by the I/O and SCLP handlers).
 * Nothing in the PV code handles them: a virtio-*-pci device of a
 * protected guest is not expected to work.
 */
static void
virQEMUValidatePCIAddress(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    guint i;

    for (i = 0; i < run->def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(run->def->devices, i);

        if (dev->implicit || !dev->virtio || g_strcmp0(dev->address_type, "pci") != 0)
            continue;
        virQEMUValidateAddAt(run, rule, dev->address_node, dev->xpath,
                             g_strdup_printf(_("the virtio %s has a PCI (zPCI) address; QEMU "
                                               "has no PV handling of the zPCI instructions"),
                                             dev->element));
    }
}

/*
 * Tearing down a protected guest makes the host clear and unprotect every
 * page, which blocks for a long time with large guests.  Asynchronous
 * teardown (Linux KVM_PV_ASYNC_CLEANUP_*, QEMU -run-with
 * async-teardown=on since 8.1, libvirt <features><async-teardown> since
 * 9.6; libvirt does not turn it on by itself) does it in the background.
 * QEMU uses it only above 2 GiB (target/s390x/kvm/pv.c,
 * s390_pv_vm_try_disable_async(): the kernel refuses it for smaller
 * guests).  Reported only where the probed QEMU has it (8.1 or newer):
 * without capabilities it is not known, and the element makes libvirt
 * refuse a guest on a QEMU without it.
 */
#define VIR_QEMU_ASYNC_TEARDOWN_VERSION VIR_QEMU_VERSION(8, 1)
#define VIR_QEMU_ASYNC_TEARDOWN_MIN_MIB 2048

static void
virQEMUValidateAsyncTeardown(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virDomainDef *def = run->def;
    const virQEMUCapsPV *caps = &run->ctx->caps;

    if (def->memory_mib <= VIR_QEMU_ASYNC_TEARDOWN_MIN_MIB ||
        def->async_teardown == VIR_TRISTATE_SWITCH_ON ||
        !caps->have_caps || caps->version < VIR_QEMU_ASYNC_TEARDOWN_VERSION)
        return;
    if (def->async_teardown == VIR_TRISTATE_SWITCH_OFF)
        virQEMUValidateAdd(run, rule, def->async_teardown_node,
                           g_strdup_printf(_("asynchronous teardown is off for a guest of "
                                             "%" PRIu64 " MiB: stopping or "
                                             "rebooting it blocks the host while its protected "
                                             "memory is cleared"),
                                           def->memory_mib));
    else
        virQEMUValidateAdd(run, rule, def->memory_node,
                           g_strdup_printf(_("a guest of %" PRIu64 " MiB without "
                                             "asynchronous teardown: stopping or rebooting it "
                                             "blocks the host while its protected memory is "
                                             "cleared"),
                                           def->memory_mib));
}

static void
virQEMUValidateQEMUKVM(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virQEMUCapsPV *caps = &run->ctx->caps;

    if (caps->have_caps && !caps->kvm)
        virQEMUValidateAdd(run, rule, run->def->root,
                           g_strdup(_("QEMU cannot use KVM on this host")));
}

static xmlNodePtr
virQEMUValidateFirstLaunchSecurity(const virDomainDef *def)
{
    const virDomainLaunchSecurity *sec;

    if (def->launch_security->len == 0)
        return def->root;
    sec = g_ptr_array_index(def->launch_security, 0);
    return sec->node;
}

static void
virQEMUValidateQEMUPV(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virQEMUCapsPV *caps = &run->ctx->caps;
    xmlNodePtr node = virQEMUValidateFirstLaunchSecurity(run->def);

    if (!caps->have_caps || (caps->pv_object && caps->cgs))
        return;
    if (!caps->pv_object && !caps->cgs)
        virQEMUValidateAdd(run, rule, node,
                           g_strdup(_("QEMU has neither the s390-pv-guest object nor the "
                                      "confidential-guest-support machine property")));
    else if (!caps->pv_object)
        virQEMUValidateAdd(run, rule, node, g_strdup(_("QEMU has no s390-pv-guest object")));
    else
        virQEMUValidateAdd(run, rule, node,
                           g_strdup(_("QEMU has no confidential-guest-support machine "
                                      "property")));
}

static void
virQEMUValidateQEMUUnpack(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virQEMUCapsPV *caps = &run->ctx->caps;

    /* Without KVM there is no host CPU model to look at. */
    if (caps->have_caps && caps->kvm && !caps->unpack)
        virQEMUValidateAdd(run, rule, run->def->cpu_node ? run->def->cpu_node : run->def->root,
                           g_strdup(_("the host CPU model lacks the unpack feature")));
}

static void
virQEMUValidateHostCanRunPV(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virQEMUValidateHost *host = &run->ctx->host;

    if (!host->have_host || host->can_run_pv)
        return;
    if (host->reason)
        virQEMUValidateAdd(run, rule, run->def->root,
                           g_strdup_printf(_("this host cannot run protected guests: %s"),
                                           host->reason));
    else
        virQEMUValidateAdd(run, rule, run->def->root,
                           g_strdup(_("this host cannot run protected guests")));
}

static void
virQEMUValidateRequired(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    if (run->ctx->require_pv)
        virQEMUValidateAdd(run, rule, run->def->root,
                           g_strdup(_("the guest must run protected but is not a PV guest")));
}

/* One row per finding code: code, severity, modes, hint, check, repair.
 * Rows run in this order; findings are then sorted by their place in the
 * document (stably, so this order breaks ties).  The repair column is
 * what `virt-pv fix` runs (qemu_fix.c) and what the man page lists. */
static const virQEMUValidateRule virQEMUValidateRules[] = {
    { "pv-required", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_NONE,
      N_("add <launchSecurity type='s390-pv'/>, or the urn:virt-pv:1 metadata marker for "
         "iommu mode"),
      virQEMUValidateRequired, VIR_QEMU_REPAIR_PROTECT },
    { "host-no-pv", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("run 'virt-pv host-validate' on the host for the details"),
      virQEMUValidateHostCanRunPV, VIR_QEMU_REPAIR_NONE },
    { "not-kvm", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("set <domain type='kvm'>: protected guests need KVM and the Ultravisor"),
      virQEMUValidateVirtType, VIR_QEMU_REPAIR_NONE },
    { "qemu-no-kvm", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("protected guests need KVM: check /dev/kvm and the kvm module"),
      virQEMUValidateQEMUKVM, VIR_QEMU_REPAIR_NONE },
    { "not-s390x", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("Protected Virtualization exists only for s390x guests: set <type arch='s390x'>"),
      virQEMUValidateArch, VIR_QEMU_REPAIR_NONE },
    { "machine-not-ccw", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("use machine='s390-ccw-virtio' (or one of its versions, s390-ccw-virtio-*)"),
      virQEMUValidateMachine, VIR_QEMU_REPAIR_NONE },
    { "machine-unknown", VIR_QEMU_FINDING_WARNING, VIR_QEMU_RULE_PV,
      N_("use a machine type that 'virt-pv domcapabilities' lists for this QEMU"),
      virQEMUValidateMachineKnown, VIR_QEMU_REPAIR_NONE },
    { "machine-too-old", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("use machine='s390-ccw-virtio' (the newest) or a version from 2.8 on"),
      virQEMUValidateMachineAge, VIR_QEMU_REPAIR_NONE },
    { "kernel-not-se-image", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("boot a Secure Execution image built with genprotimg (pvimg create)"),
      virQEMUValidateKernel, VIR_QEMU_REPAIR_NONE },
    /* Reported by the rule above when the image cannot be read. */
    { "kernel-unchecked", VIR_QEMU_FINDING_NOTE, VIR_QEMU_RULE_PV,
      N_("run the validation where the image is readable"),
      NULL, VIR_QEMU_REPAIR_NONE },
    { "kernel-wrong-host-key", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("rebuild the image with this host's host-key document (pvimg create "
         "--host-key-document)"),
      virQEMUValidateHostKey, VIR_QEMU_REPAIR_NONE },
    /* Reported by the rule above.  A warning, because no source says for
     * certain what the Ultravisor does: s390-tools' `pvimg test
     * --key-hashes` counts a slot for the backup host key as a pass
     * (rust/pvimg/src/cmd/test.rs, hdr_test_target_hashes), and the
     * Ultravisor has a return code of its own for a backup key that does
     * not match (0x108/0x34), so it does look at that slot.  But pvimg
     * calls host keys "target keys" (the phkh is the "hash of the public
     * target key", rust/pvimg/schema/INFO_JSON_OUTPUT.md) and has plaintext
     * control flag 62, "backup target keys support", off unless `pvimg
     * create --enable-backup-keys` (rust/pvimg/src/pv_utils/se_hdr/flags.rs,
     * man pvimg-create): without it the image may well be refused, and the
     * message says so.  Either way the image stops booting here when the
     * backup key is retired. */
    { "kernel-backup-host-key-only", VIR_QEMU_FINDING_WARNING, VIR_QEMU_RULE_PV,
      N_("rebuild the image with this host's host-key document as well, so that it does not "
         "depend on the backup host key"),
      NULL, VIR_QEMU_REPAIR_NONE },
    { "kernel-host-keys-unknown", VIR_QEMU_FINDING_NOTE, VIR_QEMU_RULE_PV,
      N_("check by hand with 'pvimg test --host-key-document HKD IMAGE' against this host's "
         "host-key document"),
      virQEMUValidateHostKeysUnknown, VIR_QEMU_REPAIR_NONE },
    { "kernel-header-version-unsupported", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("rebuild the image with a header version this host supports (pvimg create "
         "--hdr-version)"),
      virQEMUValidateHeaderVersion, VIR_QEMU_REPAIR_NONE },
    { "kernel-pcf-unsupported", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("rebuild the image without those flags (pvimg create --disable-flags)"),
      virQEMUValidatePCF, VIR_QEMU_REPAIR_NONE },
    { "kernel-args-ignored", VIR_QEMU_FINDING_WARNING, VIR_QEMU_RULE_PV,
      N_("remove the element; put the command line and initrd into the image with "
         "'pvimg create' (genprotimg)"),
      virQEMUValidateKernelArgs, VIR_QEMU_REPAIR_NONE },
    { "too-many-vcpus", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("set <vcpu> to 247 or fewer (248 with the CPU feature els disabled)"),
      virQEMUValidateVcpus, VIR_QEMU_REPAIR_NONE },
    { "hugepages", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("remove <hugepages/> from <memoryBacking>: protected guests cannot use huge-page "
         "backing"),
      virQEMUValidateHugepages, VIR_QEMU_REPAIR_NONE },
    { "cpu-model", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("use <cpu mode='host-model'/>, or add <feature policy='require' name='unpack'/>"),
      virQEMUValidateCPUModel, VIR_QEMU_REPAIR_CPU },
    { "cpu-model-too-old", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("use <cpu mode='host-model'/>, or a model from gen15a (z15) on"),
      virQEMUValidateCPUModelAge, VIR_QEMU_REPAIR_NONE },
    { "qemu-no-unpack", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("run the host on IBM z15 or newer with prot_virt=1 on its kernel command line"),
      virQEMUValidateQEMUUnpack, VIR_QEMU_REPAIR_NONE },
    { "cpu-unpack-disabled", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("remove the feature or set policy='require': without unpack the guest cannot "
         "switch to protected mode"),
      virQEMUValidateCPUUnpack, VIR_QEMU_REPAIR_CPU },
    { "launch-security-type", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("use <launchSecurity type='s390-pv'/>"),
      virQEMUValidateLaunchSecurityType, VIR_QEMU_REPAIR_NONE },
    { "launch-security-malformed", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("keep exactly one launchSecurity element, empty: <launchSecurity type='s390-pv'/>"),
      virQEMUValidateLaunchSecurityForm, VIR_QEMU_REPAIR_LAUNCH_SECURITY },
    { "qemu-no-pv", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_LS,
      N_("use QEMU 6.0 or newer built with KVM support, or iommu mode (the urn:virt-pv:1 "
         "metadata marker) with an older QEMU"),
      virQEMUValidateQEMUPV, VIR_QEMU_REPAIR_NONE },
    { "emulator-not-s390x", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("set <emulator>/usr/bin/qemu-system-s390x</emulator>"),
      virQEMUValidateEmulator, VIR_QEMU_REPAIR_NONE },
    { "emulator-untrusted", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("use an emulator that only root can change: a root-owned file, not writable by group "
         "or others, in directories of the same kind (see TRUST MODEL in virt-pv(1))"),
      virQEMUValidateEmulatorTrust, VIR_QEMU_REPAIR_NONE },
    { "qemu-name-invalid", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_NONE | VIR_QEMU_RULE_PV,
      N_("use the plain name (letters, digits, '.', '_', '-'); name each CPU feature in an "
         "element of its own"),
      virQEMUValidateNames, VIR_QEMU_REPAIR_NONE },
    { "virtio-iommu-off", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_LS,
      N_("remove iommu='off' from its <driver> element: the host would touch protected "
         "memory and the guest's I/O breaks"),
      virQEMUValidateIommuOff, VIR_QEMU_REPAIR_VIRTIO },
    { "virtio-iommu-missing", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_IOMMU,
      N_("set <driver iommu='on'/> in the device"),
      virQEMUValidateIommuMissing, VIR_QEMU_REPAIR_VIRTIO },
    { "hostdev-passthrough", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("remove the host device; give the guest storage and network through virtio "
         "devices instead"),
      virQEMUValidateHostdevs, VIR_QEMU_REPAIR_NONE },
    { "virtio-mem", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("remove the virtio-mem device and size the guest memory statically"),
      virQEMUValidateVirtioMem, VIR_QEMU_REPAIR_NONE },
    { "implicit-virtio-device", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_IOMMU,
      N_("define the device explicitly with <driver iommu='on'/>"),
      virQEMUValidateImplicitDevices, VIR_QEMU_REPAIR_VIRTIO },
    { "memballoon-enabled", VIR_QEMU_FINDING_WARNING, VIR_QEMU_RULE_PV,
      N_("set <memballoon model='none'/>"),
      virQEMUValidateBalloon, VIR_QEMU_REPAIR_BALLOON },
    { "crash-dump-not-allowed", VIR_QEMU_FINDING_WARNING, VIR_QEMU_RULE_PV,
      N_("build the image with dump support (pvimg create --enable-dump) on a host whose "
         "Ultravisor has the dump calls, or set <on_crash>destroy</on_crash> and another "
         "watchdog action"),
      virQEMUValidateCrashDump, VIR_QEMU_REPAIR_NONE },
    { "virtio-pci-address", VIR_QEMU_FINDING_WARNING, VIR_QEMU_RULE_PV,
      N_("remove the <address> (libvirt then gives a ccw one) or use <address type='ccw'>"),
      virQEMUValidatePCIAddress, VIR_QEMU_REPAIR_NONE },
    { "boot-fallback-unprotected", VIR_QEMU_FINDING_WARNING, VIR_QEMU_RULE_PV,
      N_("give only the device with the Secure Execution image a boot order (or one "
         "<boot dev>), or boot the image with <kernel>"),
      virQEMUValidateBootFallback, VIR_QEMU_REPAIR_NONE },
    { "async-teardown-off", VIR_QEMU_FINDING_NOTE, VIR_QEMU_RULE_PV,
      N_("add <features><async-teardown enabled='yes'/></features> (libvirt 9.6 and QEMU "
         "8.1 or newer)"),
      virQEMUValidateAsyncTeardown, VIR_QEMU_REPAIR_NONE },
};

static const virQEMUValidateRule *
virQEMUValidateRuleFind(const char *code)
{
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(virQEMUValidateRules); i++) {
        if (g_str_equal(virQEMUValidateRules[i].code, code))
            return &virQEMUValidateRules[i];
    }
    g_assert_not_reached();
}

const char *const *
virQEMUValidateCodes(void)
{
    static const char *codes[G_N_ELEMENTS(virQEMUValidateRules) + 1];
    static gsize filled;

    if (g_once_init_enter(&filled)) {
        for (gsize i = 0; i < G_N_ELEMENTS(virQEMUValidateRules); i++)
            codes[i] = virQEMUValidateRules[i].code;
        g_once_init_leave(&filled, 1);
    }
    return codes;
}

gboolean
virQEMUValidateCodeIsKnown(const char *code)
{
    return g_strv_contains(virQEMUValidateCodes(), code);
}

virQEMURepair
virQEMUValidateCodeRepair(const char *code)
{
    return virQEMUValidateRuleFind(code)->repair;
}

static gint
virQEMUFindingCompare(gconstpointer a, gconstpointer b)
{
    const virQEMUFinding *fa = *(const virQEMUFinding *const *)a;
    const virQEMUFinding *fb = *(const virQEMUFinding *const *)b;

    if (fa->order != fb->order)
        return fa->order < fb->order ? -1 : 1;
    return 0;
}

static void
virQEMUValidateCount(virQEMUValidateResult *result, gboolean strict)
{
    guint i;

    for (i = 0; i < result->findings->len; i++) {
        const virQEMUFinding *f = g_ptr_array_index(result->findings, i);

        if (f->severity == VIR_QEMU_FINDING_ERROR)
            result->nerrors++;
        else if (f->severity == VIR_QEMU_FINDING_WARNING)
            result->nwarnings++;
        else
            result->nnotes++;
    }
    result->ok = result->nerrors == 0 && (!strict || result->nwarnings == 0);
}

virQEMUValidateResult *
virQEMUValidateDomain(const virQEMUValidateContext *ctx, const virDomainDef *def)
{
    virQEMUValidateResult *result = g_new0(virQEMUValidateResult, 1);
    virQEMUValidateRun run = { ctx, def, result, VIR_QEMU_KERNEL_UNKNOWN, NULL };
    gsize i;

    result->mode = virQEMUValidateMode(ctx, def);
    result->findings = g_ptr_array_new_with_free_func((GDestroyNotify)virQEMUFindingFree);
    for (i = 0; i < G_N_ELEMENTS(virQEMUValidateRules); i++) {
        const virQEMUValidateRule *rule = &virQEMUValidateRules[i];

        if (rule->check && (rule->modes & (1u << result->mode)))
            rule->check(&run, rule);
    }
    g_clear_error(&run.kernel_error);
    g_clear_pointer(&run.image, virSEImageHeaderFree);
    g_ptr_array_sort(result->findings, virQEMUFindingCompare);
    virQEMUValidateCount(result, ctx->strict);
    return result;
}
