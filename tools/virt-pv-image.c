/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "util/virerror.h"
#include "util/virseimage.h"
#include "util/virstring.h"
#include "virt-pv.h"

/* virt-pv image-info: is FILE a Secure Execution boot image? */

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
virtPVImagePrintText(const char *path, const virSEImageHeader *h)
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
    printf(_("  header size:              %u bytes\n"), h->size);
    printf(_("  key slots:                %" PRIu64 "\n"), h->key_slots);
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

static void
virtPVImagePrintJSON(const char *path, const virSEImageHeader *h, const char *reason)
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
    json_builder_end_object(b);
    virtPVPrintJSON(b);
}

static int
virtPVImageInfo(virtPVGlobalOptions *opts, int argc, char **argv)
{
    g_autoptr(virSEImageHeader) header = NULL;
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
    if (!virSEImageReadFile(path, &header, &error)) {
        if (!g_error_matches(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE))
            return virtPVReportError(error);
        reason = g_strdup(error->message);
    } else if (!header) {
        reason = g_strdup_printf(_("'%s' is not a Secure Execution image: no header found"), path);
    }

    if (opts->json)
        virtPVImagePrintJSON(path, header, reason);
    else if (header)
        virtPVImagePrintText(path, header);
    else
        printf("%s\n", (shown_reason = virStringEscapeControl(reason)));
    return header ? VIRT_PV_EXIT_OK : VIRT_PV_EXIT_FINDINGS;
}

const virtPVCommand virtPVCommandImageInfo = {
    .name = "image-info",
    .params = N_("FILE"),
    .summary = N_("Tell whether FILE is a Secure Execution boot image and print its header"),
    .options = NULL,
    .run = virtPVImageInfo,
};
