/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

#include "viruv.h"

/*
 * IBM Z host-key documents: X.509 certificates (PEM or DER) that carry a
 * machine's ECDH P-521 host key.  An SE image holds, in each key slot, the
 * hash of one such key: SHA-256 over the public point's X and Y
 * coordinates, each left-padded with zeros to 80 bytes.  The same hash is
 * what the Ultravisor reports in /sys/firmware/uv/keys.
 *
 * Only the key is read.  The certificate chain, its signatures and the
 * revocation lists are not checked, and nothing is fetched: a document
 * names a key, it does not prove that the key belongs to a machine.
 */

/* Documents larger than this are not host-key documents. */
#define VIR_HOST_KEY_DOCUMENT_MAX (1024 * 1024)

typedef struct {
    char *path;
    char hash[VIR_UV_KEY_HASH_HEX_LEN + 1]; /* lower-case hex */
} virHostKeyDocument;

void virHostKeyDocumentFree(virHostKeyDocument *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virHostKeyDocument, virHostKeyDocumentFree)

/* Hash the host key of the certificate in @data (PEM or DER); @name names
 * it in messages. */
gboolean virHostKeyDocumentParse(const char *name, const guint8 *data, gsize len,
                                 virHostKeyDocument **ret_doc, GError **error);

gboolean virHostKeyDocumentLoad(const char *path, virHostKeyDocument **ret_doc,
                                GError **error);

/* Load every path of @paths (NULL-terminated, may be NULL) into a new
 * array of virHostKeyDocument. */
gboolean virHostKeyDocumentLoadAll(char *const *paths, GPtrArray **ret_docs, GError **error);

/* The document among @docs (may be NULL) whose hash is @hash, or NULL. */
const virHostKeyDocument *virHostKeyDocumentFind(const GPtrArray *docs, const char *hash);
