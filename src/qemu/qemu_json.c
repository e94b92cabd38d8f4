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
                 * ("\212"), which can make a string that is not UTF-8
                 * and that it then refuses to read back. */
                if (++i >= len || !text[i] || !strchr("\"\\/bfnrtu", text[i]))
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
