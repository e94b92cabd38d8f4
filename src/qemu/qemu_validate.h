/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

#include "conf/domain_conf.h"
#include "qemu_capabilities.h"
#include "util/virseimage.h"
#include "util/viruv.h"

/*
 * The PV rule book: every reason a domain definition would not run as a
 * protected guest under QEMU, as findings with a stable code (SPEC
 * section 5), in document order.  One table row per code holds its
 * severity, the PV modes it applies in, its hint, its check and the
 * repair `virt-pv fix` makes for it (qemu_fix.c); the predicates below
 * are the rules' own, shared with the repairs and with the command line
 * builder's guards, so that each is written once.
 */

typedef enum {
    VIR_QEMU_FINDING_ERROR,
    VIR_QEMU_FINDING_WARNING,
    VIR_QEMU_FINDING_NOTE,

    VIR_QEMU_FINDING_LAST
} virQEMUFindingSeverity;

const char *virQEMUFindingSeverityToString(virQEMUFindingSeverity severity);

/* How the guest is meant to be protected (SPEC section 4). */
typedef enum {
    VIR_QEMU_PV_MODE_NONE,            /* not a PV guest */
    VIR_QEMU_PV_MODE_LAUNCH_SECURITY, /* <launchSecurity type='s390-pv'/> */
    VIR_QEMU_PV_MODE_IOMMU,           /* --pv or the urn:virt-pv:1 marker */

    VIR_QEMU_PV_MODE_LAST
} virQEMUPVMode;

const char *virQEMUPVModeToString(virQEMUPVMode mode);

/* The repair `virt-pv fix` makes for a rule's findings (qemu_fix.c), in
 * the order the repairs run. */
typedef enum {
    VIR_QEMU_REPAIR_NONE,            /* not safe to repair: left to the user */
    VIR_QEMU_REPAIR_PROTECT,         /* make the guest PV in fix's mode */
    VIR_QEMU_REPAIR_LAUNCH_SECURITY, /* one empty s390-pv launchSecurity */
    VIR_QEMU_REPAIR_CPU,             /* host-model; unpack not switched off */
    VIR_QEMU_REPAIR_VIRTIO,          /* iommu on each virtio device, as the mode wants */
    VIR_QEMU_REPAIR_BALLOON,         /* <memballoon model='none'/> */

    VIR_QEMU_REPAIR_LAST
} virQEMURepair;

const char *virQEMURepairToString(virQEMURepair repair);

/* What the host check found (hook, --root, --host). */
typedef struct {
    gboolean have_host;  /* FALSE: host-no-pv is skipped */
    gboolean can_run_pv;
    const char *reason;  /* why not, one sentence; may be NULL */
    const virUVInfo *uv; /* the Ultravisor's facts; NULL: the host-fit
                          * rules (kernel-*-host-key, ...) are skipped */
} virQEMUValidateHost;

/* Read the Secure Execution header of the kernel at @path: TRUE with
 * *ret_header NULL when the file has none (or a damaged one).  An error
 * means the file could not be checked (a note says so), except
 * G_IO_ERROR_NOT_FOUND: a kernel that is not there is not checked, as
 * definitions are often validated away from the host that boots them. */
typedef gboolean (*virQEMUValidateImageFunc)(const char *path, gpointer opaque,
                                             virSEImageHeader **ret_header, GError **error);

typedef struct {
    gboolean force_pv;        /* --pv: a guest without launchSecurity is
                               * validated in iommu mode */
    gboolean require_pv;      /* the hook's require_pv matched: a guest
                               * that is not PV is an error */
    gboolean strict;          /* warnings make the result not ok */
    const char *const *ignore; /* codes downgraded to warnings; NULL-terminated */
    virQEMUCapsPV caps;       /* filled in by whoever probed QEMU, so that
                               * validation does not decide how QEMU is
                               * probed; without caps the qemu-* rules are
                               * skipped */
    virQEMUValidateHost host;
    virQEMUValidateImageFunc image_check; /* NULL: kernel-not-se-image skipped */
    gpointer image_opaque;                /* passed to image_check */
    const GPtrArray *host_key_documents; /* of virHostKeyDocument, to name the
                                          * one a hint asks for; may be NULL */
    const char *emulator_untrusted; /* why the guest's emulator was not run
                                     * (as root), or NULL */
} virQEMUValidateContext;

/* Free what @ctx holds (its capabilities' machine list), not @ctx. */
void virQEMUValidateContextClear(virQEMUValidateContext *ctx);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(virQEMUValidateContext, virQEMUValidateContextClear)

typedef struct {
    const char *code;         /* static, one of virQEMUValidateCodes() */
    virQEMUFindingSeverity severity;
    char *message;            /* one line */
    char *hint;               /* what to change; NULL if nothing */
    char *xpath;
    gsize order;              /* position in the document, for sorting */
} virQEMUFinding;

typedef struct {
    virQEMUPVMode mode;
    GPtrArray *findings;      /* of virQEMUFinding, in document order */
    guint nerrors;
    guint nwarnings;
    guint nnotes;
    gboolean ok;              /* no error (and with strict, no warning) */
} virQEMUValidateResult;

void virQEMUValidateResultFree(virQEMUValidateResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virQEMUValidateResult, virQEMUValidateResultFree)

virQEMUPVMode virQEMUValidateMode(const virQEMUValidateContext *ctx, const virDomainDef *def);

virQEMUValidateResult *virQEMUValidateDomain(const virQEMUValidateContext *ctx,
                                             const virDomainDef *def);

/* Every finding code this validator can report, NULL-terminated, in the
 * order of the rule table. */
const char *const *virQEMUValidateCodes(void);

gboolean virQEMUValidateCodeIsKnown(const char *code);

/* The repair of the rule of @code, one of virQEMUValidateCodes(). */
virQEMURepair virQEMUValidateCodeRepair(const char *code);

/* ---- the predicates of the rules ---------------------------------------- */

/* An architecture is set and it is not s390x (not-s390x). */
gboolean virQEMUValidateArchIsOther(const virDomainDef *def);

gboolean virQEMUValidateLaunchSecurityIsPV(const virDomainLaunchSecurity *sec);

/* The feature is unpack and its policy is disable or forbid
 * (cpu-unpack-disabled). */
gboolean virQEMUValidateFeatureDisablesUnpack(const virDomainCPUFeature *feature);

/* A custom CPU model, named or defaulted, whose features do not require
 * unpack (cpu-model): host-model has it. */
gboolean virQEMUValidateCPULacksUnpack(const virDomainDef *def);

/* A virtio device the user wrote with iommu='off' (virtio-iommu-off). */
gboolean virQEMUValidateDeviceIommuOff(const virDomainDevice *dev);

/* A virtio device the user wrote without iommu='on'
 * (virtio-iommu-missing). */
gboolean virQEMUValidateDeviceLacksIommu(const virDomainDevice *dev);

/* A virtio-mem device, which PV cannot serve (virtio-mem). */
gboolean virQEMUValidateDeviceIsVirtioMem(const virDomainDevice *dev);

/* Letters, digits, '.', '_' and '-' only (qemu-name-invalid). */
gboolean virQEMUValidateNameIsPlain(const char *name);
