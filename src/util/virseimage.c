/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "virerror.h"
#include "virfile.h"
#include "virseimage.h"

#define VIR_SE_IMAGE_PAGE_SIZE 0x1000

static const char virSEImageHeaderMagic[8] = { 'I', 'B', 'M', 'S', 'e', 'c', 'E', 'x' };
static const char virSEImageMetadataMagic[8] = { 'S', 'e', 'I', 'm', 'g', 'L', 'n', 'x' };

static const char *const virSEImageFoundByNames[] = {
    "scan",
    "metadata",
};
G_STATIC_ASSERT(G_N_ELEMENTS(virSEImageFoundByNames) == VIR_SE_IMAGE_FOUND_BY_LAST);

const char *
virSEImageFoundByToString(virSEImageFoundBy found_by)
{
    if ((guint)found_by >= VIR_SE_IMAGE_FOUND_BY_LAST)
        return NULL;
    return virSEImageFoundByNames[found_by];
}

void
virSEImageHeaderFree(virSEImageHeader *header)
{
    g_free(header);
}

/* Plaintext control flags, numbered from the most significant bit. */
typedef struct {
    guint bit;
    const char *name;
} virSEImagePCFFlag;

static const virSEImagePCFFlag virSEImagePCFFlags[] = {
    { 34, "allow-dumping" },
    { 35, "no-component-encryption" },
    { 56, "pckmo-dea-tdea" },
    { 57, "pckmo-aes" },
    { 58, "pckmo-ecc" },
    { 59, "pckmo-hmac" },
    { 62, "backup-target-keys" },
};

static const char *
virSEImagePCFFlagName(guint bit)
{
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(virSEImagePCFFlags); i++) {
        if (virSEImagePCFFlags[i].bit == bit)
            return virSEImagePCFFlags[i].name;
    }
    return NULL;
}

GStrv
virSEImagePCFNames(guint64 pcf)
{
    g_autoptr(GStrvBuilder) names = g_strv_builder_new();
    guint bit;

    for (bit = 0; bit < 64; bit++) {
        const char *name;

        if (!virSEImagePCFHas(pcf, bit))
            continue;
        if ((name = virSEImagePCFFlagName(bit))) {
            g_strv_builder_add(names, name);
        }
        else {
            g_autofree char *unknown = g_strdup_printf("bit %u", bit);

            g_strv_builder_add(names, unknown);
        }
    }
    return g_strv_builder_end(names);
}

gboolean
virSEImagePCFHas(guint64 pcf, guint bit)
{
    return bit < 64 && (pcf & (G_GUINT64_CONSTANT(1) << (63 - bit)));
}

static char *
virSEImageHex(const guint8 *bytes, gsize len)
{
    char *hex = g_malloc(2 * len + 1);
    gsize i;

    for (i = 0; i < len; i++)
        g_snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
    hex[2 * len] = '\0';
    return hex;
}

char *
virSEImageSlotPHKH(const virSEImageHeader *header, guint slot)
{
    g_return_val_if_fail(slot < header->key_slots, NULL);
    return virSEImageHex(header->slots[slot], VIR_SE_IMAGE_PHKH_SIZE);
}

char *
virSEImageSlotWRPK(const virSEImageHeader *header, guint slot)
{
    g_return_val_if_fail(slot < header->key_slots, NULL);
    return virSEImageHex(header->slots[slot] + VIR_SE_IMAGE_PHKH_SIZE, VIR_SE_IMAGE_WRPK_SIZE);
}

char *
virSEImageSlotKST(const virSEImageHeader *header, guint slot)
{
    g_return_val_if_fail(slot < header->key_slots, NULL);
    return virSEImageHex(header->slots[slot] + VIR_SE_IMAGE_PHKH_SIZE + VIR_SE_IMAGE_WRPK_SIZE,
                         VIR_SE_IMAGE_KST_SIZE);
}

int
virSEImageFindSlot(const virSEImageHeader *header, const char *hash)
{
    guint slot;

    for (slot = 0; hash && slot < header->key_slots; slot++) {
        g_autofree char *phkh = virSEImageSlotPHKH(header, slot);

        if (g_ascii_strcasecmp(phkh, hash) == 0)
            return (int)slot;
    }
    return -1;
}

/*
 * Where the bytes come from: an open file (read with pread at fixed
 * offsets) or a buffer (tests, fuzzing).  @size is the real length; no read
 * ever goes past it.
 */
typedef struct {
    const char *name;
    int fd;
    const guint8 *data;
    guint64 size;
} virSEImageSource;

/* Read up to @len bytes at @offset into @buf; set *ret_got to the number
 * read, which is less than @len only at the end of the source. */
static gboolean
virSEImageSourceRead(const virSEImageSource *src, guint64 offset, guint8 *buf, gsize len,
                     gsize *ret_got, GError **error)
{
    gsize got = 0;

    if (offset >= src->size) {
        *ret_got = 0;
        return TRUE;
    }
    if (len > src->size - offset)
        len = (gsize)(src->size - offset);

    if (src->data) {
        memcpy(buf, src->data + offset, len);
        *ret_got = len;
        return TRUE;
    }

    while (got < len) {
        ssize_t done = pread(src->fd, buf + got, len - got, (off_t)(offset + got));

        if (done < 0) {
            int saved = errno;

            if (saved == EINTR)
                continue;
            g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_IO, _("cannot read '%s': %s"),
                        src->name, g_strerror(saved));
            return FALSE;
        }
        if (done == 0)
            break;
        got += (gsize)done;
    }
    *ret_got = got;
    return TRUE;
}

/* Does @magic start at @offset? */
static gboolean
virSEImageSourceHasMagic(const virSEImageSource *src, guint64 offset, const char magic[8],
                         gboolean *ret_found, GError **error)
{
    guint8 buf[8];
    gsize got;

    if (!virSEImageSourceRead(src, offset, buf, sizeof(buf), &got, error))
        return FALSE;
    *ret_found = got == sizeof(buf) && memcmp(buf, magic, sizeof(buf)) == 0;
    return TRUE;
}

static guint64
virSEImageBE(const guint8 *p, guint width)
{
    guint64 value = 0;
    guint i;

    for (i = 0; i < width; i++)
        value = (value << 8) | p[i];
    return value;
}

G_GNUC_PRINTF(4, 5)
static void
virSEImageDamaged(GError **error, const virSEImageSource *src, guint64 offset, const char *fmt,
                  ...)
{
    g_autofree char *detail = NULL;
    va_list ap;

    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE,
                _("'%s' has a damaged Secure Execution header at offset 0x%" PRIx64 ": %s"),
                src->name, offset, detail);
}

/* The fixed part of the header, field by field, so that a file cut short
 * is reported with the field it ends in. */
typedef enum {
    VIR_SE_IMAGE_FIELD_MAGIC,
    VIR_SE_IMAGE_FIELD_VERSION,
    VIR_SE_IMAGE_FIELD_SIZE,
    VIR_SE_IMAGE_FIELD_IV,
    VIR_SE_IMAGE_FIELD_RESERVED,
    VIR_SE_IMAGE_FIELD_KEY_SLOTS,
    VIR_SE_IMAGE_FIELD_ENCRYPTED_SIZE,
    VIR_SE_IMAGE_FIELD_ENCRYPTED_PAGES,
    VIR_SE_IMAGE_FIELD_PCF,
    VIR_SE_IMAGE_FIELD_CUSTOMER_KEY,
    VIR_SE_IMAGE_FIELD_PLD,
    VIR_SE_IMAGE_FIELD_ALD,
    VIR_SE_IMAGE_FIELD_TLD,

    VIR_SE_IMAGE_FIELD_LAST
} virSEImageField;

typedef struct {
    guint offset;
    guint width;
    const char *name;
} virSEImageFieldInfo;

static const virSEImageFieldInfo virSEImageFields[] = {
    { 0, 8, N_("magic") },
    { 8, 4, N_("version") },
    { 12, 4, N_("header size") },
    { 16, 12, N_("IV") },
    { 28, 4, N_("reserved") },
    { 32, 8, N_("number of key slots") },
    { 40, 8, N_("encrypted-area size") },
    { 48, 8, N_("number of encrypted pages") },
    { 56, 8, N_("plaintext control flags") },
    { 64, 160, N_("customer public key") },
    { 224, 64, N_("page list digest") },
    { 288, 64, N_("address list digest") },
    { 352, 64, N_("tweak list digest") },
};
G_STATIC_ASSERT(G_N_ELEMENTS(virSEImageFields) == VIR_SE_IMAGE_FIELD_LAST);
G_STATIC_ASSERT(352 + 64 == VIR_SE_IMAGE_HEADER_HEAD_SIZE);

/* The smallest header: the fixed part, one key slot, no encrypted area,
 * the tag. */
#define VIR_SE_IMAGE_HEADER_MIN_SIZE \
    (VIR_SE_IMAGE_HEADER_HEAD_SIZE + VIR_SE_IMAGE_KEY_SLOT_SIZE + VIR_SE_IMAGE_TAG_SIZE)

typedef struct {
    const guint8 *buf;
    gsize len;
} virSEImageBytes;

static gboolean
virSEImageReadField(const virSEImageSource *src, guint64 offset, const virSEImageBytes *bytes,
                virSEImageField field, guint64 *ret_value, GError **error)
{
    const virSEImageFieldInfo *info = &virSEImageFields[field];

    if (bytes->len < (gsize)info->offset + info->width) {
        virSEImageDamaged(error, src, offset,
                          _("the file ends inside field '%s' (at byte %zu of the header)"),
                          _(info->name), bytes->len);
        return FALSE;
    }
    if (ret_value)
        *ret_value = info->width <= 8 ? virSEImageBE(bytes->buf + info->offset, info->width) : 0;
    return TRUE;
}

static gboolean
virSEImageCheckSizes(const virSEImageSource *src, const virSEImageHeader *h, GError **error)
{
    const guint64 max_slots = VIR_SE_IMAGE_MAX_KEY_SLOTS;
    guint64 expected;

    if (h->size < VIR_SE_IMAGE_HEADER_MIN_SIZE || h->size > VIR_SE_IMAGE_HEADER_MAX_SIZE) {
        virSEImageDamaged(error, src, h->offset,
                          _("header size %u is outside %u…%u"), h->size,
                          VIR_SE_IMAGE_HEADER_MIN_SIZE, VIR_SE_IMAGE_HEADER_MAX_SIZE);
        return FALSE;
    }
    if (h->key_slots == 0 || h->key_slots > max_slots) {
        virSEImageDamaged(error, src, h->offset,
                          _("number of key slots %" PRIu64 " is outside 1…%" PRIu64),
                          h->key_slots, max_slots);
        return FALSE;
    }
    if (h->encrypted_size % 16 != 0 || h->encrypted_size > VIR_SE_IMAGE_HEADER_MAX_SIZE) {
        virSEImageDamaged(error, src, h->offset,
                          _("encrypted-area size %" PRIu64 " is not a multiple of 16 up to %u"),
                          h->encrypted_size, VIR_SE_IMAGE_HEADER_MAX_SIZE);
        return FALSE;
    }
    /* Both terms are bounded above, so this cannot overflow. */
    expected = VIR_SE_IMAGE_HEADER_HEAD_SIZE + h->key_slots * VIR_SE_IMAGE_KEY_SLOT_SIZE +
               h->encrypted_size + VIR_SE_IMAGE_TAG_SIZE;
    if (expected != h->size) {
        virSEImageDamaged(error, src, h->offset,
                          _("header size %u does not match its %" PRIu64 " key slots and %" PRIu64
                            "-byte encrypted area (expected %" PRIu64 ")"),
                          h->size, h->key_slots, h->encrypted_size, expected);
        return FALSE;
    }
    return TRUE;
}

/* The variable part must be in the file too; name the part it ends in. */
static gboolean
virSEImageCheckComplete(const virSEImageSource *src, const virSEImageHeader *h, gsize have,
                        GError **error)
{
    guint64 slots_end = VIR_SE_IMAGE_HEADER_HEAD_SIZE +
                        h->key_slots * VIR_SE_IMAGE_KEY_SLOT_SIZE;
    guint64 area_end = slots_end + h->encrypted_size;
    const char *part;

    if (have >= h->size)
        return TRUE;
    if (have < slots_end)
        part = _("key slots");
    else if (have < area_end)
        part = _("encrypted area");
    else
        part = _("tag");
    virSEImageDamaged(error, src, h->offset,
                      _("the file ends inside the %s (at byte %zu of %u)"), part,
                      have, h->size);
    return FALSE;
}

static gboolean
virSEImageParseHeader(const virSEImageSource *src, guint64 offset, virSEImageFoundBy found_by,
                      guint32 metadata_version, virSEImageHeader **ret_header, GError **error)
{
    g_autofree guint8 *buf = g_malloc(VIR_SE_IMAGE_HEADER_MAX_SIZE);
    g_autoptr(virSEImageHeader) h = g_new0(virSEImageHeader, 1);
    virSEImageBytes bytes = { buf, 0 };
    guint64 version = 0;
    guint64 size = 0;
    guint field;

    if (!virSEImageSourceRead(src, offset, buf, VIR_SE_IMAGE_HEADER_MAX_SIZE, &bytes.len, error))
        return FALSE;
    h->offset = offset;
    h->found_by = found_by;
    h->metadata_version = metadata_version;

    if (!virSEImageReadField(src, offset, &bytes, VIR_SE_IMAGE_FIELD_VERSION, &version, error))
        return FALSE;
    if (version != VIR_SE_IMAGE_VERSION_1) {
        /* pvimg writes version 2 headers (0x200, hybrid keys) for newer
         * machines.  Their layout past the version is not read here, but
         * they are SE headers: a host can still be asked whether it
         * supports the version (bit n of supp_se_hdr_ver: 0x100 * (n + 1)). */
        if (version % VIR_SE_IMAGE_VERSION_1 != 0 || version < 2 * VIR_SE_IMAGE_VERSION_1 ||
            version > 64 * VIR_SE_IMAGE_VERSION_1) {
            virSEImageDamaged(error, src, offset, _("unsupported header version 0x%" PRIx64),
                              version);
            return FALSE;
        }
        h->version = (guint32)version;
        *ret_header = g_steal_pointer(&h);
        return TRUE;
    }
    h->layout_known = TRUE;
    if (!virSEImageReadField(src, offset, &bytes, VIR_SE_IMAGE_FIELD_SIZE, &size, error))
        return FALSE;
    h->version = (guint32)version;
    h->size = (guint32)size;

    /* Every field of the fixed part must be there, even those not shown. */
    for (field = VIR_SE_IMAGE_FIELD_IV; field < VIR_SE_IMAGE_FIELD_LAST; field++) {
        if (!virSEImageReadField(src, offset, &bytes, field, NULL, error))
            return FALSE;
    }
    h->key_slots = virSEImageBE(buf + virSEImageFields[VIR_SE_IMAGE_FIELD_KEY_SLOTS].offset, 8);
    h->encrypted_size =
        virSEImageBE(buf + virSEImageFields[VIR_SE_IMAGE_FIELD_ENCRYPTED_SIZE].offset, 8);
    h->encrypted_pages =
        virSEImageBE(buf + virSEImageFields[VIR_SE_IMAGE_FIELD_ENCRYPTED_PAGES].offset, 8);
    h->pcf = virSEImageBE(buf + virSEImageFields[VIR_SE_IMAGE_FIELD_PCF].offset, 8);

    if (!virSEImageCheckSizes(src, h, error) || !virSEImageCheckComplete(src, h, bytes.len, error))
        return FALSE;
    /* Checked above: the slots are within the header and the buffer. */
    memcpy(h->slots, buf + VIR_SE_IMAGE_HEADER_HEAD_SIZE,
           (gsize)h->key_slots * VIR_SE_IMAGE_KEY_SLOT_SIZE);
    *ret_header = g_steal_pointer(&h);
    return TRUE;
}

/* The newer layout: "SeImgLnx", header offset u64, version u32, IPIB
 * offset u64.  Sets *ret_found when the block is there. */
static gboolean
virSEImageReadMetadata(const virSEImageSource *src, gboolean *ret_found, guint64 *ret_offset,
                       guint32 *ret_version, GError **error)
{
    guint8 buf[VIR_SE_IMAGE_METADATA_SIZE];
    gsize got;

    if (!virSEImageSourceRead(src, VIR_SE_IMAGE_METADATA_OFFSET, buf, sizeof(buf), &got, error))
        return FALSE;
    *ret_found = got >= 8 && memcmp(buf, virSEImageMetadataMagic, 8) == 0;
    if (!*ret_found)
        return TRUE;
    if (got < sizeof(buf)) {
        virSEImageDamaged(error, src, VIR_SE_IMAGE_METADATA_OFFSET,
                          _("the file ends inside the image metadata"));
        return FALSE;
    }
    *ret_offset = virSEImageBE(buf + 8, 8);
    *ret_version = (guint32)virSEImageBE(buf + 16, 4);
    return TRUE;
}

static gboolean
virSEImageLocateByMetadata(const virSEImageSource *src, guint64 offset, guint32 version,
                           virSEImageHeader **ret_header, GError **error)
{
    gboolean found = FALSE;

    if (!virSEImageSourceHasMagic(src, offset, virSEImageHeaderMagic, &found, error))
        return FALSE;
    if (!found && offset >= src->size) {
        virSEImageDamaged(error, src, offset,
                          _("the image metadata at 0x%x points past the end of the file"),
                          VIR_SE_IMAGE_METADATA_OFFSET);
        return FALSE;
    }
    if (!found) {
        virSEImageDamaged(error, src, offset,
                          _("the image metadata at 0x%x points here, but no header starts here"),
                          VIR_SE_IMAGE_METADATA_OFFSET);
        return FALSE;
    }
    return virSEImageParseHeader(src, offset, VIR_SE_IMAGE_FOUND_BY_METADATA, version,
                                 ret_header, error);
}

static gboolean
virSEImageLocate(const virSEImageSource *src, virSEImageHeader **ret_header, GError **error)
{
    gboolean found = FALSE;
    guint64 offset = 0;
    guint32 version = 0;
    guint page;

    if (!virSEImageReadMetadata(src, &found, &offset, &version, error))
        return FALSE;
    if (found)
        return virSEImageLocateByMetadata(src, offset, version, ret_header, error);

    for (page = 0; page < VIR_SE_IMAGE_SCAN_PAGES; page++) {
        offset = (guint64)page * VIR_SE_IMAGE_PAGE_SIZE;
        if (offset >= src->size)
            break;
        if (!virSEImageSourceHasMagic(src, offset, virSEImageHeaderMagic, &found, error))
            return FALSE;
        if (found)
            return virSEImageParseHeader(src, offset, VIR_SE_IMAGE_FOUND_BY_SCAN, 0, ret_header,
                                         error);
    }
    *ret_header = NULL;
    return TRUE;
}

/**
 * virSEImageReadData:
 * @name: how to call the data in messages (a file name)
 *
 * Find and check the Secure Execution header of an image held in memory.
 * TRUE with *ret_header set: a valid header; TRUE with NULL: no header at
 * all, not an SE image; FALSE with VIR_UTIL_ERROR_PARSE: a header is there
 * but damaged (the message says how).
 */
gboolean
virSEImageReadData(const char *name, const guint8 *data, gsize len, virSEImageHeader **ret_header,
                   GError **error)
{
    static const guint8 empty[1];
    virSEImageSource src = { name, -1, data ? data : empty, len };

    return virSEImageLocate(&src, ret_header, error);
}

/**
 * virSEImageReadFile:
 *
 * Like virSEImageReadData() for the file at @path, of which it reads only
 * the few blocks where a header can be.  FALSE with VIR_UTIL_ERROR_IO: the
 * file cannot be read or is not a regular file.
 */
gboolean
virSEImageReadFile(const char *path, virSEImageHeader **ret_header, GError **error)
{
    virSEImageSource src = { path, -1, NULL, 0 };
    struct stat sb;
    gboolean ok;

    /* Only a regular file is opened: a FIFO or a device named as the
     * kernel is refused before anything would wait on it or wake it. */
    if (!virFileOpenRegular(path, 0, &src.fd, &sb, error))
        return FALSE;
    src.size = (guint64)sb.st_size;
    ok = virSEImageLocate(&src, ret_header, error);
    close(src.fd);
    return ok;
}

/**
 * virSEImageReadFileValid:
 *
 * Like virSEImageReadFile(), but a damaged header counts as none: TRUE
 * with *ret_header NULL.  Only a file that cannot be read is an error.
 */
gboolean
virSEImageReadFileValid(const char *path, virSEImageHeader **ret_header, GError **error)
{
    g_autoptr(GError) local = NULL;

    if (virSEImageReadFile(path, ret_header, &local))
        return TRUE;
    if (!g_error_matches(local, VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE)) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    *ret_header = NULL;
    return TRUE;
}
