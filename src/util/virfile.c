/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "virerror.h"
#include "virfile.h"

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

static gboolean
virFileReadFd(int fd, const char *path, gsize max_len, char **ret_contents, gsize *ret_len,
              GError **error)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();
    guint8 chunk[65536];

    for (;;) {
        ssize_t got = read(fd, chunk, sizeof(chunk));

        if (got < 0) {
            int saved = errno;

            if (saved == EINTR)
                continue;
            g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_IO, _("cannot read '%s': %s"),
                        path, g_strerror(saved));
            return FALSE;
        }
        if (got == 0)
            break;
        if (buf->len + (gsize)got > max_len) {
            g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_TOO_BIG,
                        _("'%s' is larger than %zu bytes"), path, max_len);
            return FALSE;
        }
        g_byte_array_append(buf, chunk, (guint)got);
    }

    if (ret_len)
        *ret_len = buf->len;
    g_byte_array_append(buf, (const guint8 *)"", 1);
    *ret_contents = (char *)g_byte_array_free(g_steal_pointer(&buf), FALSE);
    return TRUE;
}

static gboolean
virFileReadInternal(const char *path, gboolean optional, gsize max_len, char **ret_contents,
                    gsize *ret_len, GError **error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    gboolean ok;

    if (fd < 0) {
        int saved = errno;

        if (optional && (saved == ENOENT || saved == ENOTDIR)) {
            *ret_contents = NULL;
            if (ret_len)
                *ret_len = 0;
            return TRUE;
        }
        g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_IO, _("cannot open '%s': %s"), path,
                    g_strerror(saved));
        return FALSE;
    }
    ok = virFileReadFd(fd, path, max_len, ret_contents, ret_len, error);
    close(fd);
    return ok;
}

/**
 * virFileReadLimit:
 *
 * Read the whole of @path, which must not exceed @max_len bytes.  Reads
 * until end of file rather than trusting st_size, because sysfs and procfs
 * report sizes that have nothing to do with their contents.  The result is
 * NUL-terminated; @ret_len excludes the terminator.
 */
gboolean
virFileReadLimit(const char *path, gsize max_len, char **ret_contents, gsize *ret_len,
                 GError **error)
{
    return virFileReadInternal(path, FALSE, max_len, ret_contents, ret_len, error);
}

/* Like virFileReadLimit(), but a missing file is not an error: it yields
 * TRUE with *ret_contents set to NULL. */
gboolean
virFileReadOptional(const char *path, gsize max_len, char **ret_contents, gsize *ret_len,
                    GError **error)
{
    return virFileReadInternal(path, TRUE, max_len, ret_contents, ret_len, error);
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

/**
 * virFileWriteAtomic:
 *
 * Replace @path with @data so that a reader sees either the old or the new
 * contents, never a mix, and a failure at any point leaves the old file as
 * it was: write a temporary file in the same directory, flush it to disk,
 * then rename it over @path.
 */
gboolean
virFileWriteAtomic(const char *path, const char *data, gsize len, int mode, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *tmpl = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    int fd;
    int saved;

    fd = g_mkstemp_full(tmpl, O_WRONLY | O_CLOEXEC, mode);
    if (fd < 0) {
        saved = errno;
        g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_IO,
                    _("cannot create a temporary file in '%s': %s"), dir, g_strerror(saved));
        return FALSE;
    }

    if (!virFileWriteAll(fd, data, len) || fchmod(fd, (mode_t)mode) < 0 || fsync(fd) < 0) {
        saved = errno;
        close(fd);
        unlink(tmpl);
        g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_IO, _("cannot write '%s': %s"), path,
                    g_strerror(saved));
        return FALSE;
    }
    if (close(fd) < 0) {
        saved = errno;
        unlink(tmpl);
        g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_IO, _("cannot write '%s': %s"), path,
                    g_strerror(saved));
        return FALSE;
    }
    if (rename(tmpl, path) < 0) {
        saved = errno;
        unlink(tmpl);
        g_set_error(error, VIR_UTIL_ERROR, VIR_UTIL_ERROR_IO, _("cannot replace '%s': %s"), path,
                    g_strerror(saved));
        return FALSE;
    }
    return TRUE;
}
