/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

#include "conf/domain_conf.h"

/*
 * Repairing a domain definition for PV: what `virt-pv fix` does.  The
 * repairs run are those the rule table names (the repair column,
 * virQEMUValidateCodeRepair() in qemu_validate.h); they are made in the
 * original text (conf/virxmltextedit.h), so everything they do not touch
 * stays as it was.  What cannot be repaired safely (host devices, huge
 * pages, virtio-mem, too many vCPUs, another launchSecurity type) is left
 * alone for validation to report; a definition for another architecture
 * is not touched at all.  Repairing the result again changes nothing.
 */

typedef enum {
    VIR_QEMU_FIX_MODE_LAUNCH_SECURITY, /* <launchSecurity type='s390-pv'/> */
    VIR_QEMU_FIX_MODE_IOMMU,           /* iommu='on' everywhere, metadata marker */

    VIR_QEMU_FIX_MODE_LAST
} virQEMUFixMode;

const char *virQEMUFixModeToString(virQEMUFixMode mode);
gboolean virQEMUFixModeFromString(const char *str, virQEMUFixMode *ret_mode);

/* One change made, in document order of the element concerned. */
typedef struct {
    char *xpath;
    char *message;
} virQEMUFixChange;

typedef struct {
    char *xml;          /* the repaired text, NUL-terminated */
    gsize len;
    GPtrArray *changes; /* of virQEMUFixChange; empty: xml is the original */
} virQEMUFixResult;

void virQEMUFixResultFree(virQEMUFixResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virQEMUFixResult, virQEMUFixResultFree)

/* @def must have been parsed from text (def->xml). */
gboolean virQEMUFixDomain(const virDomainDef *def, virQEMUFixMode mode,
                          virQEMUFixResult **ret_result, GError **error);
