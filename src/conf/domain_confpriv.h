/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What only the tests of the domain model reach into. */

#include "domain_conf.h"

/* A readable dump of the model, one line per fact; the golden format of
 * tests/domainconftest, and what the fuzz target checks it can print. */
char *virDomainDefDump(const virDomainDef *def);
