/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

#include "hostval/virhostpv.h"
#include "qemu/qemu_validate.h"

/* What `virt-pv validate` and the libvirt hook share: the host and the
 * kernel image as validation sees them. */

/* Read kernels below @root (NULL: /) in virtPVValidateImage. */
void virtPVValidateSetRoot(const char *root);

/* A virQEMUValidateImageFunc: the SE header of the kernel at @path
 * (below the root set above).  A missing kernel is not checked. */
gboolean virtPVValidateImage(const char *path, virSEImageHeader **ret_header, GError **error);

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
