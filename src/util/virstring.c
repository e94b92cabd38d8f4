/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include "virstring.h"

/* Characters that act on a terminal or a log instead of being shown:
 * C0 and DEL (cursor moves, carriage returns that overwrite a line), C1
 * (U+009B is CSI on many terminals), and the bidirectional embeddings,
 * overrides and isolates that make text read in another order than it is
 * stored (U+202A-U+202E, U+2066-U+2069). */
static gboolean
virStringIsUnsafe(gunichar c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
           (c >= 0x2066 && c <= 0x2069);
}

/**
 * virStringEscapeControl:
 *
 * A copy of @text (NULL reads as "") with every character that a terminal
 * or a log would act on written out instead: C0 controls and DEL as \xNN,
 * C1 controls and bidirectional overrides as \uNNNN, and bytes that are
 * not UTF-8 as \xNN.  Text taken from a user's file thus stays on one line
 * and reads in the order it is stored.
 */
char *
virStringEscapeControl(const char *text)
{
    GString *out;
    const char *p;

    if (!text)
        return g_strdup("");
    /* Most text is printable ASCII, or clean UTF-8. */
    for (p = text; *p && (guchar)*p >= 0x20 && (guchar)*p < 0x7f; p++)
        ;
    if (*p && g_utf8_validate(p, -1, NULL)) {
        while (*p && !virStringIsUnsafe(g_utf8_get_char(p)))
            p = g_utf8_next_char(p);
    }
    if (!*p)
        return g_strdup(text);
    out = g_string_new(NULL);
    for (p = text; *p;) {
        gunichar c = g_utf8_get_char_validated(p, -1);

        if (c == (gunichar)-1 || c == (gunichar)-2) {
            g_string_append_printf(out, "\\x%02x", (guchar)*p);
            p++;
            continue;
        }
        if (c < 0x80 && virStringIsUnsafe(c))
            g_string_append_printf(out, "\\x%02x", c);
        else if (virStringIsUnsafe(c))
            g_string_append_printf(out, "\\u%04x", c);
        else
            g_string_append_len(out, p, g_utf8_next_char(p) - p);
        p = g_utf8_next_char(p);
    }
    return g_string_free(out, FALSE);
}
