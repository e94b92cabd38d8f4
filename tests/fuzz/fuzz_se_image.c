/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "util/virerror.h"
#include "util/virseimage.h"

/*
 * The Secure Execution header reader.  Real images are megabytes with the
 * header at a page boundary or behind the metadata block at 0xC000, so the
 * first two input bytes choose where the rest goes:
 *   byte 0 % 3 == 0: the rest is the whole file;
 *              == 1: the rest starts at page (byte 1 % 0x16), zeros before;
 *              == 2: the rest starts at 0xC000 (the metadata block).
 * The same image is read from memory and from a file (pread), and both
 * readers must agree.
 */

#define FUZZ_SE_PAGE 0x1000

static GByteArray *
fuzzSEImageBuild(const uint8_t *data, size_t size)
{
    GByteArray *img = g_byte_array_new();
    gsize at = 0;

    if (size < 2) {
        g_byte_array_append(img, data, (guint)size);
        return img;
    }
    switch (data[0] % 3) {
    case 1:
        at = (gsize)(data[1] % (VIR_SE_IMAGE_SCAN_PAGES + 1)) * FUZZ_SE_PAGE;
        break;
    case 2:
        at = VIR_SE_IMAGE_METADATA_OFFSET;
        break;
    default:
        g_byte_array_append(img, data, (guint)size);
        return img;
    }
    if (at > 0) {
        g_byte_array_set_size(img, (guint)at);
        memset(img->data, 0, at);
    }
    g_byte_array_append(img, data + 2, (guint)(size - 2));
    return img;
}

/* Read the image through a memfd, as a file on disk would be read. */
static gboolean
fuzzSEImageReadFile(const GByteArray *img, virSEImageHeader **ret_header, GError **error)
{
    int fd = memfd_create("fuzz-se-image", MFD_CLOEXEC);
    g_autofree char *path = NULL;
    gboolean ok;

    virFuzzAssert(fd >= 0);
    virFuzzAssert(write(fd, img->data, img->len) == (ssize_t)img->len);
    path = g_strdup_printf("/proc/self/fd/%d", fd);
    ok = virSEImageReadFile(path, ret_header, error);
    close(fd);
    return ok;
}

/* PCF: one name per set bit, in bit order. */
static void
fuzzSEImageCheckPCF(guint64 pcf)
{
    g_auto(GStrv) names = virSEImagePCFNames(pcf);
    guint bit;
    guint n = 0;

    for (bit = 0; bit < 64; bit++) {
        if (virSEImagePCFHas(pcf, bit))
            n++;
    }
    virFuzzAssert(n == (guint)__builtin_popcountll(pcf));
    virFuzzAssert(g_strv_length(names) == n);
}

/* Every key slot is the 80 bytes after the fixed part; its phkh finds
 * it (or an earlier slot with the same hash). */
static void
fuzzSEImageCheckSlots(const GByteArray *img, const virSEImageHeader *h)
{
    guint slot;

    virFuzzAssert(h->key_slots >= 1 && h->key_slots <= VIR_SE_IMAGE_MAX_KEY_SLOTS);
    for (slot = 0; slot < h->key_slots; slot++) {
        g_autofree char *phkh = virSEImageSlotPHKH(h, slot);
        g_autofree char *wrpk = virSEImageSlotWRPK(h, slot);
        g_autofree char *kst = virSEImageSlotKST(h, slot);
        int found = virSEImageFindSlot(h, phkh);

        virFuzzAssert(memcmp(h->slots[slot],
                             img->data + h->offset + VIR_SE_IMAGE_HEADER_HEAD_SIZE +
                                 slot * VIR_SE_IMAGE_KEY_SLOT_SIZE,
                             VIR_SE_IMAGE_KEY_SLOT_SIZE) == 0);
        virFuzzAssert(strlen(phkh) == 2 * VIR_SE_IMAGE_PHKH_SIZE);
        virFuzzAssert(strlen(wrpk) == 2 * VIR_SE_IMAGE_WRPK_SIZE);
        virFuzzAssert(strlen(kst) == 2 * VIR_SE_IMAGE_KST_SIZE);
        virFuzzAssert(found >= 0 && (guint)found <= slot);
    }
    fuzzSEImageCheckPCF(h->pcf);
}

static void
fuzzSEImageCheckHeader(const GByteArray *img, const virSEImageHeader *h)
{
    virFuzzAssert(h->version % VIR_SE_IMAGE_VERSION_1 == 0);
    virFuzzAssert(memcmp(img->data + h->offset, "IBMSecEx", 8) == 0);
    if (!h->layout_known) {
        /* A later version: nothing past the version is read. */
        virFuzzAssert(h->version > VIR_SE_IMAGE_VERSION_1 && h->size == 0 &&
                      h->key_slots == 0 && h->pcf == 0);
        return;
    }
    virFuzzAssert(h->version == VIR_SE_IMAGE_VERSION_1);
    virFuzzAssert(h->size >= VIR_SE_IMAGE_HEADER_HEAD_SIZE + VIR_SE_IMAGE_TAG_SIZE);
    virFuzzAssert(h->size <= VIR_SE_IMAGE_HEADER_MAX_SIZE);
    virFuzzAssert(h->offset <= img->len && h->size <= img->len - h->offset);
    virFuzzAssert(memcmp(img->data + h->offset, "IBMSecEx", 8) == 0);
    if (h->found_by == VIR_SE_IMAGE_FOUND_BY_SCAN)
        virFuzzAssert(h->offset % FUZZ_SE_PAGE == 0 &&
                      h->offset < VIR_SE_IMAGE_SCAN_PAGES * FUZZ_SE_PAGE);
    g_strfreev(virSEImagePCFNames(h->pcf));
    (void)virSEImageFoundByToString(h->found_by);
    fuzzSEImageCheckSlots(img, h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GByteArray) img = fuzzSEImageBuild(data, size);
    g_autoptr(virSEImageHeader) mem = NULL;
    g_autoptr(virSEImageHeader) file = NULL;
    g_autoptr(GError) mem_error = NULL;
    g_autoptr(GError) file_error = NULL;
    gboolean mem_ok = virSEImageReadData("fuzz", img->data, img->len, &mem, &mem_error);
    gboolean file_ok = fuzzSEImageReadFile(img, &file, &file_error);

    virFuzzAssert(mem_ok == file_ok);
    if (!mem_ok) {
        /* a damaged header is a parse error with a message, nothing else */
        virFuzzAssert(g_error_matches(mem_error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE));
        virFuzzAssert(g_error_matches(file_error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE));
        virFuzzAssert(mem_error->message && *mem_error->message);
        return 0;
    }
    virFuzzAssert((mem == NULL) == (file == NULL));
    if (!mem)
        return 0;
    fuzzSEImageCheckHeader(img, mem);
    virFuzzAssert(memcmp(mem, file, sizeof(*mem)) == 0);
    return 0;
}
