/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include <libxml/parser.h>

#include "conf/virxmltextedit.h"
#include "testutils.h"

/*
 * The text editor on small documents: each case names an element by a
 * path of element names from the root ("devices/disk"), an operation and
 * the exact text expected afterwards, so that every byte that must not
 * change is checked too.
 */

typedef enum {
    TEST_SET_ATTR,
    TEST_REMOVE_ATTR,
    TEST_REMOVE,
    TEST_REPLACE,
    TEST_APPEND,
    TEST_COLLAPSE,
} testOp;

typedef struct {
    const char *title;
    const char *input;
    testOp op;
    const char *path;  /* "" is the root */
    const char *arg1;  /* attribute name or fragment */
    const char *arg2;  /* attribute value */
    const char *expect; /* NULL: the editor must refuse */
} testEditCase;

/* Unprefixed elements only. */
static xmlNodePtr
testFind(xmlNodePtr node, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", -1);
    guint i;

    for (i = 0; parts[i] && *parts[i] && node; i++) {
        xmlNodePtr cur;

        for (cur = node->children; cur; cur = cur->next) {
            if (cur->type == XML_ELEMENT_NODE && !(cur->ns && cur->ns->prefix) &&
                g_str_equal((const char *)cur->name, parts[i]))
                break;
        }
        node = cur;
    }
    return node;
}

static gboolean
testApplyOp(virXMLTextEdit *edit, const testEditCase *c, xmlNodePtr node, GError **error)
{
    switch (c->op) {
    case TEST_SET_ATTR:
        return virXMLTextEditSetAttr(edit, node, c->arg1, c->arg2, error);
    case TEST_REMOVE_ATTR:
        return virXMLTextEditRemoveAttr(edit, node, c->arg1, error);
    case TEST_REMOVE:
        return virXMLTextEditRemoveElement(edit, node, error);
    case TEST_REPLACE:
        return virXMLTextEditReplaceElement(edit, node, c->arg1, error);
    case TEST_APPEND:
        return virXMLTextEditAppendChild(edit, node, c->arg1, error);
    case TEST_COLLAPSE:
        return virXMLTextEditCollapse(edit, node, error);
    }
    return FALSE;
}

static int
testEdit(const void *data)
{
    const testEditCase *c = data;
    gsize len = strlen(c->input);
    xmlDocPtr doc = xmlReadMemory(c->input, (int)len, "test.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    g_autoptr(virXMLTextEdit) edit = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    int ret = -1;

    if (!doc) {
        virTestDiag("the input does not parse");
        return -1;
    }
    if ((edit = virXMLTextEditNew(c->input, len, doc, "test.xml", &error)) &&
        testApplyOp(edit, c, testFind(xmlDocGetRootElement(doc), c->path), &error))
        out = virXMLTextEditApply(edit, NULL, &error);

    if (!c->expect) {
        if (out)
            virTestDiag("expected a refusal, got:\n%s", out);
        else
            ret = 0;
    } else if (!out) {
        virTestDiag("failed: %s", error ? error->message : "?");
    } else if (!g_str_equal(out, c->expect)) {
        virTestDiag("expected:\n%s\ngot:\n%s", c->expect, out);
    } else {
        ret = 0;
    }
    xmlFreeDoc(doc);
    return ret;
}

/* Two changes on the same bytes are a bug in the caller, reported. */
static int
testOverlap(const void *data)
{
    const char *input = "<a>\n  <b x='1'/>\n</a>\n";
    xmlDocPtr doc = xmlReadMemory(input, (int)strlen(input), "t.xml", NULL, 0);
    g_autoptr(virXMLTextEdit) edit = virXMLTextEditNew(input, strlen(input), doc, "t.xml", NULL);
    xmlNodePtr b = testFind(xmlDocGetRootElement(doc), "b");
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;

    if (!edit || !virXMLTextEditRemoveElement(edit, b, NULL) ||
        !virXMLTextEditSetAttr(edit, b, "x", "2", NULL)) {
        xmlFreeDoc(doc);
        return -1;
    }
    out = virXMLTextEditApply(edit, NULL, &error);
    xmlFreeDoc(doc);
    if (out || !strstr(error->message, "overlap")) {
        virTestDiag("overlapping changes were applied");
        return -1;
    }
    return 0;
}

static int
mymain(void)
{
    int ret = 0;

#define DO_TEST(title_, input_, op_, path_, arg1_, arg2_, expect_) \
    do { \
        static const testEditCase c = { title_, input_, op_, path_, arg1_, arg2_, expect_ }; \
        if (virTestRun(title_, testEdit, &c) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST("set an attribute in place, quotes kept",
            "<a>\n  <b x=\"1\" y='2'/>\n</a>\n", TEST_SET_ATTR, "b", "y", "3",
            "<a>\n  <b x=\"1\" y='3'/>\n</a>\n");
    DO_TEST("add an attribute after the last one, in the document's quotes",
            "<a k=\"v\">\n  <b x=\"1\"   />\n</a>\n", TEST_SET_ATTR, "b", "iommu", "on",
            "<a k=\"v\">\n  <b x=\"1\" iommu=\"on\"   />\n</a>\n");
    DO_TEST("add an attribute to a tag without any",
            "<a><b></b></a>", TEST_SET_ATTR, "b", "mode", "host-model",
            "<a><b mode='host-model'></b></a>");
    DO_TEST("escape a value", "<a/>", TEST_SET_ATTR, "", "v", "x<'&\"",
            "<a v='x&lt;&apos;&amp;\"'/>");
    DO_TEST("a '>' inside a value does not end the tag",
            "<a>\n  <b t='x>y' iommu='off'/>\n</a>", TEST_SET_ATTR, "b", "iommu", "on",
            "<a>\n  <b t='x>y' iommu='on'/>\n</a>");
    DO_TEST("remove an attribute with the space before it",
            "<a>\n  <b x='1' iommu='off' z='3'/>\n</a>", TEST_REMOVE_ATTR, "b", "iommu", NULL,
            "<a>\n  <b x='1' z='3'/>\n</a>");
    DO_TEST("remove an attribute on its own line",
            "<a>\n  <b\n     x='1'\n     iommu='off'/>\n</a>", TEST_REMOVE_ATTR, "b", "iommu",
            NULL, "<a>\n  <b\n     x='1'/>\n</a>");
    DO_TEST("removing an absent attribute changes nothing",
            "<a>\n  <b x='1'/>\n</a>", TEST_REMOVE_ATTR, "b", "iommu", NULL,
            "<a>\n  <b x='1'/>\n</a>");
    DO_TEST("attribute names match whole", "<a>\n  <b xiommu='1' iommu='2'/>\n</a>",
            TEST_REMOVE_ATTR, "b", "iommu", NULL, "<a>\n  <b xiommu='1'/>\n</a>");
    DO_TEST("remove an element with its line",
            "<a>\n  <b/>\n  <c>\n    <d/>\n  </c>\n</a>\n", TEST_REMOVE, "c", NULL, NULL,
            "<a>\n  <b/>\n</a>\n");
    DO_TEST("remove an element that shares its line",
            "<a>\n  <b/><c/> <!-- c -->\n</a>", TEST_REMOVE, "c", NULL, NULL,
            "<a>\n  <b/> <!-- c -->\n</a>");
    DO_TEST("remove an element with CRLF line ends",
            "<a>\r\n  <b/>\r\n  <c/>\r\n</a>\r\n", TEST_REMOVE, "b", NULL, NULL,
            "<a>\r\n  <c/>\r\n</a>\r\n");
    DO_TEST("replace an element, nested lines indented",
            "<a>\n    <b>\n        <x/>\n    </b>\n</a>", TEST_REPLACE, "b",
            "<c k='1'>\n\t<d/>\n</c>", NULL,
            "<a>\n    <c k='1'>\n        <d/>\n    </c>\n</a>");
    DO_TEST("append after the last child, at its indentation",
            "<a>\n\t<b/>\n\t<c>\n\t\t<x/>\n\t</c>\n</a>", TEST_APPEND, "", "<n>\n\t<m/>\n</n>",
            NULL, "<a>\n\t<b/>\n\t<c>\n\t\t<x/>\n\t</c>\n\t<n>\n\t\t<m/>\n\t</n>\n</a>");
    DO_TEST("append skips comments and processing instructions before the end tag",
            "<a>\n  <b/>\n  <!-- <not an element> -->\n  <?pi x?>\n</a>", TEST_APPEND, "",
            "<n/>", NULL, "<a>\n  <b/>\n  <n/>\n  <!-- <not an element> -->\n  <?pi x?>\n</a>");
    DO_TEST("append to an empty-element tag",
            "<a>\n   <d k='1' />\n</a>", TEST_APPEND, "d", "<n/>", NULL,
            "<a>\n   <d k='1'>\n      <n/>\n   </d>\n</a>");
    DO_TEST("append to an empty pair on one line",
            "<a>\n  <d></d>\n</a>", TEST_APPEND, "d", "<n/>", NULL,
            "<a>\n  <d>\n    <n/>\n  </d>\n</a>");
    DO_TEST("append to an empty pair on two lines",
            "<a>\n  <d>\n  </d>\n</a>", TEST_APPEND, "d", "<n/>", NULL,
            "<a>\n  <d>\n    <n/>\n  </d>\n</a>");
    DO_TEST("append inline where the siblings are inline",
            "<a><b/><c/></a>", TEST_APPEND, "", "<n/>", NULL, "<a><b/><c/><n/></a>");
    DO_TEST("append follows CRLF and double quotes",
            "<a x=\"1\">\r\n  <b/>\r\n</a>", TEST_APPEND, "", "<n k='v'>\n\t<m/>\n</n>", NULL,
            "<a x=\"1\">\r\n  <b/>\r\n  <n k=\"v\">\r\n    <m/>\r\n  </n>\r\n</a>");
    DO_TEST("collapse an element",
            "<a>\n  <cpu mode='x'>\n    <model>z</model>\n  </cpu>\n</a>", TEST_COLLAPSE, "cpu",
            NULL, NULL, "<a>\n  <cpu mode='x'/>\n</a>");
    DO_TEST("prolog, DOCTYPE, CDATA and BOM are skipped",
            "\xef\xbb\xbf<?xml version='1.0'?>\n<!DOCTYPE a>\n<a>\n  <![CDATA[<b>]]>\n  "
            "<b/>\n</a>",
            TEST_SET_ATTR, "b", "k", "v",
            "\xef\xbb\xbf<?xml version='1.0'?>\n<!DOCTYPE a>\n<a>\n  <![CDATA[<b>]]>\n  "
            "<b k='v'/>\n</a>");
    DO_TEST("namespaced elements are matched by their prefix",
            "<a xmlns:p='urn:p'>\n  <p:b/>\n  <b/>\n</a>", TEST_SET_ATTR, "b", "k", "v",
            "<a xmlns:p='urn:p'>\n  <p:b/>\n  <b k='v'/>\n</a>");
    DO_TEST("the indentation step is learnt from the document",
            "<a>\n   <b>\n      <c/>\n   </b>\n</a>", TEST_APPEND, "b", "<n>\n\t<m/>\n</n>", NULL,
            "<a>\n   <b>\n      <c/>\n      <n>\n         <m/>\n      </n>\n   </b>\n</a>");
    DO_TEST("a Latin-1 element name that the tree holds in UTF-8 is refused",
            "<?xml version='1.0' encoding='ISO-8859-1'?>\n<a><d\xe9v/></a>", TEST_APPEND, "",
            "<n/>", NULL, NULL);
    DO_TEST("a DOCTYPE with an internal subset is skipped, brackets and all",
            "<!DOCTYPE a [\n  <!ELEMENT a ANY>\n  <!ATTLIST b k CDATA '[>]'>\n]>\n"
            "<a>\n  <b/>\n</a>",
            TEST_SET_ATTR, "b", "k", "v",
            "<!DOCTYPE a [\n  <!ELEMENT a ANY>\n  <!ATTLIST b k CDATA '[>]'>\n]>\n<a>\n"
            "  <b k='v'/>\n</a>");
    DO_TEST("remove an element with trailing blanks on its line",
            "<a>\n  <b/> \t \n  <c/>\n</a>", TEST_REMOVE, "b", NULL, NULL,
            "<a>\n  <c/>\n</a>");
    DO_TEST("escape the document's quote in a value",
            "<a x=\"1\"/>", TEST_SET_ATTR, "", "v", "say \"hi\" 'there'",
            "<a x=\"1\" v=\"say &quot;hi&quot; 'there'\"/>");

    if (virTestRun("overlapping changes are refused", testOverlap, NULL) < 0)
        ret = -1;
    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
