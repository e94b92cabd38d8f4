/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "testseimage.h"
#include "testutils.h"
#include "util/virerror.h"
#include "util/virseimage.h"

/*
 * Secure Execution images are built byte by byte (tests/testseimage.c):
 * no binary image is checked in.  The reader is tested through
 * its API (values, every truncation, hostile sizes) and through
 * `virt-pv image-info` against golden files in tests/virseimagedata/.
 */

/* ---- The API: parsed values ------------------------------------------ */

static int
testHeaderValues(const void *data)
{
    const testImageSpec *s = data;
    g_autoptr(GByteArray) img = testImageBuild(s);
    g_autoptr(virSEImageHeader) h = NULL;
    g_autoptr(GError) error = NULL;
    virSEImageFoundBy found_by = s->layout == TEST_LAYOUT_METADATA ||
                                         s->layout == TEST_LAYOUT_PVIMG
                                     ? VIR_SE_IMAGE_FOUND_BY_METADATA
                                     : VIR_SE_IMAGE_FOUND_BY_SCAN;

    if (!virSEImageReadData("image", img->data, img->len, &h, &error)) {
        virTestDiag("%s", error->message);
        return -1;
    }
    if (!h) {
        virTestDiag("no header found");
        return -1;
    }
    if (s->slot_hashes[0] && virSEImageFindSlot(h, s->slot_hashes[0]) != 0) {
        virTestDiag("slot 0 does not hold %s", s->slot_hashes[0]);
        return -1;
    }
    if (h->offset != s->offset || h->found_by != found_by || !h->layout_known ||
        h->version != VIR_SE_IMAGE_VERSION_1 || h->size != testImageHeaderSize(s) ||
        h->key_slots != s->key_slots || h->encrypted_size != s->encrypted_size ||
        h->encrypted_pages != s->encrypted_pages || h->pcf != s->pcf) {
        virTestDiag("got offset 0x%" G_GINT64_MODIFIER "x by %s, version 0x%x, size %u, "
                    "slots %" G_GUINT64_FORMAT ", sea %" G_GUINT64_FORMAT
                    ", nep %" G_GUINT64_FORMAT ", pcf 0x%" G_GINT64_MODIFIER "x",
                    h->offset, virSEImageFoundByToString(h->found_by), h->version, h->size,
                    h->key_slots, h->encrypted_size, h->encrypted_pages, h->pcf);
        return -1;
    }
    return 0;
}

/* ---- The API: a header cut short anywhere ----------------------------- */

/* Cut the image at every byte of the header: below the magic there is no
 * header; from there on the header is damaged, and at each field boundary
 * the message names the field the file ends in. */
static const struct {
    gsize cut;
    const char *part;
} testFieldBoundaries[] = {
    { 8, "'version'" },
    { 12, "'header size'" },
    { 16, "'IV'" },
    { 28, "'reserved'" },
    { 32, "'number of key slots'" },
    { 40, "'encrypted-area size'" },
    { 48, "'number of encrypted pages'" },
    { 56, "'plaintext control flags'" },
    { 64, "'customer public key'" },
    { 224, "'page list digest'" },
    { 288, "'address list digest'" },
    { 352, "'tweak list digest'" },
    { 416, "the key slots" },
    { 416 + 2 * 80, "the encrypted area" },
    { 416 + 2 * 80 + 128, "the tag" },
};

static const char *
testExpectedPart(gsize cut)
{
    const char *part = NULL;
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(testFieldBoundaries); i++) {
        if (testFieldBoundaries[i].cut <= cut)
            part = testFieldBoundaries[i].part;
    }
    return part;
}

static int
testTruncatedEverywhere(const void *data)
{
    const testImageSpec *base = data;
    g_autoptr(GByteArray) full = testImageBuild(base);
    gsize end = (gsize)(base->offset + testImageHeaderSize(base));
    gsize cut;

    for (cut = 0; cut < end; cut++) {
        g_autoptr(virSEImageHeader) h = NULL;
        g_autoptr(GError) error = NULL;
        gboolean ok = virSEImageReadData("image", full->data, cut, &h, &error);
        const char *part = cut >= base->offset + 8 ? testExpectedPart(cut - base->offset) : NULL;

        /* With metadata, a file that ends before the header it points to
         * has a damaged header too. */
        if (!part && base->layout == TEST_LAYOUT_METADATA &&
            cut >= VIR_SE_IMAGE_METADATA_OFFSET + 8)
            part = "";
        if (!part) {
            if (!ok || h) {
                virTestDiag("cut at %" G_GSIZE_FORMAT ": expected no header", cut);
                return -1;
            }
            continue;
        }
        if (ok || !g_error_matches(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE) ||
            !strstr(error->message, part)) {
            virTestDiag("cut at %" G_GSIZE_FORMAT ": expected a damaged header ending in %s, "
                        "got %s", cut, part, error ? error->message : "a header");
            return -1;
        }
    }
    return 0;
}

/* The same through the file reader, at each field boundary. */
static int
testTruncatedFiles(const void *data)
{
    const testImageSpec *base = data;
    g_autofree char *dir = g_dir_make_tmp("virt-pv-seimage-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "cut.img", NULL);
    int ret = 0;
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(testFieldBoundaries) && ret == 0; i++) {
        testImageSpec s = *base;
        g_autoptr(virSEImageHeader) h = NULL;
        g_autoptr(GError) error = NULL;

        s.truncate = (gsize)s.offset + testFieldBoundaries[i].cut;
        if (!testImageWrite(path, &s))
            ret = -1;
        else if (virSEImageReadFile(path, &h, &error) ||
                 !g_error_matches(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE) ||
                 !strstr(error->message, testFieldBoundaries[i].part)) {
            virTestDiag("cut at %" G_GSIZE_FORMAT ": %s", s.truncate,
                        error ? error->message : "header accepted");
            ret = -1;
        }
    }
    g_unlink(path);
    g_rmdir(dir);
    return ret;
}

/* ---- The API: files that are not there or not files -------------------- */

static int
testUnreadable(const void *data)
{
    const char *path = data;
    g_autoptr(virSEImageHeader) h = NULL;
    g_autoptr(GError) error = NULL;
    virSEImageHeader sentinel = { 0 };
    virSEImageHeader *other = &sentinel;

    if (virSEImageReadFile(path, &h, &error) ||
        !g_error_matches(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_IO)) {
        virTestDiag("'%s': expected an I/O error", path);
        return -1;
    }
    g_clear_error(&error);
    if (virSEImageReadFileValid(path, &other, &error) || other != &sentinel) {
        virTestDiag("'%s': virSEImageReadFileValid should fail and leave its result alone",
                    path);
        return -1;
    }
    return 0;
}

/* A kernel path in a domain definition can name a FIFO: opening it for
 * reading would wait for a writer forever (and hang the libvirt hook). */
static int
testUnreadableFifo(const void *data)
{
    g_autofree char *dir = g_dir_make_tmp("virt-pv-se-fifo-XXXXXX", NULL);
    g_autofree char *fifo = NULL;
    int ret;

    if (!dir) {
        virTestDiag("cannot make a scratch directory");
        return -1;
    }
    fifo = g_build_filename(dir, "kernel.img", NULL);
    if (mkfifo(fifo, 0600) < 0) {
        virTestDiag("cannot make a FIFO: %s", g_strerror(errno));
        g_rmdir(dir);
        return -1;
    }
    ret = testUnreadable(fifo);
    g_unlink(fifo);
    g_rmdir(dir);
    return ret;
}

static int
testPCFNames(const void *data)
{
    g_auto(GStrv) names =
        virSEImagePCFNames(G_GUINT64_CONSTANT(0x20000000) | G_GUINT64_CONSTANT(0xe0) |
                           G_GUINT64_CONSTANT(1) << 63 | 1);
    g_autofree char *joined = g_strjoinv(",", names);
    const char *expect = "bit 0,allow-dumping,pckmo-dea-tdea,pckmo-aes,pckmo-ecc,bit 63";

    if (!g_str_equal(joined, expect)) {
        virTestDiag("expected '%s', got '%s'", expect, joined);
        return -1;
    }
    return 0;
}

/* ---- The command: golden output ---------------------------------------- */

typedef struct {
    const char *name;
    testImageSpec spec;
} testImageCase;

static char *testDir;

static int
testImageInfo(const void *data)
{
    const testImageCase *c = data;
    g_autofree char *file = g_strdup_printf("%s.img", c->name);
    g_autofree char *golden = virTestDataPath("virseimagedata/%s.out", c->name);
    g_autofree char *golden_json = virTestDataPath("virseimagedata/%s.json", c->name);
    const char *argv[] = { virTestProgram(), "image-info", file, NULL };
    const char *argv_json[] = { virTestProgram(), "--json", "image-info", file, NULL };
    int ret = 0;

    /* Run in the scratch directory so that the output names the file the
     * same way on every machine. */
    if (!testImageWrite(file, &c->spec))
        return -1;
    if (virTestCompareCommand(argv, NULL, golden) < 0)
        ret = -1;
    if (virTestCompareCommand(argv_json, NULL, golden_json) < 0)
        ret = -1;
    g_unlink(file);
    return ret;
}

typedef struct {
    const char *name;
    const char *file;
} testUnreadableCase;

static int
testImageInfoUnreadable(const void *data)
{
    const testUnreadableCase *c = data;
    g_autofree char *golden = virTestDataPath("virseimagedata/%s.out", c->name);
    const char *argv[] = { virTestProgram(), "image-info", c->file, NULL };

    return virTestCompareCommand(argv, NULL, golden);
}

/* ---- validate: <os><kernel> read through the same reader --------------- */

typedef struct {
    const char *name;
    testImageSpec spec;     /* written as the kernel; layout NONE + directory: a directory */
    gboolean directory;
    const char *expect;     /* the kernel finding validate reports, or "" */
} testKernelCase;

static char *
testKernelCodes(const char *out)
{
    g_autoptr(GString) codes = g_string_new(NULL);
    const char *const kernel_codes[] = { "kernel-not-se-image", "kernel-unchecked" };
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(kernel_codes); i++) {
        g_autofree char *quoted = g_strdup_printf("\"code\":\"%s\"", kernel_codes[i]);

        if (strstr(out, quoted))
            g_string_append(codes, kernel_codes[i]);
    }
    return g_string_free(g_steal_pointer(&codes), FALSE);
}

static int
testValidateKernel(const void *data)
{
    const testKernelCase *c = data;
    g_autofree char *kernel = g_build_filename(testDir, c->name, NULL);
    g_autofree char *xml_path = g_strdup_printf("%s.xml", kernel);
    g_autofree char *xml = g_strdup_printf(
        "<domain type='kvm'>\n  <name>%s</name>\n  <memory unit='GiB'>1</memory>\n"
        "  <os>\n    <type arch='s390x' machine='s390-ccw-virtio'>hvm</type>\n"
        "    <kernel>%s</kernel>\n  </os>\n  <launchSecurity type='s390-pv'/>\n"
        "  <devices>\n    <memballoon model='none'/>\n  </devices>\n</domain>\n",
        c->name, kernel);
    const char *argv[] = { virTestProgram(), "--json", "validate", xml_path, NULL };
    g_autofree char *out = NULL;
    g_autofree char *codes = NULL;
    int ret = 0;

    if (c->directory ? g_mkdir(kernel, 0700) < 0 : !testImageWrite(kernel, &c->spec))
        return -1;
    if (!g_file_set_contents(xml_path, xml, -1, NULL) ||
        virTestRunCommand(argv, NULL, &out, NULL) < 0) {
        ret = -1;
    } else if (!g_str_equal((codes = testKernelCodes(out)), c->expect)) {
        virTestDiag("expected '%s', got '%s':\n%s", c->expect, codes, out);
        ret = -1;
    }
    g_unlink(xml_path);
    if (c->directory)
        g_rmdir(kernel);
    else
        g_unlink(kernel);
    return ret;
}

#define PCF_PCKMO G_GUINT64_CONSTANT(0xe0)
#define PCF_DUMP G_GUINT64_CONSTANT(0x20000000)
#define PCF_BACKUP G_GUINT64_CONSTANT(0x2)
#define TEST_HASH_A "0b729fd62241b339840d61b964a06bb6a1fd4976d9ebea2b4fb48d44de3a2461"
#define TEST_HASH_B "8ec6bc2f77d5d6474b1417cf0a8c914f576245a5b9bb0eefacc7b821483ece7d"

static int
testGolden(void)
{
    int ret = 0;

#define DO_TEST_IMAGE(name, ...) \
    do { \
        static const testImageCase c = { name, { __VA_ARGS__ } }; \
        if (virTestRun("image-info " name, testImageInfo, &c) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST_IMAGE("header-at-0", .layout = TEST_LAYOUT_SCAN, .key_slots = 1,
                  .encrypted_size = 128, .encrypted_pages = 42, .pcf = PCF_PCKMO,
                  .image_size = 0x3000);
    DO_TEST_IMAGE("header-at-page", .layout = TEST_LAYOUT_SCAN, .offset = 0x12000,
                  .key_slots = 3, .encrypted_size = 160, .encrypted_pages = 1234,
                  .pcf = PCF_PCKMO | PCF_DUMP);
    DO_TEST_IMAGE("header-last-page", .layout = TEST_LAYOUT_SCAN, .offset = 0x14000,
                  .key_slots = 2, .encrypted_size = 128, .encrypted_pages = 9);
    DO_TEST_IMAGE("metadata", .layout = TEST_LAYOUT_METADATA, .offset = 0x14000,
                  .key_slots = 1, .encrypted_size = 128, .encrypted_pages = 5000,
                  .pcf = PCF_PCKMO, .image_size = 0x18000);
    DO_TEST_IMAGE("metadata-beyond-scan", .layout = TEST_LAYOUT_METADATA, .offset = 0x20000,
                  .key_slots = 5, .encrypted_size = 128, .encrypted_pages = 77,
                  .pcf = PCF_PCKMO);
    DO_TEST_IMAGE("unknown-flags", .layout = TEST_LAYOUT_SCAN, .key_slots = 1,
                  .encrypted_size = 128, .pcf = G_GUINT64_CONSTANT(0x8000000000000001));
    /* The layouts of genprotimg 2.35 and pvimg 2.40, with the slot hashes
     * of s390-tools' keys-file test as phkh. */
    DO_TEST_IMAGE("genprotimg", .layout = TEST_LAYOUT_GENPROTIMG, .key_slots = 2,
                  .encrypted_size = 128, .encrypted_pages = 7, .pcf = PCF_PCKMO,
                  .slot_hashes = { TEST_HASH_A, TEST_HASH_B });
    DO_TEST_IMAGE("pvimg", .layout = TEST_LAYOUT_PVIMG, .key_slots = 3, .encrypted_size = 128,
                  .encrypted_pages = 9, .pcf = PCF_PCKMO | PCF_DUMP | PCF_BACKUP,
                  .slot_hashes = { TEST_HASH_B, TEST_HASH_A });
    DO_TEST_IMAGE("plain-kernel", .layout = TEST_LAYOUT_NONE, .image_size = 0x30000);
    DO_TEST_IMAGE("empty", .layout = TEST_LAYOUT_NONE);
    DO_TEST_IMAGE("beyond-scan-no-metadata", .layout = TEST_LAYOUT_SCAN, .offset = 0x15000,
                  .key_slots = 1, .encrypted_size = 128);
    DO_TEST_IMAGE("shorter-than-header", .layout = TEST_LAYOUT_SCAN, .key_slots = 1,
                  .encrypted_size = 128, .truncate = 100);
    DO_TEST_IMAGE("truncated-in-key-slots", .layout = TEST_LAYOUT_SCAN, .offset = 0x1000,
                  .key_slots = 4, .encrypted_size = 128, .truncate = 0x1000 + 500);
    /* pvimg --hdr-version 2: an SE header whose layout is not read. */
    DO_TEST_IMAGE("version-2", .layout = TEST_LAYOUT_PVIMG, .key_slots = 1,
                  .encrypted_size = 128, .version = 0x200);
    DO_TEST_IMAGE("bad-version", .layout = TEST_LAYOUT_SCAN, .key_slots = 1,
                  .encrypted_size = 128, .version = 0x180);
    DO_TEST_IMAGE("size-huge", .layout = TEST_LAYOUT_SCAN, .key_slots = 1,
                  .encrypted_size = 128, .size_field = 0xffffffff, .image_size = 0x3000);
    DO_TEST_IMAGE("size-tiny", .layout = TEST_LAYOUT_SCAN, .key_slots = 1,
                  .encrypted_size = 128, .size_field = 16);
    DO_TEST_IMAGE("size-mismatch", .layout = TEST_LAYOUT_SCAN, .key_slots = 1,
                  .encrypted_size = 128, .size_field = 1024, .image_size = 0x3000);
    DO_TEST_IMAGE("key-slots-huge", .layout = TEST_LAYOUT_SCAN,
                  .key_slots = G_GUINT64_CONSTANT(0x4000000000000000), .encrypted_size = 128,
                  .size_field = 640, .truncate = 0x1000);
    DO_TEST_IMAGE("key-slots-zero", .layout = TEST_LAYOUT_SCAN, .key_slots = 0,
                  .encrypted_size = 128, .size_field = 640, .image_size = 0x1000);
    DO_TEST_IMAGE("encrypted-size-huge", .layout = TEST_LAYOUT_SCAN, .key_slots = 1,
                  .encrypted_size = G_GUINT64_CONSTANT(0xfffffffffffffff0), .size_field = 640,
                  .truncate = 0x1000);
    DO_TEST_IMAGE("metadata-points-nowhere", .layout = TEST_LAYOUT_METADATA, .offset = 0x14000,
                  .key_slots = 1, .encrypted_size = 128, .no_magic = TRUE);
    DO_TEST_IMAGE("metadata-points-past-file", .layout = TEST_LAYOUT_METADATA,
                  .offset = 0x14000, .key_slots = 1, .encrypted_size = 128,
                  .metadata_target = G_GUINT64_CONSTANT(0x7fffffffffff0000));
    DO_TEST_IMAGE("metadata-truncated", .layout = TEST_LAYOUT_METADATA, .offset = 0x14000,
                  .key_slots = 1, .encrypted_size = 128, .truncate = 0xC000 + 20);

#define DO_TEST_UNREADABLE(name, file) \
    do { \
        static const testUnreadableCase c = { name, file }; \
        if (virTestRun("image-info " name, testImageInfoUnreadable, &c) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST_UNREADABLE("missing", "missing.img");
    DO_TEST_UNREADABLE("directory", "/");

#define DO_TEST_KERNEL(name, expect, ...) \
    do { \
        static const testKernelCase c = { name, { __VA_ARGS__ }, FALSE, expect }; \
        if (virTestRun("validate with the kernel " name, testValidateKernel, &c) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST_KERNEL("se-image-metadata", "", .layout = TEST_LAYOUT_METADATA, .offset = 0x14000,
                   .key_slots = 1, .encrypted_size = 128, .image_size = 0x20000);
    DO_TEST_KERNEL("se-image-scan", "", .layout = TEST_LAYOUT_SCAN, .offset = 0x2000,
                   .key_slots = 2, .encrypted_size = 128);
    DO_TEST_KERNEL("plain-kernel", "kernel-not-se-image", .layout = TEST_LAYOUT_NONE,
                   .image_size = 0x20000);
    DO_TEST_KERNEL("damaged-header", "kernel-not-se-image", .layout = TEST_LAYOUT_SCAN,
                   .key_slots = 1, .encrypted_size = 128, .size_field = 0xffffffff);
    {
        static const testKernelCase c = { "a-directory", { 0 }, TRUE, "kernel-unchecked" };

        if (virTestRun("validate with the kernel a-directory", testValidateKernel, &c) < 0)
            ret = -1;
    }

    return ret;
}

static int
mymain(void)
{
    int ret = 0;

#define DO_TEST_VALUES(title, ...) \
    do { \
        static const testImageSpec s = { __VA_ARGS__ }; \
        if (virTestRun("header values: " title, testHeaderValues, &s) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST_VALUES("at 0, 1 key slot", .layout = TEST_LAYOUT_SCAN, .key_slots = 1,
                   .encrypted_size = 128, .encrypted_pages = 3, .pcf = PCF_PCKMO);
    DO_TEST_VALUES("at 0x5000, 2 key slots", .layout = TEST_LAYOUT_SCAN, .offset = 0x5000,
                   .key_slots = 2, .encrypted_size = 144, .encrypted_pages = 1 << 20);
    DO_TEST_VALUES("at 0x14000, 7 key slots", .layout = TEST_LAYOUT_SCAN, .offset = 0x14000,
                   .key_slots = 7, .encrypted_size = 128, .pcf = PCF_DUMP);
    DO_TEST_VALUES("metadata, 1 key slot", .layout = TEST_LAYOUT_METADATA, .offset = 0x14000,
                   .key_slots = 1, .encrypted_size = 128, .encrypted_pages = 99);
    DO_TEST_VALUES("metadata, 97 key slots (largest header)", .layout = TEST_LAYOUT_METADATA,
                   .offset = 0x30000, .key_slots = 97, .encrypted_size = 0,
                   .encrypted_pages = G_GUINT64_CONSTANT(0xffffffffffffffff));

    DO_TEST_VALUES("genprotimg 2.35 layout", .layout = TEST_LAYOUT_GENPROTIMG, .offset = 0x14000,
                   .key_slots = 2, .encrypted_size = 128, .encrypted_pages = 12,
                   .pcf = PCF_PCKMO, .slot_hashes = { TEST_HASH_A, TEST_HASH_B });
    DO_TEST_VALUES("pvimg 2.40 layout", .layout = TEST_LAYOUT_PVIMG, .offset = 0x14000,
                   .key_slots = 1, .encrypted_size = 128, .encrypted_pages = 12,
                   .pcf = PCF_PCKMO, .slot_hashes = { TEST_HASH_B });

#define DO_TEST_TRUNCATED(title, ...) \
    do { \
        static const testImageSpec s = { __VA_ARGS__ }; \
        if (virTestRun("truncated at every byte: " title, testTruncatedEverywhere, &s) < 0) \
            ret = -1; \
        if (virTestRun("truncated files at every field: " title, testTruncatedFiles, &s) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST_TRUNCATED("header at 0", .layout = TEST_LAYOUT_SCAN, .key_slots = 2,
                      .encrypted_size = 128);
    DO_TEST_TRUNCATED("header at 0x3000", .layout = TEST_LAYOUT_SCAN, .offset = 0x3000,
                      .key_slots = 2, .encrypted_size = 128);
    DO_TEST_TRUNCATED("header by metadata", .layout = TEST_LAYOUT_METADATA, .offset = 0x16000,
                      .key_slots = 2, .encrypted_size = 128);

    if (virTestRun("unreadable: missing file", testUnreadable, "/nonexistent/kernel.img") < 0)
        ret = -1;
    if (virTestRun("unreadable: a directory", testUnreadable, "/") < 0)
        ret = -1;
    if (virTestRun("unreadable: a FIFO without a writer", testUnreadableFifo, NULL) < 0)
        ret = -1;
    if (virTestRun("plaintext control flag names", testPCFNames, NULL) < 0)
        ret = -1;

    testDir = g_dir_make_tmp("virt-pv-image-info-XXXXXX", NULL);
    if (!testDir || g_chdir(testDir) < 0) {
        virTestDiag("cannot make a scratch directory");
        return -1;
    }
    if (testGolden() < 0)
        ret = -1;
    g_chdir("/");
    g_rmdir(testDir);
    g_free(testDir);
    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
