/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include "testutils.h"
#include "util/virkernelcmdline.h"

typedef struct {
    const char *cmdline;
    gboolean enabled;
} virKernelCmdlineCase;

static int
testProtVirt(const void *data)
{
    const virKernelCmdlineCase *c = data;
    gboolean got = virKernelCmdlineIsEnabled(c->cmdline, "prot_virt");

    if (got != c->enabled) {
        virTestDiag("'%s': expected %s, got %s", c->cmdline, c->enabled ? "on" : "off",
                    got ? "on" : "off");
        return -1;
    }
    return 0;
}

typedef struct {
    const char *str;
    int expect; /* -1 invalid, 0 false, 1 true */
} virKernelStrToBoolCase;

static int
testStrToBool(const void *data)
{
    const virKernelStrToBoolCase *c = data;
    gboolean value = FALSE;
    int got = virKernelStrToBool(c->str, &value) ? (int)value : -1;

    if (got != c->expect) {
        virTestDiag("'%s': expected %d, got %d", c->str ? c->str : "(null)", c->expect, got);
        return -1;
    }
    return 0;
}

typedef struct {
    const char *cmdline;
    const char *expect; /* words as "param[=value]" joined by '|' */
} virKernelCmdlineSplitCase;

static gboolean
testCollect(const char *param, const char *value, gpointer opaque)
{
    GString *out = opaque;

    if (out->len)
        g_string_append_c(out, '|');
    g_string_append(out, param);
    if (value)
        g_string_append_printf(out, "=%s", value);
    return TRUE;
}

static int
testSplit(const void *data)
{
    const virKernelCmdlineSplitCase *c = data;
    g_autoptr(GString) out = g_string_new(NULL);

    virKernelCmdlineForEach(c->cmdline, testCollect, out);
    if (!g_str_equal(out->str, c->expect)) {
        virTestDiag("'%s': expected '%s', got '%s'", c->cmdline, c->expect, out->str);
        return -1;
    }
    return 0;
}

static int
testLongCmdline(const void *data)
{
    g_autoptr(GString) line = g_string_new(NULL);

    while (line->len < 64 * 1024)
        g_string_append(line, "quiet ");
    g_string_append(line, "prot-virt=on");
    return virKernelCmdlineIsEnabled(line->str, "prot_virt") ? 0 : -1;
}

static int
mymain(void)
{
    int ret = 0;

#define DO_TEST(line, on) \
    do { \
        static const virKernelCmdlineCase c = { line, on }; \
        if (virTestRun("prot_virt in: " line, testProtVirt, &c) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST("prot_virt=1", TRUE);
    DO_TEST("root=/dev/dasda1 prot_virt=1 quiet", TRUE);
    DO_TEST("prot_virt=0", FALSE);
    DO_TEST("prot_virt=y", TRUE);
    DO_TEST("prot_virt=Yes", TRUE);
    DO_TEST("prot_virt=true", TRUE);
    DO_TEST("prot_virt=enable", TRUE);
    DO_TEST("prot_virt=on", TRUE);
    DO_TEST("prot_virt=ON", TRUE);
    DO_TEST("prot_virt=off", FALSE);
    DO_TEST("prot_virt=o", FALSE);
    DO_TEST("prot_virt=disable", FALSE);
    DO_TEST("prot_virt=2", FALSE);
    DO_TEST("prot_virt", FALSE);
    DO_TEST("prot_virt=", FALSE);
    DO_TEST("prot-virt=1", TRUE);
    DO_TEST("prot_virt_foo=1", FALSE);
    DO_TEST("xprot_virt=1", FALSE);
    DO_TEST("prot_virt=1 prot_virt=0", TRUE);
    DO_TEST("prot_virt=0 prot_virt=1", TRUE);
    DO_TEST("prot_virt=x prot_virt=1", TRUE);
    DO_TEST("quiet -- prot_virt=1", FALSE);
    DO_TEST("prot_virt=1 -- single", TRUE);
    DO_TEST("\"prot_virt=1\"", TRUE);
    DO_TEST("prot_virt=\"1\"", TRUE);
    DO_TEST("foo=\"a prot_virt=1\"", FALSE);
    DO_TEST("foo=\"a -- b\" prot_virt=1", TRUE);
    DO_TEST("  \t prot_virt=1\n", TRUE);
    DO_TEST("", FALSE);
    DO_TEST("--prot_virt=1", FALSE);
    DO_TEST("prot_virt=1--", TRUE);
#undef DO_TEST

#define DO_TEST_BOOL(s, e) \
    do { \
        static const virKernelStrToBoolCase c = { s, e }; \
        if (virTestRun("kstrtobool " #s, testStrToBool, &c) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST_BOOL("1", 1);
    DO_TEST_BOOL("y", 1);
    DO_TEST_BOOL("T", 1);
    DO_TEST_BOOL("e", 1);
    DO_TEST_BOOL("on", 1);
    DO_TEST_BOOL("0", 0);
    DO_TEST_BOOL("N", 0);
    DO_TEST_BOOL("f", 0);
    DO_TEST_BOOL("D", 0);
    DO_TEST_BOOL("oF", 0);
    DO_TEST_BOOL("o", -1);
    DO_TEST_BOOL("ox", -1);
    DO_TEST_BOOL("", -1);
    DO_TEST_BOOL("2", -1);
    DO_TEST_BOOL(NULL, -1);
#undef DO_TEST_BOOL

#define DO_TEST_SPLIT(line, words) \
    do { \
        static const virKernelCmdlineSplitCase c = { line, words }; \
        if (virTestRun("split: " line, testSplit, &c) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST_SPLIT("a b=c", "a|b=c");
    DO_TEST_SPLIT("a=\"b c\" d", "a=b c|d");
    DO_TEST_SPLIT("\"a=b c\" d", "a=b c|d");
    DO_TEST_SPLIT("a=b=c", "a=b=c");
    DO_TEST_SPLIT("=a=b", "=a=b");
    DO_TEST_SPLIT("a b -- c d", "a|b");
    DO_TEST_SPLIT("a --=x c", "a|--=x|c");
    DO_TEST_SPLIT("a=\"unterminated b", "a=unterminated b");
    DO_TEST_SPLIT("   ", "");
#undef DO_TEST_SPLIT

    if (virTestRun("64 KiB command line", testLongCmdline, NULL) < 0)
        ret = -1;
    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
