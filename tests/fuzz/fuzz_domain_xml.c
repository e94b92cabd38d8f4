/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include "fuzz.h"
#include "conf/domain_confpriv.h"
#include "conf/virxml.h"
#include "qemu/qemu_validate.h"

/*
 * A domain definition as validate, fix and the hook read it: parsed, the
 * model dumped, every device's xpath computed, then validated as validate
 * and the hook do.  A refusal names the input, an xpath always starts at
 * /domain, and every
 * finding has a known code, a one-line message, and its place in document
 * order.
 */

static void
fuzzDomainValidate(const virDomainDef *def, const virQEMUValidateContext *ctx)
{
    g_autoptr(virQEMUValidateResult) result = virQEMUValidateDomain(ctx, def);
    guint counts[VIR_QEMU_FINDING_LAST] = { 0 };
    gsize last_order = 0;

    for (guint i = 0; i < result->findings->len; i++) {
        const virQEMUFinding *f = g_ptr_array_index(result->findings, i);

        virFuzzAssert(virQEMUValidateCodeIsKnown(f->code));
        virFuzzAssert((guint)f->severity < VIR_QEMU_FINDING_LAST);
        /* A message may quote document text with line breaks in it (an
         * <emulator> path, say); the finding escapes them, so that every
         * printed form keeps one finding per line. */
        virFuzzAssert(f->message && *f->message && !strchr(f->message, '\n'));
        virFuzzAssert(f->hint && !strchr(f->hint, '\n'));
        virFuzzAssert(f->xpath && g_str_has_prefix(f->xpath, "/domain"));
        virFuzzAssert(i == 0 || f->order >= last_order);
        last_order = f->order;
        counts[f->severity]++;
    }
    virFuzzAssert(counts[VIR_QEMU_FINDING_ERROR] == result->nerrors);
    virFuzzAssert(counts[VIR_QEMU_FINDING_WARNING] == result->nwarnings);
    virFuzzAssert(counts[VIR_QEMU_FINDING_NOTE] == result->nnotes);
    virFuzzAssert(result->ok == (result->nerrors == 0 && (!ctx->strict || result->nwarnings == 0)));
    virFuzzAssert(result->mode == virQEMUValidateMode(ctx, def));
}

static void
fuzzDomainValidateAll(const virDomainDef *def)
{
    static const char *const ignore[] = { "not-kvm", "memballoon-enabled", NULL };
    virQEMUValidateContext plain = { 0 };
    virQEMUValidateContext hook = {
        .require_pv = TRUE,
        .strict = TRUE,
        .ignore = ignore,
        .caps = { .have_caps = TRUE, .kvm = TRUE, .pv_object = FALSE, .cgs = TRUE },
        .host = { .have_host = TRUE, .can_run_pv = FALSE, .reason = "no facility 158" },
    };
    virQEMUValidateContext forced = { .force_pv = TRUE };

    fuzzDomainValidate(def, &plain);
    fuzzDomainValidate(def, &hook);
    fuzzDomainValidate(def, &forced);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *dump = NULL;

    if (!virDomainDefParseString((const char *)data, size, "fuzz.xml", 0, &def, &error)) {
        /* the message names the input */
        virFuzzAssert(g_str_has_prefix(error->message, "fuzz.xml:") ||
                      g_str_has_prefix(error->message, "'fuzz.xml'"));
        return 0;
    }

    dump = virDomainDefDump(def);
    virFuzzAssert(dump != NULL);

    for (guint i = 0; i < def->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(def->devices, i);
        g_autofree char *xpath = virXMLNodeXPath(dev->node);

        virFuzzAssert(g_str_has_prefix(dev->xpath, "/domain"));
        virFuzzAssert(g_str_has_prefix(xpath, "/domain"));
    }
    fuzzDomainValidateAll(def);
    return 0;
}
