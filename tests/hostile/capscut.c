/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "qemu/qemu_capabilities.h"
#include "qemu/qemu_error.h"

/*
 * capscut CACHE-FILE WORK-DIR: write every prefix of CACHE-FILE (each of
 * its lengths but the whole) to WORK-DIR/cut.json and load it as virt-pv
 * loads a cache or --caps file.  Each must be refused with a capabilities
 * error naming the file; the whole file must load.  In-process, because a
 * process per length is minutes under the sanitizers.  Prints one line per
 * failure and exits 1 if there was any.
 */

static gboolean
capscutOne(const char *path, const char *text, gsize len)
{
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *quoted = g_strdup_printf("'%s'", path);

    if (!g_file_set_contents(path, text, (gssize)len, &error)) {
        printf("cannot write %s: %s\n", path, error->message);
        return FALSE;
    }
    if (virQEMUCapsLoadFile(path, &caps, &error)) {
        printf("cut at %" G_GSIZE_FORMAT ": accepted\n", len);
        return FALSE;
    }
    if (!g_error_matches(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_CACHE) ||
        !strstr(error->message, quoted)) {
        printf("cut at %" G_GSIZE_FORMAT ": unexpected error: %s\n", len, error->message);
        return FALSE;
    }
    return TRUE;
}

int
main(int argc, char **argv)
{
    g_autofree char *text = NULL;
    g_autofree char *cut = NULL;
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(GError) error = NULL;
    gsize len = 0;
    gsize failures = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: capscut CACHE-FILE WORK-DIR\n");
        return 2;
    }
    if (!g_file_get_contents(argv[1], &text, &len, &error) ||
        !virQEMUCapsLoadFile(argv[1], &caps, &error)) {
        printf("the whole file does not load: %s\n", error->message);
        return 1;
    }
    cut = g_build_filename(argv[2], "cut.json", NULL);
    for (gsize i = 0; i < len; i++) {
        if (!capscutOne(cut, text, i) && ++failures >= 20)
            break;
    }
    g_unlink(cut);
    return failures ? 1 : 0;
}
