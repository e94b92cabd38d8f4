/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

/* Members of the object being built, one call each; a NULL string is
 * written as null. */
void virQEMUJSONAddString(JsonBuilder *b, const char *name, const char *value);
void virQEMUJSONAddInt(JsonBuilder *b, const char *name, gint64 value);
void virQEMUJSONAddBool(JsonBuilder *b, const char *name, gboolean value);
