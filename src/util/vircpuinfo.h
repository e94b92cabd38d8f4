/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

/* A parsed /proc/cpuinfo: only the global "key : value" lines that come
 * before the per-processor blocks matter here. */
typedef struct _virCPUInfo virCPUInfo;

virCPUInfo *virCPUInfoParse(const char *text);
void virCPUInfoFree(virCPUInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virCPUInfo, virCPUInfoFree)

const char *virCPUInfoGet(const virCPUInfo *info, const char *key);

gboolean virCPUInfoIsS390(const virCPUInfo *info);

gboolean virCPUInfoHasFacilities(const virCPUInfo *info);
gboolean virCPUInfoHasFacility(const virCPUInfo *info, guint bit);
