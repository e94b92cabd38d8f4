/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

/*
 * What the kernel tells about the Ultravisor below /sys/firmware/uv:
 * query/ (the answer of the Query Ultravisor Information call) and keys/
 * (the hashes of the installed host keys, Linux >= 6.13, only when the
 * Ultravisor has the Query Ultravisor Keys call).  Every file may be
 * absent; a file that is there but malformed counts as absent and is
 * named in @problems, so that nothing is decided on a value that was not
 * read.  Bitmaps are numbered from the most significant bit, as the
 * architecture does.
 */

#define VIR_UV_KEY_HASH_SIZE 32
#define VIR_UV_KEY_HASH_HEX_LEN (2 * VIR_UV_KEY_HASH_SIZE)
/* keys/all: host key, backup host key, then reserved slots. */
#define VIR_UV_KEYS_ALL_LINES 15
/* query/facilities: four 64-bit words of installed calls. */
#define VIR_UV_FACILITY_WORDS 4

/* Bits of query/facilities (arch/s390/include/asm/uv.h, enum
 * uv_cmds_inst). */
#define VIR_UV_FACILITY_DUMP_INIT 24
#define VIR_UV_FACILITY_DUMP_COMPLETE 27
#define VIR_UV_FACILITY_RETRIEVE_ATTESTATION 28
#define VIR_UV_FACILITY_ADD_SECRET 29
#define VIR_UV_FACILITY_LOCK_SECRETS 31
#define VIR_UV_FACILITY_RETRIEVE_SECRET 33
#define VIR_UV_FACILITY_QUERY_KEYS 34

/* The single-value files of query/, in the order they are shown. */
typedef enum {
    VIR_UV_QUERY_FEATURE_INDICATIONS,
    VIR_UV_QUERY_MAX_CPUS,
    VIR_UV_QUERY_MAX_GUESTS,
    VIR_UV_QUERY_MAX_ADDRESS,
    VIR_UV_QUERY_SUPP_SE_HDR_VER,
    VIR_UV_QUERY_SUPP_SE_HDR_PCF,
    VIR_UV_QUERY_DUMP_STORAGE_STATE_LEN,
    VIR_UV_QUERY_DUMP_FINALIZE_LEN,
    VIR_UV_QUERY_DUMP_CPU_LEN,
    VIR_UV_QUERY_SUPP_ATT_REQ_HDR_VER,
    VIR_UV_QUERY_SUPP_ATT_PFLAGS,
    VIR_UV_QUERY_SUPP_ADD_SECRET_REQ_VER,
    VIR_UV_QUERY_SUPP_ADD_SECRET_PCF,
    VIR_UV_QUERY_SUPP_SECRET_TYPES,
    VIR_UV_QUERY_MAX_SECRETS,
    VIR_UV_QUERY_MAX_ASSOC_SECRETS,
    VIR_UV_QUERY_MAX_RETR_SECRETS,

    VIR_UV_QUERY_LAST
} virUVQueryField;

/* The file name below query/. */
const char *virUVQueryFieldToString(virUVQueryField field);
/* TRUE for the files the kernel prints in hex ("%lx"). */
gboolean virUVQueryFieldIsHex(virUVQueryField field);

typedef struct {
    gboolean present; /* read and valid */
    guint64 value;
} virUVQueryValue;

typedef enum {
    VIR_UV_KEYS_ABSENT,  /* no keys/ directory: kernel < 6.13 or no query-keys call */
    VIR_UV_KEYS_OK,
    VIR_UV_KEYS_INVALID, /* there, but unreadable or malformed: @keys_problem */

    VIR_UV_KEYS_LAST
} virUVKeysState;

const char *virUVKeysStateToString(virUVKeysState state);

typedef struct {
    gboolean query;                 /* /sys/firmware/uv/query exists */
    gboolean has_facilities;
    guint64 facilities[VIR_UV_FACILITY_WORDS];
    virUVQueryValue values[VIR_UV_QUERY_LAST];

    virUVKeysState keys_state;
    char *keys_problem;             /* one sentence, when INVALID */
    /* Lower-case hex, NUL-terminated; backup empty when none installed. */
    char host_key[VIR_UV_KEY_HASH_HEX_LEN + 1];
    char backup_host_key[VIR_UV_KEY_HASH_HEX_LEN + 1];

    GPtrArray *problems;            /* of char *: malformed query files */
} virUVInfo;

void virUVInfoFree(virUVInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virUVInfo, virUVInfoFree)

/* Read /sys/firmware/uv below @root (NULL: the real root).  Never fails:
 * what cannot be read is absent, and said so in the result. */
virUVInfo *virUVInfoRead(const char *root);

/* Parsers of one file's text, for the reader and for fuzzing.  Each is
 * strict: the exact line count, hex digits only, nothing after. */
gboolean virUVParseFacilities(const char *text, guint64 ret_words[VIR_UV_FACILITY_WORDS],
                              GError **error);
gboolean virUVParseQueryValue(virUVQueryField field, const char *text, guint64 *ret_value,
                              GError **error);
/* @nlines hashes, one per line; the first two are copied out (lower case)
 * when @ret_first / @ret_second are not NULL. */
gboolean virUVParseKeyHashes(const char *text, guint nlines,
                             char ret_first[VIR_UV_KEY_HASH_HEX_LEN + 1],
                             char ret_second[VIR_UV_KEY_HASH_HEX_LEN + 1], GError **error);

/* Is bit @bit (from the most significant of word 0) of the facilities
 * set?  FALSE when the facilities are unknown. */
gboolean virUVInfoHasFacility(const virUVInfo *info, guint bit);
/* All four dump calls (bits 24-27). */
gboolean virUVInfoCanDump(const virUVInfo *info);

/* Names of the set bits of the facilities and of the feature
 * indications, unknown bits as "bit N".  NULL-terminated. */
GStrv virUVFacilityNames(const virUVInfo *info);
GStrv virUVFeatureNames(guint64 features);

/* Is header version @version (0x100, 0x200, ...) in supp_se_hdr_ver? */
gboolean virUVSupportsHeaderVersion(guint64 supp_se_hdr_ver, guint32 version);
/* The header versions in supp_se_hdr_ver, as "0x100" ...; NULL-terminated. */
GStrv virUVHeaderVersionNames(guint64 supp_se_hdr_ver);

/* The first 8 hex digits of a hash, as messages quote it. */
char *virUVKeyHashShort(const char *hex);
