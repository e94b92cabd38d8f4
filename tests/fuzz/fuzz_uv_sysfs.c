/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include "fuzz.h"
#include "util/virerror.h"
#include "util/viruv.h"

/*
 * The readers of /sys/firmware/uv: query/facilities (four hex words),
 * the single-value query files (hex or decimal) and the key-hash files
 * (one or fifteen lines of 64 hex digits).  The first input byte picks the
 * reader, the rest is the file's text.  Whatever a reader accepts must be
 * exactly what the kernel would have written.
 */

static void
fuzzUVFacilities(const char *text)
{
    guint64 words[VIR_UV_FACILITY_WORDS] = { 0 };
    guint64 reread[VIR_UV_FACILITY_WORDS] = { 0 };
    guint lines = 0;
    g_autoptr(GError) error = NULL;
    g_autoptr(GString) again = g_string_new(NULL);
    guint i;

    if (!virUVParseFacilities(text, words, &error)) {
        virFuzzAssert(g_error_matches(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE));
        return;
    }
    /* What the kernel would print for these words reads back the same. */
    for (i = 0; i < VIR_UV_FACILITY_WORDS; i++)
        g_string_append_printf(again, "%" G_GINT64_MODIFIER "x\n", words[i]);
    virFuzzAssert(virUVParseFacilities(again->str, reread, NULL));
    virFuzzAssert(memcmp(words, reread, sizeof(words)) == 0);
    /* Four lines, nothing else. */
    for (i = 0; text[i]; i++)
        lines += text[i] == '\n';
    virFuzzAssert(lines == VIR_UV_FACILITY_WORDS);
}

static void
fuzzUVQueryValue(guint8 pick, const char *text)
{
    virUVQueryField field = pick % VIR_UV_QUERY_LAST;
    g_autoptr(GError) error = NULL;
    guint64 value = 0;

    if (!virUVParseQueryValue(field, text, &value, &error)) {
        virFuzzAssert(g_error_matches(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE));
        return;
    }
    /* One line: at most 16 hex digits, or the 20 of G_MAXUINT64. */
    virFuzzAssert(text[strlen(text) - 1] == '\n');
    virFuzzAssert(strlen(text) <= (virUVQueryFieldIsHex(field) ? 17u : 21u));
}

static void
fuzzUVKeys(guint nlines, const char *text)
{
    char first[VIR_UV_KEY_HASH_HEX_LEN + 1] = "";
    char second[VIR_UV_KEY_HASH_HEX_LEN + 1] = "";
    g_autoptr(GError) error = NULL;
    gsize i;

    if (!virUVParseKeyHashes(text, nlines, first, nlines > 1 ? second : NULL, &error)) {
        virFuzzAssert(g_error_matches(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE));
        virFuzzAssert(first[0] == '\0');
        return;
    }
    virFuzzAssert(strlen(text) == nlines * (VIR_UV_KEY_HASH_HEX_LEN + 1));
    virFuzzAssert(strlen(first) == VIR_UV_KEY_HASH_HEX_LEN);
    for (i = 0; i < VIR_UV_KEY_HASH_HEX_LEN; i++)
        virFuzzAssert(g_ascii_isxdigit(first[i]) && !g_ascii_isupper(first[i]));
    virFuzzAssert(g_ascii_strncasecmp(first, text, VIR_UV_KEY_HASH_HEX_LEN) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = NULL;
    guint8 pick;

    if (size < 1)
        return 0;
    pick = data[0];
    text = virFuzzString(data + 1, size - 1);
    switch (pick % 4) {
    case 0:
        fuzzUVFacilities(text);
        break;
    case 1:
        fuzzUVQueryValue(pick / 4, text);
        break;
    case 2:
        fuzzUVKeys(1, text);
        break;
    default:
        fuzzUVKeys(VIR_UV_KEYS_ALL_LINES, text);
        break;
    }
    return 0;
}
