/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include <glib/gi18n.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "virdl.h"
#include "virerror.h"
#include "virfile.h"
#include "virhostkey.h"

/* genprotimg pads each coordinate to 80 bytes before hashing; a P-521
 * coordinate is 66 bytes. */
#define VIR_HOST_KEY_COORD_PAD 80
#define VIR_HOST_KEY_P521_COORD 66

/* GnuTLS is opened when a host-key document is read (see virdl.h): linked,
 * it would load eight more libraries and run its initialisation in every
 * process.  The table names every symbol used here. */
typedef struct {
    void *handle;
    int (*crt_init)(gnutls_x509_crt_t *);
    int (*crt_import)(gnutls_x509_crt_t, const gnutls_datum_t *, gnutls_x509_crt_fmt_t);
    void (*crt_deinit)(gnutls_x509_crt_t);
    int (*pubkey_init)(gnutls_pubkey_t *);
    int (*pubkey_import_x509)(gnutls_pubkey_t, gnutls_x509_crt_t, unsigned int);
    int (*pubkey_export_ecc_raw2)(gnutls_pubkey_t, gnutls_ecc_curve_t *, gnutls_datum_t *,
                                  gnutls_datum_t *, unsigned int);
    void (*pubkey_deinit)(gnutls_pubkey_t);
    int (*hash_fast)(gnutls_digest_algorithm_t, const void *, size_t, void *);
    const char *(*strerror)(int);
    const char *(*ecc_curve_get_name)(gnutls_ecc_curve_t);
    gnutls_free_function *free;
} virHostKeyGnuTLS;

static const virDLSymbol virHostKeyGnuTLSSymbols[] = {
    { "gnutls_x509_crt_init", G_STRUCT_OFFSET(virHostKeyGnuTLS, crt_init) },
    { "gnutls_x509_crt_import", G_STRUCT_OFFSET(virHostKeyGnuTLS, crt_import) },
    { "gnutls_x509_crt_deinit", G_STRUCT_OFFSET(virHostKeyGnuTLS, crt_deinit) },
    { "gnutls_pubkey_init", G_STRUCT_OFFSET(virHostKeyGnuTLS, pubkey_init) },
    { "gnutls_pubkey_import_x509", G_STRUCT_OFFSET(virHostKeyGnuTLS, pubkey_import_x509) },
    { "gnutls_pubkey_export_ecc_raw2",
      G_STRUCT_OFFSET(virHostKeyGnuTLS, pubkey_export_ecc_raw2) },
    { "gnutls_pubkey_deinit", G_STRUCT_OFFSET(virHostKeyGnuTLS, pubkey_deinit) },
    { "gnutls_hash_fast", G_STRUCT_OFFSET(virHostKeyGnuTLS, hash_fast) },
    { "gnutls_strerror", G_STRUCT_OFFSET(virHostKeyGnuTLS, strerror) },
    { "gnutls_ecc_curve_get_name", G_STRUCT_OFFSET(virHostKeyGnuTLS, ecc_curve_get_name) },
    { "gnutls_free", G_STRUCT_OFFSET(virHostKeyGnuTLS, free) },
};

static virHostKeyGnuTLS virHostKeyGnuTLSAPI;

static const virHostKeyGnuTLS *
virHostKeyGnuTLSLoad(GError **error)
{
    virHostKeyGnuTLS *api = &virHostKeyGnuTLSAPI;

    if (!api->handle && !virDLOpen(VIR_GNUTLS_SONAME, "GnuTLS", virHostKeyGnuTLSSymbols,
                                   G_N_ELEMENTS(virHostKeyGnuTLSSymbols), api, &api->handle,
                                   error))
        return NULL;
    return api;
}

void
virHostKeyDocumentFree(virHostKeyDocument *doc)
{
    if (!doc)
        return;
    g_free(doc->path);
    g_free(doc);
}

/* What GnuTLS hands out while one document is read, freed together. */
typedef struct {
    const virHostKeyGnuTLS *api;
    gnutls_x509_crt_t crt;
    gnutls_pubkey_t key;
    gnutls_datum_t x;
    gnutls_datum_t y;
} virHostKeyParse;

static void
virHostKeyParseClear(virHostKeyParse *p)
{
    if (p->crt)
        p->api->crt_deinit(p->crt);
    if (p->key)
        p->api->pubkey_deinit(p->key);
    if (p->x.data)
        (*p->api->free)(p->x.data);
    if (p->y.data)
        (*p->api->free)(p->y.data);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(virHostKeyParse, virHostKeyParseClear)

static gboolean
virHostKeyFail(const virHostKeyGnuTLS *api, GError **error, const char *name, const char *what,
               int rc)
{
    g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE,
                _("'%s' is not a host-key document: %s (%s)"), name, what, api->strerror(rc));
    return FALSE;
}

/* A PEM file starts with its armour (after blanks); anything else is
 * taken as DER. */
static gnutls_x509_crt_fmt_t
virHostKeyFormat(const guint8 *data, gsize len)
{
    static const char armour[] = "-----BEGIN";
    gsize i = 0;

    while (i < len && g_ascii_isspace(data[i]))
        i++;
    if (len - i >= strlen(armour) && memcmp(data + i, armour, strlen(armour)) == 0)
        return GNUTLS_X509_FMT_PEM;
    return GNUTLS_X509_FMT_DER;
}

/* SHA-256 over X and Y, each left-padded to 80 bytes. */
static gboolean
virHostKeyHashPoint(const virHostKeyGnuTLS *api, const char *name, const gnutls_datum_t *x,
                    const gnutls_datum_t *y, char ret_hash[VIR_UV_KEY_HASH_HEX_LEN + 1],
                    GError **error)
{
    guint8 buf[2 * VIR_HOST_KEY_COORD_PAD] = { 0 };
    guint8 digest[VIR_UV_KEY_HASH_SIZE];
    int rc;
    guint i;

    if (x->size > VIR_HOST_KEY_P521_COORD || y->size > VIR_HOST_KEY_P521_COORD) {
        g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE,
                    _("'%s' is not a host-key document: a coordinate of its key is longer "
                      "than %u bytes"),
                    name, VIR_HOST_KEY_P521_COORD);
        return FALSE;
    }
    memcpy(buf + VIR_HOST_KEY_COORD_PAD - x->size, x->data, x->size);
    memcpy(buf + 2 * VIR_HOST_KEY_COORD_PAD - y->size, y->data, y->size);
    if ((rc = api->hash_fast(GNUTLS_DIG_SHA256, buf, sizeof(buf), digest)) < 0)
        return virHostKeyFail(api, error, name, _("cannot hash its key"), rc);
    for (i = 0; i < sizeof(digest); i++)
        g_snprintf(ret_hash + 2 * i, 3, "%02x", digest[i]);
    return TRUE;
}

gboolean
virHostKeyDocumentParse(const char *name, const guint8 *data, gsize len,
                        virHostKeyDocument **ret_doc, GError **error)
{
    g_auto(virHostKeyParse) p = { NULL };
    g_autoptr(virHostKeyDocument) doc = g_new0(virHostKeyDocument, 1);
    gnutls_datum_t raw = { (unsigned char *)data, (unsigned int)len };
    gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
    int rc;

    if (len > VIR_HOST_KEY_DOCUMENT_MAX) {
        g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_TOO_BIG,
                    _("'%s' is larger than %zu bytes"), name, (gsize)VIR_HOST_KEY_DOCUMENT_MAX);
        return FALSE;
    }
    if (!(p.api = virHostKeyGnuTLSLoad(error)))
        return FALSE;
    if ((rc = p.api->crt_init(&p.crt)) < 0)
        return virHostKeyFail(p.api, error, name, _("out of memory"), rc);
    if ((rc = p.api->crt_import(p.crt, &raw, virHostKeyFormat(data, len))) < 0)
        return virHostKeyFail(p.api, error, name, _("no X.509 certificate"), rc);
    if ((rc = p.api->pubkey_init(&p.key)) < 0 ||
        (rc = p.api->pubkey_import_x509(p.key, p.crt, 0)) < 0)
        return virHostKeyFail(p.api, error, name, _("cannot read its public key"), rc);
    if ((rc = p.api->pubkey_export_ecc_raw2(p.key, &curve, &p.x, &p.y,
                                            GNUTLS_EXPORT_FLAG_NO_LZ)) < 0)
        return virHostKeyFail(p.api, error, name, _("its key is not an elliptic-curve key"),
                              rc);
    if (curve != GNUTLS_ECC_CURVE_SECP521R1) {
        const char *curve_name = p.api->ecc_curve_get_name(curve);

        g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_PARSE,
                    _("'%s' is not a host-key document: its key is on curve %s, not P-521"),
                    name, curve_name ? curve_name : "?");
        return FALSE;
    }
    if (!virHostKeyHashPoint(p.api, name, &p.x, &p.y, doc->hash, error))
        return FALSE;
    doc->path = g_strdup(name);
    *ret_doc = g_steal_pointer(&doc);
    return TRUE;
}

gboolean
virHostKeyDocumentLoad(const char *path, virHostKeyDocument **ret_doc, GError **error)
{
    g_autofree char *data = NULL;
    gsize len = 0;

    if (!virFileReadLimit(path, VIR_HOST_KEY_DOCUMENT_MAX, &data, &len, error))
        return FALSE;
    return virHostKeyDocumentParse(path, (const guint8 *)data, len, ret_doc, error);
}

gboolean
virHostKeyDocumentLoadAll(char *const *paths, GPtrArray **ret_docs, GError **error)
{
    g_autoptr(GPtrArray) docs =
        g_ptr_array_new_with_free_func((GDestroyNotify)virHostKeyDocumentFree);

    for (; paths && *paths; paths++) {
        virHostKeyDocument *doc = NULL;

        if (!virHostKeyDocumentLoad(*paths, &doc, error))
            return FALSE;
        g_ptr_array_add(docs, doc);
    }
    *ret_docs = g_steal_pointer(&docs);
    return TRUE;
}

const virHostKeyDocument *
virHostKeyDocumentFind(const GPtrArray *docs, const char *hash)
{
    guint i;

    for (i = 0; docs && hash && i < docs->len; i++) {
        const virHostKeyDocument *doc = g_ptr_array_index(docs, i);

        if (g_str_equal(doc->hash, hash))
            return doc;
    }
    return NULL;
}
