/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>

#include "util/vircpuinfo.h"
#include "util/virerror.h"
#include "util/virfile.h"
#include "util/virkernelcmdline.h"
#include "virhostpv.h"

/* The kernel's command line is at most a few KiB, cpuinfo of a big LPAR a
 * few hundred; these limits only stop absurd input. */
#define VIR_HOST_PV_MAX_PROC_FILE (4 * 1024 * 1024)
#define VIR_HOST_PV_MAX_SYSFS_FILE 4096

void
virHostPVStateFree(virHostPVState *state)
{
    if (!state)
        return;
    g_free(state->root);
    g_free(state->kernel_release);
    virUVInfoFree(state->uv);
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
    state->uv = virUVInfoRead(state->root);
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

/**
 * virHostPVStateRead:
 * @root: directory to read /proc, /sys and /dev below, or NULL
 *
 * Gather everything the kernel says about PV on this host.  Missing files
 * are facts, not errors; only a file that exists and cannot be read fails.
 */
gboolean
virHostPVStateRead(const char *root, virHostPVState **ret_state, GError **error)
{
    g_autoptr(virHostPVState) state = g_new0(virHostPVState, 1);

    state->root = g_strdup(root);
    state->prot_virt_host = VIR_HOST_PV_FILE_ABSENT;

    if (!virHostPVReadCPUInfo(state, error) || !virHostPVReadUltravisor(state, error) ||
        !virHostPVReadCmdline(state, error) || !virHostPVReadKernelRelease(state, error))
        return FALSE;
    state->kvm = virHostPVPathExists(state, "/dev/kvm");

    *ret_state = g_steal_pointer(&state);
    return TRUE;
}

/* prot_virt_host in sysfs is authoritative: the kernel clears it again when
 * it cannot host PV guests after all.  Only an older kernel without the
 * file leaves the command line as the best guess.  Those kernels read
 * prot_virt as an early parameter, with the generic rules ('-' equals '_',
 * nothing after "--"); newer ones read it in the decompressor by its exact
 * name and over the whole line, but they all have the sysfs file, so the
 * fallback follows the older rules. */
gboolean
virHostPVStateProtVirtEnabled(const virHostPVState *state)
{
    switch (state->prot_virt_host) {
    case VIR_HOST_PV_FILE_ON:
        return TRUE;
    case VIR_HOST_PV_FILE_OFF:
    case VIR_HOST_PV_FILE_INVALID:
        return FALSE;
    case VIR_HOST_PV_FILE_ABSENT:
    default:
        return state->cmdline_prot_virt;
    }
}

gboolean
virHostPVStateCanRunPV(const virHostPVState *state)
{
    return state->is_s390 && state->facility_uv && virHostPVStateProtVirtEnabled(state) &&
           state->kvm;
}
