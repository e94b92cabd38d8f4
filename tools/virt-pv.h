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

/* A command's options, as one struct of its own (@cmd_opts), filled by
 * GOption for one invocation. */
typedef int (*virtPVCommandFunc)(const virtPVGlobalOptions *opts, gpointer cmd_opts, int argc,
                                 char **argv);

/* In the option tables, an entry's arg_data is the offset of its field
 * in the options struct; virtPVOptionsBind() points a copy of the table
 * at one instance. */
#define VIRT_PV_OPTION_FIELD(type, field) ((gpointer)G_STRUCT_OFFSET(type, field))

GOptionEntry *virtPVOptionsBind(const GOptionEntry *entries, gpointer base);
/* Free what GOption stored in the fields of @base. */
void virtPVOptionsClear(const GOptionEntry *entries, gpointer base);

typedef struct {
    const char *name;
    const char *params;          /* positional arguments, for --help; N_() unless "" */
    const char *summary;
    const GOptionEntry *options; /* the subcommand's own, NULL-terminated, by field */
    gsize options_size;          /* the size of its options struct */
    gconstpointer options_init;  /* the struct's defaults; NULL: all zero */
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

/* How a subcommand gets QEMU's capabilities: the options of the commands
 * that ask for them, each command taking those it documents. */
typedef struct {
    char *emulator;  /* --emulator PATH */
    char *cache_dir; /* --cache-dir DIR */
    gboolean no_cache;
    int timeout_s;
    char *caps_file; /* --caps FILE: a capabilities file instead of a probe */
    char *replies;   /* --replies FILE: a recorded QMP conversation instead of QEMU */
    char *record;    /* --record FILE: probe, and keep the conversation there */
} virtPVCapsOptions;

char *virtPVCapsEmulatorPath(const char *emulator);
gboolean virtPVCapsCheckOptions(const virtPVCapsOptions *copts, GError **error);
/* Whether the user asked for QEMU's capabilities at all (--caps, --emulator). */
gboolean virtPVCapsWanted(const virtPVCapsOptions *copts);

/* The one loader of QEMU's capabilities: from --replies, --caps FILE, a
 * fresh probe (--no-cache, --record) or through the cache, which is keyed
 * on the host's facts: @host if they were read already, else read here.
 * Why the cache could not be used goes to @ret_warning, or as a warning
 * to stderr when @ret_warning is NULL. */
gboolean virtPVCapsLoad(const virtPVGlobalOptions *opts, const virtPVCapsOptions *copts,
                        const virHostPVState *host, virQEMUCaps **ret_caps, char **ret_warning,
                        GError **error);

/* What validation takes of them: nothing without --caps or --emulator.
 * @ret_caps may be NULL. */
gboolean virtPVCapsLoadForValidation(const virtPVGlobalOptions *opts,
                                     const virtPVCapsOptions *copts, const virHostPVState *host,
                                     virQEMUCaps **ret_caps, virQEMUCapsPV *ret_vcaps,
                                     GError **error);

extern const virtPVCommand virtPVCommandHostValidate;
extern const virtPVCommand virtPVCommandImageInfo;
extern const virtPVCommand virtPVCommandFix;
extern const virtPVCommand virtPVCommandValidate;
extern const virtPVCommand virtPVCommandDomcapabilities;
extern const virtPVCommand virtPVCommandDomXMLToNative;
extern const virtPVCommand virtPVCommandHook;
extern const virtPVCommand virtPVCommandStatus;
