/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdlib.h>

#include "fuzz.h"

/* Run once before the first input: make GLib allocate with plain malloc so
 * that AddressSanitizer sees every block, and keep its messages quiet (a
 * parser that warns through g_warning() is still a finding: warnings are
 * fatal). */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    g_setenv("G_SLICE", "always-malloc", FALSE);
    g_setenv("LC_ALL", "C", TRUE);
    g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    return 0;
}
