/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

/*
 * Secure Execution boot images, as genprotimg/pvimg write them: somewhere
 * near the start sits a header beginning with "IBMSecEx" that the
 * Ultravisor decrypts at boot.  A kernel without it boots unprotected.
 *
 * The reader never trusts a size field: it reads at most one header's worth
 * of bytes at fixed offsets, checks every field against the file's real
 * length, and allocates only fixed-size buffers.
 */

/* Where the header sits in pages before the reader gives up scanning. */
#define VIR_SE_IMAGE_SCAN_PAGES 0x15
/* The newer layout's metadata block, and its size. */
#define VIR_SE_IMAGE_METADATA_OFFSET 0xC000
#define VIR_SE_IMAGE_METADATA_SIZE 28
/* The fixed part of a header, one key slot, the tag. */
#define VIR_SE_IMAGE_HEADER_HEAD_SIZE 0x1A0
#define VIR_SE_IMAGE_KEY_SLOT_SIZE 80
#define VIR_SE_IMAGE_TAG_SIZE 16
/* Version 1 headers are never larger than this. */
#define VIR_SE_IMAGE_HEADER_MAX_SIZE 0x2000
#define VIR_SE_IMAGE_VERSION_1 0x100
/* As many key slots as fit into the largest header. */
#define VIR_SE_IMAGE_MAX_KEY_SLOTS \
    ((VIR_SE_IMAGE_HEADER_MAX_SIZE - VIR_SE_IMAGE_HEADER_HEAD_SIZE - VIR_SE_IMAGE_TAG_SIZE) / \
     VIR_SE_IMAGE_KEY_SLOT_SIZE)
/* A key slot: the hash of the host key it is for (phkh), the wrapped
 * header key (wrpk), the slot's tag (kst). */
#define VIR_SE_IMAGE_PHKH_SIZE 32
#define VIR_SE_IMAGE_WRPK_SIZE 32
#define VIR_SE_IMAGE_KST_SIZE 16

/* Plaintext control flags (MSB-0 bit numbers, as pvimg's PcfV1). */
#define VIR_SE_IMAGE_PCF_ALLOW_DUMPING 34
#define VIR_SE_IMAGE_PCF_BACKUP_TARGET_KEYS 62

typedef enum {
    VIR_SE_IMAGE_FOUND_BY_SCAN,     /* at a page-aligned offset */
    VIR_SE_IMAGE_FOUND_BY_METADATA, /* SeImgLnx metadata at 0xC000 */

    VIR_SE_IMAGE_FOUND_BY_LAST
} virSEImageFoundBy;

const char *virSEImageFoundByToString(virSEImageFoundBy found_by);

typedef struct {
    guint64 offset;           /* of the header in the file */
    virSEImageFoundBy found_by;
    guint32 metadata_version; /* only when found by metadata */
    guint32 version;
    /* FALSE for a later header version (0x200 ...), of which only the
     * version is read: every field below is zero. */
    gboolean layout_known;
    guint32 size;
    guint64 key_slots;
    guint64 encrypted_size;
    guint64 encrypted_pages;
    guint64 pcf;              /* plaintext control flags */
    /* The key_slots slots, as in the file. */
    guint8 slots[VIR_SE_IMAGE_MAX_KEY_SLOTS][VIR_SE_IMAGE_KEY_SLOT_SIZE];
} virSEImageHeader;

void virSEImageHeaderFree(virSEImageHeader *header);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virSEImageHeader, virSEImageHeaderFree)

/* Names of the plaintext control flags set in @pcf, in bit order, with
 * unknown bits as "bit N" (bits counted from the most significant, as the
 * architecture does).  NULL-terminated. */
GStrv virSEImagePCFNames(guint64 pcf);

/* Is PCF bit @bit (MSB-0) set in @pcf? */
gboolean virSEImagePCFHas(guint64 pcf, guint bit);

/* The parts of key slot @slot as lower-case hex; @slot < key_slots. */
char *virSEImageSlotPHKH(const virSEImageHeader *header, guint slot);
char *virSEImageSlotWRPK(const virSEImageHeader *header, guint slot);
char *virSEImageSlotKST(const virSEImageHeader *header, guint slot);

/* The first slot whose phkh is @hash (64 hex digits, any case), or -1. */
int virSEImageFindSlot(const virSEImageHeader *header, const char *hash);

gboolean virSEImageReadData(const char *name, const guint8 *data, gsize len,
                            virSEImageHeader **ret_header, GError **error);

gboolean virSEImageReadFile(const char *path, virSEImageHeader **ret_header, GError **error);

/* A damaged header counts as none; only an unreadable file fails. */
gboolean virSEImageReadFileValid(const char *path, virSEImageHeader **ret_header,
                                 GError **error);
