/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

/*
 * Shared by the libFuzzer targets.  A target gets arbitrary bytes; the
 * parsers under test take NUL-terminated text or a byte buffer, and must
 * neither crash, nor leak, nor hang on any of them.  A property that must
 * hold for every input is checked with virFuzzAssert(): a violation aborts,
 * and libFuzzer keeps the input as a crash.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The input as a NUL-terminated string (cut at the first NUL it holds,
 * as a C reader of a text file would see it). */
static inline char *
virFuzzString(const uint8_t *data, size_t size)
{
    return g_strndup((const char *)data, size);
}

#define virFuzzAssert(cond) \
    do { \
        if (!(cond)) { \
            g_printerr("%s:%d: property violated: %s\n", __FILE__, __LINE__, #cond); \
            abort(); \
        } \
    } while (0)
