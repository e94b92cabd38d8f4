/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What only the capabilities' tests (the fuzz target of the cache file)
 * reach into; the product asks virQEMUCapsGetPV() and the printed forms. */

#include "qemu_capabilities.h"

gboolean virQEMUCapsHostModelHasUnpack(const virQEMUCaps *caps);
gboolean virQEMUCapsSupportsPV(const virQEMUCaps *caps);
const virQEMUCapsMachine *virQEMUCapsGetDefaultMachine(const virQEMUCaps *caps);
