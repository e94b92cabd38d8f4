/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "virerror.h"
#include "virfile.h"

/*
 * virt-pv runs as root in libvirt's hook and for operators, on paths that
 * ordinary users may control.  Every file is therefore opened once, by
 * descriptor, and checked before it is used:
 *
 * - A name is first opened with O_PATH, which resolves it without opening
 *   what it names: a device's driver never sees an open (a watchdog is not
 *   armed, a FIFO not waited on).  Only when fstat() says "regular file" is
 *   that very inode opened for reading, through /proc/self/fd.
 * - Writes go to a new file in a directory held open by descriptor, which
 *   then replaces the old name with renameat(): a directory renamed or a
 *   symbolic link swapped in afterwards changes nothing.
 */

/* Join @path below @root.  A NULL or empty root means the real root, so
 * callers never need two code paths for faked and real hosts. */
char *
virFileBuildPath(const char *root, const char *path)
{
    if (!root || !*root)
        return g_strdup(path);
    while (*path == '/')
        path++;
    return g_build_filename(root, path, NULL);
}

gboolean
virFileExists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Owned by the effective user and writable by nobody else: what a file
 * or directory must be before its contents are believed. */
gboolean
virFileIsOwnedPrivate(const struct stat *sb)
{
    return sb->st_uid == geteuid() && !(sb->st_mode & (S_IWGRP | S_IWOTH));
}

/* Set an I/O error and return FALSE, for the many paths that fail so. */
static gboolean G_GNUC_PRINTF(2, 3)
virFileSetIOError(GError **error, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (error) {
        g_autofree char *message = g_strdup_vprintf(fmt, ap);

        g_set_error_literal(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_IO, message);
    }
    va_end(ap);
    return FALSE;
}

/* Whether @sb is acceptable under @flags; the error names @path. */
static gboolean
virFileCheckRegular(const char *path, const struct stat *sb, guint flags, GError **error)
{
    if (S_ISLNK(sb->st_mode)) {
        g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_IO,
                    _("'%s' is a symbolic link, which is not followed here"), path);
        return FALSE;
    }
    if (!S_ISREG(sb->st_mode)) {
        g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_IO, _("'%s' is not a regular file"),
                    path);
        return FALSE;
    }
    if ((flags & VIR_FILE_OPEN_OWNED) && !virFileIsOwnedPrivate(sb)) {
        g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_IO,
                    _("'%s' belongs to another user or is writable by others"), path);
        return FALSE;
    }
    return TRUE;
}

/* Open for reading the inode that @pathfd (an O_PATH descriptor) refers
 * to.  Without /proc (an initramfs, a bare container) the name is opened
 * again and must still be the same inode. */
static int
virFileReopen(int pathfd, int dirfd, const char *name, guint flags, const struct stat *sb)
{
    char proc[64];
    int rdflags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
    struct stat again;
    int fd;

    g_snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pathfd);
    fd = open(proc, rdflags);
    if (fd >= 0 || errno != ENOENT)
        return fd;
    fd = openat(dirfd, name, rdflags | ((flags & VIR_FILE_OPEN_NOFOLLOW) ? O_NOFOLLOW : 0));
    if (fd < 0)
        return -1;
    if (fstat(fd, &again) < 0 || again.st_dev != sb->st_dev || again.st_ino != sb->st_ino) {
        close(fd);
        errno = ESTALE;
        return -1;
    }
    return fd;
}

/**
 * virFileOpenRegularAt:
 * @dirfd: directory descriptor, or AT_FDCWD
 * @path: the name used in messages
 * @name: what is opened, relative to @dirfd
 * @flags: virFileOpenFlags
 * @ret_fd: a descriptor open for reading, or -1 for a missing optional file
 * @ret_sb: (nullable): the file's status
 *
 * Open a regular file for reading without ever opening anything else:
 * FIFOs, sockets, directories and device nodes are refused before they
 * are opened for I/O.
 */
gboolean
virFileOpenRegularAt(int dirfd, const char *path, const char *name, guint flags, int *ret_fd,
                     struct stat *ret_sb, GError **error)
{
    int pathfd = openat(dirfd, name,
                        O_PATH | O_CLOEXEC | ((flags & VIR_FILE_OPEN_NOFOLLOW) ? O_NOFOLLOW : 0));
    struct stat sb;
    int fd;

    if (pathfd < 0) {
        int saved = errno;

        if ((flags & VIR_FILE_OPEN_OPTIONAL) && (saved == ENOENT || saved == ENOTDIR)) {
            *ret_fd = -1;
            return TRUE;
        }
        return virFileSetIOError(error, _("cannot open '%s': %s"), path, g_strerror(saved));
    }
    if (fstat(pathfd, &sb) < 0) {
        int saved = errno;

        close(pathfd);
        return virFileSetIOError(error, _("cannot open '%s': %s"), path, g_strerror(saved));
    }
    if (!virFileCheckRegular(path, &sb, flags, error)) {
        close(pathfd);
        return FALSE;
    }
    fd = virFileReopen(pathfd, dirfd, name, flags, &sb);
    if (fd < 0) {
        int saved = errno;

        close(pathfd);
        return virFileSetIOError(error, _("cannot open '%s': %s"), path, g_strerror(saved));
    }
    close(pathfd);
    if (ret_sb)
        *ret_sb = sb;
    *ret_fd = fd;
    return TRUE;
}

gboolean
virFileOpenRegular(const char *path, guint flags, int *ret_fd, struct stat *ret_sb,
                   GError **error)
{
    return virFileOpenRegularAt(AT_FDCWD, path, path, flags, ret_fd, ret_sb, error);
}

/**
 * virFileOpenDir:
 *
 * A descriptor of the directory @path, to work in with openat() and
 * renameat(); with VIR_FILE_OPEN_OWNED it must belong to the effective
 * user and not be writable by others.  -1 and @error otherwise.
 */
int
virFileOpenDir(const char *path, guint flags, GError **error)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
                            ((flags & VIR_FILE_OPEN_NOFOLLOW) ? O_NOFOLLOW : 0));
    struct stat sb;

    if (fd < 0) {
        virFileSetIOError(error, _("cannot open the directory '%s': %s"), path,
                          g_strerror(errno));
        return -1;
    }
    if ((flags & VIR_FILE_OPEN_OWNED) && (fstat(fd, &sb) < 0 || !virFileIsOwnedPrivate(&sb))) {
        g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_IO,
                    _("the directory '%s' belongs to another user or is writable by others"),
                    path);
        close(fd);
        return -1;
    }
    return fd;
}

/**
 * virFileReadFd:
 *
 * Read what is left of @fd, at most @max_len bytes.  Reads until end of
 * file rather than trusting st_size, because sysfs and procfs report sizes
 * that have nothing to do with their contents.  The result is
 * NUL-terminated; @ret_len excludes the terminator.  @name is for messages.
 */
static gboolean
virFileReadSized(int fd, const struct stat *st, const char *name, gsize max_len,
                 char **ret_contents, gsize *ret_len, GError **error)
{
    gsize size = 4096;
    gsize len = 0;
    g_autofree char *buf = NULL;

    /* A regular file is read into a buffer of its size (and one byte
     * more, to see the end) in one go; what grows while it is read, and
     * pipes and /proc (size 0), grow the buffer. */
    if (st && S_ISREG(st->st_mode) && st->st_size > 0)
        size = MIN((gsize)st->st_size, max_len) + 1;
    size = MIN(size, max_len + 1);
    buf = g_malloc(size + 1);
    for (;;) {
        ssize_t got;

        if (len == size) {
            if (size > max_len) {
                g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_TOO_BIG,
                            _("'%s' is larger than %zu bytes"), name, max_len);
                return FALSE;
            }
            size = MIN(size * 2, max_len + 1);
            buf = g_realloc(buf, size + 1);
        }
        got = read(fd, buf + len, size - len);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return virFileSetIOError(error, _("cannot read '%s': %s"), name,
                                     g_strerror(errno));
        }
        if (got == 0)
            break;
        len += (gsize)got;
    }
    if (len > max_len) {
        g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_TOO_BIG,
                    _("'%s' is larger than %zu bytes"), name, max_len);
        return FALSE;
    }

    buf[len] = '\0';
    if (ret_len)
        *ret_len = len;
    *ret_contents = g_steal_pointer(&buf);
    return TRUE;
}

gboolean
virFileReadFd(int fd, const char *name, gsize max_len, char **ret_contents, gsize *ret_len,
              GError **error)
{
    struct stat st;

    return virFileReadSized(fd, fstat(fd, &st) == 0 ? &st : NULL, name, max_len, ret_contents,
                            ret_len, error);
}

static gboolean
virFileReadInternal(const char *path, guint flags, gsize max_len, char **ret_contents,
                    gsize *ret_len, GError **error)
{
    struct stat st;
    int fd;
    gboolean ok;

    if (!virFileOpenRegular(path, flags, &fd, &st, error))
        return FALSE;
    if (fd < 0) {
        *ret_contents = NULL;
        if (ret_len)
            *ret_len = 0;
        return TRUE;
    }
    ok = virFileReadSized(fd, &st, path, max_len, ret_contents, ret_len, error);
    close(fd);
    return ok;
}

/**
 * virFileReadLimit:
 *
 * Read the whole of the regular file @path, which must not exceed
 * @max_len bytes (see virFileOpenRegular() and virFileReadFd()).
 */
gboolean
virFileReadLimit(const char *path, gsize max_len, char **ret_contents, gsize *ret_len,
                 GError **error)
{
    return virFileReadInternal(path, 0, max_len, ret_contents, ret_len, error);
}

/* Like virFileReadLimit(), but a missing file is not an error: it yields
 * TRUE with *ret_contents set to NULL. */
gboolean
virFileReadOptional(const char *path, gsize max_len, char **ret_contents, gsize *ret_len,
                    GError **error)
{
    return virFileReadInternal(path, VIR_FILE_OPEN_OPTIONAL, max_len, ret_contents, ret_len,
                               error);
}

static gboolean
virFileWriteAll(int fd, const char *data, gsize len)
{
    while (len > 0) {
        ssize_t done = write(fd, data, len);

        if (done < 0) {
            if (errno == EINTR)
                continue;
            return FALSE;
        }
        data += done;
        len -= (gsize)done;
    }
    return TRUE;
}

/* The length of the random part of a temporary name: ".NAME.XXXXXX". */
#define VIR_FILE_TEMP_RANDOM 6

/* Create a new file ".NAME.XXXXXX" in @dirfd, readable by its owner only
 * until it is complete; never through a symbolic link. */
static int
virFileCreateTemp(int dirfd, const char *name, char **ret_tmp)
{
    static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    guint attempt;

    for (attempt = 0; attempt < 100; attempt++) {
        g_autofree char *tmp = NULL;
        char rand[VIR_FILE_TEMP_RANDOM + 1];
        guint i;
        int fd;

        for (i = 0; i < VIR_FILE_TEMP_RANDOM; i++)
            rand[i] = chars[g_random_int_range(0, (gint32)sizeof(chars) - 1)];
        rand[VIR_FILE_TEMP_RANDOM] = '\0';
        tmp = g_strdup_printf(".%s.%s", name, rand);
        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
            *ret_tmp = g_steal_pointer(&tmp);
            return fd;
        }
        if (errno != EEXIST)
            return -1;
    }
    errno = EEXIST;
    return -1;
}

/* Write, own and flush the temporary file; errno on failure. */
static gboolean
virFileFillTemp(int fd, const char *data, gsize len, const virFileReplaceOptions *opts)
{
    /* fchown() first: it would clear the bits that fchmod() sets. */
    if (!virFileWriteAll(fd, data, len))
        return FALSE;
    if (opts->chown && fchown(fd, opts->uid, opts->gid) < 0)
        return FALSE;
    return fchmod(fd, opts->mode & 0777) == 0 && fsync(fd) == 0;
}

/* Put the file @tmp in the place of @name, which must still be the inode
 * @opts names.  The names are exchanged atomically and the inode that left
 * @name is checked: if it is not the expected one, the exchange is undone.
 * Where the file system cannot exchange, the check comes just before a
 * rename within the same directory. */
static gboolean
virFileSwapChecked(int dirfd, const char *tmp, const char *name,
                   const virFileReplaceOptions *opts, gboolean *ret_changed)
{
    struct stat sb;

    *ret_changed = FALSE;
    if (renameat2(dirfd, tmp, dirfd, name, RENAME_EXCHANGE) == 0) {
        if (fstatat(dirfd, tmp, &sb, AT_SYMLINK_NOFOLLOW) == 0 && sb.st_dev == opts->dev &&
            sb.st_ino == opts->ino) {
            /* The old file: only its name is gone if this fails. */
            unlinkat(dirfd, tmp, 0);
            return TRUE;
        }
        *ret_changed = TRUE;
        return renameat2(dirfd, tmp, dirfd, name, RENAME_EXCHANGE) == 0;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
        return FALSE;
    if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0 || sb.st_dev != opts->dev ||
        sb.st_ino != opts->ino) {
        *ret_changed = TRUE;
        return TRUE;
    }
    return renameat(dirfd, tmp, dirfd, name) == 0;
}

/**
 * virFileReplaceAt:
 * @dirfd: the directory, held open
 * @dir: its name, for messages
 * @name: the file's name in @dirfd (no slash)
 *
 * Replace @name with @data so that a reader sees either the old or the new
 * contents, never a mix, and a failure at any point leaves the old file as
 * it was: a new file is written in the same directory, given its owner and
 * mode by descriptor, flushed, and renamed over @name.  With
 * @opts->same_file, @name is replaced only while it is still the inode the
 * caller read; otherwise nothing is written.
 */
gboolean
virFileReplaceAt(int dirfd, const char *dir, const char *name, const char *data, gsize len,
                 const virFileReplaceOptions *opts, GError **error)
{
    g_autofree char *tmp = NULL;
    g_autofree char *path = g_build_filename(dir, name, NULL);
    gboolean changed = FALSE;
    struct stat sb;
    int saved;
    int fd;

    /* A rename would put a regular file in the place of a device node or
     * a FIFO (-o /dev/null as root would replace the device). */
    if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(sb.st_mode) &&
        !S_ISLNK(sb.st_mode)) {
        g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_IO,
                    _("'%s' is not a regular file; only regular files are replaced"), path);
        return FALSE;
    }
    if ((fd = virFileCreateTemp(dirfd, name, &tmp)) < 0)
        return virFileSetIOError(error, _("cannot create a temporary file in '%s': %s"), dir,
                                 g_strerror(errno));
    if (!virFileFillTemp(fd, data, len, opts)) {
        saved = errno;
        close(fd);
        unlinkat(dirfd, tmp, 0);
        return virFileSetIOError(error, _("cannot write '%s': %s"), path, g_strerror(saved));
    }
    if (close(fd) < 0) {
        saved = errno;
        unlinkat(dirfd, tmp, 0);
        return virFileSetIOError(error, _("cannot write '%s': %s"), path, g_strerror(saved));
    }
    if (opts->same_file ? !virFileSwapChecked(dirfd, tmp, name, opts, &changed)
                        : renameat(dirfd, tmp, dirfd, name) < 0) {
        saved = errno;
        unlinkat(dirfd, tmp, 0);
        return virFileSetIOError(error, _("cannot replace '%s': %s"), path, g_strerror(saved));
    }
    if (changed) {
        unlinkat(dirfd, tmp, 0);
        g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_IO,
                    _("'%s' was replaced by another file while it was being written; "
                      "nothing was written"),
                    path);
        return FALSE;
    }
    return TRUE;
}

/**
 * virFileWriteAtomic:
 *
 * virFileReplaceAt() for a path: the directory is opened once, and the
 * file gets @mode and the effective user as its owner.
 */
gboolean
virFileWriteAtomic(const char *path, const char *data, gsize len, int mode, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    virFileReplaceOptions opts = { .mode = (mode_t)mode };
    gboolean ok;
    int dirfd;

    if ((dirfd = virFileOpenDir(dir, 0, error)) < 0)
        return FALSE;
    ok = virFileReplaceAt(dirfd, dir, base, data, len, &opts, error);
    close(dirfd);
    return ok;
}

/* Whether @entry is ".NAME.XXXXXX" for a NAME ending in @ext. */
static gboolean
virFileIsTempName(const char *entry, const char *ext)
{
    gsize len = strlen(entry);
    gsize ext_len = strlen(ext);
    gsize i;

    if (entry[0] != '.' || len < 1 + ext_len + 1 + VIR_FILE_TEMP_RANDOM + 1)
        return FALSE;
    if (entry[len - VIR_FILE_TEMP_RANDOM - 1] != '.' ||
        memcmp(entry + len - VIR_FILE_TEMP_RANDOM - 1 - ext_len, ext, ext_len) != 0)
        return FALSE;
    for (i = len - VIR_FILE_TEMP_RANDOM; i < len; i++) {
        if (!g_ascii_isalnum(entry[i]))
            return FALSE;
    }
    return TRUE;
}

/**
 * virFileRemoveStaleTemp:
 *
 * Remove the temporary files of virFileReplaceAt() for names ending in
 * @ext that a killed process left in @dirfd, once they are older than
 * @older_than_s seconds (a younger one may still be being written).  Only
 * the effective user's regular files are touched.
 */
void
virFileRemoveStaleTemp(int dirfd, const char *ext, gint64 older_than_s)
{
    int fd = dup(dirfd);
    gint64 now = g_get_real_time() / G_USEC_PER_SEC;
    struct dirent *entry;
    DIR *dir;

    if (fd < 0)
        return;
    if (!(dir = fdopendir(fd))) {
        close(fd);
        return;
    }
    while ((entry = readdir(dir))) {
        struct stat sb;

        if (!virFileIsTempName(entry->d_name, ext) ||
            fstatat(dirfd, entry->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (S_ISREG(sb.st_mode) && sb.st_uid == geteuid() &&
            now - (gint64)sb.st_mtime > older_than_s)
            unlinkat(dirfd, entry->d_name, 0);
    }
    closedir(dir);
}

/* One step of virFileIsTrustedExecutable(): @path owned by root and not
 * writable by group or others.  A sticky directory (/tmp) is writable by
 * all, but nobody can rename or remove root's entries in it. */
static gboolean
virFileCheckRootOwned(const char *path, const struct stat *sb, char **ret_reason)
{
    if (sb->st_uid != 0) {
        *ret_reason = g_strdup_printf(_("'%s' is owned by uid %u, not by root"), path,
                                      (guint)sb->st_uid);
        return FALSE;
    }
    if (S_ISDIR(sb->st_mode) && (sb->st_mode & S_ISVTX))
        return TRUE;
    if (sb->st_mode & (S_IWGRP | S_IWOTH)) {
        *ret_reason = g_strdup_printf(_("'%s' is writable by group or others (mode %04o)"),
                                      path, (guint)(sb->st_mode & 07777));
        return FALSE;
    }
    return TRUE;
}

/**
 * virFileIsTrustedExecutable:
 * @ret_resolved: the path with every symbolic link resolved: the file to
 *   execute, since that is what was checked
 * @ret_reason: why not, on FALSE
 *
 * The rule that sudo and OpenSSH apply to the files they trust: a regular,
 * executable file owned by root and not writable by group or others, in
 * directories with the same property all the way up to "/" (or sticky,
 * like /tmp).  Nobody but root can then change what runs.
 */
gboolean
virFileIsTrustedExecutable(const char *path, char **ret_resolved, char **ret_reason)
{
    g_autofree char *resolved = realpath(path, NULL);
    g_autofree char *step = NULL;
    struct stat sb;

    if (!resolved) {
        *ret_reason = g_strdup_printf(_("cannot resolve '%s': %s"), path, g_strerror(errno));
        return FALSE;
    }
    if (lstat(resolved, &sb) < 0 || !S_ISREG(sb.st_mode) || !(sb.st_mode & S_IXUSR)) {
        *ret_reason = g_strdup_printf(_("'%s' is not an executable regular file"), resolved);
        return FALSE;
    }
    if (!virFileCheckRootOwned(resolved, &sb, ret_reason))
        return FALSE;
    step = g_strdup(resolved);
    do {
        char *slash = strrchr(step, '/');

        slash[slash == step ? 1 : 0] = '\0';
        if (lstat(step, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
            *ret_reason = g_strdup_printf(_("'%s' is not a directory"), step);
            return FALSE;
        }
        if (!virFileCheckRootOwned(step, &sb, ret_reason))
            return FALSE;
    } while (!g_str_equal(step, "/"));
    *ret_resolved = g_steal_pointer(&resolved);
    return TRUE;
}
