/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include "virhostvalerror.h"

G_DEFINE_QUARK(virt-pv-hostval-error-quark, virHostvalError)
