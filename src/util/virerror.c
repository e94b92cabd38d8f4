/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include "virerror.h"

G_DEFINE_QUARK(virt-pv-util-error-quark, virUtilError)
