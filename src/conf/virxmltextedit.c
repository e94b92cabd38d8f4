/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include <glib/gi18n.h>

#include "virconferror.h"
#include "virxmltextedit.h"

/* Where one element sits in the text. */
typedef struct {
    gsize begin;     /* the '<' of the start tag */
    gsize tag_end;   /* just after the '>' of the start tag */
    gsize end;       /* just after the '>' of the end tag (== tag_end when empty) */
    gsize name_len;  /* of the tag name, starting at begin + 1 */
    gboolean empty;  /* written as <name .../> */
} virXMLTextRange;

/* One replacement of [begin, end) by @text; an insertion when begin == end. */
typedef struct {
    gsize begin;
    gsize end;
    char *text;
    guint seq;
} virXMLTextChange;

struct _virXMLTextEdit {
    const char *text;
    gsize len;
    char *name;
    GArray *ranges;          /* of virXMLTextRange, document order */
    GHashTable *index;       /* xmlNodePtr -> index + 1 into ranges */
    GHashTable *removed;     /* xmlNodePtr set: elements being removed */
    GArray *changes;         /* of virXMLTextChange */
    const char *newline;     /* "\n" or "\r\n", as the document has it */
    char *indent_step;       /* the document's indentation step */
    char quote;              /* the quote the document uses most */
};

static void
virXMLTextChangeClear(gpointer data)
{
    virXMLTextChange *change = data;

    g_free(change->text);
}

void
virXMLTextEditFree(virXMLTextEdit *edit)
{
    if (!edit)
        return;
    g_free(edit->name);
    g_clear_pointer(&edit->ranges, g_array_unref);
    g_clear_pointer(&edit->index, g_hash_table_unref);
    g_clear_pointer(&edit->removed, g_hash_table_unref);
    g_clear_pointer(&edit->changes, g_array_unref);
    g_free(edit->indent_step);
    g_free(edit);
}

G_GNUC_PRINTF(3, 4)
static void
virXMLTextEditError(GError **error, const virXMLTextEdit *edit, const char *fmt, ...)
{
    g_autofree char *detail = NULL;
    va_list ap;

    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, VIR_CONF_ERROR, VIR_CONF_ERROR_FAILED, _("cannot edit '%s': %s"),
                edit->name, detail);
}

/* ---- scanning the text -------------------------------------------------- */

static gboolean
virXMLTextIsSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The position just after @delim at or after @pos, or 0 when missing. */
static gsize
virXMLTextSkipPast(const char *text, gsize len, gsize pos, const char *delim)
{
    gsize dlen = strlen(delim);

    for (; pos + dlen <= len; pos++) {
        if (memcmp(text + pos, delim, dlen) == 0)
            return pos + dlen;
    }
    return 0;
}

/* The position just after the '>' closing the markup that starts at @pos,
 * with quoted strings and (for a DOCTYPE) bracketed subsets skipped. */
static gsize
virXMLTextSkipMarkup(const char *text, gsize len, gsize pos)
{
    char quote = 0;
    guint depth = 0;

    for (pos++; pos < len; pos++) {
        char c = text[pos];

        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '[') {
            depth++;
        } else if (c == ']' && depth > 0) {
            depth--;
        } else if (c == '>' && depth == 0) {
            return pos + 1;
        }
    }
    return 0;
}

static gsize
virXMLTextNameLen(const char *text, gsize len, gsize pos)
{
    gsize start = pos;

    while (pos < len && !virXMLTextIsSpace(text[pos]) && text[pos] != '/' && text[pos] != '>')
        pos++;
    return pos - start;
}

/* Comments, processing instructions, CDATA and declarations: where they
 * end, or 0 when the text at @pos is a tag. */
static gsize
virXMLTextSkipNonElement(const char *text, gsize len, gsize pos)
{
    static const struct {
        const char *open;
        const char *close;
    } kinds[] = {
        { "<!--", "-->" },
        { "<![CDATA[", "]]>" },
        { "<?", "?>" },
    };
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(kinds); i++) {
        gsize olen = strlen(kinds[i].open);

        if (pos + olen <= len && memcmp(text + pos, kinds[i].open, olen) == 0) {
            gsize after = virXMLTextSkipPast(text, len, pos + olen, kinds[i].close);

            return after ? after : len;
        }
    }
    if (pos + 1 < len && text[pos + 1] == '!') {
        gsize after = virXMLTextSkipMarkup(text, len, pos);

        return after ? after : len;
    }
    return 0;
}

static gboolean
virXMLTextScan(virXMLTextEdit *edit, GError **error)
{
    const char *text = edit->text;
    gsize len = edit->len;
    g_autoptr(GArray) open = g_array_new(FALSE, FALSE, sizeof(guint));
    gsize pos = 0;

    while (pos < len) {
        const char *lt = memchr(text + pos, '<', len - pos);
        gsize after;

        if (!lt)
            break;
        pos = (gsize)(lt - text);
        if ((after = virXMLTextSkipNonElement(text, len, pos))) {
            pos = after;
            continue;
        }
        after = virXMLTextSkipMarkup(text, len, pos);
        if (!after) {
            virXMLTextEditError(error, edit, _("unterminated tag at byte %zu"), pos);
            return FALSE;
        }
        if (text[pos + 1] == '/') {
            if (open->len == 0) {
                virXMLTextEditError(error, edit, _("stray end tag at byte %zu"), pos);
                return FALSE;
            }
            g_array_index(edit->ranges, virXMLTextRange,
                          g_array_index(open, guint, open->len - 1)).end = after;
            g_array_set_size(open, open->len - 1);
        } else {
            virXMLTextRange range = { pos, after, after, 0, text[after - 2] == '/' };
            guint idx = edit->ranges->len;

            range.name_len = virXMLTextNameLen(text, len, pos + 1);
            g_array_append_val(edit->ranges, range);
            if (!range.empty)
                g_array_append_val(open, idx);
        }
        pos = after;
    }
    if (open->len != 0) {
        virXMLTextEditError(error, edit, _("unclosed element"));
        return FALSE;
    }
    return TRUE;
}

/* ---- pairing the text with the tree ------------------------------------- */

static gboolean
virXMLTextNameMatches(const virXMLTextEdit *edit, const virXMLTextRange *range, xmlNodePtr node)
{
    g_autofree char *qname = NULL;

    if (node->ns && node->ns->prefix)
        qname = g_strdup_printf("%s:%s", (const char *)node->ns->prefix, (const char *)node->name);
    else
        qname = g_strdup((const char *)node->name);
    return strlen(qname) == range->name_len &&
           memcmp(edit->text + range->begin + 1, qname, range->name_len) == 0;
}

static gboolean
virXMLTextIndexTree(virXMLTextEdit *edit, xmlNodePtr node, guint *next, GError **error)
{
    for (; node; node = node->next) {
        const virXMLTextRange *range;

        if (node->type != XML_ELEMENT_NODE)
            continue;
        if (*next >= edit->ranges->len)
            break;
        range = &g_array_index(edit->ranges, virXMLTextRange, *next);
        if (!virXMLTextNameMatches(edit, range, node)) {
            virXMLTextEditError(error, edit,
                                _("element <%s> at byte %zu"
                                  " does not match the parsed document"),
                                (const char *)node->name, range->begin);
            return FALSE;
        }
        g_hash_table_insert(edit->index, node, GUINT_TO_POINTER(*next + 1));
        (*next)++;
        if (!virXMLTextIndexTree(edit, node->children, next, error))
            return FALSE;
    }
    return TRUE;
}

/* ---- the document's habits ---------------------------------------------- */

/* The whitespace before @pos on its line, when only whitespace is there;
 * NULL when something else precedes @pos on the line. */
static char *
virXMLTextLineIndent(const virXMLTextEdit *edit, gsize pos)
{
    gsize start = pos;

    while (start > 0 && (edit->text[start - 1] == ' ' || edit->text[start - 1] == '\t'))
        start--;
    if (start > 0 && edit->text[start - 1] != '\n')
        return NULL;
    return g_strndup(edit->text + start, pos - start);
}

/* The step between a parent's indentation and its first indented child's,
 * two spaces when the document has no nesting on separate lines. */
static char *
virXMLTextFindIndentStep(const virXMLTextEdit *edit, xmlNodePtr parent)
{
    xmlNodePtr child;

    for (child = parent->children; child; child = child->next) {
        const virXMLTextRange *outer;
        const virXMLTextRange *inner;
        g_autofree char *outer_indent = NULL;
        g_autofree char *inner_indent = NULL;
        char *step;

        if (child->type != XML_ELEMENT_NODE)
            continue;
        outer = &g_array_index(edit->ranges, virXMLTextRange,
                               GPOINTER_TO_UINT(g_hash_table_lookup(edit->index, parent)) - 1);
        inner = &g_array_index(edit->ranges, virXMLTextRange,
                               GPOINTER_TO_UINT(g_hash_table_lookup(edit->index, child)) - 1);
        outer_indent = virXMLTextLineIndent(edit, outer->begin);
        inner_indent = virXMLTextLineIndent(edit, inner->begin);
        if (outer_indent && inner_indent && strlen(inner_indent) > strlen(outer_indent) &&
            g_str_has_prefix(inner_indent, outer_indent))
            return g_strdup(inner_indent + strlen(outer_indent));
        if ((step = virXMLTextFindIndentStep(edit, child)))
            return step;
    }
    return NULL;
}

static char
virXMLTextFindQuote(const virXMLTextEdit *edit)
{
    gsize singles = 0;
    gsize doubles = 0;
    guint i;

    for (i = 0; i < edit->ranges->len; i++) {
        const virXMLTextRange *r = &g_array_index(edit->ranges, virXMLTextRange, i);
        gsize pos;

        for (pos = r->begin; pos + 1 < r->tag_end; pos++) {
            if (edit->text[pos] != '=')
                continue;
            if (edit->text[pos + 1] == '\'')
                singles++;
            else if (edit->text[pos + 1] == '"')
                doubles++;
        }
    }
    return doubles > singles ? '"' : '\'';
}

virXMLTextEdit *
virXMLTextEditNew(const char *text, gsize len, xmlDocPtr doc, const char *name, GError **error)
{
    g_autoptr(virXMLTextEdit) edit = g_new0(virXMLTextEdit, 1);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    guint next = 0;

    edit->text = text;
    edit->len = len;
    edit->name = g_strdup(name);
    edit->ranges = g_array_new(FALSE, FALSE, sizeof(virXMLTextRange));
    edit->index = g_hash_table_new(g_direct_hash, g_direct_equal);
    edit->removed = g_hash_table_new(g_direct_hash, g_direct_equal);
    edit->changes = g_array_new(FALSE, FALSE, sizeof(virXMLTextChange));
    g_array_set_clear_func(edit->changes, virXMLTextChangeClear);

    if (memchr(text, '\0', len)) {
        virXMLTextEditError(error, edit, _("only UTF-8 and ASCII documents can be edited"));
        return NULL;
    }
    if (!root || !virXMLTextScan(edit, error) || !virXMLTextIndexTree(edit, root, &next, error))
        return NULL;
    if (next != edit->ranges->len) {
        virXMLTextEditError(error, edit, _("the text has %u elements, the parsed document %u"),
                            edit->ranges->len, next);
        return NULL;
    }
    edit->newline = strstr(text, "\r\n") ? "\r\n" : "\n";
    edit->indent_step = virXMLTextFindIndentStep(edit, root);
    if (!edit->indent_step)
        edit->indent_step = g_strdup("  ");
    edit->quote = virXMLTextFindQuote(edit);
    return g_steal_pointer(&edit);
}

/* ---- recording changes -------------------------------------------------- */

static const virXMLTextRange *
virXMLTextEditRange(const virXMLTextEdit *edit, xmlNodePtr node, GError **error)
{
    guint idx = GPOINTER_TO_UINT(g_hash_table_lookup(edit->index, node));

    if (!idx) {
        virXMLTextEditError(error, edit, _("element <%s> is not in the original text"),
                            node ? (const char *)node->name : "?");
        return NULL;
    }
    return &g_array_index(edit->ranges, virXMLTextRange, idx - 1);
}

static void
virXMLTextEditAdd(virXMLTextEdit *edit, gsize begin, gsize end, char *text)
{
    virXMLTextChange change = { begin, end, text, edit->changes->len };

    g_array_append_val(edit->changes, change);
}

/* Escape @value for an attribute quoted with @quote. */
static char *
virXMLTextEscapeAttr(const char *value, char quote)
{
    GString *out = g_string_new(NULL);

    for (; *value; value++) {
        switch (*value) {
        case '&':
            g_string_append(out, "&amp;");
            break;
        case '<':
            g_string_append(out, "&lt;");
            break;
        case '"':
        case '\'':
            if (*value == quote)
                g_string_append(out, *value == '"' ? "&quot;" : "&apos;");
            else
                g_string_append_c(out, *value);
            break;
        default:
            g_string_append_c(out, *value);
        }
    }
    return g_string_free(out, FALSE);
}

/* An attribute in a start tag: [space, value_end) is what removal takes;
 * the value sits between value_begin and value_end - 1 (the quote). */
typedef struct {
    gsize space;
    gsize name;
    gsize value_begin;
    gsize value_end;
    char quote;
} virXMLTextAttr;

/* Walk the attributes of the start tag @range; stop at @attr (TRUE) or at
 * the end of the attributes, leaving *ret_last at the end of the last one. */
static gboolean
virXMLTextFindAttr(const virXMLTextEdit *edit, const virXMLTextRange *range, const char *attr,
                   virXMLTextAttr *ret_attr, gsize *ret_last, char *ret_quote)
{
    const char *t = edit->text;
    gsize pos = range->begin + 1 + range->name_len;
    gsize alen = strlen(attr);
    gsize end = range->tag_end;

    *ret_last = pos;
    while (pos < end) {
        virXMLTextAttr a = { pos, 0, 0, 0, 0 };
        gsize name_end;

        while (pos < end && virXMLTextIsSpace(t[pos]))
            pos++;
        if (t[pos] == '/' || t[pos] == '>')
            return FALSE;
        a.name = pos;
        while (pos < end && t[pos] != '=' && !virXMLTextIsSpace(t[pos]))
            pos++;
        name_end = pos;
        while (pos < end && t[pos] != '\'' && t[pos] != '"')
            pos++;
        if (pos >= end)
            return FALSE;
        a.quote = t[pos];
        a.value_begin = ++pos;
        while (pos < end && t[pos] != a.quote)
            pos++;
        if (pos >= end)
            return FALSE;
        a.value_end = ++pos;
        *ret_last = pos;
        *ret_quote = a.quote;
        if (name_end - a.name == alen && memcmp(t + a.name, attr, alen) == 0) {
            *ret_attr = a;
            return TRUE;
        }
    }
    return FALSE;
}

gboolean
virXMLTextEditSetAttr(virXMLTextEdit *edit, xmlNodePtr elem, const char *attr, const char *value,
                      GError **error)
{
    const virXMLTextRange *range = virXMLTextEditRange(edit, elem, error);
    virXMLTextAttr a;
    gsize last;
    char quote = edit->quote;

    if (!range)
        return FALSE;
    if (virXMLTextFindAttr(edit, range, attr, &a, &last, &quote)) {
        virXMLTextEditAdd(edit, a.value_begin, a.value_end - 1,
                          virXMLTextEscapeAttr(value, a.quote));
    } else {
        g_autofree char *escaped = virXMLTextEscapeAttr(value, quote);

        virXMLTextEditAdd(edit, last, last,
                          g_strdup_printf(" %s=%c%s%c", attr, quote, escaped, quote));
    }
    return TRUE;
}

gboolean
virXMLTextEditRemoveAttr(virXMLTextEdit *edit, xmlNodePtr elem, const char *attr, GError **error)
{
    const virXMLTextRange *range = virXMLTextEditRange(edit, elem, error);
    virXMLTextAttr a;
    gsize last;
    char quote;

    if (!range)
        return FALSE;
    if (virXMLTextFindAttr(edit, range, attr, &a, &last, &quote))
        virXMLTextEditAdd(edit, a.space, a.value_end, g_strdup(""));
    return TRUE;
}

/* [begin, end) widened to whole lines when nothing else is on them. */
static void
virXMLTextWholeLines(const virXMLTextEdit *edit, gsize *begin, gsize *end)
{
    g_autofree char *indent = virXMLTextLineIndent(edit, *begin);
    gsize after = *end;

    if (!indent)
        return;
    while (after < edit->len && (edit->text[after] == ' ' || edit->text[after] == '\t'))
        after++;
    if (after < edit->len && edit->text[after] == '\r')
        after++;
    if (after < edit->len && edit->text[after] != '\n')
        return;
    *begin -= strlen(indent);
    *end = after < edit->len ? after + 1 : after;
}

gboolean
virXMLTextEditRemoveElement(virXMLTextEdit *edit, xmlNodePtr elem, GError **error)
{
    const virXMLTextRange *range = virXMLTextEditRange(edit, elem, error);
    gsize begin;
    gsize end;

    if (!range)
        return FALSE;
    begin = range->begin;
    end = range->end;
    virXMLTextWholeLines(edit, &begin, &end);
    virXMLTextEditAdd(edit, begin, end, g_strdup(""));
    g_hash_table_add(edit->removed, elem);
    return TRUE;
}

/* @fragment laid out at @indent: its first line as is, the others on new
 * lines at @indent plus one step per leading tab. */
static char *
virXMLTextLayout(const virXMLTextEdit *edit, const char *fragment, const char *indent)
{
    g_auto(GStrv) lines = g_strsplit(fragment, "\n", -1);
    GString *out = g_string_new(NULL);
    guint i;

    for (i = 0; lines[i]; i++) {
        const char *line = lines[i];

        if (i > 0) {
            g_string_append(out, edit->newline);
            g_string_append(out, indent);
        }
        for (; *line == '\t'; line++)
            g_string_append(out, edit->indent_step);
        g_string_append(out, line);
    }
    /* Fragments quote with '; follow the document where it uses ". */
    if (edit->quote == '"')
        g_strdelimit(out->str, "'", '"');
    return g_string_free(out, FALSE);
}

gboolean
virXMLTextEditReplaceElement(virXMLTextEdit *edit, xmlNodePtr elem, const char *fragment,
                             GError **error)
{
    const virXMLTextRange *range = virXMLTextEditRange(edit, elem, error);
    g_autofree char *indent = NULL;

    if (!range)
        return FALSE;
    indent = virXMLTextLineIndent(edit, range->begin);
    virXMLTextEditAdd(edit, range->begin, range->end,
                      virXMLTextLayout(edit, fragment, indent ? indent : ""));
    g_hash_table_add(edit->removed, elem);
    return TRUE;
}

static xmlNodePtr
virXMLTextLastKeptChild(const virXMLTextEdit *edit, xmlNodePtr parent)
{
    xmlNodePtr child;

    for (child = parent->last; child; child = child->prev) {
        if (child->type == XML_ELEMENT_NODE && !g_hash_table_contains(edit->removed, child))
            return child;
    }
    return NULL;
}

/* After the last kept child, on a new line at its indentation. */
static gboolean
virXMLTextAppendAfter(virXMLTextEdit *edit, xmlNodePtr sibling, const char *fragment,
                      GError **error)
{
    const virXMLTextRange *range = virXMLTextEditRange(edit, sibling, error);
    g_autofree char *indent = NULL;
    g_autofree char *body = NULL;

    if (!range)
        return FALSE;
    /* A sibling that shares its line with others: the new one joins it. */
    if (!(indent = virXMLTextLineIndent(edit, range->begin))) {
        virXMLTextEditAdd(edit, range->end, range->end, virXMLTextLayout(edit, fragment, ""));
        return TRUE;
    }
    body = virXMLTextLayout(edit, fragment, indent);
    virXMLTextEditAdd(edit, range->end, range->end,
                      g_strconcat(edit->newline, indent, body, NULL));
    return TRUE;
}

gboolean
virXMLTextEditAppendChild(virXMLTextEdit *edit, xmlNodePtr parent, const char *fragment,
                          GError **error)
{
    const virXMLTextRange *range = virXMLTextEditRange(edit, parent, error);
    g_autofree char *parent_indent = NULL;
    g_autofree char *indent = NULL;
    g_autofree char *body = NULL;
    g_autofree char *close = NULL;
    xmlNodePtr sibling;
    gsize end_tag;

    if (!range)
        return FALSE;
    parent_indent = virXMLTextLineIndent(edit, range->begin);
    if (!parent_indent)
        parent_indent = g_strdup("");
    if ((sibling = virXMLTextLastKeptChild(edit, parent)))
        return virXMLTextAppendAfter(edit, sibling, fragment, error);

    indent = g_strconcat(parent_indent, edit->indent_step, NULL);
    body = virXMLTextLayout(edit, fragment, indent);
    if (range->empty) {
        /* <parent .../> becomes <parent ...>, the child, </parent>. */
        gsize slash = range->tag_end - 2;

        while (slash > range->begin && virXMLTextIsSpace(edit->text[slash - 1]))
            slash--;
        close = g_strndup(edit->text + range->begin + 1, range->name_len);
        virXMLTextEditAdd(edit, slash, range->tag_end,
                          g_strdup_printf(">%s%s%s%s%s</%s>", edit->newline, indent, body,
                                          edit->newline, parent_indent, close));
        return TRUE;
    }
    end_tag = range->end - 1;
    while (edit->text[end_tag] != '<')
        end_tag--;
    {
        g_autofree char *end_indent = virXMLTextLineIndent(edit, end_tag);

        if (end_indent) {
            /* The end tag has its own line: the child goes on a line before it. */
            gsize line = end_tag - strlen(end_indent);

            virXMLTextEditAdd(edit, line, line,
                              g_strconcat(indent, body, edit->newline, NULL));
        } else {
            virXMLTextEditAdd(edit, end_tag, end_tag,
                              g_strconcat(edit->newline, indent, body, edit->newline,
                                          parent_indent, NULL));
        }
    }
    return TRUE;
}

gboolean
virXMLTextEditCollapse(virXMLTextEdit *edit, xmlNodePtr elem, GError **error)
{
    const virXMLTextRange *range = virXMLTextEditRange(edit, elem, error);
    xmlNodePtr child;

    if (!range)
        return FALSE;
    if (range->empty)
        return TRUE;
    virXMLTextEditAdd(edit, range->tag_end - 1, range->end, g_strdup("/>"));
    for (child = elem->children; child; child = child->next) {
        if (child->type == XML_ELEMENT_NODE)
            g_hash_table_add(edit->removed, child);
    }
    return TRUE;
}

static gint
virXMLTextChangeCompare(gconstpointer a, gconstpointer b)
{
    const virXMLTextChange *x = a;
    const virXMLTextChange *y = b;

    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    /* At the same place, insertions go before replacements. */
    if ((x->end == x->begin) != (y->end == y->begin))
        return x->end == x->begin ? -1 : 1;
    return x->seq < y->seq ? -1 : (x->seq > y->seq ? 1 : 0);
}

char *
virXMLTextEditApply(const virXMLTextEdit *edit, gsize *ret_len, GError **error)
{
    g_autoptr(GArray) sorted = g_array_sized_new(FALSE, FALSE, sizeof(virXMLTextChange),
                                                 edit->changes->len);
    g_autoptr(GString) out = g_string_sized_new(edit->len + 256);
    gsize cursor = 0;
    guint i;

    g_array_append_vals(sorted, edit->changes->data, edit->changes->len);
    g_array_sort(sorted, virXMLTextChangeCompare);
    for (i = 0; i < sorted->len; i++) {
        const virXMLTextChange *c = &g_array_index(sorted, virXMLTextChange, i);

        if (c->begin < cursor) {
            virXMLTextEditError(error, edit,
                                _("two changes overlap at byte %zu"), c->begin);
            return NULL;
        }
        g_string_append_len(out, edit->text + cursor, (gssize)(c->begin - cursor));
        g_string_append(out, c->text);
        cursor = c->end;
    }
    g_string_append_len(out, edit->text + cursor, (gssize)(edit->len - cursor));
    if (ret_len)
        *ret_len = out->len;
    return g_string_free(g_steal_pointer(&out), FALSE);
}
