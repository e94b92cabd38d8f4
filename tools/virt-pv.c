/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

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
    while (args[ncmd] && args[ncmd][0] == '-') {
        if (g_str_equal(args[ncmd], "--root"))
            ncmd++;
        if (args[ncmd])
            ncmd++;
    }
    head = g_new0(char *, ncmd + 1);
    for (int i = 0; i < ncmd; i++)
        head[i] = g_strdup(args[i]);

    g_option_context_set_description(ctx, commands);
    if (!g_option_context_parse_strv(ctx, &head, &error)) {
        fprintf(stderr, _("error: %s\n"), error->message);
        return VIRT_PV_EXIT_ERROR;
    }
    if (head[1]) {
        fprintf(stderr, _("error: unexpected argument '%s'\n"), head[1]);
        return VIRT_PV_EXIT_ERROR;
    }
    *ret_index = ncmd;
    return -1;
}

static int
virtPVRunCommand(const virtPVCommand *cmd, virtPVGlobalOptions *opts, char **args)
{
    g_autoptr(GOptionContext) ctx = virtPVContextNew(cmd->params, cmd->summary, cmd->options);
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) argv = g_strdupv(args);
    g_autofree char *prgname = g_strdup_printf("virt-pv %s", cmd->name);

    g_set_prgname(prgname);
    if (!g_option_context_parse_strv(ctx, &argv, &error)) {
        fprintf(stderr, _("error: %s\n"), error->message);
        return VIRT_PV_EXIT_ERROR;
    }
    if (opts->root && !g_file_test(opts->root, G_FILE_TEST_IS_DIR)) {
        fprintf(stderr, _("error: '%s' is not a directory\n"), opts->root);
        return VIRT_PV_EXIT_ERROR;
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
        fprintf(stderr, _("error: unknown command '%s'\n"), argv[index]);
        return VIRT_PV_EXIT_ERROR;
    }
    return virtPVRunCommand(cmd, opts, argv + index);
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
    return ret;
}
