/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include "fuzz.h"
#include "qemu/qemu_capabilitiespriv.h"
#include "qemu/qemu_error.h"

/*
 * A capabilities cache file (or a --caps file) as the cache lookup, the
 * hook and validate read it.  A damaged file is a VIR_QEMU_ERROR_CACHE
 * error and nothing else (the caller then probes again); an accepted one
 * formats to JSON that parses back to the same capabilities.
 */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(virQEMUCaps) again = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *json = NULL;
    g_autofree char *json_again = NULL;
    g_autofree char *xml = NULL;

    if (!virQEMUCapsParseJSON((const char *)data, size, "cache.json", &caps, &error)) {
        virFuzzAssert(g_error_matches(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_CACHE));
        return 0;
    }
    json = virQEMUCapsFormatJSON(caps, TRUE);
    xml = virQEMUCapsFormatXML(caps);
    virFuzzAssert(json && xml);
    virFuzzAssert(virQEMUCapsParseJSON(json, strlen(json), "again.json", &again, &error));
    json_again = virQEMUCapsFormatJSON(again, TRUE);
    virFuzzAssert(g_str_equal(json, json_again));

    (void)virQEMUCapsSupportsPV(caps);
    (void)virQEMUCapsHostModelHasUnpack(caps);
    (void)virQEMUCapsGetDefaultMachine(caps);
    for (guint i = 0; i < virQEMUCapsGetMachineCount(caps); i++)
        virFuzzAssert(virQEMUCapsGetMachine(caps, i) != NULL);
    return 0;
}
