/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdarg.h>
#include <stdlib.h>

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

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
    g_free(domain->uri);
    g_free(domain->name);
    g_free(domain->xml);
    g_free(domain->agent);
    g_clear_error(&domain->agent_error);
    g_clear_error(&domain->error);
    if (domain->data_free)
        g_clear_pointer(&domain->data, domain->data_free);
    g_free(domain);
}

gboolean
virtPVConnectIsRemote(const char *uri)
{
    g_autoptr(GUri) parsed = NULL;
    const char *host;

    if (!uri || !(parsed = g_uri_parse(uri, G_URI_FLAGS_NON_DNS, NULL)))
        return FALSE;
    host = g_uri_get_host(parsed);
    return host && *host;
}

static virtPVConnectDomain *
virtPVConnectRecordNew(const char *uri, const char *name)
{
    virtPVConnectDomain *domain = g_new0(virtPVConnectDomain, 1);

    domain->uri = g_strdup(uri ? uri : "");
    domain->remote = virtPVConnectIsRemote(uri);
    domain->name = g_strdup(name);
    domain->id = -1;
    return domain;
}

#ifdef WITH_LIBVIRT

/*
 * libvirt is opened with dlopen() when --connect is used, not linked:
 * linking it would load some forty libraries into every virt-pv process,
 * the libvirt hook included, and triple its start-up time.  The table
 * names every libvirt symbol used here; libvirt-qemu (the agent command)
 * is opened the same way, by `status` only.
 */
typedef struct {
    void *handle;
    int (*initialize)(void);
    virConnectPtr (*connectOpenAuth)(const char *, virConnectAuthPtr, unsigned int);
    virConnectAuthPtr *connectAuthPtrDefault;
    int (*connectClose)(virConnectPtr);
    char *(*connectGetURI)(virConnectPtr);
    int (*connectListAllDomains)(virConnectPtr, virDomainPtr **, unsigned int);
    virDomainPtr (*domainLookupByName)(virConnectPtr, const char *);
    char *(*domainGetXMLDesc)(virDomainPtr, unsigned int);
    const char *(*domainGetName)(virDomainPtr);
    int (*domainIsActive)(virDomainPtr);
    unsigned int (*domainGetID)(virDomainPtr);
    int (*domainFree)(virDomainPtr);
    const char *(*getLastErrorMessage)(void);
    void (*setErrorFunc)(void *, virErrorFunc);
    int (*eventRegisterDefaultImpl)(void);
    int (*eventRunDefaultImpl)(void);
    int (*eventAddTimeout)(int, virEventTimeoutCallback, void *, virFreeCallback);
    int (*eventRemoveTimeout)(int);
    int (*connectSetKeepAlive)(virConnectPtr, int, unsigned int);
    gboolean events_registered; /* libvirt's default event loop */
    /* libvirt-qemu */
    void *qemu_handle;
    char *(*qemuAgentCommand)(virDomainPtr, const char *, int, unsigned int);
} virtPVLibvirt;

static const virDLSymbol virtPVLibvirtSymbols[] = {
    { "virInitialize", G_STRUCT_OFFSET(virtPVLibvirt, initialize) },
    { "virConnectOpenAuth", G_STRUCT_OFFSET(virtPVLibvirt, connectOpenAuth) },
    { "virConnectAuthPtrDefault", G_STRUCT_OFFSET(virtPVLibvirt, connectAuthPtrDefault) },
    { "virConnectClose", G_STRUCT_OFFSET(virtPVLibvirt, connectClose) },
    { "virConnectGetURI", G_STRUCT_OFFSET(virtPVLibvirt, connectGetURI) },
    { "virConnectListAllDomains", G_STRUCT_OFFSET(virtPVLibvirt, connectListAllDomains) },
    { "virDomainLookupByName", G_STRUCT_OFFSET(virtPVLibvirt, domainLookupByName) },
    { "virDomainGetXMLDesc", G_STRUCT_OFFSET(virtPVLibvirt, domainGetXMLDesc) },
    { "virDomainGetName", G_STRUCT_OFFSET(virtPVLibvirt, domainGetName) },
    { "virDomainIsActive", G_STRUCT_OFFSET(virtPVLibvirt, domainIsActive) },
    { "virDomainGetID", G_STRUCT_OFFSET(virtPVLibvirt, domainGetID) },
    { "virDomainFree", G_STRUCT_OFFSET(virtPVLibvirt, domainFree) },
    { "virGetLastErrorMessage", G_STRUCT_OFFSET(virtPVLibvirt, getLastErrorMessage) },
    { "virSetErrorFunc", G_STRUCT_OFFSET(virtPVLibvirt, setErrorFunc) },
    { "virEventRegisterDefaultImpl", G_STRUCT_OFFSET(virtPVLibvirt, eventRegisterDefaultImpl) },
    { "virEventRunDefaultImpl", G_STRUCT_OFFSET(virtPVLibvirt, eventRunDefaultImpl) },
    { "virEventAddTimeout", G_STRUCT_OFFSET(virtPVLibvirt, eventAddTimeout) },
    { "virEventRemoveTimeout", G_STRUCT_OFFSET(virtPVLibvirt, eventRemoveTimeout) },
    { "virConnectSetKeepAlive", G_STRUCT_OFFSET(virtPVLibvirt, connectSetKeepAlive) },
};

/* A daemon that stops answering (stopped, hung, its host gone) would
 * block a call forever: libvirt's keepalive closes such a connection
 * after about (count + 1) * interval seconds, and the calls on it fail.
 * virsh does the same (5 s, 6 times); 5 s, twice here. */
#define VIRT_PV_CONNECT_KEEPALIVE_INTERVAL_S 5
#define VIRT_PV_CONNECT_KEEPALIVE_COUNT 2

/* The one piece of mutable state in tools/, on purpose: the libraries
 * are opened once per process, libvirt's global state initialised once
 * (virInitialize) and its default event loop registered once, whatever
 * the command; filled on first use, in the main thread before the fetch
 * threads start. */
static virtPVLibvirt virtPVLibvirtAPI;

/* libvirt prints every error to stderr unless told otherwise; virt-pv
 * reports each once, itself. */
static void
virtPVConnectQuiet(void *opaque, virErrorPtr err)
{
}

/* libvirt's default event loop runs the keepalive.  Its thread starts
 * with the first connection that has a keepalive (a daemon's; the test
 * driver has none) and ends with virtPVConnectFetch(), which owns it. */
typedef struct {
    GMutex lock;
    GThread *thread;
    gint quit;
} virtPVConnectEvents;

static gpointer
virtPVConnectEventLoop(gpointer opaque)
{
    virtPVConnectEvents *events = opaque;

    while (!g_atomic_int_get(&events->quit)) {
        if (virtPVLibvirtAPI.eventRunDefaultImpl() < 0)
            break;
    }
    return NULL;
}

/* Before the first connection to a daemon: the remote driver takes the
 * event loop that is registered when it connects.  libvirt's test driver
 * (test:///) runs in the process and needs none. */
static void
virtPVConnectEventRegister(char *const *uris, guint nuris)
{
    guint i;

    for (i = 0; i < nuris && !virtPVLibvirtAPI.events_registered; i++) {
        if (!uris[i] || !g_str_has_prefix(uris[i], "test:")) {
            virtPVLibvirtAPI.eventRegisterDefaultImpl();
            virtPVLibvirtAPI.events_registered = TRUE;
        }
    }
}

static void
virtPVConnectEventStart(virtPVConnectEvents *events)
{
    g_mutex_lock(&events->lock);
    if (!events->thread) {
        g_atomic_int_set(&events->quit, 0);
        events->thread = g_thread_new("virt-pv-events", virtPVConnectEventLoop, events);
    }
    g_mutex_unlock(&events->lock);
}

static void
virtPVConnectEventWake(int timer, void *opaque)
{
}

/* A timeout due at once ends the loop's wait; the loop then sees that it
 * must quit. */
static void
virtPVConnectEventStop(virtPVConnectEvents *events)
{
    GThread *thread = g_steal_pointer(&events->thread);
    int timer;

    if (!thread)
        return;
    g_atomic_int_set(&events->quit, 1);
    if ((timer = virtPVLibvirtAPI.eventAddTimeout(0, virtPVConnectEventWake, NULL, NULL)) < 0) {
        g_thread_unref(thread);
        return;
    }
    g_thread_join(thread);
    virtPVLibvirtAPI.eventRemoveTimeout(timer);
}

/* libvirt, and with @with_qemu libvirt-qemu (the agent command of
 * status), each opened once. */
static gboolean
virtPVLibvirtLoad(gboolean with_qemu, GError **error)
{
    static const virDLSymbol qemu_symbols[] = {
        { "virDomainQemuAgentCommand", G_STRUCT_OFFSET(virtPVLibvirt, qemuAgentCommand) },
    };
    virtPVLibvirt *api = &virtPVLibvirtAPI;

    if (!api->handle) {
        if (!virDLOpen(VIRT_PV_LIBVIRT_SONAME, "libvirt", virtPVLibvirtSymbols,
                       G_N_ELEMENTS(virtPVLibvirtSymbols), api, &api->handle, error))
            return FALSE;
        /* Before any thread: libvirt's global state is set up once. */
        if (api->initialize() < 0) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, _("cannot initialize libvirt"));
            return FALSE;
        }
        api->setErrorFunc(NULL, virtPVConnectQuiet);
    }
    if (with_qemu && !api->qemu_handle &&
        !virDLOpen(VIRT_PV_LIBVIRT_QEMU_SONAME, "libvirt-qemu", qemu_symbols,
                   G_N_ELEMENTS(qemu_symbols), api, &api->qemu_handle, error))
        return FALSE;
    return TRUE;
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

static void virtPVConnectSetError(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* @fmt says what failed; libvirt's last error (of this thread) says why. */
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

/* One agent command; its reply, or NULL with @error. */
static char *
virtPVConnectAgent(virDomainPtr dom, const char *name, const char *command, int timeout_s,
                   GError **error)
{
    char *reply = virtPVLibvirtAPI.qemuAgentCommand(dom, command, timeout_s, 0);
    char *copy;

    if (!reply) {
        virtPVConnectSetError(error, _("the guest agent of '%s' did not answer"), name);
        return NULL;
    }
    copy = g_strdup(reply);
    free(reply);
    return copy;
}

/* Read prot_virt_guest through the agent: open, read, close.  The handle
 * is the number guest-file-open returns. */
static void
virtPVConnectAskAgent(virDomainPtr dom, virtPVConnectDomain *domain, int timeout_s)
{
    g_autofree char *opened = NULL;
    g_autofree char *close_reply = NULL;
    g_autofree char *cmd = NULL;
    g_autoptr(JsonNode) node = NULL;
    JsonNode *ret = NULL;
    gint64 handle;

    opened = virtPVConnectAgent(dom, domain->name,
                                "{\"execute\":\"guest-file-open\",\"arguments\":{\"path\":\""
                                VIRT_PV_CONNECT_PROT_VIRT_GUEST "\",\"mode\":\"r\"}}",
                                timeout_s, &domain->agent_error);
    if (!opened)
        return;
    /* The reply comes from inside the guest: every step checked. */
    if ((node = json_from_string(opened, NULL)) && JSON_NODE_HOLDS_OBJECT(node))
        ret = json_object_get_member(json_node_get_object(node), "return");
    if (!ret || !JSON_NODE_HOLDS_VALUE(ret) || json_node_get_value_type(ret) != G_TYPE_INT64) {
        g_set_error(&domain->agent_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    _("the guest agent of '%s' gave no file handle"), domain->name);
        return;
    }
    handle = json_node_get_int(ret);
    cmd = g_strdup_printf("{\"execute\":\"guest-file-read\",\"arguments\":{\"handle\":%"
                          G_GINT64_FORMAT ",\"count\":64}}", handle);
    domain->agent = virtPVConnectAgent(dom, domain->name, cmd, timeout_s, &domain->agent_error);
    g_free(cmd);
    cmd = g_strdup_printf("{\"execute\":\"guest-file-close\",\"arguments\":{\"handle\":%"
                          G_GINT64_FORMAT "}}", handle);
    close_reply = virtPVConnectAgent(dom, domain->name, cmd, timeout_s, NULL);
}

/* One domain's record: its definition (inactive or live) and, for
 * status, the agent's answer. */
static virtPVConnectDomain *
virtPVConnectFetchOne(virDomainPtr dom, const char *uri, const char *name,
                      const virtPVConnectRequest *request)
{
    g_autoptr(virtPVConnectDomain) domain = virtPVConnectRecordNew(uri, name);
    gboolean running = request->what == VIRT_PV_CONNECT_RUNNING;
    char *xml = virtPVLibvirtAPI.domainGetXMLDesc(dom, running ? 0 : VIR_DOMAIN_XML_INACTIVE);

    if (!xml) {
        virtPVConnectSetError(&domain->error, _("cannot get the definition of domain '%s'"),
                              name);
        return g_steal_pointer(&domain);
    }
    domain->xml = g_strdup(xml);
    free(xml);
    if (running) {
        if (virtPVLibvirtAPI.domainIsActive(dom) != 1) {
            g_set_error(&domain->error, G_IO_ERROR, G_IO_ERROR_FAILED,
                        _("domain '%s' is not running"), name);
            return g_steal_pointer(&domain);
        }
        domain->id = (int)virtPVLibvirtAPI.domainGetID(dom);
        if (request->ask_agent)
            virtPVConnectAskAgent(dom, domain, request->agent_timeout_s);
    }
    if (request->prepare)
        request->prepare(domain, request->prepare_opaque);
    return g_steal_pointer(&domain);
}

static void
virtPVConnectFetchNamed(virConnectPtr conn, const char *uri,
                        const virtPVConnectRequest *request, GPtrArray *records)
{
    guint i;

    for (i = 0; request->names && request->names[i]; i++) {
        const char *name = request->names[i];
        g_autoptr(virDomain) dom = virtPVLibvirtAPI.domainLookupByName(conn, name);

        if (!dom) {
            virtPVConnectDomain *domain = virtPVConnectRecordNew(uri, name);

            virtPVConnectSetError(&domain->error, _("cannot find domain '%s'"), name);
            g_ptr_array_add(records, domain);
            continue;
        }
        g_ptr_array_add(records, virtPVConnectFetchOne(dom, uri, name, request));
    }
}

static int
virtPVConnectCompare(gconstpointer a, gconstpointer b)
{
    const virtPVConnectDomain *da = *(virtPVConnectDomain *const *)a;
    const virtPVConnectDomain *db = *(virtPVConnectDomain *const *)b;

    return g_strcmp0(da->name, db->name);
}

static void
virtPVConnectFetchAll(virConnectPtr conn, const char *uri, const virtPVConnectRequest *request,
                      GPtrArray *records)
{
    unsigned int flags = request->what == VIRT_PV_CONNECT_RUNNING ? VIR_CONNECT_LIST_DOMAINS_ACTIVE
                                                                  : 0;
    virDomainPtr *doms = NULL;
    guint first = records->len;
    int n;
    int i;

    if ((n = virtPVLibvirtAPI.connectListAllDomains(conn, &doms, flags)) < 0) {
        virtPVConnectDomain *domain = virtPVConnectRecordNew(uri, NULL);

        virtPVConnectSetError(&domain->error, _("cannot list the domains of '%s'"), uri);
        g_ptr_array_add(records, domain);
        return;
    }
    for (i = 0; i < n; i++) {
        g_ptr_array_add(records, virtPVConnectFetchOne(doms[i], uri,
                                                       virtPVLibvirtAPI.domainGetName(doms[i]),
                                                       request));
        virtPVLibvirtAPI.domainFree(doms[i]);
    }
    free(doms);
    /* Sort this URI's part only: the URIs keep the order given. */
    qsort(records->pdata + first, records->len - first, sizeof(gpointer),
          (int (*)(const void *, const void *))virtPVConnectCompare);
}

typedef struct {
    const virtPVConnectRequest *request;
    const char *uri;
    GPtrArray *records;
    virtPVConnectEvents *events;
} virtPVConnectJob;

static gpointer
virtPVConnectRun(gpointer opaque)
{
    virtPVConnectJob *job = opaque;
    g_autoptr(virConnect) conn = NULL;
    g_autofree char *resolved = NULL;
    char *name;

    /* libvirt lets only a read-write connection talk to a guest agent;
     * without that right the agent is not asked (and status says so). */
    if (job->request->ask_agent)
        conn = virtPVLibvirtAPI.connectOpenAuth(job->uri, *virtPVLibvirtAPI.connectAuthPtrDefault,
                                                0);
    if (!conn)
        conn = virtPVLibvirtAPI.connectOpenAuth(job->uri,
                                                *virtPVLibvirtAPI.connectAuthPtrDefault,
                                                VIR_CONNECT_RO);
    if (!conn) {
        virtPVConnectDomain *domain = virtPVConnectRecordNew(job->uri, NULL);

        virtPVConnectSetError(&domain->error, _("cannot connect to '%s'"),
                              job->uri ? job->uri : _("libvirt's default URI"));
        g_ptr_array_add(job->records, domain);
        return NULL;
    }
    /* Not every driver has a keepalive (the test driver has not): then
     * there is no daemon to wait for either. */
    if (virtPVLibvirtAPI.connectSetKeepAlive(conn, VIRT_PV_CONNECT_KEEPALIVE_INTERVAL_S,
                                             VIRT_PV_CONNECT_KEEPALIVE_COUNT) == 0)
        virtPVConnectEventStart(job->events);
    /* The default URI, as libvirt resolved it, names the records. */
    if ((name = virtPVLibvirtAPI.connectGetURI(conn))) {
        resolved = g_strdup(name);
        free(name);
    }
    if (job->request->all)
        virtPVConnectFetchAll(conn, resolved ? resolved : job->uri, job->request, job->records);
    else
        virtPVConnectFetchNamed(conn, resolved ? resolved : job->uri, job->request,
                                job->records);
    return NULL;
}

GPtrArray *
virtPVConnectFetch(const virtPVConnectRequest *request)
{
    GPtrArray *records = g_ptr_array_new_with_free_func((GDestroyNotify)virtPVConnectDomainFree);
    char *const default_uris[] = { NULL };
    char *const *uris = request->uris && request->uris[0] ? request->uris : default_uris;
    guint nuris = request->uris && request->uris[0] ? g_strv_length((char **)uris) : 1;
    g_autofree virtPVConnectJob *jobs = g_new0(virtPVConnectJob, nuris);
    g_autofree GThread **threads = g_new0(GThread *, nuris);
    virtPVConnectEvents events = { 0 };
    g_autoptr(GError) error = NULL;
    guint i;

    if (!virtPVLibvirtLoad(request->ask_agent, &error)) {
        for (i = 0; i < nuris; i++) {
            virtPVConnectDomain *domain = virtPVConnectRecordNew(uris[i], NULL);

            domain->error = g_error_copy(error);
            g_ptr_array_add(records, domain);
        }
        return records;
    }
    virtPVConnectEventRegister(uris, nuris);
    g_mutex_init(&events.lock);
    for (i = 0; i < nuris; i++) {
        jobs[i].request = request;
        jobs[i].uri = uris[i];
        jobs[i].records = g_ptr_array_new_with_free_func((GDestroyNotify)virtPVConnectDomainFree);
        jobs[i].events = &events;
        /* One URI needs no thread. */
        if (nuris > 1)
            threads[i] = g_thread_new("virt-pv-connect", virtPVConnectRun, &jobs[i]);
        else
            virtPVConnectRun(&jobs[i]);
    }
    for (i = 0; i < nuris; i++) {
        if (threads[i])
            g_thread_join(threads[i]);
        g_ptr_array_extend_and_steal(records, jobs[i].records);
    }
    virtPVConnectEventStop(&events);
    g_mutex_clear(&events.lock);
    return records;
}

#else /* !WITH_LIBVIRT */

gboolean
virtPVConnectAvailable(void)
{
    return FALSE;
}

GPtrArray *
virtPVConnectFetch(const virtPVConnectRequest *request)
{
    GPtrArray *records = g_ptr_array_new_with_free_func((GDestroyNotify)virtPVConnectDomainFree);
    virtPVConnectDomain *domain = virtPVConnectRecordNew(request->uris ? request->uris[0] : NULL,
                                                         NULL);

    g_set_error(&domain->error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                _("cannot connect to libvirt: this virt-pv was built without libvirt"));
    g_ptr_array_add(records, domain);
    return records;
}

#endif /* !WITH_LIBVIRT */
