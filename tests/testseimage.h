/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

#include "util/virseimage.h"

/*
 * Secure Execution images built byte by byte for the tests: no binary
 * image is checked in.  The layouts are those real tools write, as
 * measured with IBM's genprotimg 2.35 and pvimg 2.40 (docs: FACTS, "Host
 * fit"): a short PSW at 0 that points to the stage3a loader at 0x10000,
 * the IPIB at 0x13000, the header at 0x14000 and the encrypted components
 * after it; pvimg adds the SeImgLnx block at 0xC000 and moves the IPIB to
 * the end of the file.  Contents that only the Ultravisor could check
 * (loader code, encrypted pages, wrapped keys, tags) are fill patterns.
 */

typedef enum {
    TEST_LAYOUT_NONE,       /* no header at all: a plain kernel */
    TEST_LAYOUT_SCAN,       /* header at @offset, found by scanning */
    TEST_LAYOUT_METADATA,   /* SeImgLnx metadata at 0xC000 points to @offset */
    TEST_LAYOUT_GENPROTIMG, /* genprotimg 2.35: header at 0x14000, no metadata */
    TEST_LAYOUT_PVIMG,      /* pvimg 2.40: the same plus SeImgLnx, IPIB at the end */
} testLayout;

#define TEST_SE_MAX_HASHES 4

typedef struct {
    testLayout layout;
    guint64 offset;        /* of the header (or of the stray magic) */
    guint64 key_slots;
    guint64 encrypted_size;
    guint64 encrypted_pages;
    guint64 pcf;
    gsize image_size;      /* 0: just past the header; padded otherwise */
    /* phkh of the first slots, as 64 hex digits; the others are filled */
    const char *slot_hashes[TEST_SE_MAX_HASHES];
    /* Damage, applied after the image is built. */
    gsize truncate;        /* cut the file to this length; 0: keep */
    guint32 size_field;    /* overwrite the header-size field; 0: keep */
    guint32 version;       /* 0: 0x100 */
    guint64 metadata_target; /* overwrite the metadata's header offset; 0: keep */
    gboolean no_magic;      /* keep the metadata, drop the header's magic */
} testImageSpec;

guint64 testImageHeaderSize(const testImageSpec *s);

GByteArray *testImageBuild(const testImageSpec *s);

gboolean testImageWrite(const char *path, const testImageSpec *s);
