/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

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

/* Counts brackets outside strings; the parser does the real validation. */
gboolean
virQEMUJSONDepthOK(const char *text, gsize len)
{
    gboolean in_string = FALSE;
    int depth = 0;
    gsize i;

    for (i = 0; i < len; i++) {
        char c = text[i];

        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = FALSE;
        } else if (c == '"') {
            in_string = TRUE;
        } else if (c == '{' || c == '[') {
            if (++depth > VIR_QEMU_JSON_MAX_DEPTH)
                return FALSE;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return TRUE;
}
