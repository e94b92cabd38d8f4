/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <glib/gi18n.h>

#include "virhostvalidate.h"

static const char *const virHostValidateResultNames[] = {
    "pass",
    "warn",
    "fail",
    "skip",
};
G_STATIC_ASSERT(G_N_ELEMENTS(virHostValidateResultNames) == VIR_HOST_VALIDATE_LAST);

const char *
virHostValidateResultToString(virHostValidateResult result)
{
    if ((guint)result >= VIR_HOST_VALIDATE_LAST)
        return NULL;
    return virHostValidateResultNames[result];
}

typedef struct {
    const virHostPVState *state;
    const virQEMUCapsPV *qemu;
} virHostValidateContext;

/* A check sets its result, message and hint; hint stays NULL on success. */
typedef void (*virHostValidateFunc)(const virHostValidateContext *ctx,
                                    virHostValidateCheck *check);

static void
virHostValidateSet(virHostValidateCheck *check, virHostValidateResult result,
                   const char *message, const char *hint)
{
    check->result = result;
    check->message = g_strdup(message);
    check->hint = g_strdup(hint);
}

static void
virHostValidateArch(const virHostValidateContext *ctx, virHostValidateCheck *check)
{
    if (!ctx->state->has_cpuinfo)
        virHostValidateSet(check, VIR_HOST_VALIDATE_FAIL, _("cannot read /proc/cpuinfo"),
                           _("run on an IBM Z or LinuxONE host with /proc mounted"));
    else if (ctx->state->is_s390)
        virHostValidateSet(check, VIR_HOST_VALIDATE_PASS, _("host architecture is s390x"), NULL);
    else
        virHostValidateSet(check, VIR_HOST_VALIDATE_FAIL,
                           _("host is not s390x: protected guests run only on IBM Z"),
                           _("run protected guests on an IBM z15, LinuxONE III or newer host"));
}

static void
virHostValidateFacility(const virHostValidateContext *ctx, virHostValidateCheck *check)
{
    if (ctx->state->facility_uv)
        virHostValidateSet(check, VIR_HOST_VALIDATE_PASS,
                           _("CPU facility 158 (Ultravisor call) is installed"), NULL);
    else if (!ctx->state->has_facilities)
        virHostValidateSet(check, VIR_HOST_VALIDATE_FAIL,
                           _("/proc/cpuinfo has no facilities line"),
                           _("a kernel that lists CPU facilities is needed to tell whether "
                             "this machine can run protected guests"));
    else
        virHostValidateSet(check, VIR_HOST_VALIDATE_FAIL,
                           _("CPU facility 158 (Ultravisor call) is not installed"),
                           _("Secure Execution needs an IBM z15, LinuxONE III or newer, with "
                             "the feature enabled for this LPAR"));
}

static void
virHostValidateUltravisor(const virHostValidateContext *ctx, virHostValidateCheck *check)
{
    if (ctx->state->uv_sysfs)
        virHostValidateSet(check, VIR_HOST_VALIDATE_PASS,
                           _("the kernel reports an Ultravisor in /sys/firmware/uv"), NULL);
    else if (ctx->state->facility_uv)
        virHostValidateSet(check, VIR_HOST_VALIDATE_WARN,
                           _("/sys/firmware/uv is missing although facility 158 is installed"),
                           _("the kernel is too old to report Ultravisor state; use a kernel "
                             "with KVM and protected virtualization support"));
    else
        virHostValidateSet(check, VIR_HOST_VALIDATE_FAIL, _("/sys/firmware/uv is missing"),
                           _("the kernel reports no Ultravisor: facility 158 is missing or "
                             "the kernel lacks protected virtualization support"));
}

static void
virHostValidateProtVirt(const virHostValidateContext *ctx, virHostValidateCheck *check)
{
    const virHostPVState *state = ctx->state;
    const char *hint = _("add prot_virt=1 to the kernel command line (zipl.conf or "
                         "grub) and reboot");

    switch (state->prot_virt_host) {
    case VIR_HOST_PV_FILE_ON:
        virHostValidateSet(check, VIR_HOST_VALIDATE_PASS,
                           _("the kernel runs as a PV host (prot_virt_host = 1)"), NULL);
        return;
    case VIR_HOST_PV_FILE_OFF:
        if (state->cmdline_prot_virt)
            virHostValidateSet(check, VIR_HOST_VALIDATE_FAIL,
                               _("prot_virt=1 is on the command line but the kernel did not "
                                 "enable PV host support (prot_virt_host = 0)"),
                               _("the kernel drops PV host support when facility 158 is "
                                 "missing, when it runs as a protected guest itself and in "
                                 "a kdump kernel; check dmesg for 'prot_virt'"));
        else
            virHostValidateSet(check, VIR_HOST_VALIDATE_FAIL,
                               _("the kernel does not run as a PV host (prot_virt_host = 0)"),
                               hint);
        return;
    case VIR_HOST_PV_FILE_INVALID:
        virHostValidateSet(check, VIR_HOST_VALIDATE_FAIL,
                           _("/sys/firmware/uv/prot_virt_host holds neither 0 nor 1"), hint);
        return;
    case VIR_HOST_PV_FILE_ABSENT:
    default:
        break;
    }

    /* The kernel keeps prot_virt=1 only with facility 158: Linux
     * arch/s390/boot/uv.c is_prot_virt_host_capable() (older kernels:
     * arch/s390/kernel/uv.c prot_virt_setup()) clears prot_virt_host
     * without it, and then there is no /sys/firmware/uv to say so. */
    if (state->cmdline_prot_virt && !state->has_facilities)
        virHostValidateSet(check, VIR_HOST_VALIDATE_WARN,
                           _("prot_virt is on the kernel command line, but whether the "
                             "kernel kept it cannot be told: /proc/cpuinfo lists no "
                             "facilities and the kernel does not report prot_virt_host"),
                           _("the kernel enables PV host support only with facility 158"));
    else if (state->cmdline_prot_virt && !state->facility_uv)
        virHostValidateSet(check, VIR_HOST_VALIDATE_FAIL,
                           _("prot_virt on the kernel command line enables nothing: "
                             "without facility 158 the kernel does not run as a PV host"),
                           _("Secure Execution needs an IBM z15, LinuxONE III or newer, with "
                             "the feature enabled for this LPAR"));
    else if (state->cmdline_prot_virt)
        virHostValidateSet(check, VIR_HOST_VALIDATE_PASS,
                           _("prot_virt is enabled on the kernel command line (the kernel "
                             "does not report prot_virt_host)"),
                           NULL);
    else if (!state->has_cmdline)
        virHostValidateSet(check, VIR_HOST_VALIDATE_FAIL,
                           _("cannot tell whether prot_virt is enabled: neither "
                             "/sys/firmware/uv/prot_virt_host nor /proc/cmdline exists"),
                           hint);
    else
        virHostValidateSet(check, VIR_HOST_VALIDATE_FAIL,
                           _("prot_virt is not enabled on the kernel command line"), hint);
}

static void
virHostValidateKVM(const virHostValidateContext *ctx, virHostValidateCheck *check)
{
    if (ctx->state->kvm)
        virHostValidateSet(check, VIR_HOST_VALIDATE_PASS, _("/dev/kvm exists"), NULL);
    else
        virHostValidateSet(check, VIR_HOST_VALIDATE_FAIL, _("/dev/kvm is missing"),
                           _("load the kvm module (modprobe kvm); protected guests need "
                             "KVM, they cannot run under TCG"));
}

/* /sys/firmware/uv/keys (Linux >= 6.13, arch/s390/kernel/uv.c,
 * uv_keys_*): without it no image can be checked against this host. */
static void
virHostValidateUVKeys(const virHostValidateContext *ctx, virHostValidateCheck *check)
{
    const virUVInfo *uv = ctx->state->uv;
    g_autofree char *message = NULL;
    g_autofree char *host_short = NULL;

    if (!uv || !uv->query) {
        virHostValidateSet(check, VIR_HOST_VALIDATE_SKIP,
                           _("skipped: the kernel reports no Ultravisor queries"), NULL);
        return;
    }
    switch (uv->keys_state) {
    case VIR_UV_KEYS_OK:
        host_short = virUVKeyHashShort(uv->host_key);
        message = g_strdup_printf(_("the Ultravisor publishes its host-key hashes (host key "
                                    "%s…)"),
                                  host_short);
        virHostValidateSet(check, VIR_HOST_VALIDATE_PASS, message, NULL);
        return;
    case VIR_UV_KEYS_INVALID:
        message = g_strdup_printf(_("the host-key hashes cannot be read: %s"),
                                  uv->keys_problem);
        virHostValidateSet(check, VIR_HOST_VALIDATE_WARN, message,
                           _("images cannot be checked against this host's keys before "
                             "start; check them by hand with 'pvimg test'"));
        return;
    case VIR_UV_KEYS_ABSENT:
    case VIR_UV_KEYS_LAST:
    default:
        break;
    }
    if (virUVInfoHasFacility(uv, VIR_UV_FACILITY_QUERY_KEYS))
        virHostValidateSet(check, VIR_HOST_VALIDATE_WARN,
                           _("the Ultravisor can report its host-key hashes, but the kernel "
                             "does not show them (/sys/firmware/uv/keys is missing)"),
                           _("Linux 6.13 or newer shows them; until then images are not "
                             "checked against this host's keys before start"));
    else
        virHostValidateSet(check, VIR_HOST_VALIDATE_WARN,
                           _("the Ultravisor does not report its host-key hashes (no "
                             "query-keys call)"),
                           _("images are not checked against this host's keys before start; "
                             "check them by hand with 'pvimg test'"));
}

/*
 * libvirt-guests (libvirt's tools/libvirt-guests.sh) saves running guests
 * at host shutdown unless ON_SHUTDOWN=shutdown: suspend is its default.
 * The save is a migration to a file, which QEMU blocks for protected
 * guests (hw/s390x/s390-virtio-ccw.c, s390_machine_protect(): "protected
 * VMs are currently not migratable."), so every host shutdown fails to
 * save them.
 */
static void
virHostValidateLibvirtGuests(const virHostValidateContext *ctx, virHostValidateCheck *check)
{
    const virHostPVState *state = ctx->state;
    const char *on_shutdown = state->libvirt_guests_on_shutdown;
    g_autofree char *message = NULL;
    g_autofree char *hint = NULL;

    if (!state->libvirt_guests_enabled) {
        virHostValidateSet(check, VIR_HOST_VALIDATE_PASS,
                           _("the libvirt-guests service is not enabled"), NULL);
        return;
    }
    if (state->libvirt_guests_error) {
        message = g_strdup_printf(_("libvirt-guests is enabled, and its configuration cannot "
                                    "be read: %s"),
                                  state->libvirt_guests_error);
        virHostValidateSet(check, VIR_HOST_VALIDATE_WARN, message,
                           _("make it a regular file that sets ON_SHUTDOWN=shutdown, or "
                             "disable libvirt-guests"));
        return;
    }
    if (g_strcmp0(on_shutdown, "shutdown") == 0) {
        virHostValidateSet(check, VIR_HOST_VALIDATE_PASS,
                           _("libvirt-guests shuts guests down at host shutdown"), NULL);
        return;
    }
    if (on_shutdown)
        message = g_strdup_printf(_("libvirt-guests is enabled with ON_SHUTDOWN=%s: at host "
                                    "shutdown it saves guests, which QEMU refuses for "
                                    "protected guests"),
                                  on_shutdown);
    else
        message = g_strdup(_("libvirt-guests is enabled and saves guests at host shutdown (its "
                             "default), which QEMU refuses for protected guests"));
    hint = g_strdup_printf(_("set ON_SHUTDOWN=shutdown in %s, or disable libvirt-guests"),
                           state->libvirt_guests_config ? state->libvirt_guests_config
                                                        : "/etc/default/libvirt-guests");
    virHostValidateSet(check, VIR_HOST_VALIDATE_WARN, message, hint);
}

static void
virHostValidateQEMU(const virHostValidateContext *ctx, virHostValidateCheck *check)
{
    const virQEMUCapsPV *qemu = ctx->qemu;
    g_autoptr(GString) missing = g_string_new(NULL);
    g_autofree char *message = NULL;

    if (!qemu->have_caps) {
        message = g_strdup_printf(_("cannot probe '%s': %s"), qemu->emulator,
                                  qemu->probe_error ? qemu->probe_error : _("unknown error"));
        virHostValidateSet(check, VIR_HOST_VALIDATE_FAIL, message,
                           _("install a QEMU for s390x built with KVM support"));
        return;
    }

    if (!qemu->pv_object)
        g_string_append(missing, " s390-pv-guest");
    if (!qemu->cgs)
        g_string_append(missing, " confidential-guest-support");
    if (!qemu->unpack)
        g_string_append(missing, " unpack");

    if (missing->len == 0) {
        message = g_strdup_printf(_("'%s' can start protected guests"), qemu->emulator);
        virHostValidateSet(check, VIR_HOST_VALIDATE_PASS, message, NULL);
        return;
    }
    message = g_strdup_printf(_("'%s' lacks:%s"), qemu->emulator, missing->str);
    virHostValidateSet(check, VIR_HOST_VALIDATE_FAIL, message,
                       qemu->kvm ? _("use QEMU 6.0 or newer on a host with prot_virt=1")
                                 : _("QEMU has no KVM here; protected guests need KVM and "
                                     "QEMU 6.0 or newer"));
}

typedef struct {
    const char *id;
    virHostValidateFunc func;
    gboolean needs_qemu;
} virHostValidateCheckDef;

/* In order: the first one decides whether the others make sense. */
static const virHostValidateCheckDef virHostValidateChecks[] = {
    { "arch-s390x", virHostValidateArch, FALSE },
    { "facility-158", virHostValidateFacility, FALSE },
    { "uv-sysfs", virHostValidateUltravisor, FALSE },
    { "prot-virt-host", virHostValidateProtVirt, FALSE },
    { "kvm", virHostValidateKVM, FALSE },
    { "uv-query-keys", virHostValidateUVKeys, FALSE },
    { "libvirt-guests-suspend", virHostValidateLibvirtGuests, FALSE },
    { "qemu-pv", virHostValidateQEMU, TRUE },
};

static void
virHostValidateCheckClear(gpointer data)
{
    virHostValidateCheck *check = data;

    g_free(check->message);
    g_free(check->hint);
    g_free(check);
}

void
virHostValidateReportFree(virHostValidateReport *report)
{
    if (!report)
        return;
    g_clear_pointer(&report->checks, g_ptr_array_unref);
    g_free(report);
}

/**
 * virHostValidateRun:
 * @state: the host's facts, all of them (virHostPVStateRead())
 * @qemu: the probe result for the qemu-pv check, or NULL to leave it out
 *
 * Run every host check.  On a host that is not s390x the remaining checks
 * are skipped: their answers would only repeat the first one.
 */
virHostValidateReport *
virHostValidateRun(const virHostPVState *state, const virQEMUCapsPV *qemu)
{
    virHostValidateContext ctx = { state, qemu };
    virHostValidateReport *report;
    gboolean skip_rest = FALSE;
    gsize i;

    g_return_val_if_fail(state->complete, NULL);
    report = g_new0(virHostValidateReport, 1);
    report->checks = g_ptr_array_new_with_free_func(virHostValidateCheckClear);
    report->ok = TRUE;

    for (i = 0; i < G_N_ELEMENTS(virHostValidateChecks); i++) {
        const virHostValidateCheckDef *def = &virHostValidateChecks[i];
        virHostValidateCheck *check;

        if (def->needs_qemu && !qemu)
            continue;
        check = g_new0(virHostValidateCheck, 1);
        check->id = def->id;
        if (skip_rest)
            virHostValidateSet(check, VIR_HOST_VALIDATE_SKIP,
                               _("skipped: the host is not s390x"), NULL);
        else
            def->func(&ctx, check);

        if (check->result == VIR_HOST_VALIDATE_FAIL) {
            report->ok = FALSE;
            if (i == 0)
                skip_rest = TRUE;
        }
        g_ptr_array_add(report->checks, check);
    }
    return report;
}
