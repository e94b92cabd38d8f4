/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include "fuzz.h"
#include "qemu/qemu_fix.h"

/*
 * virt-pv fix on any definition the parser accepts, in both modes.  The
 * text editor must never produce a document that does not parse again,
 * and the repair must be a fixed point: repairing its own output changes
 * nothing.
 */

static void
fuzzFixOnce(const virDomainDef *def, virQEMUFixMode mode)
{
    g_autoptr(virQEMUFixResult) result = NULL;
    g_autoptr(virQEMUFixResult) again = NULL;
    g_autoptr(virDomainDef) fixed = NULL;
    g_autoptr(GError) error = NULL;

    /* The editor may refuse text it cannot pair with the tree; that is
     * a clean error, not a finding. */
    if (!virQEMUFixDomain(def, mode, &result, &error))
        return;
    virFuzzAssert(virDomainDefParseString(result->xml, result->len, "fixed.xml", 0, &fixed,
                                          &error));
    virFuzzAssert(virQEMUFixDomain(fixed, mode, &again, &error));
    virFuzzAssert(again->changes->len == 0);
    virFuzzAssert(again->len == result->len &&
                  memcmp(again->xml, result->xml, result->len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) error = NULL;

    if (!virDomainDefParseString((const char *)data, size, "fuzz.xml", 0, &def, &error))
        return 0;
    fuzzFixOnce(def, VIR_QEMU_FIX_MODE_LAUNCH_SECURITY);
    fuzzFixOnce(def, VIR_QEMU_FIX_MODE_IOMMU);
    return 0;
}
