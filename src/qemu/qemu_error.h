/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

/* The error domain of src/qemu: talking to QEMU, its capabilities, and
 * what they mean for a guest definition. */
#define VIR_QEMU_ERROR (virQEMUError_quark())

typedef enum {
    VIR_QEMU_ERROR_FAILED,       /* anything else */
    VIR_QEMU_ERROR_SPAWN,        /* QEMU could not be started or died */
    VIR_QEMU_ERROR_TIMEOUT,      /* QEMU did not answer in time */
    VIR_QEMU_ERROR_PROTOCOL,     /* QEMU (or a recording) broke the QMP protocol */
    VIR_QEMU_ERROR_COMMAND,      /* QEMU answered a command with an error */
    VIR_QEMU_ERROR_CACHE,        /* a capabilities file is unusable */
    VIR_QEMU_ERROR_NOT_RECORDED, /* a recording has no answer to the command */
} virQEMUError;

GQuark virQEMUError_quark(void);
