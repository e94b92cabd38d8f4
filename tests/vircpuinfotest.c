/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include "testutils.h"
#include "util/vircpuinfo.h"
#include "util/virfile.h"

typedef struct {
    const char *file; /* below tests/ */
    gboolean s390;
    gboolean has_facilities;
    gboolean facility_158;
} testCPUInfoCase;

static int
testCPUInfo(const void *data)
{
    const testCPUInfoCase *c = data;
    g_autofree char *path = virTestDataPath("%s", c->file);
    g_autofree char *text = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(virCPUInfo) info = NULL;

    if (!virFileReadLimit(path, VIR_FILE_MAX_DEFAULT, &text, NULL, &error)) {
        virTestDiag("%s", error->message);
        return -1;
    }
    info = virCPUInfoParse(text);
    if (virCPUInfoIsS390(info) != c->s390 ||
        virCPUInfoHasFacilities(info) != c->has_facilities ||
        virCPUInfoHasFacility(info, 158) != c->facility_158) {
        virTestDiag("%s: s390 %d facilities %d 158 %d", c->file, virCPUInfoIsS390(info),
                    virCPUInfoHasFacilities(info), virCPUInfoHasFacility(info, 158));
        return -1;
    }
    return 0;
}

static int
mymain(void)
{
    int ret = 0;

#define DO_TEST(file, s390, has, f158) \
    do { \
        static const testCPUInfoCase c = { file, s390, has, f158 }; \
        if (virTestRun("cpuinfo " file, testCPUInfo, &c) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST("hostvalidatedata/s390x-pv-ok/proc/cpuinfo", TRUE, TRUE, TRUE);
    DO_TEST("hostvalidatedata/s390x-no-158/proc/cpuinfo", TRUE, TRUE, FALSE);
    DO_TEST("hostvalidatedata/s390x-no-facilities/proc/cpuinfo", TRUE, FALSE, FALSE);
    DO_TEST("hostvalidatedata/s390x-long-facilities-no-158/proc/cpuinfo", TRUE, TRUE, FALSE);
    DO_TEST("hostvalidatedata/s390x-facility-late/proc/cpuinfo", TRUE, TRUE, TRUE);
    DO_TEST("hostvalidatedata/x86_64/proc/cpuinfo", FALSE, FALSE, FALSE);
    DO_TEST("vircpuinfodata/no-newline.cpuinfo", TRUE, TRUE, TRUE);
    DO_TEST("vircpuinfodata/crlf.cpuinfo", TRUE, TRUE, TRUE);
    DO_TEST("vircpuinfodata/junk-tokens.cpuinfo", TRUE, TRUE, FALSE);
    DO_TEST("vircpuinfodata/overflow.cpuinfo", TRUE, TRUE, TRUE);
    DO_TEST("vircpuinfodata/leading-zero.cpuinfo", TRUE, TRUE, TRUE);
    DO_TEST("vircpuinfodata/empty-facilities.cpuinfo", TRUE, TRUE, FALSE);
    DO_TEST("vircpuinfodata/duplicate-line.cpuinfo", TRUE, TRUE, FALSE);
    DO_TEST("vircpuinfodata/x86.cpuinfo", FALSE, FALSE, FALSE);
    DO_TEST("vircpuinfodata/empty.cpuinfo", FALSE, FALSE, FALSE);
    DO_TEST("vircpuinfodata/garbage.cpuinfo", FALSE, FALSE, FALSE);
    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
