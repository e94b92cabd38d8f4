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
    xmlAttrPtr attr;
    xmlChar *value;
    char *ret;

    if (!node || !(attr = xmlHasNsProp(node, (const xmlChar *)name, NULL)))
        return NULL;
    /* The usual attribute is one text node: copy it once instead of
     * letting libxml2 build a copy to copy again. */
    if (attr->type == XML_ATTRIBUTE_NODE && attr->children &&
        attr->children->type == XML_TEXT_NODE && !attr->children->next)
        return g_strdup((const char *)attr->children->content);
    if (!(value = xmlGetNoNsProp(node, (const xmlChar *)name)))
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

    if (!node)
        return NULL;
    if (node->children && node->children->type == XML_TEXT_NODE && !node->children->next)
        return g_strstrip(g_strdup((const char *)node->children->content));
    if (!(value = xmlNodeGetContent(node)))
        return NULL;
    ret = g_strstrip(g_strdup((const char *)value));
    xmlFree(value);
    return ret;
}
