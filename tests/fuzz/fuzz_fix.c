/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include "fuzz.h"
#include "conf/domain_conf.h"
#include "qemu/qemu_fix.h"

/*
 * The fix pipeline, in both modes: parse, repair, serialise, parse the
 * result again.  Whatever parses must be repairable, the repaired text must
 * parse, and repairing it again must change nothing (fix is idempotent).
 */

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
        virFuzzAssert(result->len == def->xml_len && memcmp(result->xml, def->xml, def->xml_len) == 0);

    if (!virDomainDefParseString(result->xml, result->len, "fixed.xml", 0, &fixed, &error)) {
        g_printerr("the repaired text (%s) does not parse: %s\n--- repaired:\n%s\n",
                   virQEMUFixModeToString(mode), error->message, result->xml);
        abort();
    }
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
