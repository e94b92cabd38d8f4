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

/*
 * One capabilities file per emulator, named after the SHA-256 of its path.
 * The file carries a key: everything whose change can change the answer.
 * A lookup reads the file without a lock (it is only ever replaced by a
 * rename, so it is whole or absent) and compares keys; a miss takes a lock
 * beside the file, looks again (another process may just have probed), and
 * only then starts QEMU.
 */

/* The cache of root lives in /var/cache; everybody else's in XDG's. */
static char *
virQEMUCapsCacheDefaultDir(void)
{
    if (geteuid() == 0)
        return g_build_filename(LOCALSTATEDIR, "cache", "virt-pv", NULL);
    return g_build_filename(g_get_user_cache_dir(), "virt-pv", NULL);
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

/* /dev/kvm as the probe saw it: whether it exists and which device it
 * is.  It is the machine's own, whatever --root says (see
 * virHostPVKVMDeviceRead()), since that is the one QEMU opens. */
static void
virQEMUCapsCacheKeyKVM(JsonBuilder *b, const virHostPVKVMDevice *kvm)
{
    json_builder_set_member_name(b, "kvm");
    if (!kvm->present) {
        json_builder_add_null_value(b);
        return;
    }
    json_builder_begin_object(b);
    virQEMUJSONAddInt(b, "rdev", (gint64)kvm->rdev);
    virQEMUJSONAddInt(b, "ino", (gint64)kvm->ino);
    json_builder_end_object(b);
}

static const char *const virQEMUCapsCacheProtVirtHostNames[] = {
    [VIR_HOST_PV_FILE_OFF] = "0",
    [VIR_HOST_PV_FILE_ON] = "1",
    [VIR_HOST_PV_FILE_INVALID] = "invalid",
};

/* The host's PV state, from the host facts the caller read (below --root
 * when given, like every host check): the kernel's own answer where it
 * gives one, the command line for kernels that do not.  /dev/kvm is the
 * one the probe used. */
static void
virQEMUCapsCacheKeyHost(JsonBuilder *b, const virHostPVState *host,
                        const virHostPVKVMDevice *kvm)
{
    const char *prot_virt_host = NULL;

    if (host->prot_virt_host != VIR_HOST_PV_FILE_ABSENT)
        prot_virt_host = virQEMUCapsCacheProtVirtHostNames[host->prot_virt_host];
    virQEMUJSONAddString(b, "kernel", host->kernel_release);
    virQEMUCapsCacheKeyKVM(b, kvm);
    virQEMUJSONAddBool(b, "uv", host->uv_sysfs);
    virQEMUJSONAddString(b, "prot_virt_host", prot_virt_host);
    virQEMUJSONAddBool(b, "cmdline-prot-virt", host->cmdline_prot_virt);
}

/* Everything whose change can change what @emulator answers. */
static gboolean
virQEMUCapsCacheKeyNew(const char *emulator, const virHostPVState *host,
                       const virHostPVKVMDevice *kvm, JsonNode **ret_key, GError **error)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    virQEMUJSONAddString(b, "virt-pv", VERSION);
    if (!virQEMUCapsCacheKeyEmulator(b, emulator, error))
        return FALSE;
    virQEMUCapsCacheKeyHost(b, host, kvm);
    json_builder_end_object(b);
    *ret_key = json_builder_get_root(b);
    return TRUE;
}

/* Capabilities files are small; a bigger file is not one. */
#define VIR_QEMU_CAPS_CACHE_MAX_FILE (1024 * 1024)

/* A temporary file older than this was left by a killed writer. */
#define VIR_QEMU_CAPS_CACHE_STALE_TEMP_S 300

/* The cache directory, held open while it is used: its name is resolved
 * once, and everything in it is reached by descriptor. */
typedef struct {
    char *dir;
    int dirfd;
    char *name;      /* HASH.json */
    char *path;      /* dir/name, for messages */
} virQEMUCapsCacheDir;

static void
virQEMUCapsCacheDirClear(virQEMUCapsCacheDir *cache)
{
    if (cache->dirfd >= 0)
        close(cache->dirfd);
    g_free(cache->dir);
    g_free(cache->name);
    g_free(cache->path);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(virQEMUCapsCacheDir, virQEMUCapsCacheDirClear)

/* Open (and create) the cache directory for @emulator.  It is trusted
 * only when it belongs to the effective user and nobody else can write
 * it: a cache that another user can fill could make a TCG-only host look
 * like one with KVM.  FALSE, with the reason in @ret_warning, means
 * "probe without the cache". */
static gboolean
virQEMUCapsCacheOpen(const char *cache_dir, const char *emulator, virQEMUCapsCacheDir *cache,
                     char **ret_warning)
{
    g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, emulator, -1);
    g_autoptr(GError) error = NULL;

    cache->dir = cache_dir ? g_strdup(cache_dir) : virQEMUCapsCacheDefaultDir();
    cache->name = g_strdup_printf("%s.json", hash);
    cache->path = g_build_filename(cache->dir, cache->name, NULL);
    if (g_mkdir_with_parents(cache->dir, geteuid() == 0 ? 0755 : 0700) < 0) {
        int saved = errno;

        *ret_warning = g_strdup_printf(_("cannot create the capabilities cache '%s': %s"),
                                       cache->dir, g_strerror(saved));
        return FALSE;
    }
    if ((cache->dirfd = virFileOpenDir(cache->dir, VIR_FILE_OPEN_OWNED, &error)) < 0) {
        *ret_warning = g_strdup_printf(_("not using the capabilities cache: %s"),
                                       error->message);
        return FALSE;
    }
    return TRUE;
}

/* A usable cache file for @emulator with @key, or FALSE for anything else:
 * missing, unreadable, damaged and stale files are all just a miss, and so
 * is a file of another user or one that others may write. */
static gboolean
virQEMUCapsCacheRead(const virQEMUCapsCacheDir *cache, const char *emulator, JsonNode *key,
                     virQEMUCaps **ret_caps)
{
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(GError) ignored = NULL;
    g_autofree char *text = NULL;
    gsize len = 0;
    JsonNode *stored;
    int fd;
    gboolean ok;

    if (!virFileOpenRegularAt(cache->dirfd, cache->path, cache->name,
                              VIR_FILE_OPEN_OPTIONAL | VIR_FILE_OPEN_NOFOLLOW |
                                  VIR_FILE_OPEN_OWNED,
                              &fd, NULL, &ignored) ||
        fd < 0)
        return FALSE;
    ok = virFileReadFd(fd, cache->path, VIR_QEMU_CAPS_CACHE_MAX_FILE, &text, &len, &ignored);
    close(fd);
    if (!ok || !virQEMUCapsParseJSON(text, len, cache->path, &caps, &ignored))
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
 * that holds it longer is stuck, and then we probe on our own.  The lock
 * file is never opened through a symbolic link, and must be ours. */
static int
virQEMUCapsCacheLock(const virQEMUCapsCacheDir *cache, guint wait_ms, char **ret_warning)
{
    g_autofree char *lock_name = g_strdup_printf("%s.lock", cache->name);
    gint64 deadline = g_get_monotonic_time() + (gint64)wait_ms * 1000;
    int fd = openat(cache->dirfd, lock_name,
                    O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0600);
    struct stat sb;

    if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || !virFileIsOwnedPrivate(&sb)) {
        int saved = fd < 0 ? errno : EPERM;

        if (fd >= 0)
            close(fd);
        *ret_warning = g_strdup_printf(_("cannot use the lock of the capabilities cache '%s': "
                                         "%s"),
                                       cache->dir, g_strerror(saved));
        return -1;
    }
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            int saved = errno;

            *ret_warning = g_strdup_printf(_("cannot lock the capabilities cache '%s': %s"),
                                           cache->dir, g_strerror(saved));
            close(fd);
            return -1;
        }
        if (g_get_monotonic_time() >= deadline) {
            *ret_warning = g_strdup_printf(_("the capabilities cache '%s' stayed locked; "
                                             "probing without it"),
                                           cache->dir);
            close(fd);
            return -1;
        }
        g_usleep(2000);
    }
    return fd;
}

static void
virQEMUCapsCacheWrite(const virQEMUCapsCacheDir *cache, virQEMUCaps *caps, char **ret_warning)
{
    g_autofree char *text = virQEMUCapsFormatJSON(caps, TRUE);
    g_autoptr(GError) error = NULL;
    virFileReplaceOptions opts = { .mode = 0644 };

    /* What a writer killed half way left behind goes first. */
    virFileRemoveStaleTemp(cache->dirfd, ".json", VIR_QEMU_CAPS_CACHE_STALE_TEMP_S);
    if (!virFileReplaceAt(cache->dirfd, cache->dir, cache->name, text, strlen(text), &opts,
                          &error))
        *ret_warning = g_strdup_printf(_("cannot write the capabilities cache: %s"),
                                       error->message);
}

/* The slow path, under the lock: look again, then probe and store.  The
 * probe decides on the /dev/kvm the key holds. */
static gboolean
virQEMUCapsCacheFill(const virQEMUCapsCacheDir *cache, const char *emulator, JsonNode *key,
                     const virQEMUCapsProbeOptions *probe, virQEMUCaps **ret_caps,
                     char **ret_warning, GError **error)
{
    g_autoptr(virQEMUCaps) caps = NULL;
    /* The timeout bounds the whole lookup, as the hook promises: half of
     * it for another process's probe to finish (a cold probe takes well
     * under a second), the rest for our own when the lock stays taken. */
    guint budget_ms = probe->timeout_ms ? probe->timeout_ms
                                        : VIR_QEMU_CAPS_CACHE_DEFAULT_TIMEOUT_MS;
    virQEMUCapsProbeOptions opts = *probe;
    gint64 start = g_get_monotonic_time();
    int lock_fd = cache->dirfd >= 0 ? virQEMUCapsCacheLock(cache, budget_ms / 2, ret_warning)
                                    : -1;
    gboolean ok;

    if (lock_fd >= 0 && virQEMUCapsCacheRead(cache, emulator, key, ret_caps)) {
        close(lock_fd);
        return TRUE;
    }
    opts.timeout_ms =
        budget_ms - MIN(budget_ms / 2, (guint)((g_get_monotonic_time() - start) / 1000));
    ok = virQEMUCapsProbe(emulator, &opts, &caps, error);
    if (ok) {
        virQEMUCapsSetKey(caps, key);
        if (lock_fd >= 0)
            virQEMUCapsCacheWrite(cache, caps, ret_warning);
        *ret_caps = g_steal_pointer(&caps);
    }
    if (lock_fd >= 0)
        close(lock_fd);
    return ok;
}

/**
 * virQEMUCapsCacheLookup:
 * @cache_dir: (nullable): where cache files live; NULL for the default
 * @host: the host's facts, as the host checks read them (below --root
 *   when given); the cache entry is valid only for them
 * @timeout_ms: bound of every wait for QEMU; 0 for the default
 * @ret_warning: (nullable): set when the cache could not be used; the
 *   answer is still good (probed without the cache)
 *
 * The capabilities of @emulator, from the cache when its key still
 * matches, probed and stored otherwise.  /dev/kvm is read here, once, and
 * is the same fact for the key and the probe: the machine's own, never
 * one below --root, because QEMU opens that one.
 */
gboolean
virQEMUCapsCacheLookup(const char *cache_dir, const char *emulator,
                       const virHostPVState *host, guint timeout_ms, virQEMUCaps **ret_caps,
                       char **ret_warning, GError **error)
{
    g_autoptr(JsonNode) key = NULL;
    g_auto(virQEMUCapsCacheDir) cache = { .dirfd = -1 };
    g_autofree char *warning = NULL;
    virHostPVKVMDevice kvm;
    virQEMUCapsProbeOptions probe = { .timeout_ms = timeout_ms, .kvm = &kvm };

    virHostPVKVMDeviceRead(&kvm);
    if (!virQEMUCapsCacheKeyNew(emulator, host, &kvm, &key, error))
        return FALSE;
    if (virQEMUCapsCacheOpen(cache_dir, emulator, &cache, &warning) &&
        virQEMUCapsCacheRead(&cache, emulator, key, ret_caps))
        return TRUE;
    if (!virQEMUCapsCacheFill(&cache, emulator, key, &probe, ret_caps, &warning, error))
        return FALSE;
    if (ret_warning)
        *ret_warning = g_steal_pointer(&warning);
    return TRUE;
}
