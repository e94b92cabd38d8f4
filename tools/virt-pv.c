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

/* The options of virt-pv itself, before a command's name. */
typedef struct {
    gboolean version;
    gboolean dump_options;
} virtPVMainOptions;

static const GOptionEntry virtPVGlobalEntries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, VIRT_PV_OPTION_FIELD(virtPVGlobalOptions, json),
      N_("Print JSON instead of text"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, VIRT_PV_OPTION_FIELD(virtPVGlobalOptions, quiet),
      N_("Print only problems"), NULL },
    { "root", 0, 0, G_OPTION_ARG_FILENAME, VIRT_PV_OPTION_FIELD(virtPVGlobalOptions, root),
      N_("Read /proc, /sys and /dev below DIR instead of /"), N_("DIR") },
    { NULL }
};

static const GOptionEntry virtPVMainEntries[] = {
    { "version", 'V', 0, G_OPTION_ARG_NONE, VIRT_PV_OPTION_FIELD(virtPVMainOptions, version),
      N_("Print the version and exit"), NULL },
    /* For the build: the bash completion and the man page check read it. */
    { "dump-options", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE,
      VIRT_PV_OPTION_FIELD(virtPVMainOptions, dump_options), NULL, NULL },
    { NULL }
};

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

/* A context for @entries and the global options, both bound already. */
static GOptionContext *
virtPVContextNew(const char *params, const char *summary, const GOptionEntry *entries,
                 const GOptionEntry *global)
{
    GOptionContext *ctx = g_option_context_new(params);

    g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
    if (summary)
        g_option_context_set_summary(ctx, _(summary));
    if (entries)
        g_option_context_add_main_entries(ctx, entries, GETTEXT_PACKAGE);
    g_option_context_add_main_entries(ctx, global, GETTEXT_PACKAGE);
    return ctx;
}

/* Parse the options before the subcommand's name: GOption stops at the
 * first word that is not an option, the name, and leaves it in @argv. */
static gboolean
virtPVParseMain(virtPVMainOptions *mopts, const GOptionEntry *global, GStrv *argv,
                GError **error)
{
    g_autofree GOptionEntry *entries = virtPVOptionsBind(virtPVMainEntries, mopts);
    g_autoptr(GOptionContext) ctx = virtPVContextNew(_("COMMAND [OPTION…] [ARG…]"), NULL,
                                                     entries, global);
    g_autofree char *commands = virtPVCommandList();

    g_option_context_set_description(ctx, commands);
    g_option_context_set_strict_posix(ctx, TRUE);
    return g_option_context_parse_strv(ctx, argv, error);
}

/* Parse a command's options; for a command with raw operands, only the
 * words before its first operand are options, and a "--" before that
 * operand is dropped (GOption keeps one that precedes a word that starts
 * with "-"). */
static gboolean
virtPVParseCommand(const virtPVCommand *cmd, GOptionContext *ctx, GStrv *argv, GError **error)
{
    char **args;

    if (cmd->raw_operands)
        g_option_context_set_strict_posix(ctx, TRUE);
    if (!g_option_context_parse_strv(ctx, argv, error))
        return FALSE;
    args = *argv;
    if (cmd->raw_operands && args[0] && args[1] && g_str_equal(args[1], "--")) {
        g_free(args[1]);
        memmove(args + 1, args + 2, g_strv_length(args + 2) * sizeof(char *) + sizeof(char *));
    }
    return TRUE;
}

static int
virtPVRunParsed(const virtPVCommand *cmd, virtPVGlobalOptions *opts, gpointer cmd_opts,
                char **argv)
{
    if (opts->root && !g_file_test(opts->root, G_FILE_TEST_IS_DIR)) {
        g_autoptr(GError) error = NULL;

        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    _("'%s' is not a directory"), opts->root);
        return virtPVReportError(error);
    }
    opts->color = !opts->json && isatty(STDOUT_FILENO) && !g_getenv("NO_COLOR") &&
                  g_strcmp0(g_getenv("TERM"), "dumb") != 0;
    return cmd->run(opts, cmd_opts, (int)g_strv_length(argv), argv);
}

static int
virtPVRunCommand(const virtPVCommand *cmd, virtPVGlobalOptions *opts,
                 const GOptionEntry *global, char **args)
{
    g_autofree gpointer cmd_opts = g_malloc0(MAX(cmd->options_size, 1));
    g_autofree GOptionEntry *entries = NULL;
    g_autoptr(GOptionContext) ctx = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) argv = g_strdupv(args);
    g_autofree char *prgname = g_strdup_printf("virt-pv %s", cmd->name);
    char *root = opts->root;
    int ret;

    if (cmd->options_init)
        memcpy(cmd_opts, cmd->options_init, cmd->options_size);
    entries = virtPVOptionsBind(cmd->options, cmd_opts);
    ctx = virtPVContextNew(cmd->params, cmd->summary, entries, global);
    g_set_prgname(prgname);
    if (virtPVParseCommand(cmd, ctx, &argv, &error)) {
        /* GOption frees only what its own context stored: a --root
         * given before the command's name and again after it is
         * replaced here. */
        if (opts->root != root)
            g_free(root);
        ret = virtPVRunParsed(cmd, opts, cmd_opts, argv);
    } else {
        ret = virtPVReportError(error);
    }
    virtPVOptionsClear(cmd->options, cmd_opts);
    return ret;
}

static int
virtPVMain(virtPVGlobalOptions *opts, char **args)
{
    g_autofree GOptionEntry *global = virtPVOptionsBind(virtPVGlobalEntries, opts);
    virtPVMainOptions mopts = { 0 };
    const virtPVCommand *cmd;
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) argv = g_strdupv(args);

    if (!virtPVParseMain(&mopts, global, &argv, &error))
        return virtPVReportError(error);
    if (mopts.version) {
        printf("virt-pv %s\n", VERSION);
        return VIRT_PV_EXIT_OK;
    }
    if (mopts.dump_options) {
        virtPVDumpOptions(virtPVCommands, G_N_ELEMENTS(virtPVCommands), virtPVMainEntries,
                          virtPVGlobalEntries);
        return VIRT_PV_EXIT_OK;
    }
    if (!argv[0] || !argv[1]) {
        g_autofree char *commands = virtPVCommandList();

        fprintf(stderr, _("error: no command given\n%s\n"), commands);
        return VIRT_PV_EXIT_ERROR;
    }
    if (!(cmd = virtPVFindCommand(argv[1]))) {
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
                    _("unknown command '%s'"), argv[1]);
        return virtPVReportError(error);
    }
    return virtPVRunCommand(cmd, opts, global, argv + 1);
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

    ret = virtPVMain(&opts, argv);
    virtPVOptionsClear(virtPVGlobalEntries, &opts);
    return virtPVFlushStdout(ret);
}
