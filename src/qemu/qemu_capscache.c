/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "qemu_capscache.h"
#include "qemu_error.h"
#include "qemu_json.h"
#include "util/virfile.h"
#include "util/virkernelcmdline.h"

/*
 * One capabilities file per emulator, named after the SHA-256 of its path.
 * The file carries a key: everything whose change can change the answer.
 * A lookup reads the file without a lock (it is only ever replaced by a
 * rename, so it is whole or absent) and compares keys; a miss takes a lock
 * beside the file, looks again (another process may just have probed), and
 * only then starts QEMU.
 */

/* Files the key reads: sysfs and procfs values are short. */
#define VIR_QEMU_CAPS_CACHE_MAX_PROC (1024 * 1024)

/* The cache of root lives in /var/cache; everybody else's in XDG's. */
char *
virQEMUCapsCacheDefaultDir(void)
{
    if (geteuid() == 0)
        return g_build_filename(LOCALSTATEDIR, "cache", "virt-pv", NULL);
    return g_build_filename(g_get_user_cache_dir(), "virt-pv", NULL);
}

char *
virQEMUCapsCachePath(const char *cache_dir, const char *emulator)
{
    g_autofree char *dir = cache_dir ? g_strdup(cache_dir) : virQEMUCapsCacheDefaultDir();
    g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, emulator, -1);
    g_autofree char *name = g_strdup_printf("%s.json", hash);

    return g_build_filename(dir, name, NULL);
}

static gint64
virQEMUCapsCacheNanoseconds(const struct timespec *ts)
{
    return (gint64)ts->tv_sec * G_GINT64_CONSTANT(1000000000) + ts->tv_nsec;
}

/* The emulator's identity: replacing, rebuilding or touching it shows. */
static gboolean
virQEMUCapsCacheKeyEmulator(JsonBuilder *b, const char *emulator, GError **error)
{
    struct stat sb;

    if (stat(emulator, &sb) < 0) {
        int saved = errno;

        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_SPAWN,
                    _("cannot find the QEMU binary '%s': %s"), emulator, g_strerror(saved));
        return FALSE;
    }
    json_builder_set_member_name(b, "emulator");
    json_builder_begin_object(b);
    virQEMUJSONAddString(b, "path", emulator);
    virQEMUJSONAddInt(b, "dev", (gint64)sb.st_dev);
    virQEMUJSONAddInt(b, "ino", (gint64)sb.st_ino);
    virQEMUJSONAddInt(b, "size", (gint64)sb.st_size);
    virQEMUJSONAddInt(b, "mtime", virQEMUCapsCacheNanoseconds(&sb.st_mtim));
    virQEMUJSONAddInt(b, "ctime", virQEMUCapsCacheNanoseconds(&sb.st_ctim));
    json_builder_end_object(b);
    return TRUE;
}

/* A host file's contents, stripped, or NULL when it does not exist. */
static gboolean
virQEMUCapsCacheReadHostFile(const char *root, const char *path, char **ret_text,
                             GError **error)
{
    g_autofree char *full = virFileBuildPath(root, path);
    g_autofree char *text = NULL;
    g_autoptr(GError) read_error = NULL;

    if (!virFileReadOptional(full, VIR_QEMU_CAPS_CACHE_MAX_PROC, &text, NULL, &read_error)) {
        g_set_error_literal(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_FAILED, read_error->message);
        return FALSE;
    }
    *ret_text = text ? g_strdup(g_strstrip(text)) : NULL;
    return TRUE;
}

/* /dev/kvm: whether it exists and which device it is. */
static void
virQEMUCapsCacheKeyKVM(JsonBuilder *b, const char *root)
{
    g_autofree char *path = virFileBuildPath(root, "/dev/kvm");
    struct stat sb;

    json_builder_set_member_name(b, "kvm");
    if (stat(path, &sb) < 0) {
        json_builder_add_null_value(b);
        return;
    }
    json_builder_begin_object(b);
    virQEMUJSONAddInt(b, "rdev", (gint64)sb.st_rdev);
    virQEMUJSONAddInt(b, "ino", (gint64)sb.st_ino);
    json_builder_end_object(b);
}

/* The host's PV state: the kernel's own answer where it gives one, the
 * command line for kernels that do not. */
static gboolean
virQEMUCapsCacheKeyHost(JsonBuilder *b, const char *root, GError **error)
{
    g_autofree char *release = NULL;
    g_autofree char *prot_virt_host = NULL;
    g_autofree char *cmdline = NULL;
    g_autofree char *uv = virFileBuildPath(root, "/sys/firmware/uv");

    if (!virQEMUCapsCacheReadHostFile(root, "/proc/sys/kernel/osrelease", &release, error) ||
        !virQEMUCapsCacheReadHostFile(root, "/sys/firmware/uv/prot_virt_host", &prot_virt_host,
                                      error) ||
        !virQEMUCapsCacheReadHostFile(root, "/proc/cmdline", &cmdline, error))
        return FALSE;

    virQEMUJSONAddString(b, "kernel", release);
    virQEMUCapsCacheKeyKVM(b, root);
    virQEMUJSONAddBool(b, "uv", virFileExists(uv));
    virQEMUJSONAddString(b, "prot_virt_host", prot_virt_host);
    virQEMUJSONAddBool(b, "cmdline-prot-virt",
                       cmdline && virKernelCmdlineIsEnabled(cmdline, "prot_virt"));
    return TRUE;
}

/**
 * virQEMUCapsCacheKeyNew:
 * @root: read /proc, /sys and /dev below this directory, or NULL
 *
 * Everything whose change can change what @emulator answers.
 */
gboolean
virQEMUCapsCacheKeyNew(const char *emulator, const char *root, JsonNode **ret_key,
                       GError **error)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    virQEMUJSONAddString(b, "virt-pv", VERSION);
    if (!virQEMUCapsCacheKeyEmulator(b, emulator, error) || !virQEMUCapsCacheKeyHost(b, root, error))
        return FALSE;
    json_builder_end_object(b);
    *ret_key = json_builder_get_root(b);
    return TRUE;
}

/* A usable cache file for @emulator with @key, or FALSE for anything else:
 * missing, unreadable, damaged and stale files are all just a miss. */
static gboolean
virQEMUCapsCacheRead(const char *path, const char *emulator, JsonNode *key,
                     virQEMUCaps **ret_caps)
{
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(GError) ignored = NULL;
    JsonNode *stored;

    if (!virFileExists(path) || !virQEMUCapsLoadFile(path, &caps, &ignored))
        return FALSE;
    stored = virQEMUCapsGetKey(caps);
    if (!stored || !json_node_equal(stored, key) ||
        g_strcmp0(virQEMUCapsGetEmulator(caps), emulator) != 0)
        return FALSE;
    *ret_caps = g_steal_pointer(&caps);
    return TRUE;
}

#define VIR_QEMU_CAPS_CACHE_DEFAULT_TIMEOUT_MS 30000

/* Take the lock beside the cache file, waiting at most @wait_ms: a process
 * that holds it longer is stuck, and then we probe on our own. */
static int
virQEMUCapsCacheLock(const char *path, guint wait_ms, char **ret_warning)
{
    g_autofree char *lock_path = g_strdup_printf("%s.lock", path);
    gint64 deadline = g_get_monotonic_time() + (gint64)wait_ms * 1000;
    int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

    if (fd < 0) {
        int saved = errno;
        g_autofree char *dir = g_path_get_dirname(path);

        /* The directory is what the admin must fix (read-only, wrong
         * owner), not the lock file that could not be created in it. */
        *ret_warning = g_strdup_printf(_("cannot use the capabilities cache '%s': %s"), dir,
                                       g_strerror(saved));
        return -1;
    }
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            int saved = errno;

            *ret_warning = g_strdup_printf(_("cannot lock '%s': %s"), lock_path,
                                           g_strerror(saved));
            close(fd);
            return -1;
        }
        if (g_get_monotonic_time() >= deadline) {
            *ret_warning = g_strdup_printf(_("'%s' stayed locked; probing without the cache"),
                                           lock_path);
            close(fd);
            return -1;
        }
        g_usleep(2000);
    }
    return fd;
}

static gboolean
virQEMUCapsCacheProbe(const char *emulator, guint timeout_ms, virQEMUCaps **ret_caps,
                      GError **error)
{
    virQEMUCapsProbeOptions opts = { .timeout_ms = timeout_ms };

    return virQEMUCapsProbe(emulator, &opts, ret_caps, error);
}

static void
virQEMUCapsCacheWrite(const char *path, virQEMUCaps *caps, char **ret_warning)
{
    g_autofree char *text = virQEMUCapsFormatJSON(caps, TRUE);
    g_autoptr(GError) error = NULL;

    if (!virFileWriteAtomic(path, text, strlen(text), 0644, &error))
        *ret_warning = g_strdup_printf(_("cannot write the capabilities cache: %s"),
                                       error->message);
}

/* The slow path, under the lock: look again, then probe and store. */
static gboolean
virQEMUCapsCacheFill(const char *path, const char *emulator, JsonNode *key, guint timeout_ms,
                     virQEMUCaps **ret_caps, char **ret_warning, GError **error)
{
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autofree char *dir = g_path_get_dirname(path);
    /* @timeout_ms bounds the whole lookup, as the hook promises: half of
     * it for another process's probe to finish (a cold probe takes well
     * under a second), the rest for our own when the lock stays taken. */
    guint budget_ms = timeout_ms ? timeout_ms : VIR_QEMU_CAPS_CACHE_DEFAULT_TIMEOUT_MS;
    gint64 start = g_get_monotonic_time();
    guint probe_ms;
    int lock_fd;
    gboolean ok;

    if (g_mkdir_with_parents(dir, 0755) < 0) {
        int saved = errno;

        *ret_warning = g_strdup_printf(_("cannot create the capabilities cache '%s': %s"), dir,
                                       g_strerror(saved));
        lock_fd = -1;
    } else {
        lock_fd = virQEMUCapsCacheLock(path, budget_ms / 2, ret_warning);
    }

    if (lock_fd >= 0 && virQEMUCapsCacheRead(path, emulator, key, ret_caps)) {
        close(lock_fd);
        return TRUE;
    }
    probe_ms = budget_ms - MIN(budget_ms / 2, (guint)((g_get_monotonic_time() - start) / 1000));
    ok = virQEMUCapsCacheProbe(emulator, probe_ms, &caps, error);
    if (ok) {
        virQEMUCapsSetKey(caps, key);
        if (lock_fd >= 0)
            virQEMUCapsCacheWrite(path, caps, ret_warning);
        *ret_caps = g_steal_pointer(&caps);
    }
    if (lock_fd >= 0)
        close(lock_fd);
    return ok;
}

/**
 * virQEMUCapsCacheLookup:
 * @cache_dir: (nullable): where cache files live; NULL for the default
 * @root: (nullable): read the host's state below this directory
 * @timeout_ms: bound of every wait for QEMU; 0 for the default
 * @ret_warning: (nullable): set when the cache could not be used; the
 *   answer is still good (probed without the cache)
 *
 * The capabilities of @emulator, from the cache when its key still
 * matches, probed and stored otherwise.
 */
gboolean
virQEMUCapsCacheLookup(const char *cache_dir, const char *emulator, const char *root,
                       guint timeout_ms, virQEMUCaps **ret_caps, char **ret_warning,
                       GError **error)
{
    g_autoptr(JsonNode) key = NULL;
    g_autofree char *path = virQEMUCapsCachePath(cache_dir, emulator);
    g_autofree char *warning = NULL;

    if (!virQEMUCapsCacheKeyNew(emulator, root, &key, error))
        return FALSE;
    if (virQEMUCapsCacheRead(path, emulator, key, ret_caps))
        return TRUE;
    if (!virQEMUCapsCacheFill(path, emulator, key, timeout_ms, ret_caps, &warning, error))
        return FALSE;
    if (ret_warning)
        *ret_warning = g_steal_pointer(&warning);
    return TRUE;
}
