/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "testutils.h"
#include "util/virerror.h"
#include "util/virfile.h"

/*
 * The file primitives under real faults: symbolic links where none may
 * be, a directory where a file is replaced, no descriptor left, no /proc,
 * signals interrupting a read, stale temporary files of a killed writer,
 * and executables that root must not trust.  Every case works in a
 * directory of its own below $TMPDIR.
 */

static char *testDir;

static char *
testPath(const char *name)
{
    return g_build_filename(testDir, name, NULL);
}

static gboolean
testWrite(const char *name, const char *text)
{
    g_autofree char *path = testPath(name);

    return g_file_set_contents(path, text, -1, NULL);
}

/* @ok and @error are what a call gave; the case wants an error containing
 * @text (and, if @code >= 0, of that code). */
static int
testExpectError(gboolean ok, const GError *error, int code, const char *text)
{
    if (ok) {
        virTestDiag("expected an error containing '%s', got success", text);
        return -1;
    }
    if (!error || (code >= 0 && !g_error_matches(error, VIR_UTIL_ERROR, code)) ||
        !strstr(error->message, text)) {
        virTestDiag("error '%s', expected one containing '%s'", error ? error->message : "(none)",
                    text);
        return -1;
    }
    return 0;
}

/* The lowest descriptor open() would return now. */
static int
testNextFd(void)
{
    int fd = dup(STDIN_FILENO);

    if (fd >= 0)
        close(fd);
    return fd;
}

static int
testSymlinkRefused(const void *data)
{
    g_autofree char *target = testPath("target");
    g_autofree char *link = testPath("link");
    g_autoptr(GError) error = NULL;
    int fd = -1;
    gboolean ok;

    (void)data;
    if (!testWrite("target", "data\n") || symlink(target, link) < 0)
        return -1;
    ok = virFileOpenRegular(link, VIR_FILE_OPEN_NOFOLLOW, &fd, NULL, &error);
    if (fd >= 0)
        close(fd);
    return testExpectError(ok, error, VIR_UTIL_ERROR_IO,
                           "is a symbolic link, which is not followed");
}

/* A missing optional file is no error, and nothing. */
static int
testOptionalMissing(const void *data)
{
    g_autofree char *path = testPath("missing");
    g_autofree char *below = testPath("target/below");
    g_autoptr(GError) error = NULL;
    char *contents = (char *)"sentinel";
    gsize len = 42;

    (void)data;
    if (!virFileReadOptional(path, 100, &contents, &len, &error) || contents || len != 0) {
        virTestDiag("a missing file: %s", error ? error->message : "contents or length set");
        return -1;
    }
    /* Below a regular file (ENOTDIR) is missing just the same. */
    contents = (char *)"sentinel";
    if (!testWrite("target", "data\n") ||
        !virFileReadOptional(below, 100, &contents, NULL, &error) || contents) {
        virTestDiag("below a file: %s", error ? error->message : "contents set");
        return -1;
    }
    return 0;
}

/* No descriptor left for reopening the checked inode (RLIMIT_NOFILE one
 * above the O_PATH descriptor): an error, and no descriptor leaks. */
static int
testNoDescriptorLeft(const void *data)
{
    g_autofree char *path = testPath("target");
    g_autoptr(GError) error = NULL;
    struct rlimit saved, tight;
    char *contents = NULL;
    int before;
    gboolean ok;
    int ret;

    (void)data;
    if (!testWrite("target", "data\n") || getrlimit(RLIMIT_NOFILE, &saved) < 0)
        return -1;
    before = testNextFd();
    tight = saved;
    tight.rlim_cur = (rlim_t)before + 1;
    if (setrlimit(RLIMIT_NOFILE, &tight) < 0)
        return -1;
    ok = virFileReadLimit(path, 100, &contents, NULL, &error);
    setrlimit(RLIMIT_NOFILE, &saved);
    g_free(contents);
    ret = testExpectError(ok, error, VIR_UTIL_ERROR_IO, "Too many open files");
    if (testNextFd() != before) {
        virTestDiag("a descriptor leaked: next is %d, was %d", testNextFd(), before);
        ret = -1;
    }
    return ret;
}

/* Without /proc (an initramfs, a bare container) the name is opened a
 * second time and must still be the same inode.  A child process in a
 * mount namespace of its own, with an empty tmpfs over /proc, reads a
 * file, and refuses a FIFO without opening it (a writer would never
 * wait for it). */
static int
testNoProc(const void *data)
{
    g_autofree char *path = testPath("target");
    g_autofree char *fifo = testPath("fifo");
    pid_t pid;
    int status;

    (void)data;
    if (geteuid() != 0) {
        virTestDiag("needs root for a mount namespace");
        return VIR_TEST_SKIP;
    }
    if (!testWrite("target", "without /proc\n") || mkfifo(fifo, 0600) < 0)
        return -1;
    fflush(stdout);
    if ((pid = fork()) < 0)
        return -1;
    if (pid == 0) {
        g_autoptr(GError) error = NULL;
        g_autofree char *contents = NULL;
        int code = 0;

        if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("tmpfs", "/proc", "tmpfs", 0, "size=4k") < 0) {
            printf("# cannot hide /proc: %s\n", g_strerror(errno));
            exit(2);
        }
        if (access("/proc/self/fd", F_OK) == 0) {
            code = 3;
        } else if (!virFileReadLimit(path, 100, &contents, NULL, &error) ||
                   !g_str_equal(contents, "without /proc\n")) {
            printf("# %s\n", error ? error->message : contents);
            code = 4;
        } else if (virFileReadLimit(fifo, 100, &contents, NULL, &error) ||
                   !strstr(error->message, "is not a regular file")) {
            printf("# the FIFO: %s\n", error ? error->message : "read");
            code = 5;
        }
        /* /proc again for what runs at exit (LeakSanitizer reads it). */
        umount2("/proc", MNT_DETACH);
        exit(code);
    }
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        virTestDiag("the child failed (status 0x%x)", status);
        return -1;
    }
    return 0;
}

/* A pipe whose writer is slow, while a signal arrives every 10 ms (no
 * SA_RESTART): read() returns EINTR again and again, and the whole text
 * still arrives.  A directory cannot be read at all. */
static int
testReadInterrupted(const void *data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *contents = NULL;
    gsize len = 0;
    int fds[2];
    pid_t pid;
    gboolean ok;
    int dirfd;
    int ret = 0;

    (void)data;
    if (pipe(fds) < 0)
        return -1;
    fflush(stdout);
    if ((pid = fork()) < 0)
        return -1;
    if (pid == 0) {
        close(fds[0]);
        g_usleep(100000);
        if (write(fds[1], "slow ", 5) != 5)
            _exit(1);
        g_usleep(100000);
        if (write(fds[1], "writer\n", 7) != 7)
            _exit(1);
        _exit(0);
    }
    close(fds[1]);
    if (!virTestInterruptsStart(10))
        return -1;
    ok = virFileReadFd(fds[0], "pipe", 100, &contents, &len, &error);
    virTestInterruptsStop();
    close(fds[0]);
    waitpid(pid, NULL, 0);
    if (!ok || !g_str_equal(contents, "slow writer\n") || len != 12) {
        virTestDiag("read '%s': %s", contents ? contents : "", ok ? "" : error->message);
        ret = -1;
    }
    g_clear_error(&error);
    g_clear_pointer(&contents, g_free);

    dirfd = open(testDir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ok = virFileReadFd(dirfd, testDir, 100, &contents, NULL, &error);
    close(dirfd);
    if (testExpectError(ok, error, VIR_UTIL_ERROR_IO, "Is a directory") < 0)
        ret = -1;
    return ret;
}

/* Writes that cannot happen leave everything as it was. */
static int
testWriteFaults(const void *data)
{
    g_autofree char *nodir = testPath("missing/file");
    g_autofree char *dir = testPath("occupied");
    g_autofree char *inside = testPath("occupied/entry");
    g_autoptr(GError) error = NULL;
    gboolean ok;
    int ret = 0;

    (void)data;
    ok = virFileWriteAtomic(nodir, "x", 1, 0644, &error);
    if (testExpectError(ok, error, VIR_UTIL_ERROR_IO, "cannot open the directory") < 0)
        ret = -1;
    g_clear_error(&error);

    /* A non-empty directory where the file should go: only a regular
     * file is ever replaced, and no temporary file is left. */
    if (g_mkdir(dir, 0755) < 0 || !testWrite("occupied/entry", "kept\n"))
        return -1;
    ok = virFileWriteAtomic(dir, "x", 1, 0644, &error);
    if (testExpectError(ok, error, VIR_UTIL_ERROR_IO, "only regular files are replaced") < 0)
        ret = -1;
    g_clear_error(&error);
    if (!g_file_test(inside, G_FILE_TEST_IS_REGULAR)) {
        virTestDiag("the directory's contents are gone");
        ret = -1;
    }
    {
        g_autoptr(GDir) d = g_dir_open(testDir, 0, NULL);
        const char *entry;

        while (d && (entry = g_dir_read_name(d))) {
            if (g_str_has_prefix(entry, ".occupied.")) {
                virTestDiag("a temporary file was left behind: %s", entry);
                ret = -1;
            }
        }
    }
    return ret;
}

/* Replace only the inode that was read: a file put in its place in the
 * meantime is left alone, and nothing is written. */
static int
testReplacedMeanwhile(const void *data)
{
    g_autofree char *path = testPath("guest.xml");
    g_autofree char *moved = testPath("guest.xml.moved");
    g_autofree char *contents = NULL;
    g_autoptr(GError) error = NULL;
    virFileReplaceOptions opts = { .mode = 0644, .same_file = TRUE };
    struct stat sb;
    gboolean ok;
    int dirfd;
    int ret;

    (void)data;
    if (!testWrite("guest.xml", "read\n") || stat(path, &sb) < 0)
        return -1;
    opts.dev = sb.st_dev;
    opts.ino = sb.st_ino;
    /* Someone else's file now has the name. */
    if (rename(path, moved) < 0 || !testWrite("guest.xml", "someone else's\n"))
        return -1;
    if ((dirfd = virFileOpenDir(testDir, 0, &error)) < 0)
        return -1;
    ok = virFileReplaceAt(dirfd, testDir, "guest.xml", "new\n", 4, &opts, &error);
    close(dirfd);
    ret = testExpectError(ok, error, VIR_UTIL_ERROR_IO, "was replaced by another file");
    if (!g_file_get_contents(path, &contents, NULL, NULL) ||
        !g_str_equal(contents, "someone else's\n")) {
        virTestDiag("the other file was changed: '%s'", contents ? contents : "(gone)");
        ret = -1;
    }
    return ret;
}

/* Set the modification time of @name @age seconds back. */
static gboolean
testAge(const char *name, gint64 age)
{
    g_autofree char *path = testPath(name);
    struct timespec times[2];

    times[0].tv_sec = times[1].tv_sec = time(NULL) - age;
    times[0].tv_nsec = times[1].tv_nsec = 0;
    return utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW) == 0;
}

static gboolean
testExists(const char *name)
{
    g_autofree char *path = testPath(name);
    struct stat sb;

    return lstat(path, &sb) == 0;
}

/* What a killed writer left: an old temporary file goes; a young one (a
 * writer at work), another user's, a symbolic link, a directory and
 * names that are no temporary file stay. */
static int
testStaleTemp(const void *data)
{
    static const struct {
        const char *name;
        gboolean removed;
    } entries[] = {
        { ".abc.json.Xy12Zq", TRUE },
        { ".abc.json.young1", FALSE },
        { ".abc.json.other1", FALSE },
        { ".abc.json.link01", FALSE },
        { ".abc.json.dir001", FALSE },
        { ".abc.json.short", FALSE },
        { ".abc.json.ab-cd1", FALSE },
        { ".abc.xml.Xy12Zq", FALSE },
        { "abc.json.Xy12Zq", FALSE },
        { ".json.X", FALSE },
        { "abc.json", FALSE },
    };
    g_autofree char *other = testPath(".abc.json.other1");
    g_autofree char *link = testPath(".abc.json.link01");
    g_autofree char *dir = testPath(".abc.json.dir001");
    g_autofree char *file = testPath("abc.json");
    gsize i;
    int dirfd;
    int ret = 0;

    (void)data;
    for (i = 0; i < G_N_ELEMENTS(entries); i++) {
        const char *name = entries[i].name;

        if (g_str_equal(name, ".abc.json.link01") || g_str_equal(name, ".abc.json.dir001"))
            continue;
        if (!testWrite(name, "{}\n"))
            return -1;
    }
    if (symlink(file, link) < 0 || g_mkdir(dir, 0700) < 0 ||
        (geteuid() == 0 && chown(other, 65534, 65534) < 0))
        return -1;
    for (i = 0; i < G_N_ELEMENTS(entries); i++) {
        if (!g_str_equal(entries[i].name, ".abc.json.young1") && !testAge(entries[i].name, 3600))
            return -1;
    }
    if ((dirfd = open(testDir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return -1;
    virFileRemoveStaleTemp(dirfd, ".json", 600);
    /* A descriptor that is no directory: nothing to clean, nothing done. */
    {
        int filefd = open(file, O_RDONLY | O_CLOEXEC);

        virFileRemoveStaleTemp(filefd, ".json", 0);
        close(filefd);
    }
    close(dirfd);
    for (i = 0; i < G_N_ELEMENTS(entries); i++) {
        gboolean expected = entries[i].removed ||
                            (g_str_equal(entries[i].name, ".abc.json.other1") && geteuid() != 0);

        if (testExists(entries[i].name) == expected) {
            virTestDiag("%s: %s", entries[i].name,
                        expected ? "still there" : "removed, but it is not stale");
            ret = -1;
        }
    }
    return ret;
}

/* What root executes for a domain's <emulator>. */
static int
testTrustedExecutable(const void *data)
{
    static const char script[] = "#!/bin/sh\nexit 0\n";
    g_autofree char *missing = testPath("missing");
    g_autofree char *plain = testPath("plain");
    g_autofree char *mine = testPath("mine/emulator");
    g_autofree char *mine_dir = testPath("mine");
    g_autofree char *resolved = NULL;
    g_autofree char *reason = NULL;
    int ret = 0;

    (void)data;
#define EXPECT_UNTRUSTED(path, text) \
    do { \
        g_clear_pointer(&reason, g_free); \
        if (virFileIsTrustedExecutable(path, &resolved, &reason) || !strstr(reason, text)) { \
            virTestDiag("%s: '%s', expected '%s'", path, reason ? reason : "trusted", text); \
            ret = -1; \
        } \
    } while (0)

    EXPECT_UNTRUSTED(missing, "cannot resolve");
    if (!testWrite("plain", script))
        return -1;
    EXPECT_UNTRUSTED(plain, "is not an executable regular file");
    EXPECT_UNTRUSTED(testDir, "is not an executable regular file");
    if (g_mkdir(mine_dir, 0755) < 0 || !g_file_set_contents(mine, script, -1, NULL) ||
        chmod(mine, 0755) < 0)
        return -1;
    if (geteuid() == 0) {
        /* Root's file in a directory that another user owns. */
        if (chown(mine_dir, 65534, 65534) < 0)
            return -1;
        EXPECT_UNTRUSTED(mine, "is owned by uid 65534, not by root");
        if (chown(mine_dir, 0, 0) < 0 || chmod(mine_dir, 0775) < 0)
            return -1;
        EXPECT_UNTRUSTED(mine, "is writable by group or others (mode 0775)");
        if (chmod(mine_dir, 0755) < 0 || chmod(mine, 0757) < 0)
            return -1;
        EXPECT_UNTRUSTED(mine, "is writable by group or others (mode 0757)");
    } else {
        EXPECT_UNTRUSTED(mine, "not by root");
    }
    if (virFileIsTrustedExecutable("/bin/sh", &resolved, &reason) &&
        !g_path_is_absolute(resolved)) {
        virTestDiag("/bin/sh resolved to '%s'", resolved);
        ret = -1;
    }
    return ret;
#undef EXPECT_UNTRUSTED
}

/* Run @body in a fresh directory of its own. */
static int
testInDir(const void *data)
{
    virTestBody body = *(const virTestBody *)data;
    g_autoptr(GError) error = NULL;
    g_autofree char *rm = NULL;
    int ret;

    if (!(testDir = g_dir_make_tmp("virfiletest-XXXXXX", &error)))
        return -1;
    ret = body(NULL);
    rm = g_strdup_printf("rm -rf '%s'", testDir);
    if (system(rm) != 0)
        ret = -1;
    g_clear_pointer(&testDir, g_free);
    return ret;
}

static int
mymain(void)
{
    int ret = 0;

#define DO_TEST(title, body) \
    do { \
        static const virTestBody b = body; \
        if (virTestRun(title, testInDir, &b) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST("a symbolic link is refused where none may be", testSymlinkRefused);
    DO_TEST("a missing optional file", testOptionalMissing);
    DO_TEST("no descriptor left to reopen the file", testNoDescriptorLeft);
    DO_TEST("no /proc: the name is opened again", testNoProc);
    DO_TEST("a read interrupted by signals, a read of a directory", testReadInterrupted);
    DO_TEST("writes that cannot happen", testWriteFaults);
    DO_TEST("a file replaced while it was being written", testReplacedMeanwhile);
    DO_TEST("stale temporary files of a killed writer", testStaleTemp);
    DO_TEST("executables root may trust", testTrustedExecutable);
    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
