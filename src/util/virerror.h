/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

/* The error domain of src/util.  Each layer has its own domain.  The
 * codes tell a caller what went wrong where it must react differently:
 * image-info exits 1 for a file that is not an SE image
 * (VIR_UTIL_ERROR_PARSE) and 2 for one it cannot read.  Every other
 * error a command meets is an input or usage error: exit status 2. */
#define VIR_UTIL_ERROR (virUtilError_quark())

typedef enum {
    VIR_UTIL_ERROR_FAILED,   /* anything else */
    VIR_UTIL_ERROR_IO,       /* a file could not be read or written */
    VIR_UTIL_ERROR_TOO_BIG,  /* input over a size limit */
    VIR_UTIL_ERROR_PARSE,    /* input is not of the expected form */
} virUtilError;

GQuark virUtilError_quark(void);
