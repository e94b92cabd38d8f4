/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include <glib/gstdio.h>

#include "testseimage.h"
#include "testutils.h"
#include "util/virerror.h"
#include "util/virhostkey.h"
#include "util/viruv.h"

/*
 * Will this image boot on this host?  Host-key documents are real X.509
 * certificates with P-521 keys that openssl generates here; their hashes
 * are computed here from the raw public point (SHA-256 over X and Y, each
 * padded to 80 bytes, as genprotimg does), independently of virt-pv's
 * GnuTLS code, and written into the key slots of images in the layouts
 * genprotimg and pvimg write.  Each case builds a faked host below a
 * scratch root (a copy of tests/hostvalidatedata/s390x-pv-ok with
 * /sys/firmware/uv/keys as Linux >= 6.13 shows it, or broken) and runs
 * `virt-pv --root ROOT validate` and the hook against it.
 */

static char *testDir;

#define TEST_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct {
    const char *name;
    char *cert;     /* PEM */
    char *der;      /* the same certificate in DER */
    char hash[VIR_UV_KEY_HASH_HEX_LEN + 1];
} testHostKey;

/* A: this host's key; B: its backup key; C: another machine's key. */
static testHostKey testKeys[] = { { "host-a" }, { "host-b" }, { "host-c" } };
#define KEY_A testKeys[0].hash
#define KEY_B testKeys[1].hash
#define KEY_C testKeys[2].hash

static int
testRun(const char *const *argv)
{
    g_autofree char *err = NULL;
    int status = virTestRunCommand(argv, NULL, NULL, &err);

    if (status != 0)
        virTestDiag("%s failed (%d): %s", argv[0], status, err ? err : "");
    return status;
}

/* genprotimg: SHA-256(pad80(X) || pad80(Y)) of the uncompressed point,
 * which is the last 133 bytes (04 || X || Y) of a P-521 SubjectPublicKeyInfo. */
static gboolean
testHashPublicKey(const char *spki_path, char ret_hash[VIR_UV_KEY_HASH_HEX_LEN + 1])
{
    g_autofree char *der = NULL;
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    guint8 buf[160] = { 0 };
    const guint8 *point;
    gsize len = 0;

    if (!g_file_get_contents(spki_path, &der, &len, NULL) || len < 133)
        return FALSE;
    point = (const guint8 *)der + len - 133;
    if (point[0] != 0x04)
        return FALSE;
    memcpy(buf + 80 - 66, point + 1, 66);
    memcpy(buf + 160 - 66, point + 67, 66);
    g_checksum_update(sum, buf, sizeof(buf));
    g_strlcpy(ret_hash, g_checksum_get_string(sum), VIR_UV_KEY_HASH_HEX_LEN + 1);
    return TRUE;
}

static gboolean
testMakeCert(const char *name, const char *curve, char **ret_pem, char **ret_der,
             char *ret_hash)
{
    g_autofree char *key = g_strdup_printf("%s/%s.key", testDir, name);
    g_autofree char *pem = g_strdup_printf("%s/%s.crt", testDir, name);
    g_autofree char *der = g_strdup_printf("%s/%s.der", testDir, name);
    g_autofree char *pub = g_strdup_printf("%s/%s.pub", testDir, name);
    g_autofree char *spki = g_strdup_printf("%s/%s.spki", testDir, name);
    g_autofree char *subject = g_strdup_printf("/CN=%s/O=virt-pv test host-key document", name);
    g_autofree char *param = g_strdup_printf("ec_paramgen_curve:%s", curve);
    const char *req[] = { "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", param,
                          "-nodes", "-subj", subject, "-days", "2", "-keyout", key,
                          "-out", pem, NULL };
    const char *to_der[] = { "openssl", "x509", "-in", pem, "-outform", "DER", "-out", der,
                             NULL };
    const char *to_pub[] = { "openssl", "x509", "-in", pem, "-noout", "-pubkey", "-out", pub,
                             NULL };
    const char *to_spki[] = { "openssl", "pkey", "-pubin", "-in", pub, "-outform", "DER",
                              "-out", spki, NULL };

    if (testRun(req) != 0 || testRun(to_der) != 0 || testRun(to_pub) != 0 ||
        testRun(to_spki) != 0)
        return FALSE;
    if (ret_hash && !testHashPublicKey(spki, ret_hash))
        return FALSE;
    *ret_pem = g_steal_pointer(&pem);
    *ret_der = g_steal_pointer(&der);
    return TRUE;
}

/* ---- host-key documents --------------------------------------------------- */

static int
testDocumentHash(const void *data)
{
    const testHostKey *key = data;
    const char *paths[] = { key->cert, key->der };
    guint i;

    for (i = 0; i < G_N_ELEMENTS(paths); i++) {
        g_autoptr(virHostKeyDocument) doc = NULL;
        g_autoptr(GError) error = NULL;

        if (!virHostKeyDocumentLoad(paths[i], &doc, &error)) {
            virTestDiag("%s", error->message);
            return -1;
        }
        if (!g_str_equal(doc->hash, key->hash)) {
            virTestDiag("%s: hash %s, expected %s", paths[i], doc->hash, key->hash);
            return -1;
        }
    }
    return 0;
}

typedef struct {
    const char *name;
    const char *contents; /* NULL: a P-256 certificate; "" + size: zeros */
    gsize size;
    const char *expect;   /* in the message */
} testBadDocument;

static int
testDocumentBad(const void *data)
{
    const testBadDocument *c = data;
    g_autofree char *path = g_strdup_printf("%s/%s", testDir, c->name);
    g_autofree char *der = NULL;
    g_autofree char *pem = NULL;
    g_autoptr(virHostKeyDocument) doc = NULL;
    g_autoptr(GError) error = NULL;

    if (!c->contents) {
        if (!testMakeCert(c->name, "prime256v1", &pem, &der, NULL))
            return -1;
        g_free(path);
        path = g_steal_pointer(&pem);
    } else if (c->size) {
        g_autofree char *zeros = g_malloc0(c->size);

        if (!g_file_set_contents(path, zeros, (gssize)c->size, NULL))
            return -1;
    } else if (!g_file_set_contents(path, c->contents, -1, NULL)) {
        return -1;
    }
    if (virHostKeyDocumentLoad(path, &doc, &error) || !strstr(error->message, c->expect)) {
        virTestDiag("%s: expected an error with '%s', got %s", c->name, c->expect,
                    error ? error->message : "a hash");
        return -1;
    }
    return 0;
}

/* ---- faked hosts -------------------------------------------------------- */

typedef enum {
    TEST_KEYS_NONE,        /* no keys/ directory (Linux < 6.13) */
    TEST_KEYS_FILES,       /* host_key, backup_host_key, all */
    TEST_KEYS_ALL_ONLY,    /* only keys/all */
    TEST_KEYS_ALL_14,      /* keys/all one line short */
    TEST_KEYS_NOT_HEX,     /* host_key with a non-hex digit */
    TEST_KEYS_TWO_LINES,   /* host_key with two lines */
    TEST_KEYS_HUGE,        /* host_key of 1 MiB */
} testKeysKind;

typedef struct {
    testKeysKind keys;
    const char *host;      /* host key hash */
    const char *backup;    /* backup host key hash, or NULL: zeros */
    const char *max_cpus;  /* NULL: keep the template's */
    const char *supp_ver;  /* query/supp_se_hdr_ver; NULL: keep */
    const char *supp_pcf;  /* query/supp_se_hdr_pcf; NULL: keep */
    gboolean no_dump;      /* facilities without the dump calls */
} testHost;

static gboolean
testWriteHostFile(const char *root, const char *rel, const char *text)
{
    g_autofree char *path = g_build_filename(root, rel, NULL);
    g_autofree char *dir = g_path_get_dirname(path);

    return g_mkdir_with_parents(dir, 0755) == 0 && g_file_set_contents(path, text, -1, NULL);
}

/* Calls 0-9, 11, 13-31, with or without the dump calls
 * (24-27), plus 33 and 34 (retrieve-secret, query-keys) when keys are
 * published. */
static char *
testFacilities(const testHost *h)
{
    guint64 word0 = 0;
    guint bit;

    for (bit = 0; bit < 64; bit++) {
        gboolean set = bit <= 9 || bit == 11 || (bit >= 13 && bit <= 31) ||
                       (h->keys != TEST_KEYS_NONE && (bit == 33 || bit == 34));

        if (h->no_dump && bit >= 24 && bit <= 27)
            set = FALSE;
        if (set)
            word0 |= G_GUINT64_CONSTANT(1) << (63 - bit);
    }
    return g_strdup_printf("%" G_GINT64_MODIFIER "x\n0\n0\n0\n", word0);
}

static char *
testKeysAll(const testHost *h, guint lines)
{
    g_autoptr(GString) all = g_string_new(NULL);
    guint i;

    for (i = 0; i < lines; i++) {
        const char *hash = i == 0 ? h->host : i == 1 ? h->backup : NULL;

        g_string_append_printf(all, "%s\n", hash ? hash : TEST_ZERO_HASH);
    }
    return g_string_free(g_steal_pointer(&all), FALSE);
}

static gboolean
testWriteKeys(const char *root, const testHost *h)
{
    g_autofree char *host_line = g_strdup_printf("%s\n", h->host);
    g_autofree char *backup_line = g_strdup_printf("%s\n", h->backup ? h->backup
                                                                   : TEST_ZERO_HASH);
    g_autofree char *all = testKeysAll(h, h->keys == TEST_KEYS_ALL_14 ? 14 : 15);
    g_autofree char *broken = NULL;

    switch (h->keys) {
    case TEST_KEYS_NONE:
        return TRUE;
    case TEST_KEYS_ALL_ONLY:
    case TEST_KEYS_ALL_14:
        return testWriteHostFile(root, "sys/firmware/uv/keys/all", all);
    case TEST_KEYS_NOT_HEX:
        broken = g_strdup(host_line);
        broken[10] = 'g';
        break;
    case TEST_KEYS_TWO_LINES:
        broken = g_strdup_printf("%s%s", host_line, host_line);
        break;
    case TEST_KEYS_HUGE:
        broken = g_strnfill(1024 * 1024, 'a');
        break;
    case TEST_KEYS_FILES:
    default:
        break;
    }
    return testWriteHostFile(root, "sys/firmware/uv/keys/all", all) &&
           testWriteHostFile(root, "sys/firmware/uv/keys/host_key",
                             broken ? broken : host_line) &&
           testWriteHostFile(root, "sys/firmware/uv/keys/backup_host_key", backup_line);
}

static char *
testMakeRoot(const char *name, const testHost *h)
{
    g_autofree char *root = g_build_filename(testDir, name, NULL);
    g_autofree char *template = virTestDataPath("hostvalidatedata/s390x-pv-ok");
    g_autofree char *facilities = testFacilities(h);
    g_autofree char *max_cpus = h->max_cpus ? g_strdup_printf("%s\n", h->max_cpus) : NULL;
    g_autofree char *ver = h->supp_ver ? g_strdup_printf("%s\n", h->supp_ver) : NULL;
    g_autofree char *pcf = h->supp_pcf ? g_strdup_printf("%s\n", h->supp_pcf) : NULL;
    g_autofree char *src = g_strdup_printf("%s/.", template);
    const char *copy[] = { "cp", "-R", src, root, NULL };

    if (g_mkdir_with_parents(root, 0755) < 0 || testRun(copy) != 0 ||
        !testWriteHostFile(root, "sys/firmware/uv/query/facilities", facilities) ||
        (max_cpus && !testWriteHostFile(root, "sys/firmware/uv/query/max_cpus", max_cpus)) ||
        (ver && !testWriteHostFile(root, "sys/firmware/uv/query/supp_se_hdr_ver", ver)) ||
        (pcf && !testWriteHostFile(root, "sys/firmware/uv/query/supp_se_hdr_pcf", pcf)) ||
        !testWriteKeys(root, h))
        return NULL;
    return g_steal_pointer(&root);
}

/* ---- validate and the hook against a faked host ------------------------ */

typedef struct {
    const char *name;
    testHost host;
    testLayout layout;
    const char *slots[TEST_SE_MAX_HASHES]; /* "A", "B", "C", or a literal hash */
    guint64 pcf;
    guint32 version;           /* of the header; 0: 0x100 */
    const char *domain_extra;  /* XML after </devices>' opening, e.g. a watchdog */
    const char *on_crash;      /* NULL: none */
    guint vcpus;               /* 0: 2 */
    const char *expect;        /* the host-fit codes found, space-separated */
    int status;                /* validate's exit status */
    const char *in_message;    /* a text the findings must contain, or NULL */
    const char *not_in_message; /* a text they must not contain, or NULL */
} testFitCase;

/* The codes this test is about, in the order they are listed. */
static const char *const testFitCodes[] = {
    "kernel-wrong-host-key", "kernel-backup-host-key-only", "kernel-host-keys-unknown",
    "kernel-header-version-unsupported", "kernel-pcf-unsupported", "crash-dump-not-allowed",
    "too-many-vcpus", "kernel-not-se-image", "host-no-pv",
};

static char *
testFoundCodes(const char *json)
{
    g_autoptr(GString) codes = g_string_new(NULL);
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(testFitCodes); i++) {
        g_autofree char *quoted = g_strdup_printf("\"code\":\"%s\"", testFitCodes[i]);

        if (strstr(json, quoted))
            g_string_append_printf(codes, "%s%s", codes->len ? " " : "", testFitCodes[i]);
    }
    return g_string_free(g_steal_pointer(&codes), FALSE);
}

static const char *
testSlotHash(const char *slot)
{
    if (!slot)
        return NULL;
    if (g_str_equal(slot, "A"))
        return KEY_A;
    if (g_str_equal(slot, "B"))
        return KEY_B;
    if (g_str_equal(slot, "C"))
        return KEY_C;
    return slot;
}

static char *
testFitDomain(const testFitCase *c)
{
    g_autofree char *on_crash =
        c->on_crash ? g_strdup_printf("  <on_crash>%s</on_crash>\n", c->on_crash) : g_strdup("");

    return g_strdup_printf(
        "<domain type='kvm'>\n  <name>%s</name>\n  <memory unit='GiB'>1</memory>\n"
        "  <vcpu>%u</vcpu>\n  <os>\n    <type arch='s390x' machine='s390-ccw-virtio'>hvm</type>\n"
        "    <kernel>/boot/se.img</kernel>\n  </os>\n%s  <launchSecurity type='s390-pv'/>\n"
        "  <devices>\n    <memballoon model='none'/>\n%s  </devices>\n</domain>\n",
        c->name, c->vcpus ? c->vcpus : 2, on_crash, c->domain_extra ? c->domain_extra : "");
}

/* Build the host and the image, write the domain; its path. */
static char *
testFitPrepare(const testFitCase *c, char **ret_root, char **ret_xml)
{
    testImageSpec spec = { .layout = c->layout ? c->layout : TEST_LAYOUT_PVIMG,
                           .encrypted_size = 128, .encrypted_pages = 12, .pcf = c->pcf,
                           .version = c->version };
    g_autofree char *root = NULL;
    g_autofree char *image = NULL;
    g_autofree char *image_dir = NULL;
    g_autofree char *xml_path = NULL;
    guint i;

    for (i = 0; i < TEST_SE_MAX_HASHES && c->slots[i]; i++)
        spec.slot_hashes[i] = testSlotHash(c->slots[i]);
    spec.key_slots = MAX(i, 1);
    if (!(root = testMakeRoot(c->name, &c->host)))
        return NULL;
    image_dir = g_build_filename(root, "boot", NULL);
    image = g_build_filename(image_dir, "se.img", NULL);
    xml_path = g_strdup_printf("%s/%s.xml", testDir, c->name);
    *ret_xml = testFitDomain(c);
    if (g_mkdir_with_parents(image_dir, 0755) < 0 ||
        !testImageWrite(image, &spec) || !g_file_set_contents(xml_path, *ret_xml, -1, NULL))
        return NULL;
    *ret_root = g_steal_pointer(&root);
    return g_steal_pointer(&xml_path);
}

static int
testFitValidate(const void *data)
{
    const testFitCase *c = data;
    g_autofree char *root = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *xml_path = testFitPrepare(c, &root, &xml);
    g_autofree char *out = NULL;
    g_autofree char *codes = NULL;
    const char *argv[] = { virTestProgram(), "--root", root, "--json", "validate",
                           "--host-key-document", testKeys[0].cert, xml_path, NULL };
    int status;

    if (!xml_path)
        return -1;
    status = virTestRunCommand(argv, NULL, &out, NULL);
    codes = testFoundCodes(out ? out : "");
    if (status != c->status || !g_str_equal(codes, c->expect) ||
        (c->in_message && !strstr(out, c->in_message)) ||
        (c->not_in_message && strstr(out, c->not_in_message))) {
        virTestDiag("expected [%s] and exit %d%s%s, got [%s] and exit %d:\n%s", c->expect,
                    c->status, c->in_message ? " with " : "",
                    c->in_message ? c->in_message : "", codes, status, out ? out : "");
        return -1;
    }
    return 0;
}

/* The hook decides the same on the same host: it refuses the start
 * exactly when validate finds errors, and names the code on stderr. */
static int
testFitHook(const void *data)
{
    const testFitCase *c = data;
    g_autofree char *name = g_strdup_printf("hook-%s", c->name);
    testFitCase hc = *c;
    g_autofree char *root = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *xml_path = NULL;
    g_autofree char *conf = g_strdup_printf("%s/%s.conf", testDir, name);
    g_autofree char *conf_text = g_strdup_printf("[virt-pv]\ncheck_qemu = false\n"
                                                 "host_key_documents = %s\n",
                                                 testKeys[0].cert);
    g_autofree char *err = NULL;
    const char *argv[] = { virTestProgram(), "--root", NULL, "hook", "--config", conf, "qemu",
                           c->name, "prepare", "begin", "-", NULL };
    const char *first = strchr(c->expect, ' ');
    g_autofree char *first_code = first ? g_strndup(c->expect, first - c->expect)
                                        : g_strdup(c->expect);
    int status;

    hc.name = name;
    if (!(xml_path = testFitPrepare(&hc, &root, &xml)) ||
        !g_file_set_contents(conf, conf_text, -1, NULL))
        return -1;
    argv[2] = root;
    status = virTestRunCommand(argv, xml, NULL, &err);
    if (status != c->status || (c->status != 0 && !strstr(err, first_code))) {
        virTestDiag("hook: expected exit %d naming %s, got %d:\n%s", c->status, first_code,
                    status, err ? err : "");
        return -1;
    }
    return 0;
}

/* validate --host reads the real root; on a host that is not s390x that
 * is one finding, host-no-pv. */
static int
testValidateHost(const void *data)
{
    g_autofree char *cpuinfo = NULL;
    g_autofree char *xml_path = g_strdup_printf("%s/host.xml", testDir);
    g_autofree char *out = NULL;
    const testFitCase c = { .name = "host", .vcpus = 2 };
    g_autofree char *xml = testFitDomain(&c);
    const char *argv[] = { virTestProgram(), "--json", "validate", "--host", xml_path, NULL };
    int status;

    if (g_file_get_contents("/proc/cpuinfo", &cpuinfo, NULL, NULL) &&
        strstr(cpuinfo, "IBM/S390")) {
        virTestDiag("an s390x host: skipped (the answer depends on the machine)");
        return 0;
    }
    if (!g_file_set_contents(xml_path, xml, -1, NULL))
        return -1;
    status = virTestRunCommand(argv, NULL, &out, NULL);
    if (status != 1 || !strstr(out, "\"code\":\"host-no-pv\"")) {
        virTestDiag("expected host-no-pv and exit 1, got %d:\n%s", status, out ? out : "");
        return -1;
    }
    return 0;
}

/* image-info says which slot each document opens, and that it did not
 * verify them. */
static int
testImageInfoDocuments(const void *data)
{
    g_autofree char *image = g_strdup_printf("%s/info.img", testDir);
    testImageSpec spec = { .layout = TEST_LAYOUT_GENPROTIMG, .key_slots = 2,
                           .encrypted_size = 128, .encrypted_pages = 4, .pcf = 0xe0,
                           .slot_hashes = { KEY_C, KEY_A } };
    const char *argv[] = { virTestProgram(), "image-info", "--host-key-document",
                           testKeys[0].cert, "--host-key-document", testKeys[1].der, image,
                           NULL };
    g_autofree char *out = NULL;
    g_autofree char *slot1 = g_strdup_printf("slot 1: %s  (host-key document '%s')", KEY_A,
                                             testKeys[0].cert);
    g_autofree char *none = g_strdup_printf("host-key document '%s' (key hash %s) opens no "
                                            "key slot", testKeys[1].der, KEY_B);

    if (!testImageWrite(image, &spec) || virTestRunCommand(argv, NULL, &out, NULL) != 0)
        return -1;
    if (!strstr(out, slot1) || !strstr(out, none) || !strstr(out, "were not verified")) {
        virTestDiag("expected '%s' and '%s':\n%s", slot1, none, out);
        return -1;
    }
    return 0;
}

/* The same as JSON: pvimg's keyslots[].phkh_hex, and per document its
 * hash, its slot (null for none) and that it was not verified. */
static int
testImageInfoDocumentsJSON(const void *data)
{
    g_autofree char *image = g_strdup_printf("%s/info-json.img", testDir);
    testImageSpec spec = { .layout = TEST_LAYOUT_PVIMG, .key_slots = 2, .encrypted_size = 128,
                           .encrypted_pages = 4, .pcf = 0xe0,
                           .slot_hashes = { KEY_C, KEY_A } };
    const char *argv[] = { virTestProgram(), "--json", "image-info", "--host-key-document",
                           testKeys[0].cert, "--host-key-document", testKeys[1].der, image,
                           NULL };
    g_autofree char *out = NULL;
    g_autofree char *slot = g_strdup_printf("{\"phkh_hex\":\"%s\"", KEY_A);
    g_autofree char *opens = g_strdup_printf("\"key_hash_hex\":\"%s\",\"slot\":1,"
                                             "\"verified\":false", KEY_A);
    g_autofree char *none = g_strdup_printf("\"key_hash_hex\":\"%s\",\"slot\":null", KEY_B);

    if (!testImageWrite(image, &spec) || virTestRunCommand(argv, NULL, &out, NULL) != 0)
        return -1;
    if (!strstr(out, slot) || !strstr(out, opens) || !strstr(out, none) ||
        !strstr(out, "\"pcf_hex\":\"00000000000000e0\"")) {
        virTestDiag("expected %s, %s and %s:\n%s", slot, opens, none, out);
        return -1;
    }
    return 0;
}

/* A host-key document the hook cannot read is a warning: it only names
 * documents in hints, and never refuses a start for it. */
static int
testHookMissingDocument(const void *data)
{
    static const testFitCase c = { .name = "hook-missing-document",
                                   .host = { .keys = TEST_KEYS_FILES }, .slots = { "A" } };
    testFitCase hc = c;
    g_autofree char *root = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *xml_path = NULL;
    g_autofree char *conf = g_strdup_printf("%s/missing-document.conf", testDir);
    g_autofree char *conf_text = g_strdup_printf("[virt-pv]\ncheck_qemu = false\n"
                                                 "host_key_documents = %s/no-such.crt\n",
                                                 testDir);
    g_autofree char *err = NULL;
    const char *argv[] = { virTestProgram(), "--root", NULL, "hook", "--config", conf, "qemu",
                           c.name, "prepare", "begin", "-", NULL };
    int status;

    hc.host.host = KEY_A;
    if (!(xml_path = testFitPrepare(&hc, &root, &xml)) ||
        !g_file_set_contents(conf, conf_text, -1, NULL))
        return -1;
    argv[2] = root;
    status = virTestRunCommand(argv, xml, NULL, &err);
    if (status != 0 || !strstr(err, "warning:") || !strstr(err, "no-such.crt")) {
        virTestDiag("expected exit 0 and a warning naming no-such.crt, got %d:\n%s", status,
                    err ? err : "");
        return -1;
    }
    return 0;
}

#define PCF_PCKMO G_GUINT64_CONSTANT(0xe0)
#define PCF_DUMP G_GUINT64_CONSTANT(0x20000000)
#define PCF_BACKUP G_GUINT64_CONSTANT(0x2)

static int
testFitCases(void)
{
    int ret = 0;

#define DO_TEST_FIT(title, expect_codes, exit_status, ...) \
    do { \
        static const testFitCase c = { .name = title, .expect = expect_codes, \
                                       .status = exit_status, __VA_ARGS__ }; \
        if (virTestRun("validate on a faked host: " title, testFitValidate, &c) < 0) \
            ret = -1; \
        if (virTestRun("hook on a faked host: " title, testFitHook, &c) < 0) \
            ret = -1; \
    } while (0)
#define HOST_KEYS(kind) .host = { .keys = kind, .host = KEY_A, .backup = KEY_B }

    /* The keys. */
    DO_TEST_FIT("host-key-matches", "", 0, HOST_KEYS(TEST_KEYS_FILES), .slots = { "A" },
                .pcf = PCF_PCKMO);
    DO_TEST_FIT("host-key-in-second-slot", "", 0, HOST_KEYS(TEST_KEYS_FILES),
                .slots = { "C", "A" }, .pcf = PCF_PCKMO, .layout = TEST_LAYOUT_GENPROTIMG);
    DO_TEST_FIT("host-key-from-all", "", 0, HOST_KEYS(TEST_KEYS_ALL_ONLY), .slots = { "A" });
    DO_TEST_FIT("backup-key-only", "kernel-backup-host-key-only", 0,
                HOST_KEYS(TEST_KEYS_FILES), .slots = { "B", "C" }, .pcf = PCF_PCKMO,
                .in_message = "does not enable backup target keys");
    DO_TEST_FIT("backup-key-only-backup-keys-enabled", "kernel-backup-host-key-only", 0,
                HOST_KEYS(TEST_KEYS_FILES), .slots = { "C", "B" },
                .pcf = PCF_PCKMO | PCF_BACKUP, .in_message = "not with its host key",
                .not_in_message = "may refuse");
    DO_TEST_FIT("no-key-matches", "kernel-wrong-host-key", 1, HOST_KEYS(TEST_KEYS_FILES),
                .slots = { "C" }, .in_message = "host-key document '");
    /* One hex digit off the host key's hash. */
    DO_TEST_FIT("near-miss-hash", "kernel-wrong-host-key", 1,
                .host = {
                    .keys = TEST_KEYS_FILES,
                    .host = "0b729fd62241b339840d61b964a06bb6a1fd4976d9ebea2b4fb48d44de3a2461",
                },
                .slots = { "0b729fd62241b339840d61b964a06bb6a1fd4976d9ebea2b4fb48d44de3a2460" },
                .in_message = "host key 0b729fd6…");
    DO_TEST_FIT("keys-missing", "kernel-host-keys-unknown", 0,
                .host = { .keys = TEST_KEYS_NONE }, .slots = { "C" },
                .in_message = "Linux before 6.13");
    DO_TEST_FIT("keys-all-14-lines", "kernel-host-keys-unknown", 0,
                HOST_KEYS(TEST_KEYS_ALL_14), .slots = { "C" },
                .in_message = "expected 15 lines, found 14");
    DO_TEST_FIT("keys-not-hex", "kernel-host-keys-unknown", 0, HOST_KEYS(TEST_KEYS_NOT_HEX),
                .slots = { "A" }, .in_message = "not a hash of 64 hexadecimal digits");
    DO_TEST_FIT("keys-two-lines", "kernel-host-keys-unknown", 0,
                HOST_KEYS(TEST_KEYS_TWO_LINES), .slots = { "A" },
                .in_message = "expected 1 line, found 2");
    DO_TEST_FIT("keys-1-mib", "kernel-host-keys-unknown", 0, HOST_KEYS(TEST_KEYS_HUGE),
                .slots = { "A" }, .in_message = "is larger than 4096 bytes");

    /* Header version and plaintext control flags. */
    DO_TEST_FIT("header-version-unsupported", "kernel-header-version-unsupported", 1,
                .host = { .keys = TEST_KEYS_FILES, .host = KEY_A,
                          .supp_ver = "4000000000000000" },
                .slots = { "A" }, .in_message = "supports 0x200");
    DO_TEST_FIT("version-2-on-a-version-1-host", "kernel-header-version-unsupported", 1,
                .host = { .keys = TEST_KEYS_FILES, .host = KEY_A,
                          .supp_ver = "8000000000000000" },
                .slots = { "C" }, .version = 0x200, .in_message = "has version 0x200");
    DO_TEST_FIT("version-2-on-a-version-2-host", "", 0,
                .host = { .keys = TEST_KEYS_FILES, .host = KEY_A,
                          .supp_ver = "c000000000000000" },
                .slots = { "C" }, .version = 0x200,
                .in_message = "whose key slots and flags virt-pv does not read");
    DO_TEST_FIT("header-versions-1-and-2", "", 0,
                .host = { .keys = TEST_KEYS_FILES, .host = KEY_A,
                          .supp_ver = "c000000000000000" },
                .slots = { "A" });
    DO_TEST_FIT("pcf-unsupported", "kernel-pcf-unsupported", 1,
                .host = { .keys = TEST_KEYS_FILES, .host = KEY_A, .supp_pcf = "e0" },
                .slots = { "A" }, .pcf = PCF_PCKMO | PCF_DUMP, .in_message = "allow-dumping");
    DO_TEST_FIT("pcf-supported", "", 0,
                .host = { .keys = TEST_KEYS_FILES, .host = KEY_A, .supp_pcf = "e0" },
                .slots = { "A" }, .pcf = PCF_PCKMO);

    /* Dumps. */
    DO_TEST_FIT("coredump-image-without-dump", "crash-dump-not-allowed", 0,
                HOST_KEYS(TEST_KEYS_FILES), .slots = { "A" }, .pcf = PCF_PCKMO,
                .on_crash = "coredump-restart", .in_message = "does not allow dumping");
    DO_TEST_FIT("coredump-allowed", "", 0, HOST_KEYS(TEST_KEYS_FILES), .slots = { "A" },
                .pcf = PCF_PCKMO | PCF_DUMP, .on_crash = "coredump-destroy");
    DO_TEST_FIT("coredump-host-without-dump", "crash-dump-not-allowed", 0,
                .host = { .keys = TEST_KEYS_FILES, .host = KEY_A, .no_dump = TRUE },
                .slots = { "A" }, .pcf = PCF_PCKMO | PCF_DUMP, .on_crash = "coredump-restart",
                .in_message = "has no dump calls");
    DO_TEST_FIT("on-crash-destroy", "", 0, HOST_KEYS(TEST_KEYS_FILES), .slots = { "A" },
                .pcf = PCF_PCKMO, .on_crash = "destroy");
    DO_TEST_FIT("watchdog-dump", "crash-dump-not-allowed", 0, HOST_KEYS(TEST_KEYS_FILES),
                .slots = { "A" }, .pcf = PCF_PCKMO,
                .domain_extra = "    <watchdog model='diag288' action='dump'/>\n",
                .in_message = "watchdog's action='dump'");
    DO_TEST_FIT("watchdog-reset", "", 0, HOST_KEYS(TEST_KEYS_FILES), .slots = { "A" },
                .pcf = PCF_PCKMO,
                .domain_extra = "    <watchdog model='diag288' action='reset'/>\n");

    /* The Ultravisor's max_cpus below QEMU's 247. */
    DO_TEST_FIT("uv-max-cpus-exceeded", "too-many-vcpus", 1,
                .host = { .keys = TEST_KEYS_FILES, .host = KEY_A, .max_cpus = "16" },
                .slots = { "A" }, .vcpus = 17, .in_message = "at most 16");
    DO_TEST_FIT("uv-max-cpus-reached", "", 0,
                .host = { .keys = TEST_KEYS_FILES, .host = KEY_A, .max_cpus = "16" },
                .slots = { "A" }, .vcpus = 16);
    DO_TEST_FIT("uv-max-cpus-above-qemu", "too-many-vcpus", 1,
                .host = { .keys = TEST_KEYS_FILES, .host = KEY_A, .max_cpus = "248" },
                .slots = { "A" }, .vcpus = 248, .in_message = "at most 247");
    return ret;
}

static int
mymain(void)
{
    int ret = 0;
    gsize i;

    testDir = g_dir_make_tmp("virt-pv-hostfit-XXXXXX", NULL);
    if (!testDir)
        return -1;
    for (i = 0; i < G_N_ELEMENTS(testKeys); i++) {
        if (!testMakeCert(testKeys[i].name, "secp521r1", &testKeys[i].cert, &testKeys[i].der,
                          testKeys[i].hash)) {
            virTestDiag("cannot make a P-521 host-key document with openssl");
            return -1;
        }
    }

    for (i = 0; i < G_N_ELEMENTS(testKeys); i++) {
        g_autofree char *title = g_strdup_printf("host-key document hash: %s (PEM and DER)",
                                                 testKeys[i].name);

        if (virTestRun(title, testDocumentHash, &testKeys[i]) < 0)
            ret = -1;
    }

#define DO_TEST_BAD_DOC(name, contents, size, expect) \
    do { \
        static const testBadDocument c = { name, contents, size, expect }; \
        if (virTestRun("not a host-key document: " name, testDocumentBad, &c) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST_BAD_DOC("p256", NULL, 0, "not P-521");
    DO_TEST_BAD_DOC("garbage", "this is no certificate\n", 0, "no X.509 certificate");
    DO_TEST_BAD_DOC("truncated-pem", "-----BEGIN CERTIFICATE-----\nMIIB\n", 0,
                    "no X.509 certificate");
    DO_TEST_BAD_DOC("two-mib", "", 2 * 1024 * 1024, "larger than");

    if (virTestRun("image-info --host-key-document", testImageInfoDocuments, NULL) < 0)
        ret = -1;
    if (virTestRun("image-info --json --host-key-document", testImageInfoDocumentsJSON,
                   NULL) < 0)
        ret = -1;
    if (virTestRun("hook with a host-key document it cannot read", testHookMissingDocument,
                   NULL) < 0)
        ret = -1;
    if (testFitCases() < 0)
        ret = -1;
    if (virTestRun("validate --host on this machine", testValidateHost, NULL) < 0)
        ret = -1;

    if (!g_getenv("VIRT_PV_TEST_KEEP")) {
        const char *rm[] = { "rm", "-rf", testDir, NULL };

        testRun(rm);
    }
    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
