/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdio.h>

#include "qemu/qemu_validate.h"
#include "virt-pv.h"

/* How validation findings are shown, shared by validate, hook, fix and
 * domxml-to-native. */

/* The long form of `virt-pv validate`: a heading per file, then each
 * finding with its code, xpath, message and hint, then the verdict. */
void virtPVFindingsPrintLong(const virtPVGlobalOptions *opts, FILE *out, const char *file,
                             const virDomainDef *def, const virQEMUValidateResult *result);

/* One line per finding, `code: xpath: message (hint)`: what the libvirt
 * hook writes on stderr, where `virsh start` shows it verbatim. */
void virtPVFindingsPrintShort(FILE *out, const virQEMUValidateResult *result);

/* Only the warnings, one line each, `warning: FILE: code at 'xpath':
 * message`: for domxml-to-native, whose output is the argv. */
void virtPVFindingsPrintWarnings(FILE *out, const char *file, const virQEMUValidateResult *result);

/* The JSON object of one input (SPEC section 5), added to @b as a value:
 * {"file","uri"?,"domain","mode","ok","decision"?,"problems":[{"code",
 * "severity","message","hint","xpath"}]}.  "uri" (where the domain was
 * read; NULL: a file) and "decision" (validate --config: what the hook
 * would do) only when given. */
void virtPVFindingsBuildJSON(JsonBuilder *b, const char *file, const char *uri,
                             const virDomainDef *def, const virQEMUValidateResult *result,
                             const char *decision);

/* The object of an input that could not be checked:
 * {"file","uri"?,"domain","ok":false,"error","problems":[]}; "domain" is
 * null for a file that could not be parsed (its name is unknown). */
void virtPVFindingsBuildErrorJSON(JsonBuilder *b, const char *label, const char *uri,
                                  const char *message);
