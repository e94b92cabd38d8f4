/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include "virxml.h"

gboolean
virXMLNodeIs(xmlNodePtr node, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE && node->ns == NULL &&
           g_str_equal((const char *)node->name, name);
}

xmlNodePtr
virXMLChild(xmlNodePtr parent, const char *name)
{
    xmlNodePtr cur;

    for (cur = parent ? parent->children : NULL; cur; cur = cur->next) {
        if (virXMLNodeIs(cur, name))
            return cur;
    }
    return NULL;
}

char *
virXMLProp(xmlNodePtr node, const char *name)
{
    xmlChar *value;
    char *ret;

    if (!node || !(value = xmlGetNoNsProp(node, (const xmlChar *)name)))
        return NULL;
    ret = g_strdup((const char *)value);
    xmlFree(value);
    return ret;
}

char *
virXMLChildProp(xmlNodePtr parent, const char *child, const char *name)
{
    return virXMLProp(virXMLChild(parent, child), name);
}

char *
virXMLText(xmlNodePtr node)
{
    xmlChar *value;
    char *ret;

    if (!node || !(value = xmlNodeGetContent(node)))
        return NULL;
    ret = g_strstrip(g_strdup((const char *)value));
    xmlFree(value);
    return ret;
}
