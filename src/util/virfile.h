/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

/* Files that virt-pv reads are small; anything larger is refused. */
#define VIR_FILE_MAX_DEFAULT (16 * 1024 * 1024)

char *virFileBuildPath(const char *root, const char *path);

gboolean virFileReadLimit(const char *path, gsize max_len, char **ret_contents, gsize *ret_len,
                          GError **error);

gboolean virFileReadOptional(const char *path, gsize max_len, char **ret_contents,
                             gsize *ret_len, GError **error);

gboolean virFileWriteAtomic(const char *path, const char *data, gsize len, int mode,
                            GError **error);

gboolean virFileExists(const char *path);
