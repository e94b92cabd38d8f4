/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <dlfcn.h>

#include <glib/gi18n.h>

#include "virdl.h"
#include "virerror.h"

gboolean
virDLOpen(const char *soname, const char *what, const virDLSymbol *symbols, gsize nsymbols,
          void *api, void **ret_handle, GError **error)
{
    g_autofree void **found = g_new0(void *, nsymbols);
    void *handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    gsize i;

    if (!handle) {
        g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_IO, _("cannot load %s (%s): %s"),
                    what, soname, dlerror());
        return FALSE;
    }
    for (i = 0; i < nsymbols; i++) {
        if (!(found[i] = dlsym(handle, symbols[i].name))) {
            g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_IO,
                        _("'%s' lacks the symbol '%s'"), soname, symbols[i].name);
            dlclose(handle);
            return FALSE;
        }
    }
    for (i = 0; i < nsymbols; i++)
        G_STRUCT_MEMBER(void *, api, symbols[i].offset) = found[i];
    *ret_handle = handle;
    return TRUE;
}
