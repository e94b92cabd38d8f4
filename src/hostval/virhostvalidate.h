/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

#include "qemu/qemu_capabilities.h"
#include "util/virhostpv.h"

typedef enum {
    VIR_HOST_VALIDATE_PASS,
    VIR_HOST_VALIDATE_WARN,
    VIR_HOST_VALIDATE_FAIL,
    VIR_HOST_VALIDATE_SKIP,

    VIR_HOST_VALIDATE_LAST
} virHostValidateResult;

const char *virHostValidateResultToString(virHostValidateResult result);

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

/* @qemu: what the emulator offers, filled in by the caller so that this
 * layer does not decide how QEMU is probed; NULL leaves qemu-pv out. */
virHostValidateReport *virHostValidateRun(const virHostPVState *state,
                                          const virQEMUCapsPV *qemu);
void virHostValidateReportFree(virHostValidateReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virHostValidateReport, virHostValidateReportFree)
