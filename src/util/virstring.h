/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

char *virStringEscapeControl(const char *text);
