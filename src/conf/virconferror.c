/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include "virconferror.h"

G_DEFINE_QUARK(virt-pv-conf-error-quark, virConfError)
