/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "testutils.h"

/*
 * `virt-pv fix` on tests/fixdata/<case>.xml: the repaired definition is
 * compared to <case>.fixed.xml and the report (standard error and exit
 * status) to <case>.out.  Every repaired file is also checked to
 *   - be a fixed point: fix on it changes nothing and reports nothing;
 *   - pass libvirt's own schema (virt-xml-validate), unless the case
 *     carries elements that libvirt does not know on purpose;
 *   - leave `virt-pv validate` no finding that fix repairs, except those
 *     the case expects fix to refuse.
 * Preservation is tested by the golden files themselves: they are the
 * input with only the repairs applied, byte for byte.
 *
 * The findings that fix repairs are those the rule table gives a repair
 * (src/qemu/qemu_validate.c), as `virt-pv --dump-options` prints them;
 * for each, some case must have it in its input and not in its result.
 * validate judges a file twice: with --pv (a guest without launchSecurity
 * in iommu mode) and under require-pv.conf (one that is not PV at all
 * fails pv-required).
 */

typedef struct {
    const char *name;
    const char *mode;    /* NULL: the default */
    gboolean schema;     /* the result must pass virt-xml-validate */
    const char *refused; /* repairable codes left on purpose, ','-separated;
                          * "*": fix does not touch this definition */
} testFixCase;

/* The codes of findings that fix repairs, from the rule table. */
static GStrv testRepairableCodes;
/* Each of those codes that a case repaired -> that case's name. */
static GHashTable *testRepaired;

/* The "finding CODE REPAIR" records of --dump-options whose REPAIR is
 * not "-". */
static GStrv
testLoadRepairableCodes(void)
{
    const char *argv[] = { virTestProgram(), "--dump-options", NULL };
    g_autoptr(GStrvBuilder) codes = g_strv_builder_new();
    g_autofree char *out = NULL;
    g_auto(GStrv) lines = NULL;
    gsize i;

    if (virTestRunCommand(argv, NULL, &out, NULL) != 0)
        return NULL;
    lines = g_strsplit(out, "\n", -1);
    for (i = 0; lines[i]; i++) {
        g_auto(GStrv) fields = g_strsplit(lines[i], "\t", -1);

        if (g_strv_length(fields) == 3 && g_str_equal(fields[0], "finding") &&
            !g_str_equal(fields[2], "-"))
            g_strv_builder_add(codes, fields[1]);
    }
    return g_strv_builder_end(codes);
}

static char *
testWriteTemp(const char *contents, gsize len)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL;
    int fd = g_file_open_tmp("virt-pv-fix-XXXXXX.xml", &path, &error);

    if (fd < 0) {
        virTestDiag("cannot create a temporary file: %s", error->message);
        return NULL;
    }
    close(fd);
    if (!g_file_set_contents(path, contents, (gssize)len, &error)) {
        virTestDiag("cannot write '%s': %s", path, error->message);
        g_unlink(path);
        return NULL;
    }
    return g_steal_pointer(&path);
}

static int
testRunFix(const char *mode, const char *file, char **ret_out, char **ret_err)
{
    const char *argv[] = { virTestProgram(), "fix", file, NULL, NULL, NULL };

    if (mode) {
        argv[2] = "--mode";
        argv[3] = mode;
        argv[4] = file;
    }
    return virTestRunCommand(argv, NULL, ret_out, ret_err);
}

static int
testFixedPoint(const testFixCase *c, const char *fixed_path, const char *fixed)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *nothing = g_strdup_printf("%s: nothing to repair\n", fixed_path);
    int status = testRunFix(c->mode, fixed_path, &out, &err);

    if (status < 0)
        return -1;
    /* What fix refuses is reported again; nothing else may be. */
    if (!g_str_equal(out, fixed) || !g_str_has_prefix(err, nothing)) {
        virTestDiag("fixing the result again changed it or found something:\n%s", err);
        return -1;
    }
    return 0;
}

static int
testSchema(const char *fixed_path)
{
    const char *argv[] = { "virt-xml-validate", fixed_path, "domain", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = virTestRunCommand(argv, NULL, &out, &err);

    if (status != 0) {
        virTestDiag("the result fails libvirt's schema:\n%s%s", out ? out : "", err ? err : "");
        return -1;
    }
    return 0;
}

static gboolean
testIsRefused(const testFixCase *c, const char *code)
{
    g_auto(GStrv) refused = g_strsplit(c->refused ? c->refused : "", ",", -1);

    return g_str_equal(c->refused ? c->refused : "", "*") ||
           g_strv_contains((const char *const *)refused, code);
}

/* Add the findings of `virt-pv --json validate OPTION... FILE` to
 * @findings (code -> xpath of the first). */
static gboolean
testFindingsOf(const char *const *options, const char *path, GHashTable *findings)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autofree char *out = NULL;
    JsonArray *problems;
    guint i;

    g_ptr_array_add(argv, (gpointer)virTestProgram());
    g_ptr_array_add(argv, (gpointer) "--json");
    g_ptr_array_add(argv, (gpointer) "validate");
    for (; *options; options++)
        g_ptr_array_add(argv, (gpointer)*options);
    g_ptr_array_add(argv, (gpointer)path);
    g_ptr_array_add(argv, NULL);
    if (virTestRunCommand((const char *const *)argv->pdata, NULL, &out, NULL) < 0)
        return FALSE;
    if (!json_parser_load_from_data(parser, out, -1, NULL) ||
        !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)) ||
        !(problems = json_object_get_array_member(
              json_node_get_object(json_parser_get_root(parser)), "problems"))) {
        virTestDiag("validate printed no JSON object with problems:\n%s", out);
        return FALSE;
    }
    for (i = 0; i < json_array_get_length(problems); i++) {
        JsonObject *problem = json_array_get_object_element(problems, i);
        const char *code = json_object_get_string_member(problem, "code");

        if (!g_hash_table_contains(findings, code))
            g_hash_table_insert(findings, g_strdup(code),
                                g_strdup(json_object_get_string_member(problem, "xpath")));
    }
    return TRUE;
}

/* What validate finds in @path: as a PV guest (--pv, as fix judges its
 * result), and as a guest that must be one (require-pv.conf). */
static GHashTable *
testFindings(const char *path)
{
    static const char *const as_pv[] = { "--pv", NULL };
    static const char *const required[] = { "--config", "require-pv.conf", NULL };
    g_autoptr(GHashTable) findings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                           g_free);

    if (!testFindingsOf(as_pv, path, findings) || !testFindingsOf(required, path, findings))
        return NULL;
    return g_steal_pointer(&findings);
}

/* No finding that fix repairs is left in the repaired file, unless the
 * case expects fix to refuse it; those present in the input are
 * recorded as repaired by this case. */
static int
testValidate(const testFixCase *c, const char *input, const char *fixed_path)
{
    g_autoptr(GHashTable) before = testFindings(input);
    g_autoptr(GHashTable) after = testFindings(fixed_path);
    int ret = 0;
    guint i;

    if (!before || !after)
        return -1;
    for (i = 0; testRepairableCodes[i]; i++) {
        const char *code = testRepairableCodes[i];

        if (g_hash_table_contains(after, code)) {
            if (testIsRefused(c, code))
                continue;
            virTestDiag("validate still finds %s at %s", code,
                        (const char *)g_hash_table_lookup(after, code));
            ret = -1;
        } else if (g_hash_table_contains(before, code) &&
                   !g_hash_table_contains(testRepaired, code)) {
            g_hash_table_insert(testRepaired, (gpointer)code, (gpointer)c->name);
        }
    }
    return ret;
}

/* Some case exercises the repair of the finding @data. */
static int
testRepairCovered(const void *data)
{
    const char *code = data;

    if (!g_hash_table_contains(testRepaired, code)) {
        virTestDiag("no case of fixdata has %s in its input and not in its result: fix "
                    "repairs it (the rule table says so), add a case that shows it",
                    code);
        return -1;
    }
    return 0;
}

static int
testFix(const void *data)
{
    const testFixCase *c = data;
    g_autofree char *input = g_strdup_printf("%s.xml", c->name);
    g_autofree char *golden_xml = virTestDataPath("fixdata/%s.fixed.xml", c->name);
    g_autofree char *golden_out = virTestDataPath("fixdata/%s.out", c->name);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *report = NULL;
    g_autofree char *fixed_path = NULL;
    int status = testRunFix(c->mode, input, &out, &err);
    int ret = 0;

    if (status < 0)
        return -1;
    report = g_strdup_printf("%s[exit status %d]\n", err, status);
    if (virTestCompareToFile(out, golden_xml) < 0)
        ret = -1;
    if (virTestCompareToFile(report, golden_out) < 0)
        ret = -1;
    if (!(fixed_path = testWriteTemp(out, strlen(out))))
        return -1;
    if (testFixedPoint(c, fixed_path, out) < 0)
        ret = -1;
    if (c->schema && testSchema(fixed_path) < 0)
        ret = -1;
    if (testValidate(c, input, fixed_path) < 0)
        ret = -1;
    g_unlink(fixed_path);
    return ret;
}

/* ---- options and files ---------------------------------------------------- */

typedef struct {
    const char *name;
    const char *const argv[6]; /* after "virt-pv" */
} testCommandCase;

static int
testCommand(const void *data)
{
    const testCommandCase *c = data;
    g_autofree char *golden = virTestDataPath("fixdata/%s.cmd", c->name);
    const char *argv[8] = { virTestProgram() };
    guint i;

    for (i = 0; c->argv[i]; i++)
        argv[i + 1] = c->argv[i];
    return virTestCompareCommand(argv, NULL, golden);
}

/* A scratch directory holding a copy of one case. */
typedef struct {
    char *dir;
    char *file;
    char *original;
} testScratch;

static void
testScratchClear(testScratch *s)
{
    g_autoptr(GDir) dir = s->dir ? g_dir_open(s->dir, 0, NULL) : NULL;
    const char *entry;

    while (dir && (entry = g_dir_read_name(dir))) {
        g_autofree char *path = g_build_filename(s->dir, entry, NULL);

        g_unlink(path);
    }
    if (s->dir)
        g_rmdir(s->dir);
    g_free(s->dir);
    g_free(s->file);
    g_free(s->original);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(testScratch, testScratchClear)

static gboolean
testScratchInit(testScratch *s, const char *name)
{
    g_autofree char *src = g_strdup_printf("%s.xml", name);
    g_autoptr(GError) error = NULL;

    if (!(s->dir = g_dir_make_tmp("virt-pv-fix-XXXXXX", &error)) ||
        !g_file_get_contents(src, &s->original, NULL, &error)) {
        virTestDiag("cannot set up: %s", error->message);
        return FALSE;
    }
    s->file = g_build_filename(s->dir, "guest.xml", NULL);
    if (!g_file_set_contents(s->file, s->original, -1, &error)) {
        virTestDiag("cannot set up: %s", error->message);
        return FALSE;
    }
    return TRUE;
}

static gboolean
testFileEquals(const char *path, const char *expected)
{
    g_autofree char *actual = NULL;

    if (!g_file_get_contents(path, &actual, NULL, NULL)) {
        virTestDiag("cannot read '%s'", path);
        return FALSE;
    }
    if (!g_str_equal(actual, expected)) {
        virTestDiag("'%s' does not hold what it should", path);
        return FALSE;
    }
    return TRUE;
}

static guint
testCountEntries(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    guint n = 0;

    while (d && g_dir_read_name(d))
        n++;
    return n;
}

static char *
testGoldenFixed(const char *name)
{
    g_autofree char *path = virTestDataPath("fixdata/%s.fixed.xml", name);
    char *contents = NULL;

    if (!g_file_get_contents(path, &contents, NULL, NULL))
        virTestDiag("cannot read '%s'", path);
    return contents;
}

static int
testInPlace(const void *data)
{
    g_auto(testScratch) s = { 0 };
    g_autofree char *fixed = testGoldenFixed("preserve");
    g_autofree char *backup = NULL;
    const char *argv[] = { virTestProgram(), "-q", "fix", "--in-place", "--backup", ".orig",
                           NULL, NULL };
    struct stat sb;

    if (!fixed || !testScratchInit(&s, "preserve") || chmod(s.file, 0640) < 0)
        return -1;
    argv[6] = s.file;
    backup = g_strconcat(s.file, ".orig", NULL);
    if (virTestRunCommand(argv, NULL, NULL, NULL) != 0)
        return -1;
    if (!testFileEquals(s.file, fixed) || !testFileEquals(backup, s.original))
        return -1;
    if (stat(s.file, &sb) < 0 || (sb.st_mode & 07777) != 0640) {
        virTestDiag("the file lost its mode");
        return -1;
    }
    /* A second run has nothing to do and leaves everything alone. */
    g_unlink(backup);
    if (virTestRunCommand(argv, NULL, NULL, NULL) != 0 || !testFileEquals(s.file, fixed) ||
        g_file_test(backup, G_FILE_TEST_EXISTS)) {
        virTestDiag("a second --in-place run touched the files");
        return -1;
    }
    return testCountEntries(s.dir) == 1 ? 0 : -1;
}

/* Through a symbolic link, the link stays and its target is repaired;
 * the backup sits beside the target. */
static int
testInPlaceSymlink(const void *data)
{
    g_auto(testScratch) s = { 0 };
    g_autofree char *fixed = testGoldenFixed("preserve");
    g_autofree char *link = NULL;
    g_autofree char *backup = NULL;
    const char *argv[] = { virTestProgram(), "-q", "fix", "--in-place", "--backup", ".orig",
                           NULL, NULL };

    if (!fixed || !testScratchInit(&s, "preserve"))
        return -1;
    link = g_build_filename(s.dir, "link.xml", NULL);
    backup = g_strconcat(s.file, ".orig", NULL);
    if (symlink("guest.xml", link) < 0)
        return -1;
    argv[6] = link;
    if (virTestRunCommand(argv, NULL, NULL, NULL) != 0)
        return -1;
    if (!g_file_test(link, G_FILE_TEST_IS_SYMLINK)) {
        virTestDiag("the symbolic link was replaced by a file");
        return -1;
    }
    if (!testFileEquals(s.file, fixed) || !testFileEquals(backup, s.original))
        return -1;
    return 0;
}

static int
testOutput(const void *data)
{
    g_auto(testScratch) s = { 0 };
    g_autofree char *fixed = testGoldenFixed("iommu-basic");
    g_autofree char *out = NULL;
    const char *argv[] = { virTestProgram(), "-q", "fix", "--mode", "iommu", "-o", NULL, NULL,
                           NULL };

    if (!fixed || !testScratchInit(&s, "iommu-basic"))
        return -1;
    out = g_build_filename(s.dir, "out.xml", NULL);
    argv[6] = out;
    argv[7] = s.file;
    if (virTestRunCommand(argv, NULL, NULL, NULL) != 0)
        return -1;
    if (!testFileEquals(out, fixed) || !testFileEquals(s.file, s.original))
        return -1;
    return 0;
}

/* fix - reads standard input, as validate - does, and gives the same
 * repaired definition as for the file; --in-place cannot replace it. */
static int
testStdin(const void *data)
{
    g_autofree char *path = virTestDataPath("fixdata/iommu-basic.xml");
    g_autofree char *input = NULL;
    g_autofree char *from_file = NULL;
    g_autofree char *from_stdin = NULL;
    g_autofree char *err = NULL;
    const char *file_argv[] = { virTestProgram(), "-q", "fix", "--mode", "iommu", path, NULL };
    const char *stdin_argv[] = { virTestProgram(), "-q", "fix", "--mode", "iommu", "-", NULL };
    const char *in_place_argv[] = { virTestProgram(), "fix", "--in-place", "-", NULL };

    if (!g_file_get_contents(path, &input, NULL, NULL) ||
        virTestRunCommand(file_argv, NULL, &from_file, NULL) != 0 ||
        virTestRunCommand(stdin_argv, input, &from_stdin, NULL) != 0)
        return -1;
    if (!*from_stdin || g_strcmp0(from_file, from_stdin) != 0) {
        virTestDiag("fix - gave:\n%s\nfix FILE gave:\n%s", from_stdin, from_file);
        return -1;
    }
    if (virTestRunCommand(in_place_argv, input, NULL, &err) != 2 ||
        !strstr(err, "--in-place needs a file, not standard input")) {
        virTestDiag("fix --in-place -: %s", err ? err : "");
        return -1;
    }
    return 0;
}

/* A write that fails (the directory cannot be written to) leaves the
 * original as it was, and no temporary file behind.  root writes
 * anywhere, so as root the command runs as nobody. */
static int
testFailedWrite(const void *data)
{
    g_auto(testScratch) s = { 0 };
    g_autofree char *err = NULL;
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    int status;

    if (!testScratchInit(&s, "preserve") || chmod(s.file, 0644) < 0 || chmod(s.dir, 0555) < 0)
        return -1;
    if (geteuid() == 0) {
        g_ptr_array_add(argv, (gpointer) "setpriv");
        g_ptr_array_add(argv, (gpointer) "--reuid=65534");
        g_ptr_array_add(argv, (gpointer) "--regid=65534");
        g_ptr_array_add(argv, (gpointer) "--clear-groups");
    }
    g_ptr_array_add(argv, (gpointer)virTestProgram());
    g_ptr_array_add(argv, (gpointer) "fix");
    g_ptr_array_add(argv, (gpointer) "--in-place");
    g_ptr_array_add(argv, (gpointer) "--backup");
    g_ptr_array_add(argv, (gpointer) "~");
    g_ptr_array_add(argv, s.file);
    g_ptr_array_add(argv, NULL);
    status = virTestRunCommand((const char *const *)argv->pdata, NULL, NULL, &err);
    chmod(s.dir, 0700);
    if (status != 2 || !strstr(err, "error: cannot create a temporary file in")) {
        virTestDiag("expected a write error and exit status 2, got %d:\n%s", status,
                    err ? err : "");
        return -1;
    }
    if (!testFileEquals(s.file, s.original) || testCountEntries(s.dir) != 1) {
        virTestDiag("the failed write changed the directory");
        return -1;
    }
    return 0;
}

static int
mymain(void)
{
    g_autofree char *dir = virTestDataPath("fixdata");
    g_auto(GStrv) repairable = testLoadRepairableCodes();
    g_autoptr(GHashTable) repaired = g_hash_table_new(g_str_hash, g_str_equal);
    int ret = 0;
    guint i;

    /* The reports name files as given: relative to fixdata/. */
    if (g_chdir(dir) < 0) {
        virTestDiag("cannot enter '%s'", dir);
        return -1;
    }
    if (!repairable || !repairable[0]) {
        virTestDiag("virt-pv --dump-options names no finding that fix repairs");
        return -1;
    }
    testRepairableCodes = repairable;
    testRepaired = repaired;

#define DO_TEST_FULL(name, mode, schema, refused) \
    do { \
        static const testFixCase c = { name, mode, schema, refused }; \
        if (virTestRun("fix " name, testFix, &c) < 0) \
            ret = -1; \
    } while (0)
#define DO_TEST(name) DO_TEST_FULL(name, NULL, TRUE, NULL)
#define DO_TEST_IOMMU(name) DO_TEST_FULL(name, "iommu", TRUE, NULL)

    /* launch-security mode */
    DO_TEST("already-ok");
    DO_TEST("no-launch-security");
    DO_TEST("iommu-off");
    DO_TEST("every-virtio-device");
    DO_TEST("memballoon-virtio");
    DO_TEST("memballoon-missing");
    DO_TEST_FULL("memballoon-twice", NULL, FALSE, NULL);
    DO_TEST_FULL("iommu-off-twice", NULL, FALSE, NULL);
    DO_TEST("no-devices");
    DO_TEST("empty-devices");
    DO_TEST("cpu-custom");
    DO_TEST("cpu-custom-no-mode");
    DO_TEST("cpu-unpack-disabled");
    DO_TEST("cpu-custom-with-unpack");
    DO_TEST("cpu-custom-unpack-forbidden");
    DO_TEST("launch-security-duplicate");
    DO_TEST("launch-security-children");
    DO_TEST("launch-security-sev");
    DO_TEST("refused");
    DO_TEST_FULL("wrong-arch", NULL, TRUE, "*");
    DO_TEST("preserve");
    DO_TEST_FULL("preserve-unknown", NULL, FALSE, NULL);
    DO_TEST("crlf-tabs");
    DO_TEST("one-line");

    /* iommu mode */
    DO_TEST_IOMMU("iommu-basic");
    DO_TEST_IOMMU("iommu-metadata");
    DO_TEST_IOMMU("iommu-implicit");
    DO_TEST_IOMMU("iommu-from-launch-security");
    DO_TEST_IOMMU("iommu-already-ok");
    DO_TEST_IOMMU("iommu-every-virtio-device");
    DO_TEST_IOMMU("iommu-preserve");
    DO_TEST_FULL("iommu-preserve-unknown", "iommu", FALSE, NULL);
    DO_TEST_IOMMU("iommu-cpu-custom");
    DO_TEST_IOMMU("iommu-no-devices");
    /* virtio-pmem and the virtio IOMMU cannot take a <driver> element */
    DO_TEST_FULL("iommu-no-driver", "iommu", TRUE, "virtio-iommu-missing");

    for (i = 0; repairable[i]; i++) {
        g_autofree char *title = g_strdup_printf("fix repairs %s in some case", repairable[i]);

        if (virTestRun(title, testRepairCovered, repairable[i]) < 0)
            ret = -1;
    }

#define DO_TEST_COMMAND(name, ...) \
    do { \
        static const testCommandCase c = { name, { __VA_ARGS__, NULL } }; \
        if (virTestRun("fix command: " name, testCommand, &c) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST_COMMAND("json", "--json", "fix", "memballoon-virtio.xml");
    DO_TEST_COMMAND("json-nothing", "--json", "fix", "--mode", "iommu", "iommu-already-ok.xml");
    DO_TEST_COMMAND("bad-mode", "fix", "--mode", "sev", "already-ok.xml");
    DO_TEST_COMMAND("in-place-and-output", "fix", "--in-place", "-o", "x.xml",
                    "already-ok.xml");
    DO_TEST_COMMAND("backup-without-in-place", "fix", "--backup", ".orig", "already-ok.xml");
    DO_TEST_COMMAND("no-file", "fix");
    DO_TEST_COMMAND("missing-file", "fix", "no-such-guest.xml");
    DO_TEST_COMMAND("malformed", "fix", "malformed.txt");

    if (virTestRun("fix --in-place --backup", testInPlace, NULL) < 0)
        ret = -1;
    if (virTestRun("fix --in-place through a symbolic link", testInPlaceSymlink, NULL) < 0)
        ret = -1;
    if (virTestRun("fix -o", testOutput, NULL) < 0)
        ret = -1;
    if (virTestRun("fix - (standard input)", testStdin, NULL) < 0)
        ret = -1;
    if (virTestRun("fix --in-place into a read-only directory", testFailedWrite, NULL) < 0)
        ret = -1;
    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
