/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

#include "qemu/qemu_validate.h"
#include "virt-pv-metrics.h"

/* What `virt-pv validate` and the libvirt hook share: the host and the
 * kernel image as validation sees them. */

/* Read kernels below @root (NULL: /) in virtPVValidateImage. */
void virtPVValidateSetRoot(const char *root);

/* A virQEMUValidateImageFunc: is the kernel at @path (below the root set
 * above) a Secure Execution image?  A missing kernel is not checked. */
gboolean virtPVValidateImage(const char *path, gboolean *ret_is_se, GError **error);

/* The same for a guest of a remote libvirt host: its kernel is not read
 * here (the error makes the note kernel-unchecked). */
gboolean virtPVValidateImageRemote(const char *path, gboolean *ret_is_se, GError **error);

/* Fill @host from the host below @root; @ret_reason (which @host points
 * to) says why the host cannot run PV guests. */
gboolean virtPVValidateReadHost(const char *root, virQEMUValidateHost *host, char **ret_reason,
                                GError **error);

/* Add virt_pv_host_pv_capable for every local URI of @uris (a set: URI ->
 * remote as GINT_TO_POINTER), labelled with the @command that wrote it so
 * that the files of validate and status never hold the same series. */
void virtPVValidateMetricsHosts(virtPVMetrics *metrics, const char *root, const char *command,
                                GHashTable *uris);
