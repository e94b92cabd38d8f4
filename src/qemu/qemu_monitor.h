/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

/* How long any single wait for QEMU may take, unless the caller says. */
#define VIR_QEMU_MONITOR_TIMEOUT_DEFAULT_MS 30000

/* The largest QMP message accepted.  The biggest answer the probe asks for
 * (query-machines) is about 10 KiB; anything near this limit is hostile. */
#define VIR_QEMU_MONITOR_MAX_MESSAGE (4 * 1024 * 1024)

typedef struct _virQEMUMonitor virQEMUMonitor;

typedef enum {
    VIR_QEMU_MONITOR_RECORD = 1 << 0, /* keep the conversation for FormatTranscript */
} virQEMUMonitorFlags;

gboolean virQEMUMonitorSpawn(const char *emulator, const char *const *extra_args,
                             guint timeout_ms, unsigned int flags, virQEMUMonitor **ret_mon,
                             GError **error);

gboolean virQEMUMonitorOpenFd(const char *name, int fd, GPid pid, int stderr_fd,
                              guint timeout_ms, unsigned int flags, virQEMUMonitor **ret_mon,
                              GError **error);

gboolean virQEMUMonitorOpenReplies(const char *path, virQEMUMonitor **ret_mon, GError **error);

gboolean virQEMUMonitorCommand(virQEMUMonitor *mon, const char *command, JsonNode *arguments,
                               JsonNode **ret_reply, GError **error);

gboolean virQEMUMonitorClose(virQEMUMonitor *mon, GError **error);

char *virQEMUMonitorFormatTranscript(virQEMUMonitor *mon, const char *header);

void virQEMUMonitorFree(virQEMUMonitor *mon);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virQEMUMonitor, virQEMUMonitorFree)
