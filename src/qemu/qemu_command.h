/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

#include "conf/domain_conf.h"
#include "qemu/qemu_capabilities.h"
#include "qemu/qemu_validate.h"

/*
 * The QEMU command line of an s390x guest, built the way libvirt's QEMU
 * driver builds it (-blockdev plus -device, ccw addresses, -object for
 * backends), with the Secure Execution rules applied: iommu mode puts
 * iommu_platform=on on every virtio device, launch-security mode never
 * emits iommu_platform=off.  Device properties use QEMU's key=value
 * syntax (commas in values doubled), which every QEMU that can run a
 * protected guest accepts.
 *
 * Runtime values that only libvirt can supply at start (the file
 * descriptors of tap devices) are written as placeholders: @tapfd0@,
 * @vhostfd0@.
 */

typedef struct {
    GPtrArray *args;     /* of char *: argv[0] is the emulator */
    GPtrArray *warnings; /* of char *: what was left out, and why */
} virQEMUCommandLine;

void virQEMUCommandLineFree(virQEMUCommandLine *cmd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virQEMUCommandLine, virQEMUCommandLineFree)

/* Build the argv of @def, reading only the model: every value of the
 * definition was checked when it was parsed.  @caps (may be NULL) names
 * the emulator when the definition does not and resolves machine type
 * aliases.  Devices this builder does not know are left out with a
 * warning; a definition it cannot express correctly (an iommu='off'
 * device of a launch-security guest, an arch other than s390x, no
 * <name> or <memory>) is an error. */
gboolean virQEMUBuildCommandLine(const virDomainDef *def, const virQEMUCaps *caps,
                                 virQEMUPVMode mode, virQEMUCommandLine **ret_cmd, GError **error);

/* One argument per line, shell-quoted where the shell would split or
 * expand it. */
char *virQEMUCommandLineFormat(const virQEMUCommandLine *cmd);
