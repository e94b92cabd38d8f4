/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include "virkernelcmdline.h"

/*
 * The kernel splits its command line at unquoted white space.  A double
 * quote toggles quoting anywhere in a word; the value of a parameter is
 * what follows the first '=' (an '=' as the very first character does not
 * count), and one pair of quotes around the value, or around the whole
 * word, is dropped.  The word "--" without a value ends the kernel's part:
 * everything after it belongs to init.
 */

static gboolean
virKernelIsSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Split one word off @cursor into @word (param, a NUL, value); return the
 * position after it and set @ret_value_off to the value's offset in @word,
 * or -1 when the word has no value. */
static const char *
virKernelCmdlineNextWord(const char *cursor, GString *word, gssize *ret_value_off)
{
    gboolean quoted_word = FALSE;
    gboolean in_quote = FALSE;
    gssize equals = -1;
    gsize len = 0;

    g_string_truncate(word, 0);
    if (*cursor == '"') {
        quoted_word = TRUE;
        in_quote = TRUE;
        cursor++;
    }

    while (cursor[len] && (in_quote || !virKernelIsSpace(cursor[len]))) {
        if (equals < 0 && cursor[len] == '=' && len > 0)
            equals = (gssize)len;
        if (cursor[len] == '"')
            in_quote = !in_quote;
        len++;
    }

    g_string_append_len(word, cursor, (gssize)len);

    /* A closing quote that ends the word goes, whether it closes a quoted
     * value or a quoted word. */
    if (len > 0 && word->str[len - 1] == '"' &&
        (quoted_word || (equals >= 0 && cursor[equals + 1] == '"')))
        g_string_truncate(word, len - 1);

    if (equals >= 0) {
        word->str[equals] = '\0';
        if (word->str[equals + 1] == '"')
            equals++;
        *ret_value_off = equals + 1;
    } else {
        *ret_value_off = -1;
    }

    cursor += len;
    while (*cursor && virKernelIsSpace(*cursor))
        cursor++;
    return cursor;
}

void
virKernelCmdlineForEach(const char *cmdline, virKernelCmdlineFunc func, gpointer opaque)
{
    g_autoptr(GString) word = g_string_new(NULL);
    const char *cursor = cmdline;

    while (*cursor && virKernelIsSpace(*cursor))
        cursor++;

    while (*cursor) {
        gssize value_off;

        cursor = virKernelCmdlineNextWord(cursor, word, &value_off);
        if (value_off < 0 && strcmp(word->str, "--") == 0)
            return;
        if (!func(word->str, value_off < 0 ? NULL : word->str + value_off, opaque))
            return;
    }
}

/* Parameter names compare equal when they differ only in '-' versus '_'. */
gboolean
virKernelCmdlineParamEqual(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char ca = *a == '-' ? '_' : *a;
        char cb = *b == '-' ? '_' : *b;

        if (ca != cb)
            return FALSE;
    }
    return *a == *b;
}

/*
 * The kernel's notion of a boolean: the first character decides
 * (y Y 1 t T e E true, n N 0 f F d D false); 'o'/'O' needs the second
 * character (n for on, f for off).  Anything else, NULL included, is
 * invalid and leaves @ret_value untouched.
 */
gboolean
virKernelStrToBool(const char *str, gboolean *ret_value)
{
    if (!str)
        return FALSE;

    switch (str[0]) {
    case 'y': case 'Y': case '1': case 't': case 'T': case 'e': case 'E':
        *ret_value = TRUE;
        return TRUE;
    case 'n': case 'N': case '0': case 'f': case 'F': case 'd': case 'D':
        *ret_value = FALSE;
        return TRUE;
    case 'o': case 'O':
        if (str[1] == 'n' || str[1] == 'N') {
            *ret_value = TRUE;
            return TRUE;
        }
        if (str[1] == 'f' || str[1] == 'F') {
            *ret_value = FALSE;
            return TRUE;
        }
        return FALSE;
    default:
        return FALSE;
    }
}

typedef struct {
    const char *name;
    gboolean enabled;
} virKernelCmdlineEnableSearch;

static gboolean
virKernelCmdlineCheckEnabled(const char *param, const char *value, gpointer opaque)
{
    virKernelCmdlineEnableSearch *search = opaque;
    gboolean on;

    if (!virKernelCmdlineParamEqual(param, search->name))
        return TRUE;
    if (virKernelStrToBool(value, &on) && on) {
        search->enabled = TRUE;
        return FALSE;
    }
    return TRUE;
}

/*
 * Whether a switch that the kernel only ever turns on (like prot_virt) is
 * on: any occurrence with a true value wins, a later false one does not
 * undo it, and an invalid one is ignored.
 */
gboolean
virKernelCmdlineIsEnabled(const char *cmdline, const char *name)
{
    virKernelCmdlineEnableSearch search = { name, FALSE };

    virKernelCmdlineForEach(cmdline, virKernelCmdlineCheckEnabled, &search);
    return search.enabled;
}
