/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

/* Called for each parameter of a kernel command line, in order.  @value is
 * NULL for a parameter without '='.  Return FALSE to stop early. */
typedef gboolean (*virKernelCmdlineFunc)(const char *param, const char *value, gpointer opaque);

void virKernelCmdlineForEach(const char *cmdline, virKernelCmdlineFunc func, gpointer opaque);

gboolean virKernelCmdlineParamEqual(const char *a, const char *b);

gboolean virKernelStrToBool(const char *str, gboolean *ret_value);

gboolean virKernelCmdlineIsEnabled(const char *cmdline, const char *name);
