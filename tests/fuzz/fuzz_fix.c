/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include "fuzz.h"
#include "conf/domain_conf.h"
#include "qemu/qemu_fix.h"
#include "qemu/qemu_validate.h"

/*
 * The fix pipeline, in both modes: parse, repair, serialise, parse the
 * result again.  Whatever parses must be repairable, the repaired text must
 * parse, validation must find none of the errors fix repairs, and
 * repairing again must change nothing (fix is idempotent).
 */

/* iommu='on' can be set only where libvirt's schema has <driver>; the
 * others (virtio-pmem, virtio-mem, the virtio IOMMU...) stay findings. */
static const virDomainDeviceKind fuzzFixDriverKinds[] = {
    VIR_DOMAIN_DEVICE_DISK, VIR_DOMAIN_DEVICE_CONTROLLER, VIR_DOMAIN_DEVICE_FILESYSTEM,
    VIR_DOMAIN_DEVICE_INTERFACE, VIR_DOMAIN_DEVICE_INPUT, VIR_DOMAIN_DEVICE_VIDEO,
    VIR_DOMAIN_DEVICE_RNG, VIR_DOMAIN_DEVICE_VSOCK,
};

/* What fix repairs, as the rule table says; everything else it leaves for
 * validation to report. */
static gboolean
fuzzFixIsRepairable(const virDomainDef *fixed, const virQEMUFinding *f)
{
    if (virQEMUValidateCodeRepair(f->code) == VIR_QEMU_REPAIR_NONE)
        return FALSE;
    if (!g_str_equal(f->code, "virtio-iommu-missing"))
        return TRUE;
    for (guint i = 0; i < fixed->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(fixed->devices, i);

        if (dev->implicit || !g_str_equal(dev->xpath, f->xpath))
            continue;
        for (gsize j = 0; j < G_N_ELEMENTS(fuzzFixDriverKinds); j++) {
            if (dev->kind == fuzzFixDriverKinds[j])
                return TRUE;
        }
    }
    return FALSE;
}

static void
fuzzFixValidate(const virDomainDef *fixed, virQEMUFixMode mode, const char *xml)
{
    static const virQEMUPVMode expect[] = {
        [VIR_QEMU_FIX_MODE_LAUNCH_SECURITY] = VIR_QEMU_PV_MODE_LAUNCH_SECURITY,
        [VIR_QEMU_FIX_MODE_IOMMU] = VIR_QEMU_PV_MODE_IOMMU,
    };
    virQEMUValidateContext ctx = { 0 };
    g_autoptr(virQEMUValidateResult) result = NULL;

    /* Left alone on purpose: another architecture, and launchSecurity of
     * another type (the user's intent is unclear; validation reports it). */
    if (virQEMUValidateArchIsOther(fixed))
        return;
    for (guint i = 0; i < fixed->launch_security->len; i++) {
        if (!virQEMUValidateLaunchSecurityIsPV(g_ptr_array_index(fixed->launch_security, i)))
            return;
    }
    result = virQEMUValidateDomain(&ctx, fixed);
    if (result->mode != expect[mode]) {
        g_printerr("fix (%s) left a guest in mode %s\n--- repaired:\n%s\n",
                   virQEMUFixModeToString(mode), virQEMUPVModeToString(result->mode), xml);
        abort();
    }
    for (guint i = 0; i < result->findings->len; i++) {
        const virQEMUFinding *f = g_ptr_array_index(result->findings, i);

        if (fuzzFixIsRepairable(fixed, f)) {
            g_printerr("fix (%s) left %s at %s: %s\n--- repaired:\n%s\n",
                       virQEMUFixModeToString(mode), f->code, f->xpath, f->message, xml);
            abort();
        }
    }
}

static void
fuzzFixMode(const virDomainDef *def, virQEMUFixMode mode)
{
    g_autoptr(virQEMUFixResult) result = NULL;
    g_autoptr(virQEMUFixResult) again = NULL;
    g_autoptr(virDomainDef) fixed = NULL;
    g_autoptr(GError) error = NULL;

    if (!virQEMUFixDomain(def, mode, &result, &error)) {
        g_printerr("fix (%s) failed: %s\n", virQEMUFixModeToString(mode), error->message);
        abort();
    }
    virFuzzAssert(result->xml && strlen(result->xml) == result->len);
    if (result->changes->len == 0)
        virFuzzAssert(result->len == def->xml_len &&
                      memcmp(result->xml, def->xml, def->xml_len) == 0);

    if (!virDomainDefParseString(result->xml, result->len, "fixed.xml", 0, &fixed, &error)) {
        g_printerr("the repaired text (%s) does not parse: %s\n--- repaired:\n%s\n",
                   virQEMUFixModeToString(mode), error->message, result->xml);
        abort();
    }
    fuzzFixValidate(fixed, mode, result->xml);
    virFuzzAssert(virQEMUFixDomain(fixed, mode, &again, &error));
    if (again->changes->len != 0) {
        const virQEMUFixChange *change = g_ptr_array_index(again->changes, 0);

        g_printerr("fix (%s) is not idempotent: %s: %s\n--- first pass:\n%s\n",
                   virQEMUFixModeToString(mode), change->xpath, change->message, result->xml);
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(virDomainDef) def = NULL;

    if (!virDomainDefParseString((const char *)data, size, "fuzz.xml", 0, &def, NULL))
        return 0;
    for (guint mode = 0; mode < VIR_QEMU_FIX_MODE_LAST; mode++)
        fuzzFixMode(def, mode);
    return 0;
}
