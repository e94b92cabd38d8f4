/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "qemu_capabilities.h"
#include "util/virhostpv.h"

gboolean virQEMUCapsCacheLookup(const char *cache_dir, const char *emulator,
                                const virHostPVState *host, guint timeout_ms,
                                virQEMUCaps **ret_caps, char **ret_warning, GError **error);
