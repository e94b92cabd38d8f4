/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdio.h>

#include "qemu/qemu_validate.h"
#include "virt-pv.h"

GOptionEntry *
virtPVOptionsBind(const GOptionEntry *entries, gpointer base)
{
    gsize n = 0;
    GOptionEntry *bound;
    gsize i;

    while (entries && entries[n].long_name)
        n++;
    bound = g_new0(GOptionEntry, n + 1);
    for (i = 0; i < n; i++) {
        bound[i] = entries[i];
        bound[i].arg_data = (char *)base + GPOINTER_TO_SIZE(entries[i].arg_data);
    }
    return bound;
}

void
virtPVOptionsClear(const GOptionEntry *entries, gpointer base)
{
    for (; entries && entries->long_name; entries++) {
        gpointer field = (char *)base + GPOINTER_TO_SIZE(entries->arg_data);

        switch (entries->arg) {
        case G_OPTION_ARG_STRING:
        case G_OPTION_ARG_FILENAME:
            g_clear_pointer((char **)field, g_free);
            break;
        case G_OPTION_ARG_STRING_ARRAY:
        case G_OPTION_ARG_FILENAME_ARRAY:
            g_clear_pointer((char ***)field, g_strfreev);
            break;
        case G_OPTION_ARG_NONE:
        case G_OPTION_ARG_INT:
        case G_OPTION_ARG_CALLBACK:
        case G_OPTION_ARG_DOUBLE:
        case G_OPTION_ARG_INT64:
        default:
            break;
        }
    }
}

/*
 * The option tables in machine-readable form, for the generator of the
 * bash completion and for the test that holds the man page to the code.
 * One record per line, fields separated by a TAB, "-" for an empty field,
 * strings untranslated:
 *
 *   command  NAME   PARAMS
 *   option   SCOPE  --LONG  -S  ARGKIND  METAVAR  DESCRIPTION
 *   finding  CODE   REPAIR
 *
 * SCOPE is "main" (only before the command's name), "global" (before or
 * after it) or a command's name. ARGKIND is "none" for a flag, "file" for
 * a path, else the GOption type of the argument. Hidden options are left
 * out: they are not for users.  REPAIR is what `virt-pv fix` does about
 * the finding (virQEMURepair), "-" for nothing.
 */

static const char *const virtPVOptionArgKinds[] = {
    [G_OPTION_ARG_NONE] = "none",
    [G_OPTION_ARG_STRING] = "string",
    [G_OPTION_ARG_INT] = "int",
    [G_OPTION_ARG_CALLBACK] = "string",
    [G_OPTION_ARG_FILENAME] = "file",
    [G_OPTION_ARG_STRING_ARRAY] = "string",
    [G_OPTION_ARG_FILENAME_ARRAY] = "file",
    [G_OPTION_ARG_DOUBLE] = "double",
    [G_OPTION_ARG_INT64] = "int",
};

static const char *
virtPVOptionArgKind(const GOptionEntry *entry)
{
    if (entry->arg == G_OPTION_ARG_CALLBACK && (entry->flags & G_OPTION_FLAG_NO_ARG))
        return "none";
    if ((gsize)entry->arg >= G_N_ELEMENTS(virtPVOptionArgKinds))
        return "string";
    return virtPVOptionArgKinds[entry->arg];
}

static const char *
virtPVOptionField(const char *text)
{
    return text && *text ? text : "-";
}

static void
virtPVDumpEntries(const char *scope, const GOptionEntry *entries)
{
    for (; entries && entries->long_name; entries++) {
        char short_name[3] = "-";

        if (entries->flags & G_OPTION_FLAG_HIDDEN)
            continue;
        if (entries->short_name)
            g_snprintf(short_name, sizeof(short_name), "-%c", entries->short_name);
        printf("option\t%s\t--%s\t%s\t%s\t%s\t%s\n", scope, entries->long_name, short_name,
               virtPVOptionArgKind(entries), virtPVOptionField(entries->arg_description),
               virtPVOptionField(entries->description));
    }
}

void
virtPVDumpOptions(const virtPVCommand *const *commands, gsize ncommands,
                  const GOptionEntry *main_entries, const GOptionEntry *global_entries)
{
    /* GOption adds --help to every context by itself. */
    static const GOptionEntry help_entries[] = {
        { "help", 'h', 0, G_OPTION_ARG_NONE, NULL, "Show help options", NULL },
        { NULL }
    };
    const char *const *codes = virQEMUValidateCodes();
    gsize i;

    virtPVDumpEntries("main", main_entries);
    virtPVDumpEntries("global", help_entries);
    virtPVDumpEntries("global", global_entries);
    for (i = 0; i < ncommands; i++) {
        printf("command\t%s\t%s\n", commands[i]->name, virtPVOptionField(commands[i]->params));
        virtPVDumpEntries(commands[i]->name, commands[i]->options);
    }
    /* The codes are an interface too: the man page lists them all, and
     * those fix repairs. */
    for (i = 0; codes[i]; i++) {
        virQEMURepair repair = virQEMUValidateCodeRepair(codes[i]);

        printf("finding\t%s\t%s\n", codes[i],
               repair == VIR_QEMU_REPAIR_NONE ? "-" : virQEMURepairToString(repair));
    }
}
