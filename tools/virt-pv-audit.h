/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

/*
 * The hook's audit trail: every decision, once, where the host keeps its
 * logs.  The systemd journal when it runs (with fields to filter on:
 * VIRT_PV_GUEST, VIRT_PV_UUID, VIRT_PV_MODE, VIRT_PV_DECISION, one
 * VIRT_PV_CODE per finding, VIRT_PV_FINDINGS), else syslog through
 * /dev/log, else standard error: a record is never dropped in silence.
 * Under --root DIR the journal is not used and syslog is DIR/dev/log,
 * which is how the tests reach both fallbacks.
 */

typedef struct {
    int priority;          /* LOG_ERR, LOG_WARNING, ... */
    const char *message;   /* one line, escaped */
    const char *guest;     /* as libvirt named it; escaped here */
    const char *uuid;      /* NULL: unknown */
    const char *mode;      /* NULL: none */
    const char *decision;  /* NULL: not a decision (a warning) */
    char *const *codes;    /* the findings' codes; NULL-terminated, may be NULL */
    const char *findings;  /* the findings as the hook printed them; may be NULL */
    gboolean on_stderr;    /* the caller printed it on stderr already: no
                            * second copy there when nothing else takes it */
} virtPVAuditRecord;

/* Where the record went: "journal", "syslog" or "stderr". */
const char *virtPVAuditLog(const char *root, const virtPVAuditRecord *record);
