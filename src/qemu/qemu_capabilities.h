/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "util/virhostpv.h"

/* What a QEMU binary can do for protected guests, as far as PV cares. */
typedef struct _virQEMUCaps virQEMUCaps;

typedef struct {
    char *name;
    char *alias;        /* NULL when the machine has none */
    gboolean is_default;
    gboolean deprecated;
    gint64 cpu_max;     /* 0 when QEMU did not say */
} virQEMUCapsMachine;

/* The emulator the commands use when none is named. */
#define VIR_QEMU_CAPS_DEFAULT_EMULATOR "/usr/bin/qemu-system-s390x"

/* The machine type whose properties are asked. */
#define VIR_QEMU_CAPS_PV_MACHINE "s390-ccw-virtio"

/* The object type that makes a guest protected (launchSecurity s390-pv). */
#define VIR_QEMU_CAPS_PV_OBJECT "s390-pv-guest"

/* The CPU feature a protected guest needs to unpack its image. */
#define VIR_QEMU_CAPS_UNPACK "unpack"

/* What a QEMU binary offers a protected guest, as validation (the qemu-*
 * rules) and the host check (qemu-pv) judge it: filled from its
 * capabilities by virQEMUCapsGetPV(), or left without (@have_caps FALSE)
 * by a caller that could not get them.  It owns its strings. */
typedef struct {
    char *emulator;     /* the binary; NULL when not known */
    gboolean have_caps; /* FALSE: nothing below is known */
    char *probe_error;  /* why not, when a probe failed; NULL otherwise */
    gboolean kvm;       /* QEMU can use KVM */
    gboolean pv_object; /* object type s390-pv-guest */
    gboolean cgs;       /* machine property confidential-guest-support */
    gboolean unpack;    /* the host CPU model has unpack */
    guint version;      /* major * 1000000 + minor * 1000 + micro */
    char **machines;    /* the names and aliases of its machine types */
} virQEMUCapsPV;

void virQEMUCapsPVClear(virQEMUCapsPV *pv);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(virQEMUCapsPV, virQEMUCapsPVClear)

/* How a probe is done; zero values mean the defaults. */
typedef struct {
    guint timeout_ms;
    const char *record_path; /* write the conversation here (a .replies file) */
    const virHostPVKVMDevice *kvm; /* /dev/kvm as already read; NULL: read it */
} virQEMUCapsProbeOptions;

gboolean virQEMUCapsProbe(const char *emulator, const virQEMUCapsProbeOptions *opts,
                          virQEMUCaps **ret_caps, GError **error);
gboolean virQEMUCapsNewFromReplies(const char *path, const char *emulator,
                                   virQEMUCaps **ret_caps, GError **error);

void virQEMUCapsFree(virQEMUCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virQEMUCaps, virQEMUCapsFree)

const char *virQEMUCapsGetEmulator(const virQEMUCaps *caps);
guint virQEMUCapsGetVersion(const virQEMUCaps *caps);
const char *const *virQEMUCapsGetHostDeprecated(const virQEMUCaps *caps);
guint virQEMUCapsGetMachineCount(const virQEMUCaps *caps);
const virQEMUCapsMachine *virQEMUCapsGetMachine(const virQEMUCaps *caps, guint i);
JsonNode *virQEMUCapsGetKey(const virQEMUCaps *caps);
void virQEMUCapsSetKey(virQEMUCaps *caps, JsonNode *key);

char *virQEMUCapsFormatJSON(const virQEMUCaps *caps, gboolean pretty);
gboolean virQEMUCapsParseJSON(const char *text, gsize len, const char *path,
                              virQEMUCaps **ret_caps, GError **error);
gboolean virQEMUCapsLoadFile(const char *path, virQEMUCaps **ret_caps, GError **error);
char *virQEMUCapsFormatXML(const virQEMUCaps *caps);

void virQEMUCapsGetPV(const virQEMUCaps *caps, virQEMUCapsPV *ret_pv);
