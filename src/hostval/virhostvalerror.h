/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

/* The error domain of src/hostval: the host and virt-pv's own
 * configuration. */
#define VIR_HOSTVAL_ERROR (virHostvalError_quark())

typedef enum {
    VIR_HOSTVAL_ERROR_FAILED, /* anything else */
    VIR_HOSTVAL_ERROR_CONFIG, /* the configuration file is malformed */
} virHostvalError;

GQuark virHostvalError_quark(void);
