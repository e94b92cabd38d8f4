/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdarg.h>
#include <stdlib.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#ifdef WITH_LIBVIRT
# include <libvirt/libvirt.h>
# include <libvirt/virterror.h>
#endif

#include "util/virdl.h"
#include "virt-pv-connect.h"

void
virtPVConnectDomainFree(virtPVConnectDomain *domain)
{
    if (!domain)
        return;
    g_free(domain->name);
    g_free(domain->xml);
    g_free(domain);
}

#ifdef WITH_LIBVIRT

/*
 * libvirt is opened with dlopen() when --connect is used, not linked:
 * linking it would load some forty libraries into every virt-pv process,
 * the libvirt hook included, and triple its start-up time.  The table
 * names every libvirt symbol used here.
 */
typedef struct {
    void *handle;
    virConnectPtr (*connectOpenAuth)(const char *, virConnectAuthPtr, unsigned int);
    virConnectAuthPtr *connectAuthPtrDefault;
    int (*connectClose)(virConnectPtr);
    int (*connectListAllDomains)(virConnectPtr, virDomainPtr **, unsigned int);
    virDomainPtr (*domainLookupByName)(virConnectPtr, const char *);
    char *(*domainGetXMLDesc)(virDomainPtr, unsigned int);
    const char *(*domainGetName)(virDomainPtr);
    int (*domainFree)(virDomainPtr);
    const char *(*getLastErrorMessage)(void);
    void (*setErrorFunc)(void *, virErrorFunc);
} virtPVLibvirt;

static const virDLSymbol virtPVLibvirtSymbols[] = {
    { "virConnectOpenAuth", G_STRUCT_OFFSET(virtPVLibvirt, connectOpenAuth) },
    { "virConnectAuthPtrDefault", G_STRUCT_OFFSET(virtPVLibvirt, connectAuthPtrDefault) },
    { "virConnectClose", G_STRUCT_OFFSET(virtPVLibvirt, connectClose) },
    { "virConnectListAllDomains", G_STRUCT_OFFSET(virtPVLibvirt, connectListAllDomains) },
    { "virDomainLookupByName", G_STRUCT_OFFSET(virtPVLibvirt, domainLookupByName) },
    { "virDomainGetXMLDesc", G_STRUCT_OFFSET(virtPVLibvirt, domainGetXMLDesc) },
    { "virDomainGetName", G_STRUCT_OFFSET(virtPVLibvirt, domainGetName) },
    { "virDomainFree", G_STRUCT_OFFSET(virtPVLibvirt, domainFree) },
    { "virGetLastErrorMessage", G_STRUCT_OFFSET(virtPVLibvirt, getLastErrorMessage) },
    { "virSetErrorFunc", G_STRUCT_OFFSET(virtPVLibvirt, setErrorFunc) },
};

static virtPVLibvirt virtPVLibvirtAPI;

static gboolean
virtPVLibvirtLoad(GError **error)
{
    virtPVLibvirt *api = &virtPVLibvirtAPI;

    return api->handle ||
           virDLOpen(VIRT_PV_LIBVIRT_SONAME, "libvirt", virtPVLibvirtSymbols,
                     G_N_ELEMENTS(virtPVLibvirtSymbols), api, &api->handle, error);
}

static void
virtPVConnectDomainRelease(virDomainPtr dom)
{
    virtPVLibvirtAPI.domainFree(dom);
}

static void
virtPVConnectRelease(virConnectPtr conn)
{
    virtPVLibvirtAPI.connectClose(conn);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(virConnect, virtPVConnectRelease)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomain, virtPVConnectDomainRelease)

gboolean
virtPVConnectAvailable(void)
{
    return TRUE;
}

/* libvirt prints every error to stderr unless told otherwise; virt-pv
 * reports each once, itself. */
static void
virtPVConnectQuiet(void *opaque, virErrorPtr err)
{
}

static void virtPVConnectSetError(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* @fmt says what failed; libvirt's last error says why. */
static void
virtPVConnectSetError(GError **error, const char *fmt, ...)
{
    const char *why = virtPVLibvirtAPI.getLastErrorMessage();
    g_autofree char *what = NULL;
    va_list ap;

    va_start(ap, fmt);
    what = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what, why);
}

static gboolean
virtPVConnectFetchOne(virDomainPtr dom, const char *name, GPtrArray *domains, GError **error)
{
    g_autoptr(virtPVConnectDomain) domain = g_new0(virtPVConnectDomain, 1);
    char *xml = virtPVLibvirtAPI.domainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);

    if (!xml) {
        virtPVConnectSetError(error, _("cannot get the definition of domain '%s'"), name);
        return FALSE;
    }
    domain->name = g_strdup(name);
    domain->xml = g_strdup(xml);
    free(xml);
    g_ptr_array_add(domains, g_steal_pointer(&domain));
    return TRUE;
}

static gboolean
virtPVConnectFetchNamed(virConnectPtr conn, char *const *names, GPtrArray *domains,
                        GError **error)
{
    guint i;

    for (i = 0; names && names[i]; i++) {
        g_autoptr(virDomain) dom = virtPVLibvirtAPI.domainLookupByName(conn, names[i]);

        if (!dom) {
            virtPVConnectSetError(error, _("cannot find domain '%s'"), names[i]);
            return FALSE;
        }
        if (!virtPVConnectFetchOne(dom, names[i], domains, error))
            return FALSE;
    }
    return TRUE;
}

static int
virtPVConnectCompare(gconstpointer a, gconstpointer b)
{
    const virtPVConnectDomain *da = *(virtPVConnectDomain *const *)a;
    const virtPVConnectDomain *db = *(virtPVConnectDomain *const *)b;

    return g_strcmp0(da->name, db->name);
}

static gboolean
virtPVConnectFetchAll(virConnectPtr conn, const char *uri, GPtrArray *domains, GError **error)
{
    virDomainPtr *doms = NULL;
    gboolean ok = TRUE;
    int n;
    int i;

    if ((n = virtPVLibvirtAPI.connectListAllDomains(conn, &doms, 0)) < 0) {
        virtPVConnectSetError(error, _("cannot list the domains of '%s'"), uri);
        return FALSE;
    }
    for (i = 0; i < n; i++) {
        if (ok && !virtPVConnectFetchOne(doms[i], virtPVLibvirtAPI.domainGetName(doms[i]), domains, error))
            ok = FALSE;
        virtPVLibvirtAPI.domainFree(doms[i]);
    }
    free(doms);
    g_ptr_array_sort(domains, virtPVConnectCompare);
    return ok;
}

gboolean
virtPVConnectFetch(const char *uri, char *const *names, gboolean all, GPtrArray **ret_domains,
                   GError **error)
{
    g_autoptr(GPtrArray) domains =
        g_ptr_array_new_with_free_func((GDestroyNotify)virtPVConnectDomainFree);
    g_autoptr(virConnect) conn = NULL;

    if (!virtPVLibvirtLoad(error))
        return FALSE;
    virtPVLibvirtAPI.setErrorFunc(NULL, virtPVConnectQuiet);
    if (!(conn = virtPVLibvirtAPI.connectOpenAuth(uri, *virtPVLibvirtAPI.connectAuthPtrDefault,
                                                     VIR_CONNECT_RO))) {
        virtPVConnectSetError(error, _("cannot connect to '%s'"), uri);
        return FALSE;
    }
    if (all ? !virtPVConnectFetchAll(conn, uri, domains, error)
            : !virtPVConnectFetchNamed(conn, names, domains, error))
        return FALSE;
    *ret_domains = g_steal_pointer(&domains);
    return TRUE;
}

#else /* !WITH_LIBVIRT */

gboolean
virtPVConnectAvailable(void)
{
    return FALSE;
}

gboolean
virtPVConnectFetch(const char *uri, char *const *names, gboolean all, GPtrArray **ret_domains,
                   GError **error)
{
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                _("cannot connect to '%s': this virt-pv was built without libvirt"), uri);
    return FALSE;
}

#endif /* !WITH_LIBVIRT */
