/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "conf/domain_confpriv.h"
#include "testutils.h"

/* Each case is tests/domainconfdata/<case>.xml; <case>.out holds the
 * dump of the parsed model, or the error that parsing gave. */

static int
testDomainConfParse(const void *data)
{
    const char *name = data;
    g_autofree char *file = g_strdup_printf("%s.xml", name);
    g_autofree char *golden = virTestDataPath("domainconfdata/%s.out", name);
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *actual = NULL;

    /* The tests run in the data directory, so messages name the file
     * as a user would have typed it. */
    if (virDomainDefParseFile(file, 0, &def, &error))
        actual = virDomainDefDump(def);
    else
        actual = g_strdup_printf("error: %s\n", error->message);
    return virTestCompareToFile(actual, golden);
}

/* Parsing from memory gives the same model as parsing the file. */
static int
testDomainConfParseString(const void *data)
{
    const char *name = data;
    g_autofree char *file = g_strdup_printf("%s.xml", name);
    g_autofree char *xml = NULL;
    g_autofree char *from_file = NULL;
    g_autofree char *from_string = NULL;
    g_autoptr(virDomainDef) a = NULL;
    g_autoptr(virDomainDef) b = NULL;
    g_autoptr(GError) error = NULL;
    gsize len;

    if (!g_file_get_contents(file, &xml, &len, &error) ||
        !virDomainDefParseFile(file, 0, &a, &error) ||
        !virDomainDefParseString(xml, len, file, 0, &b, &error)) {
        virTestDiag("%s", error->message);
        return -1;
    }
    from_file = virDomainDefDump(a);
    from_string = virDomainDefDump(b);
    if (!g_str_equal(from_file, from_string)) {
        virTestDiag("file:\n%s\nstring:\n%s", from_file, from_string);
        return -1;
    }
    return 0;
}

/* An external entity or DTD that points at a FIFO holding data: had the
 * parser opened it, it would have read (or blocked on) the data. */
static int
testDomainConfNeverReads(const void *data)
{
    const char *const *parts = data;
    g_autofree char *dir = g_dir_make_tmp("virt-pv-xxe-XXXXXX", NULL);
    g_autofree char *fifo = g_build_filename(dir, "secret", NULL);
    g_autofree char *xml = NULL;
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) error = NULL;
    char buf[16];
    int fd;
    int ret = 0;

    if (!dir || mkfifo(fifo, 0600) < 0 || (fd = open(fifo, O_RDWR | O_NONBLOCK)) < 0) {
        virTestDiag("cannot set up a FIFO: %s", g_strerror(errno));
        return -1;
    }
    if (write(fd, "SECRET", 6) != 6) {
        virTestDiag("cannot fill the FIFO");
        ret = -1;
    }
    xml = g_strconcat(parts[0], fifo, parts[1], NULL);
    virDomainDefParseString(xml, strlen(xml), "xxe.xml", 0, &def, &error);
    if (read(fd, buf, sizeof(buf)) != 6) {
        virTestDiag("the parser read the file behind the entity");
        ret = -1;
    }
    close(fd);
    g_unlink(fifo);
    g_rmdir(dir);
    return ret;
}

static int
testDomainConfTooBig(const void *data)
{
    gsize len = VIR_DOMAIN_XML_MAX + 1;
    g_autofree char *xml = g_malloc0(len);
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) error = NULL;

    if (virDomainDefParseString(xml, len, "big.xml", 0, &def, &error) ||
        !g_str_has_prefix(error->message, "'big.xml' is larger")) {
        virTestDiag("a document over the limit was not refused");
        return -1;
    }
    return 0;
}

/* A 10 MB attribute value gets an error with a line, not a crash. */
static int
testDomainConfHugeAttribute(const void *data)
{
    GString *xml = g_string_new("<domain type='kvm'>\n<name a='");
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;
    int ret = 0;

    for (guint i = 0; i < 10 * 1000 * 1000; i += 10)
        g_string_append(xml, "xxxxxxxxxx");
    g_string_append(xml, "'>big</name>\n</domain>\n");
    text = g_string_free(xml, FALSE);
    if (virDomainDefParseString(text, strlen(text), "huge.xml", 0, &def, &error)) {
        if (!g_str_equal(def->name, "big"))
            ret = -1;
    } else if (!g_str_has_prefix(error->message, "huge.xml:2: ")) {
        virTestDiag("unexpected error: %s", error->message);
        ret = -1;
    }
    return ret;
}

static const char *const xxe_entity[] = {
    "<!DOCTYPE domain [<!ENTITY s SYSTEM '",
    "'>]>\n<domain type='kvm'><name>&s;</name></domain>\n",
};
static const char *const xxe_dtd[] = {
    "<!DOCTYPE domain SYSTEM '",
    "'>\n<domain type='kvm'><name>x</name></domain>\n",
};

static int
mymain(void)
{
    g_autofree char *datadir = virTestDataPath("domainconfdata");
    int ret = 0;

    if (g_chdir(datadir) < 0) {
        virTestDiag("cannot enter %s", datadir);
        return -1;
    }

#define DO_TEST(name) \
    do { \
        if (virTestRun("parse " name, testDomainConfParse, name) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST("pv-guest");
    DO_TEST("implicit-devices");
    DO_TEST("every-kind");
    DO_TEST("xpath-steps");
    DO_TEST("vcpus");
    DO_TEST("metadata-marker");
    DO_TEST("no-devices");
    DO_TEST("doctype-plain");
    DO_TEST("doctype-external");
    DO_TEST("billion-laughs");
    DO_TEST("xxe");
    DO_TEST("parameter-entity");
    DO_TEST("attlist-default");
    DO_TEST("undefined-entity");
    DO_TEST("malformed");
    DO_TEST("nul-byte");
    DO_TEST("empty");
    DO_TEST("not-domain");
    DO_TEST("bad-vcpu");
    DO_TEST("machine-settings");
    DO_TEST("bad-loadparm");
    DO_TEST("bad-rerror-policy");
    DO_TEST("bad-keywrap");
    DO_TEST("bad-iommu");
    DO_TEST("boot-os-devs");
    DO_TEST("boot-order");
    DO_TEST("bad-boot-order");
    DO_TEST("bad-boot-dev");
    DO_TEST("bad-async-teardown");
    DO_TEST("bad-memory-unit");
    DO_TEST("memory-bytes");
    DO_TEST("memory-too-large");
    DO_TEST("missing-file");

    if (virTestRun("parse from memory", testDomainConfParseString, "every-kind") < 0)
        ret = -1;
    if (virTestRun("external entity never read", testDomainConfNeverReads, xxe_entity) < 0)
        ret = -1;
    if (virTestRun("external DTD never read", testDomainConfNeverReads, xxe_dtd) < 0)
        ret = -1;
    if (virTestRun("size limit", testDomainConfTooBig, NULL) < 0)
        ret = -1;
    if (virTestRun("10 MB attribute", testDomainConfHugeAttribute, NULL) < 0)
        ret = -1;
    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
