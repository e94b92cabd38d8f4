/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

/* Members of the object being built, one call each; a NULL string is
 * written as null. */
void virQEMUJSONAddString(JsonBuilder *b, const char *name, const char *value);
void virQEMUJSONAddInt(JsonBuilder *b, const char *name, gint64 value);
void virQEMUJSONAddBool(JsonBuilder *b, const char *name, gboolean value);

/* How deep JSON read from QEMU, a recording or a cache file may nest.  The
 * deepest document virt-pv reads nests about six levels. */
#define VIR_QEMU_JSON_MAX_DEPTH 64

typedef enum {
    VIR_QEMU_JSON_SHAPE_OK,
    VIR_QEMU_JSON_SHAPE_NOT_JSON,  /* does not start like a JSON value */
    VIR_QEMU_JSON_SHAPE_BAD_ESCAPE, /* a backslash escape that JSON does not have */
    VIR_QEMU_JSON_SHAPE_TOO_DEEP,  /* more than VIR_QEMU_JSON_MAX_DEPTH levels */
    VIR_QEMU_JSON_SHAPE_TRAILING,  /* text after the top-level array or object */
} virQEMUJSONShape;

/* Look at untrusted JSON before json-glib parses it, which it cannot do
 * safely: it parses recursively, so a document of a million brackets
 * overflows the stack, and it accepts several top-level documents in one
 * text, keeping one and leaking the others.  Counts brackets outside
 * strings; the parser does the real validation. */
virQEMUJSONShape virQEMUJSONCheckShape(const char *text, gsize len);
