/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

#include "conf/domain_conf.h"
#include "hook/virpvconfig.h"
#include "qemu/qemu_validate.h"
#include "virt-pv-validate.h"
#include "virt-pv.h"

/*
 * What the libvirt hook decides for a guest about to start, from the
 * configuration file: the one place where `enforce`, `require_pv`,
 * `ignore`, `check_host` and `check_qemu` are applied.  The hook and
 * `validate --config` both ask it, so they cannot disagree.
 */

/* A cold probe takes well under a second; this only stops a hung QEMU
 * from hanging libvirt's start for good. */
#define VIRT_PV_POLICY_PROBE_TIMEOUT_S 15

typedef enum {
    VIRT_PV_DECISION_PASS,   /* not PV and not in require_pv: not checked */
    VIRT_PV_DECISION_ALLOW,  /* checked, no error */
    VIRT_PV_DECISION_WARN,   /* errors, started anyway: enforce = false */
    VIRT_PV_DECISION_REFUSE, /* errors: the start is refused */

    VIRT_PV_DECISION_LAST
} virtPVDecision;

const char *virtPVDecisionToString(virtPVDecision decision);

typedef struct {
    const virPVConfig *config;
    const char *config_path;
    const virtPVGlobalOptions *opts; /* --root */
    const char *cache_dir;           /* NULL: the default cache */
    const char *remote_uri;          /* the guests live there: nothing of
                                      * this machine is checked */
    /* filled as guests are decided, so that a fleet reads the host once
     * and each emulator's capabilities once */
    gboolean host_read;
    virtPVValidateHostState host;
    gboolean docs_read;
    GPtrArray *docs;       /* the configuration's host_key_documents */
    char *docs_warning;    /* why they could not be read */
    GHashTable *caps; /* emulator path -> virQEMUCapsPV */
    GHashTable *caps_warnings; /* emulator path -> warning text */
} virtPVPolicy;

void virtPVPolicyClear(virtPVPolicy *policy);

typedef struct {
    virtPVDecision decision;
    virQEMUValidateResult *result;
    GPtrArray *warnings; /* of char *, escaped: what could not be checked, and why */
    char *untrusted;     /* why the emulator was not run (as root) */
} virtPVVerdict;

void virtPVVerdictFree(virtPVVerdict *verdict);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virtPVVerdict, virtPVVerdictFree)

/* Decide for @def, started under the name @guest.  Fails only when the
 * host's state cannot be read (the hook then exits 2: libvirt refuses). */
gboolean virtPVPolicyDecide(virtPVPolicy *policy, const char *guest, const virDomainDef *def,
                            virtPVVerdict **ret_verdict, GError **error);
