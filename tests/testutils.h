/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

/*
 * A small harness in the spirit of libvirt's: one line per case, golden
 * files compared with a readable diff, and VIRT_PV_TEST_REGENERATE=1 to
 * rewrite the golden files so that a reviewer reads the change as a diff.
 * Output is TAP, which meson counts case by case.
 */

/* What a test body returns: 0, -1 for a failure, or VIR_TEST_SKIP when
 * the case cannot run here (after a virTestDiag() saying why). */
typedef int (*virTestBody)(const void *data);

#define VIR_TEST_SKIP 77

int virTestRun(const char *title, virTestBody body, const void *data);

int virTestMain(int argc, char **argv, int (*tests)(void));

/* Path of a file below the tests' source directory. */
char *virTestDataPath(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* The virt-pv binary under test. */
const char *virTestProgram(void);

gboolean virTestRegenerate(void);

int virTestCompareToFile(const char *actual, const char *golden_path);

/* Run @argv with @input on stdin (may be NULL), and compare its stdout,
 * its stderr (if any) and its exit status, rendered as one text, to
 * @golden_path. */
int virTestCompareCommand(const char *const *argv, const char *input, const char *golden_path);

/* Run @argv; return its exit status (or -1), its stdout and its stderr. */
int virTestRunCommand(const char *const *argv, const char *input, char **ret_stdout,
                      char **ret_stderr);

/* Interrupt blocking calls with signals (interval below one second). */
gboolean virTestInterruptsStart(guint interval_ms);
void virTestInterruptsStop(void);

void virTestDiag(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
