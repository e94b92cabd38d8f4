/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>

#include "fuzz.h"
#include "conf/domain_conf.h"
#include "qemu/qemu_validate.h"

/*
 * A domain definition as validate, fix and the hook read it: parsed
 * read-only (compact text nodes) and editable, the model dumped, every
 * device's xpath computed, then validated as validate and the hook do.
 * Both parses must agree, an xpath always starts at /domain, and every
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
    g_autoptr(virDomainDef) plain = NULL;
    g_autoptr(virDomainDef) editable = NULL;
    g_autoptr(GError) plain_error = NULL;
    g_autoptr(GError) editable_error = NULL;
    g_autofree char *plain_dump = NULL;
    g_autofree char *editable_dump = NULL;
    gboolean plain_ok = virDomainDefParseString((const char *)data, size, "fuzz.xml", 0,
                                                &plain, &plain_error);
    gboolean editable_ok = virDomainDefParseString((const char *)data, size, "fuzz.xml",
                                                 VIR_DOMAIN_DEF_PARSE_EDITABLE, &editable,
                                                 &editable_error);

    virFuzzAssert(plain_ok == editable_ok);
    if (!plain_ok) {
        /* the message names the input, and is the same either way */
        virFuzzAssert(g_str_has_prefix(plain_error->message, "fuzz.xml:") ||
                      g_str_has_prefix(plain_error->message, "'fuzz.xml'"));
        virFuzzAssert(g_str_equal(plain_error->message, editable_error->message));
        return 0;
    }

    plain_dump = virDomainDefDump(plain);
    editable_dump = virDomainDefDump(editable);
    virFuzzAssert(g_str_equal(plain_dump, editable_dump));

    for (guint i = 0; i < plain->devices->len; i++) {
        const virDomainDevice *dev = g_ptr_array_index(plain->devices, i);
        g_autofree char *xpath = virDomainNodeXPath(dev->node);

        virFuzzAssert(g_str_has_prefix(dev->xpath, "/domain"));
        virFuzzAssert(g_str_has_prefix(xpath, "/domain"));
    }
    fuzzDomainValidateAll(plain);
    return 0;
}
