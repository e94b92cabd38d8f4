/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What only the configuration's tests reach into: the hook hands
 * config->ignore to validation as it is. */

#include "virpvconfig.h"

gboolean virPVConfigIgnores(const virPVConfig *config, const char *code);
