/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "util/virfile.h"
#include "util/virstring.h"
#include "virt-pv-audit.h"

/*
 * Log messages are English, as libvirt's and systemd's are: an admin
 * greps for them across machines whatever their locale, and libvirt runs
 * hooks with LC_ALL=C anyway.
 */

#define VIRT_PV_AUDIT_IDENT "virt-pv"
/* journalctl MESSAGE_ID=... finds every decision of the hook. */
#define VIRT_PV_AUDIT_MESSAGE_ID "b4c1f0e2a35d4f7e9d0c6a8b2e71f5c3"
#define VIRT_PV_AUDIT_JOURNAL_SOCKET "/run/systemd/journal/socket"

typedef int (*virtPVJournalSendv)(const struct iovec *iov, int n);

static void
virtPVAuditField(GPtrArray *fields, const char *name, const char *value)
{
    if (value)
        g_ptr_array_add(fields, g_strdup_printf("%s=%s", name, value));
}

static GPtrArray *
virtPVAuditFields(const virtPVAuditRecord *record, const char *guest, const char *uuid)
{
    GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *priority = g_strdup_printf("%d", record->priority);
    char *const *code;

    virtPVAuditField(fields, "MESSAGE", record->message);
    virtPVAuditField(fields, "PRIORITY", priority);
    virtPVAuditField(fields, "SYSLOG_IDENTIFIER", VIRT_PV_AUDIT_IDENT);
    virtPVAuditField(fields, "SYSLOG_FACILITY", "3"); /* daemon */
    if (record->decision)
        virtPVAuditField(fields, "MESSAGE_ID", VIRT_PV_AUDIT_MESSAGE_ID);
    virtPVAuditField(fields, "VIRT_PV_GUEST", guest);
    virtPVAuditField(fields, "VIRT_PV_UUID", uuid);
    virtPVAuditField(fields, "VIRT_PV_MODE", record->mode);
    virtPVAuditField(fields, "VIRT_PV_DECISION", record->decision);
    for (code = record->codes; code && *code; code++)
        virtPVAuditField(fields, "VIRT_PV_CODE", *code);
    virtPVAuditField(fields, "VIRT_PV_FINDINGS", record->findings);
    return fields;
}

/* libsystemd is opened only here, on the decision path: linking it
 * would cost every virt-pv process, the hook's fast path included. */
static gboolean
virtPVAuditJournal(const virtPVAuditRecord *record, const char *guest, const char *uuid)
{
    g_autoptr(GPtrArray) fields = NULL;
    g_autofree struct iovec *iov = NULL;
    virtPVJournalSendv sendv;
    struct stat st;
    void *handle;
    guint i;
    int ret;

    if (stat(VIRT_PV_AUDIT_JOURNAL_SOCKET, &st) < 0 || !S_ISSOCK(st.st_mode))
        return FALSE;
    if (!(handle = dlopen("libsystemd.so.0", RTLD_LAZY | RTLD_LOCAL)))
        return FALSE;
    if (!(sendv = (virtPVJournalSendv)dlsym(handle, "sd_journal_sendv"))) {
        dlclose(handle);
        return FALSE;
    }
    fields = virtPVAuditFields(record, guest, uuid);
    iov = g_new0(struct iovec, fields->len);
    for (i = 0; i < fields->len; i++) {
        iov[i].iov_base = g_ptr_array_index(fields, i);
        iov[i].iov_len = strlen(g_ptr_array_index(fields, i));
    }
    ret = sendv(iov, (int)fields->len);
    dlclose(handle);
    return ret >= 0;
}

/* syslog(3) drops a message it cannot deliver without telling; this
 * writes the datagram itself and knows.  RFC 3164 form, as glibc sends
 * it: "<PRI>Mmm dd hh:mm:ss IDENT[PID]: MESSAGE". */
static gboolean
virtPVAuditSyslog(const char *root, const virtPVAuditRecord *record)
{
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    g_autofree char *path = virFileBuildPath(root, "/dev/log");
    g_autofree char *line = NULL;
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    time_t now = time(NULL);
    struct tm tm;
    gboolean ok;
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path) || !localtime_r(&now, &tm))
        return FALSE;
    strcpy(addr.sun_path, path);
    line = g_strdup_printf("<%d>%s %2d %02d:%02d:%02d %s[%d]: %s", LOG_DAEMON | record->priority,
                           months[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                           VIRT_PV_AUDIT_IDENT, (int)getpid(), record->message);
    if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
        return FALSE;
    ok = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
         send(fd, line, strlen(line), MSG_NOSIGNAL) == (ssize_t)strlen(line);
    close(fd);
    return ok;
}

const char *
virtPVAuditLog(const char *root, const virtPVAuditRecord *record)
{
    g_autofree char *guest = virStringEscapeControl(record->guest);
    g_autofree char *uuid = record->uuid ? virStringEscapeControl(record->uuid) : NULL;

    if (!root && virtPVAuditJournal(record, guest, uuid))
        return "journal";
    if (virtPVAuditSyslog(root, record))
        return "syslog";
    if (!record->on_stderr)
        fprintf(stderr, "%s: %s\n", VIRT_PV_AUDIT_IDENT, record->message);
    return "stderr";
}
