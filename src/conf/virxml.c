/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include <glib/gi18n.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

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

/* ---- safe parsing ------------------------------------------------------ */

/* What the SAX hooks learn while libxml2 parses one document. */
typedef struct {
    const char *name;
    GError *error;       /* the first problem; later ones are noise */
} virXMLParseState;

static void
virXMLParseRefuse(xmlParserCtxtPtr ctxt, char *message)
{
    virXMLParseState *state = ctxt->_private;

    if (!state->error) {
        g_set_error(&state->error, VIR_CONF_ERROR, VIR_CONF_ERROR_UNSAFE, "%s:%d: %s",
                    state->name, ctxt->input ? ctxt->input->line : 0, message);
    }
    g_free(message);
    xmlStopParser(ctxt);
}

static void
virXMLParseEntityDecl(void *opaque, const xmlChar *name, int type, const xmlChar *public_id,
                         const xmlChar *system_id, xmlChar *content)
{
    virXMLParseRefuse(opaque, g_strdup_printf(_("the document declares the entity '%s'; "
                                                   "entity declarations are refused"),
                                                 (const char *)name));
}

static void
virXMLParseUnparsedEntityDecl(void *opaque, const xmlChar *name, const xmlChar *public_id,
                                 const xmlChar *system_id, const xmlChar *notation)
{
    virXMLParseEntityDecl(opaque, name, 0, public_id, system_id, NULL);
}

static void
virXMLParseSubsetDecl(xmlParserCtxtPtr ctxt)
{
    virXMLParseRefuse(ctxt, g_strdup(_("the document has a DOCTYPE internal subset with "
                                          "declarations; they are refused")));
}

static void
virXMLParseElementDecl(void *opaque, const xmlChar *name, int type,
                          xmlElementContentPtr content)
{
    virXMLParseSubsetDecl(opaque);
}

static void
virXMLParseAttributeDecl(void *opaque, const xmlChar *elem, const xmlChar *fullname,
                            int type, int def, const xmlChar *default_value,
                            xmlEnumerationPtr tree)
{
    xmlFreeEnumeration(tree);
    virXMLParseSubsetDecl(opaque);
}

static void
virXMLParseNotationDecl(void *opaque, const xmlChar *name, const xmlChar *public_id,
                           const xmlChar *system_id)
{
    virXMLParseSubsetDecl(opaque);
}

/* Keep the first real error, with its line, and print nothing. */
static void
virXMLParseStructuredError(void *opaque, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = opaque;
    virXMLParseState *state = ctxt->_private;
    g_autofree char *message = NULL;

    if (state->error || !err || err->level < XML_ERR_ERROR)
        return;
    message = g_strchomp(g_strdup(err->message ? err->message : _("malformed XML")));
    g_set_error(&state->error, VIR_CONF_ERROR, VIR_CONF_ERROR_XML, "%s:%d: %s", state->name,
                err->line, message);
}

static void
virXMLParseHookSAX(xmlSAXHandlerPtr sax)
{
    sax->entityDecl = virXMLParseEntityDecl;
    sax->unparsedEntityDecl = virXMLParseUnparsedEntityDecl;
    sax->elementDecl = virXMLParseElementDecl;
    sax->attributeDecl = virXMLParseAttributeDecl;
    sax->notationDecl = virXMLParseNotationDecl;
    /* Never load an external subset, whatever the options say. */
    sax->externalSubset = NULL;
    sax->serror = virXMLParseStructuredError;
}

/* No network, no DTD loading or defaulted attributes, no entity
 * substitution, nothing printed, line numbers past 65535 kept.  Short
 * texts are stored inside their nodes (COMPACT, as xmllint does): one
 * allocation less per text node, which is a tenth of validating a large
 * batch. */
#define VIR_XML_PARSE_OPTIONS \
    (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES | \
     XML_PARSE_NOCDATA | XML_PARSE_COMPACT)

/* XML allows no NUL character anywhere, but libxml2 quietly ends the
 * document at a NUL byte after the root element: what followed it would
 * be validated by nobody, and fix could not edit the text. */
static gboolean
virXMLParseCheckNul(const char *xml, gsize len, const char *name, GError **error)
{
    const char *nul = memchr(xml, '\0', len);
    gulong line = 1;
    const char *cur;

    if (!nul)
        return TRUE;
    for (cur = xml; cur < nul; cur++) {
        if (*cur == '\n')
            line++;
    }
    g_set_error(error, VIR_CONF_ERROR, VIR_CONF_ERROR_XML,
                _("%s:%lu: the document contains a NUL byte (only UTF-8 and ASCII are read)"),
                name, line);
    return FALSE;
}

void
virXMLParserInit(void)
{
    xmlInitParser();
    /* GLib makes the C locale of g_ascii_strtoull() on first use, behind
     * a g_once: a thread that waits there for another can come back with
     * errno set by the wait, and g_ascii_string_to_unsigned() then takes
     * a valid "1" for invalid.  Make it here, before the threads. */
    (void)g_ascii_strtoull("0", NULL, 10);
}

xmlDocPtr
virXMLParseSafe(const char *xml, gsize len, const char *name, GError **error)
{
    virXMLParseState state = { .name = name };
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc = NULL;

    if (len == 0) {
        g_set_error(error, VIR_CONF_ERROR, VIR_CONF_ERROR_XML, _("%s:1: the document is empty"),
                    name);
        return NULL;
    }
    if (!virXMLParseCheckNul(xml, len, name, error))
        return NULL;
    if (!(ctxt = xmlCreateMemoryParserCtxt(xml, (int)len))) {
        g_set_error(error, VIR_CONF_ERROR, VIR_CONF_ERROR_XML,
                    _("%s: cannot set up the XML parser"), name);
        return NULL;
    }
    ctxt->_private = &state;
    virXMLParseHookSAX(ctxt->sax);
    xmlCtxtUseOptions(ctxt, VIR_XML_PARSE_OPTIONS);

    xmlParseDocument(ctxt);
    doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    if (!state.error && (!ctxt->wellFormed || !doc)) {
        g_set_error(&state.error, VIR_CONF_ERROR, VIR_CONF_ERROR_XML,
                    _("%s:%d: malformed XML"), name, ctxt->input ? ctxt->input->line : 0);
    }
    xmlFreeParserCtxt(ctxt);

    if (state.error) {
        xmlFreeDoc(doc);
        g_propagate_error(error, state.error);
        return NULL;
    }
    return doc;
}

/* ---- xpaths ------------------------------------------------------------- */

guint
virXMLCountElements(xmlNodePtr parent, const char *name)
{
    xmlNodePtr cur;
    guint n = 0;

    for (cur = parent->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && (!name || virXMLNodeIs(cur, name)))
            n++;
    }
    return n;
}

/* Elements with the same name and namespace, as xpath steps count them. */
static guint
virXMLStepKeyHash(gconstpointer key)
{
    xmlNodePtr node = (xmlNodePtr)key;

    return g_str_hash(node->name) ^ g_direct_hash(node->ns);
}

static gboolean
virXMLStepKeyEqual(gconstpointer a, gconstpointer b)
{
    xmlNodePtr na = (xmlNodePtr)a;
    xmlNodePtr nb = (xmlNodePtr)b;

    return na->ns == nb->ns && g_str_equal((const char *)na->name, (const char *)nb->name);
}

static GHashTable *
virXMLStepsNew(void)
{
    return g_hash_table_new(g_direct_hash, g_direct_equal);
}

/*
 * The xpath step of every element child of @parent, worked out in two
 * passes over the children: how many share each name, then each one's
 * position among them.  Stored in @steps as node -> (index << 1 | shown),
 * where "shown" asks for the "[index]" suffix: always below <devices>,
 * elsewhere only where same-named siblings exist.  Naming all N children
 * of one parent thus costs O(N); looking at the siblings of each child
 * instead costs O(N²), which a 16 MiB definition with a million devices
 * turns into hours.
 */
static void
virXMLIndexChildren(GHashTable *steps, xmlNodePtr parent)
{
    g_autoptr(GHashTable) totals = g_hash_table_new(virXMLStepKeyHash, virXMLStepKeyEqual);
    g_autoptr(GHashTable) seen = g_hash_table_new(virXMLStepKeyHash, virXMLStepKeyEqual);
    gboolean devices = parent->type == XML_ELEMENT_NODE && virXMLNodeIs(parent, "devices");
    xmlNodePtr cur;

    for (cur = parent->children; cur; cur = cur->next) {
        if (cur->type != XML_ELEMENT_NODE)
            continue;
        g_hash_table_insert(totals, cur,
                            GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(totals, cur)) +
                                             1));
    }
    for (cur = parent->children; cur; cur = cur->next) {
        guint index;
        gboolean shown;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        index = GPOINTER_TO_UINT(g_hash_table_lookup(seen, cur)) + 1;
        g_hash_table_insert(seen, cur, GUINT_TO_POINTER(index));
        shown = devices || GPOINTER_TO_UINT(g_hash_table_lookup(totals, cur)) > 1;
        g_hash_table_insert(steps, cur, GUINT_TO_POINTER(index << 1 | (shown ? 1 : 0)));
    }
}

/* Parents with at most this many children have the step of a child
 * worked out by walking them, which is cheaper than hashing them all;
 * larger ones are indexed once into the steps table. */
#define VIR_XML_STEP_WALK_MAX 64

/* The step of @node by a walk over its siblings; FALSE when there are too
 * many of them for that. */
static gboolean
virXMLStepBySiblings(xmlNodePtr node, guint *ret_step)
{
    gboolean devices = node->parent->type == XML_ELEMENT_NODE &&
                       virXMLNodeIs(node->parent, "devices");
    guint index = 0;
    guint total = 0;
    guint n = 0;
    xmlNodePtr cur;

    for (cur = node->parent->children; cur; cur = cur->next) {
        if (++n > VIR_XML_STEP_WALK_MAX)
            return FALSE;
        if (cur->type != XML_ELEMENT_NODE || !virXMLStepKeyEqual(cur, node))
            continue;
        total++;
        if (cur == node)
            index = total;
    }
    *ret_step = index << 1 | ((devices || total > 1) ? 1 : 0);
    return TRUE;
}

void
virXMLAppendIndex(GString *path, guint index)
{
    char digits[16];
    char *p = digits + sizeof(digits);

    /* Without printf: a batch formats one of these per device. */
    *--p = '\0';
    *--p = ']';
    do {
        *--p = (char)('0' + index % 10);
        index /= 10;
    } while (index);
    *--p = '[';
    g_string_append(path, p);
}

/* @steps is created on first need. */
static void
virXMLAppendStep(GString *path, GHashTable **steps, xmlNodePtr node)
{
    guint step = 1 << 1;

    if (*steps && g_hash_table_contains(*steps, node)) {
        step = GPOINTER_TO_UINT(g_hash_table_lookup(*steps, node));
    } else if (node->parent && !virXMLStepBySiblings(node, &step)) {
        if (!*steps)
            *steps = virXMLStepsNew();
        virXMLIndexChildren(*steps, node->parent);
        step = GPOINTER_TO_UINT(g_hash_table_lookup(*steps, node));
    }

    g_string_append_c(path, '/');
    if (node->ns && node->ns->prefix)
        g_string_append_printf(path, "%s:", (const char *)node->ns->prefix);
    g_string_append(path, (const char *)node->name);
    if (step & 1)
        virXMLAppendIndex(path, step >> 1);
}

/* The xpath of @node, with the steps already worked out in @steps. */
char *
virXMLNodeXPathCached(GHashTable **steps, xmlNodePtr node)
{
    g_autoptr(GPtrArray) chain = g_ptr_array_new();
    GString *path = g_string_new(NULL);
    guint i;

    for (; node && node->type == XML_ELEMENT_NODE; node = node->parent)
        g_ptr_array_add(chain, node);
    for (i = chain->len; i > 0; i--)
        virXMLAppendStep(path, steps, g_ptr_array_index(chain, i - 1));
    return g_string_free(path, FALSE);
}

char *
virXMLNodeXPath(xmlNodePtr node)
{
    g_autoptr(GHashTable) steps = NULL;

    return virXMLNodeXPathCached(&steps, node);
}
