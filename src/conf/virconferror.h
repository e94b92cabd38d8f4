/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

/* The error domain of src/conf: reading and querying domain XML. */
#define VIR_CONF_ERROR (virConfError_quark())

typedef enum {
    VIR_CONF_ERROR_FAILED,     /* anything else */
    VIR_CONF_ERROR_XML,        /* not well-formed XML */
    VIR_CONF_ERROR_UNSAFE,     /* entity declarations, DOCTYPE internal subset */
    VIR_CONF_ERROR_NOT_DOMAIN, /* well-formed, but not a <domain> */
    VIR_CONF_ERROR_INVALID,    /* a <domain> with a value libvirt would refuse */
} virConfError;

GQuark virConfError_quark(void);
