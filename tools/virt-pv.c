/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "virt-pv.h"

/* The subcommands, in the order --help lists them. */
static const virtPVCommand *const virtPVCommands[] = {
    &virtPVCommandHostValidate,
    &virtPVCommandImageInfo,
    &virtPVCommandFix,
    &virtPVCommandValidate,
    &virtPVCommandDomcapabilities,
    &virtPVCommandDomXMLToNative,
    &virtPVCommandHook,
    &virtPVCommandStatus,
};

static gboolean virtPVShowVersion;
static gboolean virtPVShowOptions;

static GOptionEntry virtPVGlobalEntries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print JSON instead of text"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, NULL, N_("Print only problems"), NULL },
    { "root", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Read /proc, /sys and /dev below DIR instead of /"), N_("DIR") },
    { NULL }
};

static GOptionEntry virtPVVersionEntries[] = {
    { "version", 'V', 0, G_OPTION_ARG_NONE, &virtPVShowVersion, N_("Print the version and exit"),
      NULL },
    /* For the build: the bash completion and the man page check read it. */
    { "dump-options", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &virtPVShowOptions, NULL, NULL },
    { NULL }
};

/* Whether @word is one of @entries' options that takes its value as the
 * next word ("--config FILE", "-o FILE"; not "--config=FILE"). */
static gboolean
virtPVOptionTakesValue(const GOptionEntry *entries, const char *word)
{
    for (; entries && entries->long_name; entries++) {
        gboolean named = (word[1] == '-' && g_str_equal(word + 2, entries->long_name)) ||
                         (word[1] != '-' && word[1] == entries->short_name && !word[2]);

        if (named)
            return entries->arg != G_OPTION_ARG_NONE;
    }
    return FALSE;
}

/* The number of words of @args, from index 1, that are options of
 * @entries or of the global ones, with their separate values. */
static int
virtPVCountOptions(char **args, const GOptionEntry *entries)
{
    int n = 1;

    while (args[n] && args[n][0] == '-' && args[n][1] && !g_str_equal(args[n], "--")) {
        gboolean value = virtPVOptionTakesValue(entries, args[n]) ||
                         virtPVOptionTakesValue(virtPVGlobalEntries, args[n]);

        n += value && args[n + 1] ? 2 : 1;
    }
    return n;
}

static void
virtPVBindGlobals(virtPVGlobalOptions *opts)
{
    virtPVGlobalEntries[0].arg_data = &opts->json;
    virtPVGlobalEntries[1].arg_data = &opts->quiet;
    virtPVGlobalEntries[2].arg_data = &opts->root;
}

static const virtPVCommand *
virtPVFindCommand(const char *name)
{
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(virtPVCommands); i++) {
        if (g_str_equal(virtPVCommands[i]->name, name))
            return virtPVCommands[i];
    }
    return NULL;
}

static char *
virtPVCommandList(void)
{
    GString *text = g_string_new(_("Commands:"));
    gsize i;

    g_string_append_c(text, '\n');
    for (i = 0; i < G_N_ELEMENTS(virtPVCommands); i++)
        g_string_append_printf(text, "  %-18s %s\n", virtPVCommands[i]->name,
                               _(virtPVCommands[i]->summary));
    g_string_append(text, _("\nRun 'virt-pv COMMAND --help' for the options of a command."));
    return g_string_free(text, FALSE);
}

static GOptionContext *
virtPVContextNew(const char *params, const char *summary, const GOptionEntry *entries)
{
    GOptionContext *ctx = g_option_context_new(params);

    g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
    if (summary)
        g_option_context_set_summary(ctx, _(summary));
    if (entries)
        g_option_context_add_main_entries(ctx, entries, GETTEXT_PACKAGE);
    g_option_context_add_main_entries(ctx, virtPVGlobalEntries, GETTEXT_PACKAGE);
    return ctx;
}

/* Parse the options before the subcommand's name; stop at the name. */
static int
virtPVParseGlobal(char **args, int *ret_index)
{
    g_autoptr(GOptionContext) ctx = virtPVContextNew(_("COMMAND [OPTION…] [ARG…]"), NULL,
                                                     virtPVVersionEntries);
    g_autofree char *commands = virtPVCommandList();
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) head = NULL;
    int ncmd = 1;

    /* Everything up to the first word that is not an option (or an
     * option's separate argument) belongs to virt-pv itself. */
    ncmd = virtPVCountOptions(args, virtPVVersionEntries);
    head = g_new0(char *, ncmd + 1);
    for (int i = 0; i < ncmd; i++)
        head[i] = g_strdup(args[i]);

    g_option_context_set_description(ctx, commands);
    if (!g_option_context_parse_strv(ctx, &head, &error))
        return virtPVReportError(error);
    if (head[1])
        return virtPVReportUnexpected(head[1]);
    *ret_index = ncmd;
    return -1;
}

/* Parse a command's options; for a command with raw operands, only the
 * words before its first operand are options. */
static gboolean
virtPVParseCommand(const virtPVCommand *cmd, GOptionContext *ctx, char **args, GStrv *ret_argv,
                   GError **error)
{
    g_auto(GStrv) argv = NULL;
    g_autoptr(GPtrArray) all = NULL;
    int nopts;
    int i;

    if (!cmd->raw_operands) {
        argv = g_strdupv(args);
        if (!g_option_context_parse_strv(ctx, &argv, error))
            return FALSE;
        *ret_argv = g_steal_pointer(&argv);
        return TRUE;
    }
    nopts = virtPVCountOptions(args, cmd->options);
    argv = g_new0(char *, nopts + 1);
    for (i = 0; i < nopts; i++)
        argv[i] = g_strdup(args[i]);
    if (!g_option_context_parse_strv(ctx, &argv, error))
        return FALSE;
    all = g_ptr_array_new();
    for (i = 0; argv[i]; i++)
        g_ptr_array_add(all, g_strdup(argv[i]));
    if (args[nopts] && g_str_equal(args[nopts], "--"))
        nopts++;
    for (i = nopts; args[i]; i++)
        g_ptr_array_add(all, g_strdup(args[i]));
    g_ptr_array_add(all, NULL);
    *ret_argv = (GStrv)g_ptr_array_free(g_steal_pointer(&all), FALSE);
    return TRUE;
}

static int
virtPVRunCommand(const virtPVCommand *cmd, virtPVGlobalOptions *opts, char **args)
{
    g_autoptr(GOptionContext) ctx = virtPVContextNew(cmd->params, cmd->summary, cmd->options);
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) argv = NULL;
    g_autofree char *prgname = g_strdup_printf("virt-pv %s", cmd->name);

    g_set_prgname(prgname);
    if (!virtPVParseCommand(cmd, ctx, args, &argv, &error))
        return virtPVReportError(error);
    if (opts->root && !g_file_test(opts->root, G_FILE_TEST_IS_DIR)) {
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    _("'%s' is not a directory"), opts->root);
        return virtPVReportError(error);
    }
    opts->color = !opts->json && isatty(STDOUT_FILENO) && !g_getenv("NO_COLOR") &&
                  g_strcmp0(g_getenv("TERM"), "dumb") != 0;
    return cmd->run(opts, (int)g_strv_length(argv), argv);
}

static int
virtPVMain(virtPVGlobalOptions *opts, int argc, char **argv)
{
    const virtPVCommand *cmd;
    int index = 0;
    int ret;

    virtPVBindGlobals(opts);
    if ((ret = virtPVParseGlobal(argv, &index)) >= 0)
        return ret;

    if (virtPVShowVersion) {
        printf("virt-pv %s\n", VERSION);
        return VIRT_PV_EXIT_OK;
    }
    if (virtPVShowOptions) {
        virtPVDumpOptions(virtPVCommands, G_N_ELEMENTS(virtPVCommands), virtPVVersionEntries,
                          virtPVGlobalEntries);
        return VIRT_PV_EXIT_OK;
    }
    if (index >= argc) {
        g_autofree char *commands = virtPVCommandList();

        fprintf(stderr, _("error: no command given\n%s\n"), commands);
        return VIRT_PV_EXIT_ERROR;
    }
    if (!(cmd = virtPVFindCommand(argv[index]))) {
        g_autoptr(GError) error = NULL;

        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
                    _("unknown command '%s'"), argv[index]);
        return virtPVReportError(error);
    }
    return virtPVRunCommand(cmd, opts, argv + index);
}

/* Whatever went to standard output must have arrived: a full disk, a
 * closed pipe or /dev/full turns a success into exit status 2 (systemd's
 * fflush_and_check()). */
static int
virtPVFlushStdout(int ret)
{
    int saved;

    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return ret;
    saved = errno ? errno : EIO;
    fprintf(stderr, _("error: cannot write to standard output: %s\n"), g_strerror(saved));
    return VIRT_PV_EXIT_ERROR;
}

int
main(int argc, char **argv)
{
    virtPVGlobalOptions opts = { 0 };
    /* The tests run the translations of the build tree, not installed ones. */
    const char *localedir = g_getenv("VIRT_PV_LOCALEDIR");
    int ret;

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);
    g_set_prgname("virt-pv");

    ret = virtPVMain(&opts, argc, argv);
    g_free(opts.root);
    return virtPVFlushStdout(ret);
}
