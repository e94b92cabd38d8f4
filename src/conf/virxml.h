/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

/* Small readers over libxml2 for libvirt's XML, shared by the domain
 * model and the code that reads the parts of a definition the model
 * does not keep (the QEMU command line).  Every function accepts NULL
 * where a node is expected and then finds nothing. */

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
