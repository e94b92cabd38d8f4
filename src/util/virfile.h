/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <glib.h>

/* Files that virt-pv reads are small; anything larger is refused. */
#define VIR_FILE_MAX_DEFAULT (16 * 1024 * 1024)

typedef enum {
    VIR_FILE_OPEN_OPTIONAL = 1 << 0, /* a missing file is no error: *ret_fd is -1 */
    VIR_FILE_OPEN_NOFOLLOW = 1 << 1, /* the last component must not be a symbolic link */
    VIR_FILE_OPEN_OWNED = 1 << 2,    /* owned by the effective user, not writable by others */
} virFileOpenFlags;

char *virFileBuildPath(const char *root, const char *path);

gboolean virFileOpenRegularAt(int dirfd, const char *path, const char *name, guint flags,
                              int *ret_fd, struct stat *ret_sb, GError **error);

gboolean virFileOpenRegular(const char *path, guint flags, int *ret_fd, struct stat *ret_sb,
                            GError **error);

gboolean virFileReadFd(int fd, const char *name, gsize max_len, char **ret_contents,
                       gsize *ret_len, GError **error);

gboolean virFileReadLimit(const char *path, gsize max_len, char **ret_contents, gsize *ret_len,
                          GError **error);

gboolean virFileReadOptional(const char *path, gsize max_len, char **ret_contents,
                             gsize *ret_len, GError **error);

gboolean virFileIsOwnedPrivate(const struct stat *sb);

int virFileOpenDir(const char *path, guint flags, GError **error);

/* How virFileReplaceAt() leaves the new file. */
typedef struct {
    mode_t mode;        /* permission bits (special bits are dropped) */
    gboolean chown;     /* give it @uid and @gid */
    uid_t uid;
    gid_t gid;
    gboolean same_file; /* replace only the file @dev/@ino, or nothing */
    dev_t dev;
    ino_t ino;
} virFileReplaceOptions;

gboolean virFileReplaceAt(int dirfd, const char *dir, const char *name, const char *data,
                          gsize len, const virFileReplaceOptions *opts, GError **error);

gboolean virFileWriteAtomic(const char *path, const char *data, gsize len, int mode,
                            GError **error);

void virFileRemoveStaleTemp(int dirfd, const char *prefix, gint64 older_than_s);

gboolean virFileIsTrustedExecutable(const char *path, char **ret_resolved, char **ret_reason);

gboolean virFileExists(const char *path);
