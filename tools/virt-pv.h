/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "qemu/qemu_capabilities.h"
#include "qemu/qemu_validate.h"

/* Exit statuses, the same for every subcommand. */
typedef enum {
    VIRT_PV_EXIT_OK = 0,       /* fine; warnings allowed unless --strict */
    VIRT_PV_EXIT_FINDINGS = 1, /* errors found, a host check failed, not an SE image */
    VIRT_PV_EXIT_ERROR = 2,    /* usage or input error */
} virtPVExit;

/* Options that every subcommand accepts, before or after its name. */
typedef struct {
    gboolean json;
    gboolean quiet;
    char *root;       /* read /proc, /sys and /dev below this directory */
    gboolean color;   /* derived: stdout is a terminal that wants colour */
} virtPVGlobalOptions;

typedef int (*virtPVCommandFunc)(virtPVGlobalOptions *opts, int argc, char **argv);

typedef struct {
    const char *name;
    const char *params;          /* positional arguments, for --help; N_() unless "" */
    const char *summary;
    const GOptionEntry *options; /* the subcommand's own, NULL-terminated */
    virtPVCommandFunc run;       /* argv[0] is the subcommand's name */
    /* Options end at the first operand (or at "--"); every word from
     * there on is passed as it is, even one that starts with "-".  For
     * arguments that others choose, such as libvirt's guest names. */
    gboolean raw_operands;
} virtPVCommand;

/* Colours for terminals; empty strings otherwise. */
typedef enum {
    VIRT_PV_COLOR_RESET,
    VIRT_PV_COLOR_GOOD,
    VIRT_PV_COLOR_WARN,
    VIRT_PV_COLOR_BAD,
    VIRT_PV_COLOR_DIM,

    VIRT_PV_COLOR_LAST
} virtPVColor;

const char *virtPVColorCode(const virtPVGlobalOptions *opts, virtPVColor color);

void virtPVPrintJSON(JsonBuilder *builder);

int virtPVReportError(const GError *error);
int virtPVReportUnexpected(const char *arg);

void virtPVDumpOptions(const virtPVCommand *const *commands, gsize ncommands,
                       const GOptionEntry *main_entries, const GOptionEntry *global_entries);

/* How a subcommand gets QEMU's capabilities: --emulator, --cache-dir,
 * --no-cache, --timeout. */
typedef struct {
    char *emulator;
    char *cache_dir;
    gboolean no_cache;
    int timeout_s;
    char *caps_file; /* --caps FILE: a capabilities file instead of a probe */
    const virHostPVState *host; /* the host's facts if already read; the
                                 * cache is keyed on them */
} virtPVCapsOptions;

char *virtPVCapsEmulatorPath(const char *emulator);
guint virtPVCapsTimeoutMs(const virtPVCapsOptions *copts);
gboolean virtPVCapsCheckOptions(const virtPVCapsOptions *copts, GError **error);
gboolean virtPVCapsGet(const virtPVGlobalOptions *opts, const virtPVCapsOptions *copts,
                       virQEMUCaps **ret_caps, GError **error);
gboolean virtPVCapsGetFull(const virtPVGlobalOptions *opts, const virtPVCapsOptions *copts,
                           virQEMUCaps **ret_caps, char **ret_warning, GError **error);
gboolean virtPVCapsWanted(const virtPVCapsOptions *copts);

extern const virtPVCommand virtPVCommandHostValidate;
extern const virtPVCommand virtPVCommandImageInfo;
extern const virtPVCommand virtPVCommandFix;
extern const virtPVCommand virtPVCommandValidate;
extern const virtPVCommand virtPVCommandDomcapabilities;
extern const virtPVCommand virtPVCommandDomXMLToNative;
extern const virtPVCommand virtPVCommandHook;
extern const virtPVCommand virtPVCommandStatus;
