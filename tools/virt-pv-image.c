/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "util/virerror.h"
#include "util/virhostkey.h"
#include "util/virseimage.h"
#include "util/virstring.h"
#include "virt-pv.h"

/* virt-pv image-info: is FILE a Secure Execution boot image? */

typedef struct {
    char **host_key_docs;
} virtPVImageOptions;

static const GOptionEntry virtPVImageEntries[] = {
    { "host-key-document", 0, 0, G_OPTION_ARG_FILENAME_ARRAY,
      VIRT_PV_OPTION_FIELD(virtPVImageOptions, host_key_docs),
      N_("Tell which key slot the host-key document FILE opens (repeatable; the certificate "
         "is not verified)"),
      N_("FILE") },
    { NULL }
};

/* The documents (of virHostKeyDocument) whose key opens @slot, as a
 * ", "-separated list of their names, or NULL. */
static char *
virtPVImageSlotDocs(const virSEImageHeader *h, guint slot, const GPtrArray *docs)
{
    g_autoptr(GString) names = g_string_new(NULL);
    guint i;

    for (i = 0; i < docs->len; i++) {
        const virHostKeyDocument *doc = g_ptr_array_index(docs, i);

        if (virSEImageFindSlot(h, doc->hash) != (int)slot)
            continue;
        if (names->len)
            g_string_append(names, ", ");
        g_string_append_printf(names, "'%s'", doc->path);
    }
    if (!names->len)
        return NULL;
    return g_string_free(g_steal_pointer(&names), FALSE);
}

static void
virtPVImagePrintSlots(const virSEImageHeader *h, const GPtrArray *docs)
{
    guint slot;
    guint i;

    for (slot = 0; slot < h->key_slots; slot++) {
        g_autofree char *phkh = virSEImageSlotPHKH(h, slot);
        g_autofree char *opened = virtPVImageSlotDocs(h, slot, docs);

        if (opened)
            printf(_("    slot %u: %s  (host-key document %s)\n"), slot, phkh, opened);
        else
            printf(_("    slot %u: %s\n"), slot, phkh);
    }
    for (i = 0; i < docs->len; i++) {
        const virHostKeyDocument *doc = g_ptr_array_index(docs, i);

        if (virSEImageFindSlot(h, doc->hash) < 0)
            printf(_("  host-key document '%s' (key hash %s) opens no key slot\n"), doc->path,
                   doc->hash);
    }
    if (docs->len)
        printf(_("  (host-key documents were not verified: no certificate chain, no "
                 "revocation list, nothing fetched)\n"));
}

static char *
virtPVImageFlagsText(guint64 pcf)
{
    g_auto(GStrv) names = virSEImagePCFNames(pcf);
    g_autofree char *joined = g_strjoinv(", ", names);

    if (!names[0])
        return g_strdup_printf("0x%016" G_GINT64_MODIFIER "x", pcf);
    return g_strdup_printf("0x%016" G_GINT64_MODIFIER "x (%s)", pcf, joined);
}

static void
virtPVImagePrintText(const char *path, const virSEImageHeader *h, const GPtrArray *docs)
{
    g_autofree char *flags = virtPVImageFlagsText(h->pcf);
    g_autofree char *shown = virStringEscapeControl(path);

    printf(_("%s: Secure Execution image\n"), shown);
    if (h->found_by == VIR_SE_IMAGE_FOUND_BY_METADATA)
        printf(_("  header offset:            0x%" PRIx64
                 " (from the image metadata, version %u)\n"),
               h->offset, h->metadata_version);
    else
        printf(_("  header offset:            0x%" PRIx64 " (found by scanning)\n"),
               h->offset);
    printf(_("  header version:           0x%x\n"), h->version);
    if (!h->layout_known) {
        printf(_("  (virt-pv does not read the layout of this header version; "
                 "'pvimg info' does)\n"));
        return;
    }
    printf(_("  header size:              %u bytes\n"), h->size);
    printf(_("  key slots:                %" PRIu64 "\n"), h->key_slots);
    virtPVImagePrintSlots(h, docs);
    printf(_("  encrypted-area size:      %" PRIu64 " bytes\n"), h->encrypted_size);
    printf(_("  encrypted pages:          %" PRIu64 "\n"), h->encrypted_pages);
    printf(_("  plaintext control flags:  %s\n"), flags);
}

static void
virtPVImageAddUInt(JsonBuilder *b, const char *name, guint64 value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, (gint64)value);
}

/* keyslots[] with pvimg info's field names, plus the documents that
 * open each slot. */
static void
virtPVImageJSONSlots(JsonBuilder *b, const virSEImageHeader *h, const GPtrArray *docs)
{
    guint slot;
    guint i;

    json_builder_set_member_name(b, "keyslots");
    json_builder_begin_array(b);
    for (slot = 0; slot < h->key_slots; slot++) {
        g_autofree char *phkh = virSEImageSlotPHKH(h, slot);
        g_autofree char *wrpk = virSEImageSlotWRPK(h, slot);
        g_autofree char *kst = virSEImageSlotKST(h, slot);

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "phkh_hex");
        json_builder_add_string_value(b, phkh);
        json_builder_set_member_name(b, "wrpk_hex");
        json_builder_add_string_value(b, wrpk);
        json_builder_set_member_name(b, "kst_hex");
        json_builder_add_string_value(b, kst);
        json_builder_set_member_name(b, "host_key_documents");
        json_builder_begin_array(b);
        for (i = 0; i < docs->len; i++) {
            const virHostKeyDocument *doc = g_ptr_array_index(docs, i);

            if (virSEImageFindSlot(h, doc->hash) == (int)slot)
                json_builder_add_string_value(b, doc->path);
        }
        json_builder_end_array(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

static void
virtPVImageJSONDocs(JsonBuilder *b, const virSEImageHeader *h, const GPtrArray *docs)
{
    guint i;

    json_builder_set_member_name(b, "host_key_documents");
    json_builder_begin_array(b);
    for (i = 0; i < docs->len; i++) {
        const virHostKeyDocument *doc = g_ptr_array_index(docs, i);
        int slot = virSEImageFindSlot(h, doc->hash);

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "file");
        json_builder_add_string_value(b, doc->path);
        json_builder_set_member_name(b, "key_hash_hex");
        json_builder_add_string_value(b, doc->hash);
        json_builder_set_member_name(b, "slot");
        if (slot >= 0)
            json_builder_add_int_value(b, slot);
        else
            json_builder_add_null_value(b);
        json_builder_set_member_name(b, "verified");
        json_builder_add_boolean_value(b, FALSE);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

static void
virtPVImagePrintJSON(const char *path, const virSEImageHeader *h, const char *reason,
                     const GPtrArray *docs)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_auto(GStrv) names = NULL;
    g_autofree char *pcf = NULL;
    guint i;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "file");
    json_builder_add_string_value(b, path);
    json_builder_set_member_name(b, "se_image");
    json_builder_add_boolean_value(b, h != NULL);
    if (!h) {
        json_builder_set_member_name(b, "reason");
        json_builder_add_string_value(b, reason);
        json_builder_end_object(b);
        virtPVPrintJSON(b);
        return;
    }
    virtPVImageAddUInt(b, "header_offset", h->offset);
    json_builder_set_member_name(b, "found_by");
    json_builder_add_string_value(b, virSEImageFoundByToString(h->found_by));
    if (h->found_by == VIR_SE_IMAGE_FOUND_BY_METADATA)
        virtPVImageAddUInt(b, "metadata_version", h->metadata_version);
    virtPVImageAddUInt(b, "version", h->version);
    json_builder_set_member_name(b, "layout_known");
    json_builder_add_boolean_value(b, h->layout_known);
    if (!h->layout_known) {
        json_builder_end_object(b);
        virtPVPrintJSON(b);
        return;
    }
    virtPVImageAddUInt(b, "header_size", h->size);
    virtPVImageAddUInt(b, "key_slots", h->key_slots);
    virtPVImageAddUInt(b, "encrypted_area_size", h->encrypted_size);
    virtPVImageAddUInt(b, "encrypted_pages", h->encrypted_pages);
    /* A u64 does not fit a JSON number everywhere: give it as hex text. */
    pcf = g_strdup_printf("0x%016" G_GINT64_MODIFIER "x", h->pcf);
    json_builder_set_member_name(b, "plaintext_control_flags");
    json_builder_add_string_value(b, pcf);
    json_builder_set_member_name(b, "plaintext_control_flag_names");
    json_builder_begin_array(b);
    names = virSEImagePCFNames(h->pcf);
    for (i = 0; names[i]; i++)
        json_builder_add_string_value(b, names[i]);
    json_builder_end_array(b);
    g_free(pcf);
    pcf = g_strdup_printf("%016" G_GINT64_MODIFIER "x", h->pcf);
    json_builder_set_member_name(b, "pcf_hex");
    json_builder_add_string_value(b, pcf);
    virtPVImageJSONSlots(b, h, docs);
    virtPVImageJSONDocs(b, h, docs);
    json_builder_end_object(b);
    virtPVPrintJSON(b);
}

static int
virtPVImageInfo(const virtPVGlobalOptions *opts, gpointer cmd_opts, int argc, char **argv)
{
    const virtPVImageOptions *iopts = cmd_opts;
    g_autoptr(virSEImageHeader) header = NULL;
    g_autoptr(GPtrArray) docs = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *reason = NULL;
    g_autofree char *shown_reason = NULL;
    const char *path;

    if (argc != 2) {
        fprintf(stderr, argc < 2 ? _("error: no image file given\n")
                                 : _("error: image-info takes exactly one file\n"));
        return VIRT_PV_EXIT_ERROR;
    }
    path = argv[1];
    if (!virHostKeyDocumentLoadAll(iopts->host_key_docs, &docs, &error))
        return virtPVReportError(error);
    if (!virSEImageReadFile(path, &header, &error)) {
        if (!g_error_matches(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE))
            return virtPVReportError(error);
        reason = g_strdup(error->message);
    } else if (!header) {
        reason = g_strdup_printf(_("'%s' is not a Secure Execution image: no header found"), path);
    }

    if (opts->json)
        virtPVImagePrintJSON(path, header, reason, docs);
    else if (header)
        virtPVImagePrintText(path, header, docs);
    else
        printf("%s\n", (shown_reason = virStringEscapeControl(reason)));
    return header ? VIRT_PV_EXIT_OK : VIRT_PV_EXIT_FINDINGS;
}

const virtPVCommand virtPVCommandImageInfo = {
    .name = "image-info",
    .params = N_("FILE"),
    .summary = N_("Tell whether FILE is a Secure Execution boot image and print its header"),
    .options = virtPVImageEntries,
    .options_size = sizeof(virtPVImageOptions),
    .run = virtPVImageInfo,
};
