/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdarg.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "qemu_validate.h"
#include "util/virstring.h"

/* Protected guests are limited to this many vCPUs (QEMU >= 8.0 checks). */
#define VIR_QEMU_PV_MAX_VCPUS 247

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

static gboolean
virQEMUValidateIsS390x(const virDomainDef *def)
{
    return g_strcmp0(def->os_arch, "s390x") == 0;
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

typedef struct {
    const virQEMUValidateContext *ctx;
    const virDomainDef *def;
    virQEMUValidateResult *result;
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
    finding->xpath = xpath ? g_strdup(xpath) : virDomainNodeXPath(node);
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

    if (def->os_arch && !virQEMUValidateIsS390x(def))
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

/* s390-ccw-virtio, or a versioned s390-ccw-virtio-X.Y. */
static gboolean
virQEMUValidateMachineIsCCW(const char *machine)
{
    const char *rest;
    g_auto(GStrv) parts = NULL;

    if (!g_str_has_prefix(machine, "s390-ccw-virtio"))
        return FALSE;
    rest = machine + strlen("s390-ccw-virtio");
    if (!*rest)
        return TRUE;
    if (*rest != '-')
        return FALSE;
    parts = g_strsplit(rest + 1, ".", -1);
    if (g_strv_length(parts) != 2)
        return FALSE;
    for (guint i = 0; i < 2; i++) {
        if (!*parts[i] || strspn(parts[i], "0123456789") != strlen(parts[i]))
            return FALSE;
    }
    return TRUE;
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

static gboolean
virQEMUValidateFeatureIsUnpack(const virDomainCPUFeature *feature)
{
    return g_strcmp0(feature->name, "unpack") == 0;
}

static gboolean
virQEMUValidateCPURequiresUnpack(const virDomainDef *def)
{
    guint i;

    for (i = 0; i < def->cpu_features->len; i++) {
        const virDomainCPUFeature *f = g_ptr_array_index(def->cpu_features, i);

        if (virQEMUValidateFeatureIsUnpack(f) &&
            (!f->policy || g_str_equal(f->policy, "require") || g_str_equal(f->policy, "force")))
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

static void
virQEMUValidateCPUModel(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virDomainDef *def = run->def;

    if (!virQEMUValidateCPUIsCustom(def) || virQEMUValidateCPURequiresUnpack(def))
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

        if (virQEMUValidateFeatureIsUnpack(f) && f->policy &&
            (g_str_equal(f->policy, "disable") || g_str_equal(f->policy, "forbid")))
            virQEMUValidateAddAt(run, rule, f->node, f->xpath,
                               g_strdup_printf(_("the CPU feature unpack has policy '%s'"),
                                               f->policy));
    }
}

static void
virQEMUValidateIommuOff(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    guint i;

    for (i = 0; i < run->def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(run->def->devices, i);

        if (!dev->implicit && dev->virtio && dev->iommu == VIR_TRISTATE_SWITCH_OFF)
            virQEMUValidateAddAt(run, rule, dev->node, dev->xpath,
                               g_strdup_printf(_("the virtio %s has iommu='off', which "
                                                 "overrides QEMU's PV default"),
                                               dev->element));
    }
}

static void
virQEMUValidateIommuMissing(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    guint i;

    for (i = 0; i < run->def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(run->def->devices, i);

        if (dev->implicit || !dev->virtio || dev->iommu == VIR_TRISTATE_SWITCH_ON)
            continue;
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

/* vfio passthrough of PCI and CCW devices and SCSI host devices is not
 * supported; vfio-ap works on hosts and guests with AP support for PV. */
static void
virQEMUValidateHostdev(virQEMUValidateRun *run, const virQEMUValidateRule *rule,
                       const virDomainDevice *dev)
{
    const char *what = NULL;

    if (dev->kind == VIR_DOMAIN_DEVICE_INTERFACE) {
        if (g_strcmp0(dev->type, "hostdev") == 0)
            what = "interface type='hostdev'";
    } else if (g_strcmp0(dev->type, "pci") == 0 || g_strcmp0(dev->type, "scsi") == 0) {
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

static void
virQEMUValidateVirtioMem(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    guint i;

    for (i = 0; i < run->def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(run->def->devices, i);

        if (dev->kind == VIR_DOMAIN_DEVICE_MEMORY && g_strcmp0(dev->model, "virtio-mem") == 0)
            virQEMUValidateAddAt(run, rule, dev->node, dev->xpath,
                               g_strdup(_("a virtio-mem device cannot work: PV disables RAM "
                                          "discard")));
    }
}

static void
virQEMUValidateVcpus(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    if (run->def->vcpu_max > VIR_QEMU_PV_MAX_VCPUS)
        virQEMUValidateAdd(run, rule, run->def->vcpu_node,
                           g_strdup_printf(_("the guest has up to %u vCPUs; a protected guest "
                                             "has at most %d"),
                                           run->def->vcpu_max, VIR_QEMU_PV_MAX_VCPUS));
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
        else if (!g_str_equal(sec->type, "s390-pv"))
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
        else if (g_strcmp0(sec->type, "s390-pv") == 0 && sec->nchildren > 0)
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
                                 g_strdup_printf(_("the CPU feature '%s' is not a plain name, which "
                                                   "QEMU's option syntax needs"),
                                                 f->name));
    }
}

static const virQEMUValidateRule *virQEMUValidateRuleFind(const char *code);

static void
virQEMUValidateKernel(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virDomainDef *def = run->def;
    g_autoptr(GError) error = NULL;
    gboolean is_se = FALSE;

    if (!run->ctx->image_check || !def->os_kernel || !*def->os_kernel)
        return;
    if (!run->ctx->image_check(def->os_kernel, &is_se, &error)) {
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
            return;
        /* Often the definition is checked away from the host that holds
         * the image: say so, but it is no error. */
        virQEMUValidateAddFull(run, virQEMUValidateRuleFind("kernel-unchecked"),
                               VIR_QEMU_FINDING_NOTE, def->os_kernel_node, NULL,
                               g_strdup_printf(_("the kernel could not be checked: %s"),
                                               error ? error->message : ""),
                               NULL);
        return;
    }
    if (!is_se)
        virQEMUValidateAdd(run, rule, def->os_kernel_node,
                           g_strdup_printf(_("the kernel '%s' is not a Secure Execution image"),
                                           def->os_kernel));
}

static void
virQEMUValidateQEMUKVM(virQEMUValidateRun *run, const virQEMUValidateRule *rule)
{
    const virQEMUValidateCaps *caps = &run->ctx->caps;

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
    const virQEMUValidateCaps *caps = &run->ctx->caps;
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
    const virQEMUValidateCaps *caps = &run->ctx->caps;

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

/* One row per finding code.  Rows run in this order; findings are then
 * sorted by their place in the document (stably, so this order breaks
 * ties). */
static const virQEMUValidateRule virQEMUValidateRules[] = {
    { "pv-required", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_NONE,
      N_("add <launchSecurity type='s390-pv'/>, or the urn:virt-pv:1 metadata marker for "
         "iommu mode"),
      virQEMUValidateRequired },
    { "host-no-pv", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("run 'virt-pv host-validate' on the host for the details"), virQEMUValidateHostCanRunPV },
    { "not-kvm", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("set <domain type='kvm'>: protected guests need KVM and the Ultravisor"),
      virQEMUValidateVirtType },
    { "qemu-no-kvm", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("protected guests need KVM: check /dev/kvm and the kvm module"),
      virQEMUValidateQEMUKVM },
    { "not-s390x", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("Protected Virtualization exists only for s390x guests: set <type arch='s390x'>"),
      virQEMUValidateArch },
    { "machine-not-ccw", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("use machine='s390-ccw-virtio' (or a versioned s390-ccw-virtio-X.Y)"),
      virQEMUValidateMachine },
    { "kernel-not-se-image", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("boot a Secure Execution image built with genprotimg (pvimg create)"),
      virQEMUValidateKernel },
    /* Reported by the rule above when the image cannot be read. */
    { "kernel-unchecked", VIR_QEMU_FINDING_NOTE, VIR_QEMU_RULE_PV,
      N_("run the validation where the image is readable"), NULL },
    { "too-many-vcpus", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("set <vcpu> to 247 or fewer"), virQEMUValidateVcpus },
    { "hugepages", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("remove <hugepages/> from <memoryBacking>: protected guests cannot use huge-page "
         "backing"),
      virQEMUValidateHugepages },
    { "cpu-model", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("use <cpu mode='host-model'/>, or add <feature policy='require' name='unpack'/>"),
      virQEMUValidateCPUModel },
    { "qemu-no-unpack", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("run the host on IBM z15 or newer with prot_virt=1 on its kernel command line"),
      virQEMUValidateQEMUUnpack },
    { "cpu-unpack-disabled", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("remove the feature or set policy='require': without unpack the guest cannot "
         "switch to protected mode"),
      virQEMUValidateCPUUnpack },
    { "launch-security-type", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("use <launchSecurity type='s390-pv'/>"), virQEMUValidateLaunchSecurityType },
    { "launch-security-malformed", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("keep exactly one launchSecurity element, empty: <launchSecurity type='s390-pv'/>"),
      virQEMUValidateLaunchSecurityForm },
    { "qemu-no-pv", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_LS,
      N_("use QEMU 6.0 or newer built with KVM support, or iommu mode (the urn:virt-pv:1 "
         "metadata marker) with an older QEMU"),
      virQEMUValidateQEMUPV },
    { "emulator-not-s390x", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("set <emulator>/usr/bin/qemu-system-s390x</emulator>"), virQEMUValidateEmulator },
    { "emulator-untrusted", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("use an emulator that only root can change: a root-owned file, not writable by group "
         "or others, in directories of the same kind (see TRUST MODEL in virt-pv(1))"),
      virQEMUValidateEmulatorTrust },
    { "qemu-name-invalid", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_NONE | VIR_QEMU_RULE_PV,
      N_("use the plain name (letters, digits, '.', '_', '-'); name each CPU feature in an "
         "element of its own"),
      virQEMUValidateNames },
    { "virtio-iommu-off", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_LS,
      N_("remove iommu='off' from its <driver> element: the host would touch protected "
         "memory and the guest's I/O breaks"),
      virQEMUValidateIommuOff },
    { "virtio-iommu-missing", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_IOMMU,
      N_("set <driver iommu='on'/> in the device"), virQEMUValidateIommuMissing },
    { "hostdev-passthrough", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("remove the host device; give the guest storage and network through virtio "
         "devices instead"),
      virQEMUValidateHostdevs },
    { "virtio-mem", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_PV,
      N_("remove the virtio-mem device and size the guest memory statically"),
      virQEMUValidateVirtioMem },
    { "implicit-virtio-device", VIR_QEMU_FINDING_ERROR, VIR_QEMU_RULE_IOMMU,
      N_("define the device explicitly with <driver iommu='on'/>"),
      virQEMUValidateImplicitDevices },
    { "memballoon-enabled", VIR_QEMU_FINDING_WARNING, VIR_QEMU_RULE_PV,
      N_("set <memballoon model='none'/>"), virQEMUValidateBalloon },
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
    virQEMUValidateRun run = { ctx, def, result };
    gsize i;

    result->mode = virQEMUValidateMode(ctx, def);
    result->findings = g_ptr_array_new_with_free_func((GDestroyNotify)virQEMUFindingFree);
    for (i = 0; i < G_N_ELEMENTS(virQEMUValidateRules); i++) {
        const virQEMUValidateRule *rule = &virQEMUValidateRules[i];

        if (rule->check && (rule->modes & (1u << result->mode)))
            rule->check(&run, rule);
    }
    g_ptr_array_sort(result->findings, virQEMUFindingCompare);
    virQEMUValidateCount(result, ctx->strict);
    return result;
}
