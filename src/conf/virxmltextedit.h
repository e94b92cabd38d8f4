/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

/*
 * Editing an XML document in its original text, so that everything not
 * edited stays byte for byte as the user wrote it: comments, processing
 * instructions, attribute order, quote style, indentation, line endings.
 * Re-serialising the libxml2 tree would lose all of that.
 *
 * The editor scans the text once for the byte range of every element and
 * pairs the ranges with the elements of the parsed tree in document order
 * (libxml2 2.9's own node positions are wrong for elements with content).
 * Edits are collected and applied at once; new elements take the
 * indentation of their siblings, or their parent's plus the document's
 * indentation step.
 *
 * Fragments passed in are one element each, written with '\n' between
 * lines, one leading '\t' per level of nesting below the fragment's root,
 * and attribute values in single quotes; the editor turns those into the
 * document's newlines, indentation and quotes.
 */

typedef struct _virXMLTextEdit virXMLTextEdit;

/* @text (@len bytes) must be the text @doc was parsed from; @name names it
 * in messages.  Fails when the text cannot be matched with the tree (for
 * example in an encoding other than UTF-8 or ASCII). */
virXMLTextEdit *virXMLTextEditNew(const char *text, gsize len, xmlDocPtr doc, const char *name,
                                  GError **error);
void virXMLTextEditFree(virXMLTextEdit *edit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virXMLTextEdit, virXMLTextEditFree)

/* Set attribute @attr of @elem to @value: in place when it exists (its
 * quotes kept), else appended after the last attribute. */
gboolean virXMLTextEditSetAttr(virXMLTextEdit *edit, xmlNodePtr elem, const char *attr,
                               const char *value, GError **error);

/* Remove attribute @attr of @elem with the whitespace before it. */
gboolean virXMLTextEditRemoveAttr(virXMLTextEdit *edit, xmlNodePtr elem, const char *attr,
                                  GError **error);

/* Remove @elem; its whole line when it is alone on it. */
gboolean virXMLTextEditRemoveElement(virXMLTextEdit *edit, xmlNodePtr elem, GError **error);

/* Replace @elem by @fragment. */
gboolean virXMLTextEditReplaceElement(virXMLTextEdit *edit, xmlNodePtr elem,
                                      const char *fragment, GError **error);

/* Add @fragment as the last element child of @parent (after children
 * that are not being removed). */
gboolean virXMLTextEditAppendChild(virXMLTextEdit *edit, xmlNodePtr parent,
                                   const char *fragment, GError **error);

/* Drop the content of @elem and write it as an empty element <name .../>. */
gboolean virXMLTextEditCollapse(virXMLTextEdit *edit, xmlNodePtr elem, GError **error);

/* The edited text, NUL-terminated; @ret_len excludes the NUL. */
char *virXMLTextEditApply(const virXMLTextEdit *edit, gsize *ret_len, GError **error);
