/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "qemu/qemu_error.h"
#include "qemu/qemu_monitor.h"

/*
 * What a QEMU (or anything posing as one) sends over QMP.  A well-behaved
 * greeting and capabilities answer come first, then the input, then the
 * end of the stream: the client reads it as the answer to query-version
 * (with any events, stray answers, garbage or partial lines it holds).
 * It must end in a reply or a clean VIR_QEMU_ERROR, never crash or wait.
 */

#define FUZZ_QMP_PROLOGUE \
    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, " \
    "\"package\": \"\"}, \"capabilities\": [\"oob\"]}}\r\n" \
    "{\"return\": {}, \"id\": \"virt-pv-1\"}\r\n"

/* Larger inputs would not fit the socket buffer before the client reads. */
#define FUZZ_QMP_MAX_INPUT (64 * 1024)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(virQEMUMonitor) mon = NULL;
    g_autoptr(JsonNode) reply = NULL;
    g_autoptr(GError) error = NULL;
    int sv[2];

    if (size > FUZZ_QMP_MAX_INPUT)
        return 0;
    virFuzzAssert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    virFuzzAssert(write(sv[1], FUZZ_QMP_PROLOGUE, strlen(FUZZ_QMP_PROLOGUE)) ==
                  (ssize_t)strlen(FUZZ_QMP_PROLOGUE));
    virFuzzAssert(size == 0 || write(sv[1], data, size) == (ssize_t)size);
    shutdown(sv[1], SHUT_WR);

    /* The client owns sv[0] from here; no process behind it (pid 0). */
    if (!virQEMUMonitorOpenFd("fuzz-qemu", sv[0], 0, -1, 2000, VIR_QEMU_MONITOR_RECORD, &mon,
                              &error)) {
        g_printerr("the scripted greeting was refused: %s\n", error->message);
        abort();
    }
    if (virQEMUMonitorCommand(mon, "query-version", NULL, &reply, &error)) {
        virFuzzAssert(reply != NULL);
    } else {
        virFuzzAssert(error->domain == VIR_QEMU_ERROR && error->message && *error->message);
        /* the peer hung up or sent garbage: never a timeout here */
        virFuzzAssert(!g_error_matches(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_TIMEOUT));
    }
    g_free(virQEMUMonitorFormatTranscript(mon, "# fuzz\n"));
    close(sv[1]);
    return 0;
}
