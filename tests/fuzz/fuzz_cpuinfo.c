/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include "fuzz.h"
#include "util/vircpuinfo.h"

/* /proc/cpuinfo as host-validate reads it: the key/value lines, the s390x
 * vendor line and the facilities list, of any length. */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = virFuzzString(data, size);
    g_autoptr(virCPUInfo) info = virCPUInfoParse(text);
    static const guint bits[] = { 0, 1, 76, 158, 161, 4294967295u };

    (void)virCPUInfoIsS390(info);
    for (gsize i = 0; i < G_N_ELEMENTS(bits); i++) {
        /* a facility can only be found on a facilities line */
        if (virCPUInfoHasFacility(info, bits[i]))
            virFuzzAssert(virCPUInfoHasFacilities(info));
    }
    return 0;
}
