/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include <json-glib/json-glib.h>

#include "qemu/qemu_capabilities.h"
#include "qemu/qemu_error.h"
#include "testutils.h"

/*
 * The probe against recorded QMP conversations: <case>.replies in, and
 * what `virt-pv domcapabilities --replies` prints out, as XML (<case>.xml)
 * and as JSON (<case>.json, which other tests load with --caps).  Broken
 * recordings give <case>.err.  Damaged capabilities files (what
 * `--caps FILE` and the cache read) are refused.
 */

typedef struct {
    const char *name;
    gboolean json;
} testCapsCase;

/* The golden file is exactly what the command prints, so that <case>.json
 * is itself a capabilities file for `--caps` in the other tests. */
static int
testCapsCommand(const void *data)
{
    const testCapsCase *c = data;
    g_autofree char *replies = virTestDataPath("qemucapabilitiesdata/%s.replies", c->name);
    g_autofree char *golden = virTestDataPath("qemucapabilitiesdata/%s.%s", c->name,
                                              c->json ? "json" : "xml");
    const char *argv[] = { virTestProgram(), "domcapabilities", "--replies", replies,
                           c->json ? "--json" : NULL, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = virTestRunCommand(argv, NULL, &out, &err);

    if (status != 0 || (err && *err)) {
        virTestDiag("exit status %d: %s", status, err ? err : "");
        return -1;
    }
    return virTestCompareToFile(out, golden);
}

static int
testCapsError(const void *data)
{
    const char *name = data;
    g_autofree char *replies = virTestDataPath("qemucapabilitiesdata/%s.replies", name);
    g_autofree char *golden = virTestDataPath("qemucapabilitiesdata/%s.err", name);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *actual = NULL;
    const char *argv[] = { virTestProgram(), "domcapabilities", "--replies", replies, NULL };
    int status = virTestRunCommand(argv, NULL, &out, &err);
    g_autofree char *srcdir = virTestDataPath("%s", "/");

    if (status < 0)
        return -1;
    /* The message names the file; keep the golden file free of the
     * source directory. */
    actual = g_strdup_printf("%s%s[exit status %d]\n", out, err, status);
    while (strstr(actual, srcdir)) {
        char *at = strstr(actual, srcdir);
        char *fixed = g_strdup_printf("%.*s%s", (int)(at - actual), actual, at + strlen(srcdir));

        g_free(actual);
        actual = fixed;
    }
    return virTestCompareToFile(actual, golden);
}

static virQEMUCaps *
testCapsLoadReplies(const char *name)
{
    g_autofree char *replies = virTestDataPath("qemucapabilitiesdata/%s.replies", name);
    g_autoptr(GError) error = NULL;
    virQEMUCaps *caps = NULL;

    if (!virQEMUCapsNewFromReplies(replies, VIR_QEMU_CAPS_DEFAULT_EMULATOR, &caps, &error))
        virTestDiag("%s", error->message);
    return caps;
}

/* JSON out, JSON in, JSON out again: nothing lost or changed. */
static int
testCapsRoundTrip(const void *data)
{
    g_autoptr(virQEMUCaps) caps = testCapsLoadReplies(data);
    g_autoptr(virQEMUCaps) again = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *first = NULL;
    g_autofree char *second = NULL;

    if (!caps)
        return -1;
    first = virQEMUCapsFormatJSON(caps, FALSE);
    if (!virQEMUCapsParseJSON(first, strlen(first), "first", &again, &error)) {
        virTestDiag("%s", error->message);
        return -1;
    }
    second = virQEMUCapsFormatJSON(again, FALSE);
    if (!g_str_equal(first, second)) {
        virTestDiag("before: %s\nafter:  %s", first, second);
        return -1;
    }
    return 0;
}

typedef struct {
    const char *name;
    const char *text;
    const char *error_text;
} testBadCapsCase;

static int
testCapsBadFile(const void *data)
{
    const testBadCapsCase *c = data;
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(GError) error = NULL;

    if (virQEMUCapsParseJSON(c->text, strlen(c->text), "caps.json", &caps, &error)) {
        virTestDiag("a damaged file was accepted");
        return -1;
    }
    if (!g_error_matches(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_CACHE) ||
        !strstr(error->message, c->error_text)) {
        virTestDiag("error '%s', expected one containing '%s'", error->message, c->error_text);
        return -1;
    }
    return 0;
}

/* Half a million nested arrays: json-glib would recurse once per level and
 * overflow the stack, so the depth is refused before it parses. */
static int
testCapsDeep(const void *data)
{
    const gsize levels = 500000;
    g_autofree char *open = g_strnfill(levels, '[');
    g_autofree char *close = g_strnfill(levels, ']');
    g_autofree char *text = g_strconcat(open, close, NULL);
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(GError) error = NULL;

    if (virQEMUCapsParseJSON(text, 2 * levels, "deep.json", &caps, &error)) {
        virTestDiag("a deeply nested file was accepted");
        return -1;
    }
    if (!g_error_matches(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_CACHE) ||
        !strstr(error->message, "nested deeper than")) {
        virTestDiag("unexpected error '%s'", error->message);
        return -1;
    }
    return 0;
}

/* A good file cut short at every length fails cleanly, never crashes. */
static int
testCapsTruncated(const void *data)
{
    g_autoptr(virQEMUCaps) caps = testCapsLoadReplies(data);
    g_autofree char *text = NULL;
    gsize len;
    gsize cut;

    if (!caps)
        return -1;
    text = virQEMUCapsFormatJSON(caps, TRUE);
    len = strlen(text);
    for (cut = 0; cut + 2 < len; cut++) {
        g_autoptr(virQEMUCaps) partial = NULL;
        g_autoptr(GError) partial_error = NULL;

        if (virQEMUCapsParseJSON(text, cut, "cut.json", &partial, &partial_error)) {
            virTestDiag("accepted after %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes", cut,
                        len);
            return -1;
        }
    }
    return 0;
}

typedef struct {
    const char *name;
    gboolean from_json; /* NAME.json (built from libvirt's recording), not NAME.replies */
    guint version;
    const char *package;
    gboolean kvm;
    const char *host_model;
} testCapsValues;

/* The values of the conversation (query-version, query-target, query-kvm
 * and query-cpu-model-expansion) as the product hands them on: in the JSON
 * form that domcapabilities --json prints and the cache stores, and in
 * what validation and the host check judge (virQEMUCapsGetPV()). */
static int
testCapsCheckValues(const testCapsValues *c, const char *what, const virQEMUCaps *caps)
{
    g_autofree char *text = virQEMUCapsFormatJSON(caps, FALSE);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    g_auto(virQEMUCapsPV) pv = { 0 };
    JsonObject *obj;
    JsonObject *version;
    JsonObject *host_model;
    const char *arch;
    const char *package;
    const char *model_name;
    gboolean kvm_present;

    if (!json_parser_load_from_data(parser, text, -1, &error)) {
        virTestDiag("%s", error->message);
        return -1;
    }
    obj = json_node_get_object(json_parser_get_root(parser));
    version = json_object_get_object_member(obj, "version");
    host_model = json_object_get_null_member(obj, "host-model")
                     ? NULL
                     : json_object_get_object_member(obj, "host-model");
    arch = json_object_get_string_member(obj, "arch");
    package = json_object_get_string_member(version, "package");
    kvm_present = json_object_get_boolean_member(json_object_get_object_member(obj, "kvm"),
                                                 "present");
    model_name = host_model ? json_object_get_string_member(host_model, "name") : NULL;
    virQEMUCapsGetPV(caps, &pv);
    if (g_strcmp0(arch, "s390x") != 0 || pv.version != c->version ||
        g_strcmp0(package, c->package) != 0 || kvm_present != c->kvm ||
        g_strcmp0(model_name, c->host_model) != 0) {
        virTestDiag("%s: arch %s, version %u, package '%s', kvm %d, host model %s", what, arch,
                    pv.version, package, kvm_present, model_name ? model_name : "(none)");
        return -1;
    }
    return 0;
}

/* The same before and after a trip through the JSON cache format. */
static int
testCapsValuesKept(const void *data)
{
    const testCapsValues *c = data;
    g_autofree char *json = virTestDataPath("qemucapabilitiesdata/%s.json", c->name);
    g_autoptr(virQEMUCaps) live = NULL;
    g_autoptr(virQEMUCaps) stored = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;

    if (c->from_json && !virQEMUCapsLoadFile(json, &live, &error)) {
        virTestDiag("%s", error->message);
        return -1;
    }
    if (!c->from_json && !(live = testCapsLoadReplies(c->name)))
        return -1;
    text = virQEMUCapsFormatJSON(live, FALSE);
    if (!virQEMUCapsParseJSON(text, strlen(text), "stored", &stored, &error)) {
        virTestDiag("%s", error->message);
        return -1;
    }
    if (testCapsCheckValues(c, "probed", live) < 0 ||
        testCapsCheckValues(c, "stored", stored) < 0)
        return -1;
    return 0;
}

static int
mymain(void)
{
    int ret = 0;

#define DO_TEST_FULL(name, json, suffix) \
    do { \
        static const testCapsCase c = { name, json }; \
        if (virTestRun("domcapabilities " name suffix, testCapsCommand, &c) < 0) \
            ret = -1; \
    } while (0)
#define DO_TEST(name) \
    do { \
        DO_TEST_FULL(name, FALSE, ""); \
        DO_TEST_FULL(name, TRUE, " --json"); \
        if (virTestRun("round trip " name, testCapsRoundTrip, name) < 0) \
            ret = -1; \
    } while (0)
#define DO_TEST_ERROR(name) \
    do { \
        if (virTestRun("domcapabilities " name, testCapsError, name) < 0) \
            ret = -1; \
    } while (0)
#define DO_TEST_BAD_FILE(name, text, error) \
    do { \
        static const testBadCapsCase c = { name, text, error }; \
        if (virTestRun("damaged caps file " name, testCapsBadFile, &c) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST("qemu-7.2-s390x-tcg");
    /* The KVM conversations (qemu-*-kvm-*.json and .xml here) are rebuilt
     * from libvirt's real recordings at test time: tests/conformance. */
    /* libvirt's form of a recording: no greeting, libvirt's commands. */
    DO_TEST("libvirt-form-7.2-s390x-tcg");

#define DO_TEST_VALUES(name, from_json, version, package, kvm, host_model) \
    do { \
        static const testCapsValues c = { name, from_json, version, package, kvm, host_model }; \
        if (virTestRun("values of " name, testCapsValuesKept, &c) < 0) \
            ret = -1; \
    } while (0)
    DO_TEST_VALUES("qemu-7.2-s390x-tcg", FALSE, 7002022, "Debian 1:7.2+dfsg-7+deb12u18+b3",
                      FALSE, NULL);
    DO_TEST_VALUES("qemu-8.2-s390x-kvm-pv", TRUE, 8002000, "v8.2.0", TRUE, "gen15a-base");
    DO_TEST_VALUES("qemu-5.2-s390x-kvm-iommu", TRUE, 5002000,
                      "qemu-5.2.0-20201215.0.ba93e22c.fc32", TRUE, "gen15a-base");

    DO_TEST_ERROR("bad-truncated");
    DO_TEST_ERROR("bad-wrong-order");
    DO_TEST_ERROR("bad-not-json");
    DO_TEST_ERROR("bad-libvirt-form-no-types");

    DO_TEST_BAD_FILE("empty", "", "is not a virt-pv capabilities file");
    DO_TEST_BAD_FILE("garbage", "\x7f" "ELF\x02\x01", "is not a virt-pv capabilities file");
    DO_TEST_BAD_FILE("array", "[1, 2]", "member 'format'");
    DO_TEST_BAD_FILE("two-documents", "{\"format\": 1}{}", "text follows the JSON document");
    DO_TEST_BAD_FILE("scalar-then-object", "1 {\"format\": 1}",
                     "text follows the JSON document");
    DO_TEST_BAD_FILE("not-json-start", ".0{\"format\": 1}", "does not start like a JSON value");
    DO_TEST_BAD_FILE("octal-escape", "{\"format\": 1, \"arch\": \"s\\212\"}",
                     "escape sequence that JSON does not have");
    DO_TEST_BAD_FILE("lone-surrogate", "{\"format\": 1, \"arch\": \"s\\udc00\"}",
                     "escape sequence that JSON does not have");
    DO_TEST_BAD_FILE("unpaired-high-surrogate", "{\"format\": 1, \"arch\": \"\\ud800x\"}",
                     "escape sequence that JSON does not have");
    DO_TEST_BAD_FILE("future-format", "{\"format\": 99}", "format this virt-pv does not know");
    DO_TEST_BAD_FILE("wrong-type",
                     "{\"format\": 1, \"emulator\": \"/q\", \"arch\": \"s390x\", "
                     "\"version\": {\"major\": 7, \"minor\": 2, \"micro\": 0, \"package\": \"\"}, "
                     "\"kvm\": {\"present\": \"yes\", \"enabled\": false}}",
                     "member 'present'");
    DO_TEST_BAD_FILE("no-machines",
                     "{\"format\": 1, \"emulator\": \"/q\", \"arch\": \"s390x\", "
                     "\"version\": {\"major\": 7, \"minor\": 2, \"micro\": 0, \"package\": \"\"}, "
                     "\"kvm\": {\"present\": false, \"enabled\": false}, \"s390-pv-guest\": false, "
                     "\"confidential-guest-support\": true, \"host-model\": null}",
                     "member 'machines'");
    if (virTestRun("damaged caps file nested 500,000 levels deep", testCapsDeep, NULL) < 0)
        ret = -1;
    if (virTestRun("damaged caps file cut at every length", testCapsTruncated,
                   "qemu-7.2-s390x-tcg") < 0)
        ret = -1;

    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
