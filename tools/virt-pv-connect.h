/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

/* Domain definitions fetched through the libvirt API, for
 * `validate --connect URI`. */

typedef struct {
    char *name;
    char *xml; /* the inactive definition: what the next start uses */
} virtPVConnectDomain;

void virtPVConnectDomainFree(virtPVConnectDomain *domain);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virtPVConnectDomain, virtPVConnectDomainFree)

/* Whether this build can talk to libvirt at all. */
gboolean virtPVConnectAvailable(void);

/* Open @uri read-only and fetch the named domains, or with @all every
 * defined domain sorted by name.  A domain that cannot be fetched is an
 * error naming it; none is returned then. */
gboolean virtPVConnectFetch(const char *uri, char *const *names, gboolean all,
                            GPtrArray **ret_domains, GError **error);
