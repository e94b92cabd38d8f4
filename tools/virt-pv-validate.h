/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

#include "qemu/qemu_validate.h"
#include "util/virhostpv.h"
#include "virt-pv-metrics.h"

/* What `virt-pv validate` and the libvirt hook share: the host and the
 * kernel image as validation sees them. */

/* A virQEMUValidateImageFunc: the SE header of the kernel at @path
 * below @root (the context's image_opaque: --root, NULL for /).  A missing
 * kernel is not checked. */
gboolean virtPVValidateImage(const char *path, gpointer root, virSEImageHeader **ret_header,
                             GError **error);

/* The same for a guest of a remote libvirt host: its kernel is not read
 * here (the error makes the note kernel-unchecked). */
gboolean virtPVValidateImageRemote(const char *path, gpointer opaque,
                                   virSEImageHeader **ret_header, GError **error);

/* What validation keeps of the host: @host points into it. */
typedef struct {
    virQEMUValidateHost host;
    virHostPVState *state;
    char *reason;
} virtPVValidateHostState;

void virtPVValidateHostStateClear(virtPVValidateHostState *hs);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(virtPVValidateHostState, virtPVValidateHostStateClear)

/* Fill @hs from the host below @root (NULL: /): whether it can run PV
 * guests (and if not, why), and its Ultravisor's facts. */
gboolean virtPVValidateReadHost(const char *root, virtPVValidateHostState *hs, GError **error);

/* Add virt_pv_host_pv_capable for every local URI of @uris (a set: URI ->
 * remote as GINT_TO_POINTER), labelled with the @command that wrote it so
 * that the files of validate and status never hold the same series. */
void virtPVValidateMetricsHosts(virtPVMetrics *metrics, const char *root, const char *command,
                                GHashTable *uris);
