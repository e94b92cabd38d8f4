/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>

#include <glib/gstdio.h>

#include "testutils.h"
#include "util/virfile.h"

static guint virTestCount;
static guint virTestFailed;

void
virTestDiag(const char *fmt, ...)
{
    va_list ap;
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        if (lines[i][0] || lines[i + 1])
            printf("# %s\n", lines[i]);
    }
}

int
virTestRun(const char *title, virTestBody body, const void *data)
{
    int ret = body(data);

    virTestCount++;
    if (ret < 0)
        virTestFailed++;
    printf("%s %u - %s%s\n", ret < 0 ? "not ok" : "ok", virTestCount, title,
           ret == VIR_TEST_SKIP ? " # SKIP" : "");
    fflush(stdout);
    return ret;
}

static struct sigaction virTestInterruptsSaved;

static void
virTestInterruptsHandler(int sig)
{
    (void)sig;
}

/* SIGALRM every @interval_ms, with a handler and without SA_RESTART:
 * blocking calls return EINTR again and again until
 * virTestInterruptsStop(). */
gboolean
virTestInterruptsStart(guint interval_ms)
{
    struct sigaction sa = { 0 };
    struct itimerval every = { { 0, (suseconds_t)interval_ms * 1000 },
                               { 0, (suseconds_t)interval_ms * 1000 } };

    sa.sa_handler = virTestInterruptsHandler;
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGALRM, &sa, &virTestInterruptsSaved) == 0 &&
           setitimer(ITIMER_REAL, &every, NULL) == 0;
}

/* The timer is stopped with SIGALRM blocked, and a signal still pending
 * is taken before the old disposition (often the default: terminate)
 * comes back. */
void
virTestInterruptsStop(void)
{
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    const struct timespec now = { 0, 0 };
    sigset_t sigalrm;
    sigset_t saved;

    sigemptyset(&sigalrm);
    sigaddset(&sigalrm, SIGALRM);
    sigprocmask(SIG_BLOCK, &sigalrm, &saved);
    setitimer(ITIMER_REAL, &off, NULL);
    while (sigtimedwait(&sigalrm, NULL, &now) == SIGALRM)
        ;
    sigaction(SIGALRM, &virTestInterruptsSaved, NULL);
    sigprocmask(SIG_SETMASK, &saved, NULL);
}

int
virTestMain(int argc, char **argv, int (*tests)(void))
{
    int ret;

    (void)argc;
    (void)argv;
    g_setenv("LC_ALL", "C", TRUE);
    g_setenv("NO_COLOR", "1", TRUE);
    ret = tests();
    printf("1..%u\n", virTestCount);
    if (ret < 0 && virTestFailed == 0)
        return EXIT_FAILURE;
    return virTestFailed ? EXIT_FAILURE : EXIT_SUCCESS;
}

char *
virTestDataPath(const char *fmt, ...)
{
    const char *srcdir = g_getenv("VIRT_PV_TEST_SRCDIR");
    g_autofree char *rel = NULL;
    va_list ap;

    va_start(ap, fmt);
    rel = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return g_build_filename(srcdir ? srcdir : ".", rel, NULL);
}

const char *
virTestProgram(void)
{
    const char *prog = g_getenv("VIRT_PV_PROGRAM");

    return prog ? prog : "virt-pv";
}

gboolean
virTestRegenerate(void)
{
    const char *value = g_getenv("VIRT_PV_TEST_REGENERATE");

    return value && g_str_equal(value, "1");
}

static void
virTestShowDiff(const char *golden_path, const char *actual)
{
    g_autofree char *tmp = NULL;
    g_autofree char *out = NULL;
    g_autoptr(GError) error = NULL;
    int fd = g_file_open_tmp("virt-pv-test-XXXXXX", &tmp, &error);
    const char *argv[] = { "diff", "-u", golden_path, NULL, NULL };

    if (fd < 0) {
        virTestDiag("cannot show the difference: %s", error->message);
        return;
    }
    close(fd);
    if (!g_file_set_contents(tmp, actual, -1, &error)) {
        virTestDiag("cannot show the difference: %s", error->message);
        g_unlink(tmp);
        return;
    }
    argv[3] = tmp;
    virTestRunCommand(argv, NULL, &out, NULL);
    virTestDiag("%s differs from the actual output (- golden, + actual):\n%s", golden_path,
                out ? out : "");
    virTestDiag("run with VIRT_PV_TEST_REGENERATE=1 to rewrite it, then review the diff");
    g_unlink(tmp);
}

int
virTestCompareToFile(const char *actual, const char *golden_path)
{
    g_autofree char *expected = NULL;
    g_autoptr(GError) error = NULL;

    if (!g_file_get_contents(golden_path, &expected, NULL, &error)) {
        if (!virTestRegenerate()) {
            virTestDiag("cannot read golden file: %s", error->message);
            return -1;
        }
    }

    if (expected && g_str_equal(expected, actual))
        return 0;

    if (virTestRegenerate()) {
        g_clear_error(&error);
        if (!virFileWriteAtomic(golden_path, actual, strlen(actual), 0644, &error)) {
            virTestDiag("cannot regenerate: %s", error->message);
            return -1;
        }
        return 0;
    }
    virTestShowDiff(golden_path, actual);
    return -1;
}

/* The input goes through a temporary file rather than a pipe: a program
 * that exits without reading all of it is then no error of the test. */
static char *
virTestInputFile(const char *input)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL;
    int fd = g_file_open_tmp("virt-pv-input-XXXXXX", &path, &error);

    if (fd < 0) {
        virTestDiag("cannot create the input file: %s", error->message);
        return NULL;
    }
    close(fd);
    if (!g_file_set_contents(path, input, -1, &error)) {
        virTestDiag("cannot write the input file: %s", error->message);
        g_unlink(path);
        return NULL;
    }
    return g_steal_pointer(&path);
}

/* In a cross build, meson test names the program that runs what the build
 * made (qemu-s390x -L SYSROOT) in MESON_EXE_WRAPPER, shell-quoted.  The
 * test runs under it itself; virt-pv, started from here, must be too: a
 * foreign binary does not run by itself.  The wrapper goes right before
 * virt-pv, which may follow a command that runs it (setpriv ... virt-pv).
 * NULL when @argv does not run virt-pv or there is no wrapper; -1 in @ret
 * when the wrapper cannot be read. */
static char **
virTestWrapCommand(const char *const *argv, int *ret)
{
    const char *wrapper = g_getenv("MESON_EXE_WRAPPER");
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) words = NULL;
    g_autoptr(GStrvBuilder) builder = NULL;
    gsize i;

    *ret = 0;
    if (!wrapper || !*wrapper)
        return NULL;
    for (i = 0; argv[i] && !g_str_equal(argv[i], virTestProgram()); i++)
        ;
    if (!argv[i])
        return NULL;
    if (!g_shell_parse_argv(wrapper, NULL, &words, &error)) {
        virTestDiag("cannot read MESON_EXE_WRAPPER '%s': %s", wrapper, error->message);
        *ret = -1;
        return NULL;
    }
    builder = g_strv_builder_new();
    for (gsize j = 0; j < i; j++)
        g_strv_builder_add(builder, argv[j]);
    g_strv_builder_addv(builder, (const char **)words);
    g_strv_builder_addv(builder, (const char **)argv + i);
    return g_strv_builder_end(builder);
}

int
virTestRunCommand(const char *const *argv, const char *input, char **ret_stdout,
                  char **ret_stderr)
{
    g_auto(GStrv) wrapped = NULL;
    g_autoptr(GSubprocessLauncher) launcher = NULL;
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *input_path = NULL;
    gboolean talked;
    int wrap_status;

    if (!(wrapped = virTestWrapCommand(argv, &wrap_status)) && wrap_status < 0)
        return -1;
    launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                         G_SUBPROCESS_FLAGS_STDERR_PIPE);
    if (input) {
        if (!(input_path = virTestInputFile(input)))
            return -1;
        g_subprocess_launcher_set_stdin_file_path(launcher, input_path);
    }
    proc = g_subprocess_launcher_spawnv(launcher,
                                        wrapped ? (const char *const *)wrapped : argv, &error);
    if (input_path)
        g_unlink(input_path);
    if (!proc) {
        virTestDiag("cannot run %s: %s", argv[0], error->message);
        return -1;
    }
    talked = g_subprocess_communicate_utf8(proc, NULL, NULL, &out, &err, &error);
    if (!talked) {
        virTestDiag("cannot talk to %s: %s", argv[0], error->message);
        return -1;
    }
    if (ret_stdout)
        *ret_stdout = g_steal_pointer(&out);
    if (ret_stderr)
        *ret_stderr = g_steal_pointer(&err);
    if (g_subprocess_get_if_signaled(proc)) {
        virTestDiag("%s was killed by signal %d", argv[0], g_subprocess_get_term_sig(proc));
        return -1;
    }
    return g_subprocess_get_exit_status(proc);
}

int
virTestCompareCommand(const char *const *argv, const char *input, const char *golden_path)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GString) actual = g_string_new(NULL);
    int status = virTestRunCommand(argv, input, &out, &err);

    if (status < 0)
        return -1;
    g_string_append(actual, out);
    if (err && *err)
        g_string_append_printf(actual, "[stderr]\n%s", err);
    g_string_append_printf(actual, "[exit status %d]\n", status);
    return virTestCompareToFile(actual->str, golden_path);
}
