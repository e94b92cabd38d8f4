/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include "fuzz.h"
#include "util/virkernelcmdline.h"

/* The kernel command line splitter and kstrtobool, as host-validate uses
 * them on /proc/cmdline. */

static gboolean
fuzzCheckWord(const char *param, const char *value, gpointer opaque)
{
    guint *count = opaque;

    virFuzzAssert(param != NULL);
    /* "--" without a value ends the kernel's part: it is never reported */
    virFuzzAssert(value || strcmp(param, "--") != 0);
    (*count)++;
    return TRUE;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *cmdline = virFuzzString(data, size);
    gboolean on = FALSE;
    guint words = 0;

    virKernelCmdlineForEach(cmdline, fuzzCheckWord, &words);
    /* every word is at least one byte and words are separated by a blank */
    virFuzzAssert(words <= strlen(cmdline) / 2 + 1);

    /* '-' and '_' are the same in parameter names */
    virFuzzAssert(virKernelCmdlineIsEnabled(cmdline, "prot_virt") ==
                  virKernelCmdlineIsEnabled(cmdline, "prot-virt"));

    /* kstrtobool looks at two characters at most */
    if (virKernelStrToBool(cmdline, &on) && strlen(cmdline) > 2) {
        gboolean prefix_on = !on;
        char prefix[3] = { cmdline[0], cmdline[1], '\0' };

        virFuzzAssert(virKernelStrToBool(prefix, &prefix_on) && prefix_on == on);
    }
    return 0;
}
