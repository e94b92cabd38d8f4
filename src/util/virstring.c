/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include "virstring.h"

/**
 * virStringEscapeControl:
 *
 * A copy of @text (NULL reads as "") with every control character written
 * as \xNN, so that text taken from a user's file stays on one line and a
 * terminal or a log shows it instead of acting on it.
 */
char *
virStringEscapeControl(const char *text)
{
    GString *out;
    const char *p;

    if (!text)
        return g_strdup("");
    for (p = text; *p && (guchar)*p >= 0x20 && *p != 0x7f; p++)
        ;
    if (!*p)
        return g_strdup(text);
    out = g_string_new(NULL);
    for (p = text; *p; p++) {
        guchar c = (guchar)*p;

        if (c < 0x20 || c == 0x7f)
            g_string_append_printf(out, "\\x%02x", c);
        else
            g_string_append_c(out, (char)c);
    }
    return g_string_free(out, FALSE);
}
