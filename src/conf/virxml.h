/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

#include "virconferror.h"

/* libxml2 for libvirt's XML: a parser that refuses what a hostile
 * document could use against its reader, small readers, and the xpath
 * that names an element in messages.  The readers accept NULL where a
 * node is expected and then find nothing. */

/* An element named @name in no namespace (libvirt's own elements). */
gboolean virXMLNodeIs(xmlNodePtr node, const char *name);

/* The first child element of @parent named @name. */
xmlNodePtr virXMLChild(xmlNodePtr parent, const char *name);

/* The value of attribute @name, newly allocated. */
char *virXMLProp(xmlNodePtr node, const char *name);

/* virXMLProp of the first child element named @child. */
char *virXMLChildProp(xmlNodePtr parent, const char *child, const char *name);

/* The text of @node, trimmed, newly allocated. */
char *virXMLText(xmlNodePtr node);

/* The number of element children of @parent named @name (any when NULL). */
guint virXMLCountElements(xmlNodePtr parent, const char *name);

/* Set up libxml2 once, in the main thread, before documents are parsed
 * in several threads at once; parsing itself keeps no shared state. */
void virXMLParserInit(void);

/* Parse @len bytes of @xml (need not be NUL-terminated), named @name in
 * messages.  No network, no DTD, no entity substitution: entity
 * declarations and DOCTYPE internal subsets are refused, and so is a NUL
 * byte.  Malformed XML fails with "NAME:LINE: message".  Short texts are
 * stored inside their nodes: the tree is for reading only. */
xmlDocPtr virXMLParseSafe(const char *xml, gsize len, const char *name, GError **error);

/* The xpath of @node in the /domain/devices/disk[1] style: an index on
 * children of <devices> always, elsewhere only where same-named
 * siblings exist. */
char *virXMLNodeXPath(xmlNodePtr node);

/* The same, keeping in *@steps (created on first need, a table the
 * caller frees) what it learns about large parents, so that naming all
 * children of one parent costs linear time. */
char *virXMLNodeXPathCached(GHashTable **steps, xmlNodePtr node);

/* Append the xpath index "[@index]" to @path. */
void virXMLAppendIndex(GString *path, guint index);
