/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

/*
 * Libraries that only some commands need (libvirt for --connect, GnuTLS
 * for host-key documents) are opened with dlopen() when first used, not
 * linked: linked, they would be loaded, and initialised, in every virt-pv
 * process, the libvirt hook of every guest start included.  A caller
 * describes the functions it uses as a table of names and offsets into a
 * structure of function pointers.
 */

typedef struct {
    const char *name;
    gsize offset; /* of the pointer in the caller's structure */
} virDLSymbol;

/* Open @soname (called @what in messages) and store the address of every
 * symbol of @symbols into @api.  On failure nothing stays open and @api is
 * left as it was. */
gboolean virDLOpen(const char *soname, const char *what, const virDLSymbol *symbols,
                   gsize nsymbols, void *api, void **ret_handle, GError **error);
