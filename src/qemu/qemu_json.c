/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include "qemu_json.h"

void
virQEMUJSONAddString(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_set_member_name(b, name);
    if (value)
        json_builder_add_string_value(b, value);
    else
        json_builder_add_null_value(b);
}

void
virQEMUJSONAddInt(JsonBuilder *b, const char *name, gint64 value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, value);
}

void
virQEMUJSONAddBool(JsonBuilder *b, const char *name, gboolean value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_boolean_value(b, value);
}

static gboolean
virQEMUJSONIsSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Read the four hex digits of a \u escape at text[pos] (just after the
 * 'u'); -1 when they are not there. */
static gint
virQEMUJSONHex4(const char *text, gsize len, gsize pos)
{
    gint value = 0;
    gsize k;

    if (pos + 4 > len)
        return -1;
    for (k = pos; k < pos + 4; k++) {
        gint digit = g_ascii_xdigit_value(text[k]);

        if (digit < 0)
            return -1;
        value = value * 16 + digit;
    }
    return value;
}

/* A \u escape with *pos at its 'u': four hex digits, and a high surrogate
 * only as the first half of a pair.  Moves *pos to the escape's last
 * character. */
static gboolean
virQEMUJSONCheckUnicodeEscape(const char *text, gsize len, gsize *pos)
{
    gint unit = virQEMUJSONHex4(text, len, *pos + 1);
    gint low;

    if (unit < 0 || (unit >= 0xDC00 && unit <= 0xDFFF))
        return FALSE;
    *pos += 4;
    if (unit < 0xD800 || unit > 0xDBFF)
        return TRUE;
    if (*pos + 2 >= len || text[*pos + 1] != '\\' || text[*pos + 2] != 'u')
        return FALSE;
    low = virQEMUJSONHex4(text, len, *pos + 3);
    if (low < 0xDC00 || low > 0xDFFF)
        return FALSE;
    *pos += 6;
    return TRUE;
}

virQEMUJSONShape
virQEMUJSONCheckShape(const char *text, gsize len)
{
    gboolean in_string = FALSE;
    gboolean started = FALSE; /* something was seen at the top level */
    gboolean closed = FALSE;  /* the top-level array or object has ended */
    int depth = 0;
    gsize i;

    for (i = 0; i < len; i++) {
        char c = text[i];

        if (in_string) {
            if (c == '\\') {
                /* json-glib also takes octal and other GScanner escapes
                 * ("\212") and lone surrogates ("\udc00"), which make a
                 * string that is not UTF-8 and that it then refuses to
                 * read back. */
                if (++i >= len || !text[i] || !strchr("\"\\/bfnrtu", text[i]))
                    return VIR_QEMU_JSON_SHAPE_BAD_ESCAPE;
                if (text[i] == 'u' && !virQEMUJSONCheckUnicodeEscape(text, len, &i))
                    return VIR_QEMU_JSON_SHAPE_BAD_ESCAPE;
            } else if (c == '"')
                in_string = FALSE;
            continue;
        }
        if (depth == 0 && !virQEMUJSONIsSpace(c)) {
            /* A second document: anything after a container, or a
             * container after a scalar.  Text that does not start like
             * JSON is refused here too: json-glib reads ".0{...}" as two
             * documents and leaks the second. */
            if (closed || (started && (c == '{' || c == '[')))
                return VIR_QEMU_JSON_SHAPE_TRAILING;
            if (!started && !strchr("{[\"-0123456789tfn", c))
                return VIR_QEMU_JSON_SHAPE_NOT_JSON;
            started = TRUE;
        }
        if (c == '"') {
            in_string = TRUE;
        } else if (c == '{' || c == '[') {
            if (++depth > VIR_QEMU_JSON_MAX_DEPTH)
                return VIR_QEMU_JSON_SHAPE_TOO_DEEP;
        } else if ((c == '}' || c == ']') && --depth == 0) {
            closed = TRUE;
        }
    }
    return VIR_QEMU_JSON_SHAPE_OK;
}
