/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include "qemu_error.h"

G_DEFINE_QUARK(virt-pv-qemu-error-quark, virQEMUError)
