/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "vircpuinfo.h"
#include "virerror.h"
#include "virfile.h"
#include "virhostpv.h"
#include "virkernelcmdline.h"

/* The kernel's command line is at most a few KiB, cpuinfo of a big LPAR a
 * few hundred; these limits only stop absurd input. */
#define VIR_HOST_PV_MAX_PROC_FILE (4 * 1024 * 1024)
#define VIR_HOST_PV_MAX_SYSFS_FILE 4096
#define VIR_HOST_PV_MAX_CONFIG_FILE (64 * 1024)

void
virHostPVStateFree(virHostPVState *state)
{
    if (!state)
        return;
    g_free(state->root);
    g_free(state->kernel_release);
    virUVInfoFree(state->uv);
    g_free(state->libvirt_guests_config);
    g_free(state->libvirt_guests_on_shutdown);
    g_free(state->libvirt_guests_error);
    g_free(state);
}

static gboolean
virHostPVReadFile(const virHostPVState *state, const char *path, gsize max_len,
                  char **ret_contents, GError **error)
{
    g_autofree char *full = virFileBuildPath(state->root, path);

    return virFileReadOptional(full, max_len, ret_contents, NULL, error);
}

static gboolean
virHostPVPathExists(const virHostPVState *state, const char *path)
{
    g_autofree char *full = virFileBuildPath(state->root, path);

    return virFileExists(full);
}

static gboolean
virHostPVReadCPUInfo(virHostPVState *state, GError **error)
{
    g_autofree char *text = NULL;
    g_autoptr(virCPUInfo) info = NULL;

    if (!virHostPVReadFile(state, "/proc/cpuinfo", VIR_HOST_PV_MAX_PROC_FILE, &text, error))
        return FALSE;
    if (!text)
        return TRUE;

    info = virCPUInfoParse(text);
    state->has_cpuinfo = TRUE;
    state->is_s390 = virCPUInfoIsS390(info);
    state->has_facilities = virCPUInfoHasFacilities(info);
    state->facility_uv = virCPUInfoHasFacility(info, VIR_HOST_PV_FACILITY_UV);
    return TRUE;
}

static virHostPVFileValue
virHostPVParseFlag(const char *text)
{
    g_autofree char *stripped = g_strstrip(g_strdup(text));

    if (g_str_equal(stripped, "1"))
        return VIR_HOST_PV_FILE_ON;
    if (g_str_equal(stripped, "0"))
        return VIR_HOST_PV_FILE_OFF;
    return VIR_HOST_PV_FILE_INVALID;
}

static gboolean
virHostPVReadUltravisor(virHostPVState *state, GError **error)
{
    g_autofree char *flag = NULL;

    state->uv_sysfs = virHostPVPathExists(state, "/sys/firmware/uv");
    if (!virHostPVReadFile(state, "/sys/firmware/uv/prot_virt_host", VIR_HOST_PV_MAX_SYSFS_FILE,
                           &flag, error))
        return FALSE;
    state->prot_virt_host = flag ? virHostPVParseFlag(flag) : VIR_HOST_PV_FILE_ABSENT;
    return TRUE;
}

static gboolean
virHostPVReadCmdline(virHostPVState *state, GError **error)
{
    g_autofree char *cmdline = NULL;

    if (!virHostPVReadFile(state, "/proc/cmdline", VIR_HOST_PV_MAX_PROC_FILE, &cmdline, error))
        return FALSE;
    if (!cmdline)
        return TRUE;
    state->has_cmdline = TRUE;
    state->cmdline_prot_virt = virKernelCmdlineIsEnabled(cmdline, "prot_virt");
    return TRUE;
}

static gboolean
virHostPVReadKernelRelease(virHostPVState *state, GError **error)
{
    g_autofree char *release = NULL;

    if (!virHostPVReadFile(state, "/proc/sys/kernel/osrelease", VIR_HOST_PV_MAX_SYSFS_FILE,
                           &release, error))
        return FALSE;
    if (release)
        state->kernel_release = g_strdup(g_strstrip(release));
    return TRUE;
}

/* ---- libvirt-guests ------------------------------------------------------ */

#define VIR_HOST_PV_GUESTS_UNIT "libvirt-guests.service"

/* Where systemctl enable links a unit (libvirt-guests.service has
 * WantedBy=multi-user.target), the administrator's directory first. */
static const char *const virHostPVUnitDirs[] = {
    "/etc/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
};

/* Whether @dir (below the root) has a *.wants/@unit entry.  The entry is
 * a symbolic link to a path of the host, not of the root: it is looked at,
 * never followed. */
static gboolean
virHostPVUnitWanted(const virHostPVState *state, const char *dir, const char *unit)
{
    g_autofree char *full = virFileBuildPath(state->root, dir);
    g_autoptr(GDir) entries = g_dir_open(full, 0, NULL);
    const char *name;

    while (entries && (name = g_dir_read_name(entries))) {
        g_autofree char *link = NULL;
        GStatBuf st;

        if (!g_str_has_suffix(name, ".wants"))
            continue;
        link = g_build_filename(full, name, unit, NULL);
        if (g_lstat(link, &st) == 0)
            return TRUE;
    }
    return FALSE;
}

/* A unit linked to /dev/null in /etc is masked: it never runs. */
static gboolean
virHostPVUnitMasked(const virHostPVState *state, const char *unit)
{
    g_autofree char *path = g_build_filename("/etc/systemd/system", unit, NULL);
    g_autofree char *full = virFileBuildPath(state->root, path);
    g_autofree char *target = g_file_read_link(full, NULL);

    return g_strcmp0(target, "/dev/null") == 0;
}

/* The value of the last NAME=value line of a file that a shell sources:
 * quotes removed, a trailing comment dropped; NULL when never set. */
static char *
virHostPVShellVar(const char *text, const char *name)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_autofree char *prefix = g_strdup_printf("%s=", name);
    char *value = NULL;
    guint i;

    for (i = 0; lines[i]; i++) {
        char *line = g_strstrip(lines[i]);
        char *end;

        if (g_str_has_prefix(line, "export "))
            line = g_strchug(line + strlen("export "));
        if (!g_str_has_prefix(line, prefix))
            continue;
        line += strlen(prefix);
        if ((*line == '"' || *line == '\'') && (end = strchr(line + 1, *line))) {
            line++;
            *end = '\0';
        } else if ((end = strpbrk(line, " \t#;"))) {
            *end = '\0';
        }
        g_free(value);
        value = g_strdup(line);
    }
    return value;
}

/* libvirt-guests reads /etc/sysconfig/libvirt-guests (RPM distributions)
 * or /etc/default/libvirt-guests (Debian): its initconfdir. */
static const char *const virHostPVGuestsConfigs[] = {
    "/etc/default/libvirt-guests",
    "/etc/sysconfig/libvirt-guests",
};

/* A configuration that cannot be read is reported by the check, not an
 * error here: the hook reads the host state at every guest start, and
 * libvirt-guests has nothing to do with starting a guest. */
static void
virHostPVReadLibvirtGuests(virHostPVState *state)
{
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(virHostPVUnitDirs) && !state->libvirt_guests_enabled; i++)
        state->libvirt_guests_enabled =
            virHostPVUnitWanted(state, virHostPVUnitDirs[i], VIR_HOST_PV_GUESTS_UNIT);
    if (virHostPVUnitMasked(state, VIR_HOST_PV_GUESTS_UNIT))
        state->libvirt_guests_enabled = FALSE;

    for (i = 0; i < G_N_ELEMENTS(virHostPVGuestsConfigs) && !state->libvirt_guests_config; i++) {
        g_autofree char *text = NULL;
        g_autoptr(GError) error = NULL;

        if (!virHostPVReadFile(state, virHostPVGuestsConfigs[i], VIR_HOST_PV_MAX_CONFIG_FILE,
                               &text, &error)) {
            g_autofree char *full = virFileBuildPath(state->root, virHostPVGuestsConfigs[i]);
            GString *message = g_string_new(error->message);

            /* Messages name host paths, not where --root put them. */
            g_string_replace(message, full, virHostPVGuestsConfigs[i], 0);
            state->libvirt_guests_config = g_strdup(virHostPVGuestsConfigs[i]);
            state->libvirt_guests_error = g_string_free(message, FALSE);
        } else if (text) {
            state->libvirt_guests_config = g_strdup(virHostPVGuestsConfigs[i]);
            state->libvirt_guests_on_shutdown = virHostPVShellVar(text, "ON_SHUTDOWN");
        }
    }
}

static gboolean
virHostPVStateReadScope(const char *root, gboolean complete, virHostPVState **ret_state,
                        GError **error)
{
    g_autoptr(virHostPVState) state = g_new0(virHostPVState, 1);

    state->root = g_strdup(root);
    state->complete = complete;
    state->prot_virt_host = VIR_HOST_PV_FILE_ABSENT;

    if ((complete && !virHostPVReadCPUInfo(state, error)) ||
        !virHostPVReadUltravisor(state, error) || !virHostPVReadCmdline(state, error) ||
        !virHostPVReadKernelRelease(state, error))
        return FALSE;
    if (complete) {
        state->uv = virUVInfoRead(state->root);
        virHostPVReadLibvirtGuests(state);
        state->kvm = virHostPVPathExists(state, VIR_HOST_PV_KVM_DEVICE);
    }

    *ret_state = g_steal_pointer(&state);
    return TRUE;
}

/**
 * virHostPVStateRead:
 * @root: directory to read /proc, /sys, /dev and /etc below, or NULL
 *
 * Gather everything the kernel says about PV on this host.  Missing files
 * are facts, not errors; only a file that exists and cannot be read fails.
 */
gboolean
virHostPVStateRead(const char *root, virHostPVState **ret_state, GError **error)
{
    return virHostPVStateReadScope(root, TRUE, ret_state, error);
}

/**
 * virHostPVStateReadKernel:
 *
 * The same, but only the kernel's PV state: its release, /sys/firmware/uv,
 * prot_virt_host and the command line; the rest stays unset (@complete is
 * FALSE).  It is what the capabilities cache keys on, for a caller that
 * does not check the host anyway.
 */
gboolean
virHostPVStateReadKernel(const char *root, virHostPVState **ret_state, GError **error)
{
    return virHostPVStateReadScope(root, FALSE, ret_state, error);
}

void
virHostPVKVMDeviceRead(virHostPVKVMDevice *ret_device)
{
    struct stat sb;

    *ret_device = (virHostPVKVMDevice){ 0 };
    if (stat(VIR_HOST_PV_KVM_DEVICE, &sb) < 0)
        return;
    ret_device->present = TRUE;
    ret_device->rdev = (guint64)sb.st_rdev;
    ret_device->ino = (guint64)sb.st_ino;
}
