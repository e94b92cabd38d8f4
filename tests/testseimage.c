/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include "testseimage.h"
#include "testutils.h"

#define TEST_SE_PAGE 0x1000
/* Where genprotimg and pvimg put their parts. */
#define TEST_SE_LOADER_OFFSET 0x10000
#define TEST_SE_IPIB_OFFSET 0x13000
#define TEST_SE_REAL_HEADER_OFFSET 0x14000
/* Component pages written after the header: enough to look like an image,
 * however many pages the header claims. */
#define TEST_SE_MAX_COMPONENT_PAGES 8

static void
testPutBE(GByteArray *img, gsize at, guint64 value, guint width)
{
    guint i;

    for (i = 0; i < width; i++)
        img->data[at + i] = (guint8)(value >> (8 * (width - 1 - i)));
}

static void
testFill(GByteArray *img, gsize at, gsize len, guint8 byte)
{
    memset(img->data + at, byte, len);
}

static gboolean
testImageIsReal(const testImageSpec *s)
{
    return s->layout == TEST_LAYOUT_GENPROTIMG || s->layout == TEST_LAYOUT_PVIMG;
}

static gboolean
testImageHasMetadata(const testImageSpec *s)
{
    return s->layout == TEST_LAYOUT_METADATA || s->layout == TEST_LAYOUT_PVIMG;
}

static guint64
testImageOffset(const testImageSpec *s)
{
    return testImageIsReal(s) ? TEST_SE_REAL_HEADER_OFFSET : s->offset;
}

guint64
testImageHeaderSize(const testImageSpec *s)
{
    return VIR_SE_IMAGE_HEADER_HEAD_SIZE + s->key_slots * VIR_SE_IMAGE_KEY_SLOT_SIZE +
           s->encrypted_size + VIR_SE_IMAGE_TAG_SIZE;
}

/* Hostile specs claim sizes no test could allocate: for those only the
 * fixed part is written. */
static gboolean
testHeaderIsSane(const testImageSpec *s)
{
    return s->key_slots <= 1000 && s->encrypted_size <= 0x100000;
}

static gsize
testHeaderBytes(const testImageSpec *s)
{
    return testHeaderIsSane(s) ? (gsize)testImageHeaderSize(s) : VIR_SE_IMAGE_HEADER_HEAD_SIZE;
}

/* Something that looks like kernel text and never holds a magic. */
static void
testFillPayload(GByteArray *img)
{
    gsize i;

    for (i = 0; i < img->len; i++)
        img->data[i] = (guint8)((i * 131 + 7) % 251);
}

static void
testPutSlots(GByteArray *img, gsize at, const testImageSpec *s)
{
    guint slot;

    testFill(img, at, (gsize)s->key_slots * VIR_SE_IMAGE_KEY_SLOT_SIZE, 0x5A);
    for (slot = 0; slot < s->key_slots && slot < TEST_SE_MAX_HASHES; slot++) {
        const char *hex = s->slot_hashes[slot];
        guint i;

        for (i = 0; hex && i < VIR_SE_IMAGE_PHKH_SIZE; i++) {
            char byte[3] = { hex[2 * i], hex[2 * i + 1], '\0' };

            img->data[at + slot * VIR_SE_IMAGE_KEY_SLOT_SIZE + i] =
                (guint8)g_ascii_strtoull(byte, NULL, 16);
        }
    }
}

static void
testPutHeader(GByteArray *img, const testImageSpec *s)
{
    gsize h = (gsize)testImageOffset(s);
    gsize slots = VIR_SE_IMAGE_HEADER_HEAD_SIZE;
    gsize area = slots + (gsize)(s->key_slots * VIR_SE_IMAGE_KEY_SLOT_SIZE);
    gsize tag = area + (gsize)s->encrypted_size;

    memcpy(img->data + h, "IBMSecEx", 8);
    testPutBE(img, h + 8, s->version ? s->version : VIR_SE_IMAGE_VERSION_1, 4);
    testPutBE(img, h + 12, testImageHeaderSize(s), 4);
    testFill(img, h + 16, 12, 0x11);                 /* IV */
    testFill(img, h + 28, 4, 0);                     /* reserved */
    testPutBE(img, h + 32, s->key_slots, 8);
    testPutBE(img, h + 40, s->encrypted_size, 8);
    testPutBE(img, h + 48, s->encrypted_pages, 8);
    testPutBE(img, h + 56, s->pcf, 8);
    testFill(img, h + 64, 160, 0xC5);                /* customer public key */
    testFill(img, h + 224, 3 * 64, 0xD1);            /* pld, ald, tld */
    if (!testHeaderIsSane(s))
        return;
    testPutSlots(img, h + slots, s);
    testFill(img, h + area, tag - area, 0xE7);       /* encrypted area */
    testFill(img, h + tag, VIR_SE_IMAGE_TAG_SIZE, 0x7A);
}

/* The length of the image before damage: header (and for the real
 * layouts the component pages and, for pvimg, the IPIB page behind). */
static gsize
testImageLength(const testImageSpec *s)
{
    gsize len = s->layout == TEST_LAYOUT_NONE ? 0
                                              : (gsize)testImageOffset(s) + testHeaderBytes(s);

    if (testImageIsReal(s)) {
        guint64 pages = s->encrypted_pages > 2 ? s->encrypted_pages - 2 : 0;

        len = TEST_SE_REAL_HEADER_OFFSET + TEST_SE_PAGE +
              (gsize)MIN(pages, TEST_SE_MAX_COMPONENT_PAGES) * TEST_SE_PAGE;
        if (s->layout == TEST_LAYOUT_PVIMG)
            len += TEST_SE_PAGE;
    }
    if (testImageHasMetadata(s))
        len = MAX(len, VIR_SE_IMAGE_METADATA_OFFSET + VIR_SE_IMAGE_METADATA_SIZE);
    return MAX(len, s->image_size);
}

/* Short PSW at 0 (64-bit addressing, pointing to the loader), loader and
 * IPIB as fill patterns. */
static void
testPutBootParts(GByteArray *img, const testImageSpec *s)
{
    testPutBE(img, 0, 0x0008000080000000 | TEST_SE_LOADER_OFFSET, 8);
    testFill(img, TEST_SE_LOADER_OFFSET, TEST_SE_IPIB_OFFSET - TEST_SE_LOADER_OFFSET, 0x07);
    if (s->layout == TEST_LAYOUT_GENPROTIMG)
        testFill(img, TEST_SE_IPIB_OFFSET, TEST_SE_PAGE, 0x1B);
    else
        testFill(img, img->len - TEST_SE_PAGE, TEST_SE_PAGE, 0x1B);
}

static void
testPutMetadata(GByteArray *img, const testImageSpec *s)
{
    gsize m = VIR_SE_IMAGE_METADATA_OFFSET;
    guint64 ipib = s->layout == TEST_LAYOUT_PVIMG ? img->len - TEST_SE_PAGE
                                                  : testImageOffset(s) + 0x2000;

    memcpy(img->data + m, "SeImgLnx", 8);
    testPutBE(img, m + 8, s->metadata_target ? s->metadata_target : testImageOffset(s), 8);
    testPutBE(img, m + 16, 1, 4);
    testPutBE(img, m + 20, ipib, 8);
}

GByteArray *
testImageBuild(const testImageSpec *s)
{
    GByteArray *img = g_byte_array_new();

    g_byte_array_set_size(img, (guint)testImageLength(s));
    testFillPayload(img);

    if (testImageIsReal(s))
        testPutBootParts(img, s);
    if (s->layout != TEST_LAYOUT_NONE && !s->no_magic)
        testPutHeader(img, s);
    if (testImageHasMetadata(s))
        testPutMetadata(img, s);
    if (s->size_field)
        testPutBE(img, (gsize)testImageOffset(s) + 12, s->size_field, 4);
    if (s->truncate && s->truncate < img->len)
        g_byte_array_set_size(img, (guint)s->truncate);
    return img;
}

gboolean
testImageWrite(const char *path, const testImageSpec *s)
{
    g_autoptr(GByteArray) img = testImageBuild(s);
    g_autoptr(GError) error = NULL;

    if (!g_file_set_contents(path, (const char *)img->data, img->len, &error)) {
        virTestDiag("cannot write '%s': %s", path, error->message);
        return FALSE;
    }
    return TRUE;
}
