/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

#include "util/virhostpv.h"

typedef enum {
    VIR_HOST_VALIDATE_PASS,
    VIR_HOST_VALIDATE_WARN,
    VIR_HOST_VALIDATE_FAIL,
    VIR_HOST_VALIDATE_SKIP,

    VIR_HOST_VALIDATE_LAST
} virHostValidateResult;

const char *virHostValidateResultToString(virHostValidateResult result);

/* What the QEMU probe found, for the qemu-pv check.  Filled in by the
 * caller so that this layer does not decide how QEMU is probed. */
typedef struct {
    const char *emulator;
    gboolean probed;         /* FALSE: @probe_error says why */
    const char *probe_error;
    gboolean kvm;
    gboolean pv_object;      /* s390-pv-guest */
    gboolean cgs;            /* machine property confidential-guest-support */
    gboolean unpack;         /* host CPU model has unpack */
} virHostValidateQEMUInfo;

typedef struct {
    const char *id;
    virHostValidateResult result;
    char *message;
    char *hint; /* NULL when there is nothing to do */
} virHostValidateCheck;

typedef struct {
    GPtrArray *checks; /* of virHostValidateCheck */
    gboolean ok;       /* no check failed */
} virHostValidateReport;

virHostValidateReport *virHostValidateRun(const virHostPVState *state,
                                          const virHostValidateQEMUInfo *qemu);
void virHostValidateReportFree(virHostValidateReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virHostValidateReport, virHostValidateReportFree)
