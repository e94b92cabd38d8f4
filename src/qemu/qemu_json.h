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

/* Whether @text (@len bytes) nests at most VIR_QEMU_JSON_MAX_DEPTH arrays
 * and objects.  json-glib parses recursively: a document of a million
 * brackets would overflow the stack before it could say anything, so
 * every parse of untrusted JSON checks this first. */
gboolean virQEMUJSONDepthOK(const char *text, gsize len);
