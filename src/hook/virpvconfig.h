/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

/* virt-pv's configuration file, /etc/virt-pv/virt-pv.conf: a GKeyFile
 * with one group, [virt-pv].  It decides how the libvirt hook acts on
 * findings; a missing file means the defaults. */

#define VIR_PV_CONFIG_GROUP "virt-pv"

#define VIR_PV_CONFIG_ERROR (virPVConfigError_quark())

typedef enum {
    VIR_PV_CONFIG_ERROR_INVALID, /* the configuration file is malformed */
} virPVConfigError;

GQuark virPVConfigError_quark(void);

typedef struct {
    gboolean enforce;    /* FALSE: report errors, let the start proceed */
    char **require_pv;   /* guest-name globs that must be PV guests */
    char **ignore;       /* finding codes downgraded to warnings */
    gboolean check_host; /* validate with the host's PV state */
    gboolean check_qemu; /* validate with the emulator's capabilities */
    char **host_key_documents; /* named in the hints of the host-key findings */
} virPVConfig;

/* The file the hook reads unless told otherwise. */
const char *virPVConfigDefaultPath(void);

void virPVConfigFree(virPVConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virPVConfig, virPVConfigFree)

/* Load @path; a missing file gives the defaults.  Errors name the file
 * and, where there is one, the line.  @codes are the finding codes that
 * `ignore` may name (NULL-terminated): the validator's, which the caller
 * knows and this module does not. */
gboolean virPVConfigLoad(const char *path, const char *const *codes, virPVConfig **ret_config,
                         GError **error);

/* When virPVConfigLoad failed: the require_pv globs that can still be
 * read from @path, so that a malformed file does not let a guest that
 * must be protected start unprotected.  NULL when there are none. */
char **virPVConfigSalvageRequirePV(const char *path);

gboolean virPVConfigRequiresPV(const virPVConfig *config, const char *guest);

/* Does @guest match one of @globs (NULL: none)? */
gboolean virPVConfigGlobsMatch(char *const *globs, const char *guest);
