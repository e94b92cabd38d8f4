/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What only the monitor's tests reach into. */

#include "qemu_monitor.h"

/* Lower the size limit of one message (replies, events), so that a test
 * can overrun it without megabytes of input. */
void virQEMUMonitorSetMaxMessage(virQEMUMonitor *mon, gsize max_len);

/* The greeting QEMU sent when the monitor opened; NULL before. */
JsonObject *virQEMUMonitorGetGreeting(virQEMUMonitor *mon);
