/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

/* Domains fetched through the libvirt API, for `validate --connect` and
 * `status`: one record per domain, or per domain or connection that
 * could not be read. */

typedef enum {
    VIRT_PV_CONNECT_INACTIVE, /* every defined domain's inactive definition:
                               * what the next start uses (validate) */
    VIRT_PV_CONNECT_RUNNING,  /* every running domain's live definition
                               * (status) */
} virtPVConnectWhat;

typedef struct {
    char *uri;       /* as libvirt names the connection (given, or its default) */
    gboolean remote; /* the URI names a host: its files are not this machine's */
    char *name;      /* NULL: the connection itself failed */
    char *xml;       /* NULL with @error */
    int id;          /* running domains: libvirt's domain id; else -1 */
    char *agent;     /* status: the agent's reply to the prot_virt_guest
                      * read (JSON), NULL when it did not answer */
    GError *agent_error;
    GError *error;   /* the domain vanished, or could not be read */
    gpointer data;   /* what the request's prepare function made of it */
    GDestroyNotify data_free;
} virtPVConnectDomain;

void virtPVConnectDomainFree(virtPVConnectDomain *domain);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virtPVConnectDomain, virtPVConnectDomainFree)

/* Whether this build can talk to libvirt at all. */
gboolean virtPVConnectAvailable(void);

/* Does @uri name another machine?  A URI with a host part does, like
 * libvirt's remote driver decides; NULL (libvirt's default) does not. */
gboolean virtPVConnectIsRemote(const char *uri);

/* Called in the thread that fetched @domain (without error), so that the
 * work on a definition overlaps the waiting for the next: must be
 * thread-safe, and keeps its result in @domain->data. */
typedef void (*virtPVConnectPrepareFunc)(virtPVConnectDomain *domain, gpointer opaque);

typedef struct {
    char *const *uris;   /* NULL-terminated; a NULL first entry: libvirt's
                          * default (LIBVIRT_DEFAULT_URI, as virsh) */
    char *const *names;  /* the named domains; NULL with @all */
    gboolean all;
    virtPVConnectWhat what;
    gboolean ask_agent;  /* status: read prot_virt_guest through the
                          * guest agent (libvirt-qemu) */
    int agent_timeout_s;
    virtPVConnectPrepareFunc prepare; /* may be NULL */
    gpointer prepare_opaque;
} virtPVConnectRequest;

/* Fetch from every URI at once, one thread per URI.  Never fails as a
 * whole: a connection or domain that fails is a record with its error.
 * Records come in the order of the URIs, each URI's sorted by name (or
 * in the order of @names). */
GPtrArray *virtPVConnectFetch(const virtPVConnectRequest *request);

/* The agent command of the status check: open, read and close
 * /sys/firmware/uv/prot_virt_guest inside the guest.  The reply, as
 * virtPVConnectDomain.agent holds it, is what guest-file-read answered. */
#define VIRT_PV_CONNECT_PROT_VIRT_GUEST "/sys/firmware/uv/prot_virt_guest"
