/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu/qemu_error.h"
#include "qemu/qemu_monitorpriv.h"
#include "testutils.h"

/*
 * The QMP client against a fake peer: a forked child that plays a script
 * on the other end of a socket pair (and on a stderr pipe), and against
 * fake emulators that are not QEMU at all (tests/qemumonitordata/).
 */

#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, " \
                 "\"major\": 7}, \"package\": \"\"}, \"capabilities\": [\"oob\"]}}\r\n"
#define CAPS_REPLY "{\"return\": {}, \"id\": \"virt-pv-1\"}\r\n"
#define EVENT "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"RESUME\"}\r\n"

typedef enum {
    STEP_SEND,   /* write text to the QMP stream */
    STEP_RECV,   /* read one command line */
    STEP_SLEEP,  /* pause (ms) */
    STEP_STDERR, /* write text to stderr */
    STEP_HUGE,   /* write many megabytes without a newline */
    STEP_HANG,   /* never answer again */
    STEP_FLOOD,  /* send text again and again, never anything else */
    STEP_EXIT,   /* exit with a status */
    STEP_KILL,   /* die of a signal */
    STEP_CLOSE,  /* close the QMP stream, but live on */
    STEP_STDERR_FLOOD, /* write text to stderr until arg bytes are out */
    STEP_LAST
} testStepKind;

typedef struct {
    testStepKind kind;
    const char *text;
    int arg;
} testStep;

typedef struct {
    const char *name;
    const testStep *steps;
    guint timeout_ms;
    const char *command;    /* NULL: only the handshake */
    int error_code;         /* -1: success expected */
    const char *error_text; /* expected within the message */
    const char *reply;      /* expected reply, as compact JSON */
} testMonitorCase;

static void
testPeerWrite(int fd, const char *text, gsize len)
{
    while (len > 0) {
        ssize_t done = write(fd, text, len);

        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0)
            _exit(3);
        text += done;
        len -= (gsize)done;
    }
}

/* Keep the stream full: many copies of @text per write, so that the
 * reader never finds it empty. */
G_GNUC_NORETURN static void
testPeerFlood(int fd, const char *text)
{
    g_autoptr(GString) chunk = g_string_new(NULL);

    while (chunk->len < 65536)
        g_string_append(chunk, text);
    for (;;)
        testPeerWrite(fd, chunk->str, chunk->len);
}

static void
testPeerRecv(int fd)
{
    char c;

    for (;;) {
        ssize_t got = read(fd, &c, 1);

        if (got <= 0)
            _exit(4);
        if (c == '\n')
            return;
    }
}

static void
testPeerHuge(int fd)
{
    static char chunk[1024 * 1024];
    int i;

    memset(chunk, 'x', sizeof(chunk));
    testPeerWrite(fd, "{\"return\": \"", 12);
    for (i = 0; i < 100; i++)
        testPeerWrite(fd, chunk, sizeof(chunk));
    _exit(0);
}

G_GNUC_NORETURN static void
testPeerRun(const testStep *steps, int fd, int err_fd)
{
    const testStep *step;

    signal(SIGPIPE, SIG_DFL);
    for (step = steps; step->kind != STEP_LAST; step++) {
        switch (step->kind) {
        case STEP_SEND:
            testPeerWrite(fd, step->text, strlen(step->text));
            break;
        case STEP_RECV:
            testPeerRecv(fd);
            break;
        case STEP_SLEEP:
            g_usleep((gulong)step->arg * 1000);
            break;
        case STEP_STDERR:
            testPeerWrite(err_fd, step->text, strlen(step->text));
            break;
        case STEP_HUGE:
            testPeerHuge(fd);
            break;
        case STEP_HANG:
            for (;;)
                pause();
        case STEP_FLOOD:
            testPeerFlood(fd, step->text);
        case STEP_EXIT:
            _exit(step->arg);
        case STEP_KILL:
            signal(step->arg, SIG_DFL);
            kill(getpid(), step->arg);
            _exit(5);
        case STEP_CLOSE:
            close(fd);
            break;
        case STEP_STDERR_FLOOD: {
            gsize done;

            for (done = 0; done < (gsize)step->arg; done += strlen(step->text))
                testPeerWrite(err_fd, step->text, strlen(step->text));
            break;
        }
        case STEP_LAST:
        default:
            break;
        }
    }
    _exit(0);
}

static gboolean
testPeerStart(const testStep *steps, int *ret_fd, int *ret_err_fd, GPid *ret_pid)
{
    int sv[2];
    int errp[2];
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 || pipe(errp) < 0)
        return FALSE;
    fflush(stdout);
    pid = fork();
    if (pid < 0)
        return FALSE;
    if (pid == 0) {
        close(sv[0]);
        close(errp[0]);
        testPeerRun(steps, sv[1], errp[1]);
    }
    close(sv[1]);
    close(errp[1]);
    *ret_fd = sv[0];
    *ret_err_fd = errp[0];
    *ret_pid = pid;
    return TRUE;
}

/* The outcome, as the case expects it: the reply or the error. */
static int
testCheckOutcome(const testMonitorCase *c, gboolean ok, JsonNode *reply, const GError *error)
{
    if (c->error_code < 0) {
        g_autofree char *text = NULL;

        if (!ok) {
            virTestDiag("unexpected error: %s", error->message);
            return -1;
        }
        if (!c->reply)
            return 0;
        text = json_to_string(reply, FALSE);
        if (!g_str_equal(text, c->reply)) {
            virTestDiag("reply %s, expected %s", text, c->reply);
            return -1;
        }
        return 0;
    }
    if (ok) {
        virTestDiag("expected an error, got success");
        return -1;
    }
    if (!g_error_matches(error, VIR_QEMU_ERROR, c->error_code) ||
        !strstr(error->message, c->error_text)) {
        virTestDiag("error %d '%s', expected %d containing '%s'", error->code, error->message,
                    c->error_code, c->error_text);
        return -1;
    }
    return 0;
}

/* After the monitor is gone, so is its peer: killed and reaped. */
static int
testPeerGone(GPid pid)
{
    if (kill(pid, 0) == 0 || errno != ESRCH) {
        virTestDiag("peer %d still exists after the monitor was freed", (int)pid);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -1;
    }
    return 0;
}

static int
testMonitor(const void *data)
{
    const testMonitorCase *c = data;
    g_autoptr(virQEMUMonitor) mon = NULL;
    g_autoptr(JsonNode) reply = NULL;
    g_autoptr(GError) error = NULL;
    int fd, err_fd;
    GPid pid;
    gboolean ok;
    gint64 start = g_get_monotonic_time();
    int ret;

    if (!testPeerStart(c->steps, &fd, &err_fd, &pid)) {
        virTestDiag("cannot start the fake peer: %s", g_strerror(errno));
        return -1;
    }
    ok = virQEMUMonitorOpenFd("fake-qemu", fd, pid, err_fd, c->timeout_ms, 0, &mon, &error);
    if (ok && c->command)
        ok = virQEMUMonitorCommand(mon, c->command, NULL, &reply, &error);
    ret = testCheckOutcome(c, ok, reply, error);
    g_clear_pointer(&mon, virQEMUMonitorFree);
    if (testPeerGone(pid) < 0)
        ret = -1;
    /* Every case is bounded: nothing may wait much past its timeout. */
    if (g_get_monotonic_time() - start > (gint64)(c->timeout_ms + 5000) * 1000) {
        virTestDiag("the case took %" G_GINT64_FORMAT " ms",
                    (g_get_monotonic_time() - start) / 1000);
        ret = -1;
    }
    return ret;
}

typedef struct {
    const char *script; /* below tests/qemumonitordata, or an absolute path */
    guint timeout_ms;
    int error_code;
    const char *error_text;
} testSpawnCase;

static int
testSpawn(const void *data)
{
    const testSpawnCase *c = data;
    g_autofree char *path = c->script[0] == '/' ? g_strdup(c->script)
                                                : virTestDataPath("qemumonitordata/%s", c->script);
    g_autoptr(virQEMUMonitor) mon = NULL;
    g_autoptr(GError) error = NULL;
    testMonitorCase outcome = { c->script, NULL, c->timeout_ms, NULL, c->error_code,
                                c->error_text, NULL };
    gboolean ok = virQEMUMonitorSpawn(path, NULL, c->timeout_ms, 0, &mon, &error);

    return testCheckOutcome(&outcome, ok, NULL, error);
}

/* Recording: the transcript is what --replies reads back. */
static int
testRecordReplay(const void *data)
{
    static const testStep steps[] = {
        { STEP_SEND, GREETING, 0 }, { STEP_RECV, NULL, 0 },  { STEP_SEND, EVENT, 0 },
        { STEP_SEND, CAPS_REPLY, 0 }, { STEP_RECV, NULL, 0 },
        { STEP_SEND,
          "{\"return\": {\"enabled\": true, \"present\": true}, \"id\": \"virt-pv-2\"}\n", 0 },
        { STEP_HANG, NULL, 0 },       { STEP_LAST, NULL, 0 },
    };
    g_autoptr(virQEMUMonitor) mon = NULL;
    g_autoptr(virQEMUMonitor) replay = NULL;
    g_autoptr(JsonNode) live = NULL;
    g_autoptr(JsonNode) replayed = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;
    g_autofree char *path = NULL;
    g_autofree char *live_text = NULL;
    g_autofree char *replayed_text = NULL;
    int fd, err_fd, tmp;
    GPid pid;

    (void)data;
    if (!testPeerStart(steps, &fd, &err_fd, &pid))
        return -1;
    if (!virQEMUMonitorOpenFd("fake-qemu", fd, pid, err_fd, 5000, VIR_QEMU_MONITOR_RECORD, &mon,
                              &error) ||
        !virQEMUMonitorCommand(mon, "query-kvm", NULL, &live, &error)) {
        virTestDiag("live: %s", error->message);
        return -1;
    }
    text = virQEMUMonitorFormatTranscript(mon, "a test\nof two lines");
    g_clear_pointer(&mon, virQEMUMonitorFree);
    if ((tmp = g_file_open_tmp("qemumonitortest-XXXXXX.replies", &path, &error)) < 0)
        return -1;
    close(tmp);
    if (!g_file_set_contents(path, text, -1, &error) ||
        !virQEMUMonitorOpenReplies(path, &replay, &error) ||
        !virQEMUMonitorCommand(replay, "query-kvm", NULL, &replayed, &error)) {
        virTestDiag("replay: %s\n%s", error->message, text);
        unlink(path);
        return -1;
    }
    unlink(path);
    live_text = json_to_string(live, FALSE);
    replayed_text = json_to_string(replayed, FALSE);
    if (!g_str_equal(live_text, replayed_text) || !g_str_has_prefix(text, "# a test\n# of two")) {
        virTestDiag("live %s, replayed %s, transcript:\n%s", live_text, replayed_text, text);
        return -1;
    }
    return 0;
}

static const testStep stepsNormal[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, CAPS_REPLY, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, "{\"return\": {\"arch\": \"s390x\"}, \"id\": \"virt-pv-2\"}\r\n", 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

/* Events before and between answers, and an answer to an older id. */
static const testStep stepsEvents[] = {
    { STEP_SEND, EVENT GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, EVENT EVENT CAPS_REPLY, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, EVENT "{\"return\": {}, \"id\": \"virt-pv-1\"}\r\n" EVENT, 0 },
    { STEP_SEND, "{\"return\": [1, 2], \"id\": \"virt-pv-2\"}\r\n", 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

/* One answer cut into pieces that arrive apart. */
static const testStep stepsSplit[] = {
    { STEP_SEND, "{\"QMP\": {\"version\": {}, ", 0 },
    { STEP_SLEEP, NULL, 20 },
    { STEP_SEND, "\"capabilities\": []}}\r", 0 },
    { STEP_SLEEP, NULL, 20 },
    { STEP_SEND, "\n", 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, CAPS_REPLY, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, "{\"return\": {\"a\"", 0 },
    { STEP_SLEEP, NULL, 20 },
    { STEP_SEND, ": true}, \"id\": \"virt-pv-2\"}\n", 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

/* Two documents in one write: both must be seen, one at a time. */
static const testStep stepsTwoInOne[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, CAPS_REPLY "{\"return\": 42, \"id\": \"virt-pv-2\"}\r\n", 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

/* The answer stops half way and the peer exits. */
static const testStep stepsTruncated[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, CAPS_REPLY, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, "{\"return\": {\"arch\": \"s3", 0 },
    { STEP_EXIT, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

static const testStep stepsGarbage[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, "this is not JSON\n", 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

static const testStep stepsNotObject[] = {
    { STEP_SEND, "[\"QMP\"]\n", 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

static const testStep stepsNoGreeting[] = {
    { STEP_SEND, CAPS_REPLY, 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

static const testStep stepsHuge[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_HUGE, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

/* Two documents on one line: json-glib would keep one and leak the other. */
static const testStep stepsTwoDocuments[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, "{\"return\": {}, \"id\": \"virt-pv-1\"}{\"return\": {}}\r\n", 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

static const testStep stepsDeep[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND,
      "{\"return\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
      "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
      "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]], \"id\": "
      "\"virt-pv-1\"}\n",
      0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

static const testStep stepsHang[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

/* Events keep coming, but never the answer: the deadline still holds. */
static const testStep stepsChatty[] = {
    { STEP_SEND, GREETING, 0 }, { STEP_RECV, NULL, 0 },     { STEP_SEND, EVENT, 0 },
    { STEP_SLEEP, NULL, 100 },  { STEP_SEND, EVENT, 0 },    { STEP_SLEEP, NULL, 100 },
    { STEP_SEND, EVENT, 0 },    { STEP_SLEEP, NULL, 100 },  { STEP_SEND, EVENT, 0 },
    { STEP_SLEEP, NULL, 100 },  { STEP_SEND, EVENT, 0 },    { STEP_SLEEP, NULL, 100 },
    { STEP_HANG, NULL, 0 },     { STEP_LAST, NULL, 0 },
};

/* Events without end and never the answer: the timeout still holds, even
 * though there is always something to read. */
static const testStep stepsFlood[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_FLOOD, EVENT, 0 },
    { STEP_LAST, NULL, 0 },
};

static const testStep stepsDiesEarly[] = {
    { STEP_STDERR, "qemu: cannot open /dev/kvm\n", 0 },
    { STEP_EXIT, NULL, 1 },
    { STEP_LAST, NULL, 0 },
};

static const testStep stepsDiesAfterCommand[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, CAPS_REPLY, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_STDERR, "qemu: fatal: something broke\n", 0 },
    { STEP_EXIT, NULL, 7 },
    { STEP_LAST, NULL, 0 },
};

static const testStep stepsErrorReply[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, CAPS_REPLY, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND,
      "{\"id\": \"virt-pv-2\", \"error\": {\"class\": \"GenericError\", "
      "\"desc\": \"The CPU definition 'host' is unknown.\"}}\n",
      0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

static const testStep stepsNoId[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error\"}}\n",
      0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

static const testStep stepsNeither[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, "{\"id\": \"virt-pv-1\"}\n", 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

/* Blank lines between messages are skipped. */
static const testStep stepsBlankLines[] = {
    { STEP_SEND, "\n\r\n" GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, "\n" CAPS_REPLY, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, "\r\n{\"return\": true, \"id\": \"virt-pv-2\"}\r\n", 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

static const testStep stepsBadEscape[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, "{\"return\": \"\\x41\", \"id\": \"virt-pv-1\"}\n", 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

/* A character outside the BMP, as JSON writes it: a surrogate pair. */
static const testStep stepsSurrogatePair[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, CAPS_REPLY, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, "{\"return\": \"\\ud83d\\ude00\", \"id\": \"virt-pv-2\"}\n", 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

/* A high surrogate followed by an escape that is not a low one. */
static const testStep stepsBrokenSurrogate[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, "{\"return\": \"\\ud83d\\u0041\", \"id\": \"virt-pv-1\"}\n", 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

/* More than the 4 KiB of stderr that are kept for the message. */
static const testStep stepsDiesLoudly[] = {
    { STEP_STDERR, "qemu: the first line says it\n", 0 },
    { STEP_STDERR_FLOOD, "qemu: and then it goes on and on\n", 8192 },
    { STEP_EXIT, NULL, 1 },
    { STEP_LAST, NULL, 0 },
};

/* "error" that is not an object: neither an error nor a result. */
static const testStep stepsErrorNotObject[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, "{\"id\": \"virt-pv-1\", \"error\": \"broken\"}\n", 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

static const testStep stepsNoIdErrorNotObject[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, "{\"error\": \"broken\"}\n", 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

/* QEMU killed by a signal (the OOM killer, an operator) mid-conversation. */
static const testStep stepsKilled[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, CAPS_REPLY, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_STDERR, "qemu: terminating\n", 0 },
    { STEP_KILL, NULL, SIGKILL },
    { STEP_LAST, NULL, 0 },
};

/* The stream closes, but the process lives on and keeps its stderr open:
 * nothing to reap within the deadline. */
static const testStep stepsClosesButLives[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, CAPS_REPLY, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_CLOSE, NULL, 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

/* An answer without an id and without an error. */
static const testStep stepsNoIdNoError[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, "{\"return\": {}}\n", 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

/* Slow answers, while signals keep interrupting the waits. */
static const testStep stepsSlow[] = {
    { STEP_SLEEP, NULL, 150 },
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SLEEP, NULL, 150 },
    { STEP_SEND, CAPS_REPLY, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SLEEP, NULL, 150 },
    { STEP_SEND, "{\"return\": {\"arch\": \"s390x\"}, \"id\": \"virt-pv-2\"}\r\n", 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

/* Answers the handshake, then reads nothing more. */
static const testStep stepsDeaf[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, CAPS_REPLY, 0 },
    { STEP_HANG, NULL, 0 },
    { STEP_LAST, NULL, 0 },
};

/* Exits right after the handshake: the next command meets a closed socket. */
static const testStep stepsExitsAfterHandshake[] = {
    { STEP_SEND, GREETING, 0 },
    { STEP_RECV, NULL, 0 },
    { STEP_SEND, CAPS_REPLY, 0 },
    { STEP_STDERR, "qemu: shutting down\n", 0 },
    { STEP_EXIT, NULL, 5 },
    { STEP_LAST, NULL, 0 },
};

/* A monitor on a fake peer that went through the handshake, for the tests
 * that put a fault between the handshake and a command. */
static gboolean
testPeerOpen(const testStep *steps, guint timeout_ms, virQEMUMonitor **ret_mon, int *ret_fd,
             GPid *ret_pid)
{
    g_autoptr(GError) error = NULL;
    int err_fd;

    if (!testPeerStart(steps, ret_fd, &err_fd, ret_pid)) {
        virTestDiag("cannot start the fake peer: %s", g_strerror(errno));
        return FALSE;
    }
    if (!virQEMUMonitorOpenFd("fake-qemu", *ret_fd, *ret_pid, err_fd, timeout_ms, 0, ret_mon,
                              &error)) {
        virTestDiag("handshake: %s", error->message);
        kill(*ret_pid, SIGKILL);
        waitpid(*ret_pid, NULL, 0);
        return FALSE;
    }
    return TRUE;
}

/* @ok and @error are what a command gave; the case wants @code and @text. */
static int
testExpectError(gboolean ok, const GError *error, int code, const char *text)
{
    testMonitorCase c = { "", NULL, 0, NULL, code, text, NULL };

    return testCheckOutcome(&c, ok, NULL, error);
}

/* After a failure the conversation is over: a further command says so. */
static int
testClosedAfterwards(virQEMUMonitor *mon)
{
    g_autoptr(JsonNode) reply = NULL;
    g_autoptr(GError) error = NULL;
    gboolean ok = virQEMUMonitorCommand(mon, "query-target", NULL, &reply, &error);

    return testExpectError(ok, error, VIR_QEMU_ERROR_FAILED, "connection to 'fake-qemu' is closed");
}

/* A smaller limit on messages, and the greeting as received. */
/* A peer that writes far more to stderr than is kept: the message has
 * its start, and no more than the 4 KiB kept. */
static int
testLoudDeath(const void *data)
{
    static const testMonitorCase c = { "dies-loudly", stepsDiesLoudly, 5000, NULL,
                                       VIR_QEMU_ERROR_SPAWN,
                                       "exited with status 1 during the QMP conversation: "
                                       "qemu: the first line says it qemu: and then", NULL };
    g_autoptr(virQEMUMonitor) mon = NULL;
    g_autoptr(GError) error = NULL;
    int fd, err_fd;
    GPid pid;
    gboolean ok;

    (void)data;
    if (!testPeerStart(c.steps, &fd, &err_fd, &pid))
        return -1;
    ok = virQEMUMonitorOpenFd("fake-qemu", fd, pid, err_fd, c.timeout_ms, 0, &mon, &error);
    if (testCheckOutcome(&c, ok, NULL, error) < 0)
        return -1;
    if (strlen(error->message) > 4096 + 200) {
        virTestDiag("the message has %zu bytes", strlen(error->message));
        return -1;
    }
    return 0;
}

/* Replaying: closing asks nothing, and a monitor that does not record
 * has no transcript; a recording one writes one without a header too. */
static int
testTranscriptEdges(const void *data)
{
    g_autofree char *path = virTestDataPath("qemucapabilitiesdata/qemu-7.2-s390x-tcg.replies");
    g_autoptr(virQEMUMonitor) replay = NULL;
    g_autoptr(virQEMUMonitor) mon = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *none = NULL;
    g_autofree char *text = NULL;
    int fd, err_fd;
    GPid pid;

    (void)data;
    if (!virQEMUMonitorOpenReplies(path, &replay, &error) ||
        !virQEMUMonitorClose(replay, &error)) {
        virTestDiag("replay: %s", error->message);
        return -1;
    }
    if ((none = virQEMUMonitorFormatTranscript(replay, "header"))) {
        virTestDiag("a transcript from a monitor that does not record");
        return -1;
    }
    if (!testPeerStart(stepsNormal, &fd, &err_fd, &pid) ||
        !virQEMUMonitorOpenFd("fake-qemu", fd, pid, err_fd, 5000, VIR_QEMU_MONITOR_RECORD, &mon,
                              &error)) {
        virTestDiag("live: %s", error ? error->message : g_strerror(errno));
        return -1;
    }
    text = virQEMUMonitorFormatTranscript(mon, NULL);
    if (!text || !g_str_has_prefix(text, "{\n  \"QMP\"")) {
        virTestDiag("transcript without a header:\n%s", text ? text : "(none)");
        return -1;
    }
    return 0;
}

/* quit answered, but the peer does not exit: it is killed once the wait
 * for its exit is over (5 s), and Close() still reports the answer. */
static int
testLingersAfterQuit(const void *data)
{
    static const testStep steps[] = {
        { STEP_SEND, GREETING, 0 },
        { STEP_RECV, NULL, 0 },
        { STEP_SEND, CAPS_REPLY, 0 },
        { STEP_RECV, NULL, 0 },
        { STEP_SEND, "{\"return\": {}, \"id\": \"virt-pv-2\"}\n", 0 },
        { STEP_HANG, NULL, 0 },
        { STEP_LAST, NULL, 0 },
    };
    g_autoptr(virQEMUMonitor) mon = NULL;
    g_autoptr(GError) error = NULL;
    gint64 start;
    int fd;
    GPid pid;

    (void)data;
    if (!testPeerOpen(steps, 5000, &mon, &fd, &pid))
        return -1;
    start = g_get_monotonic_time();
    if (!virQEMUMonitorClose(mon, &error)) {
        virTestDiag("close: %s", error->message);
        return -1;
    }
    if (g_get_monotonic_time() - start > 8 * G_USEC_PER_SEC) {
        virTestDiag("the wait took %" G_GINT64_FORMAT " ms",
                    (g_get_monotonic_time() - start) / 1000);
        return -1;
    }
    return testPeerGone(pid);
}

static int
testMaxMessage(const void *data)
{
    g_autoptr(virQEMUMonitor) mon = NULL;
    g_autoptr(JsonNode) reply = NULL;
    g_autoptr(GError) error = NULL;
    JsonObject *greeting;
    int fd;
    GPid pid;
    gboolean ok;
    int ret;

    (void)data;
    if (!testPeerOpen(stepsNormal, 5000, &mon, &fd, &pid))
        return -1;
    greeting = virQEMUMonitorGetGreeting(mon);
    if (!greeting || !json_object_has_member(greeting, "QMP")) {
        virTestDiag("the greeting is not the one sent");
        return -1;
    }
    virQEMUMonitorSetMaxMessage(mon, 16);
    ok = virQEMUMonitorCommand(mon, "query-target", NULL, &reply, &error);
    ret = testExpectError(ok, error, VIR_QEMU_ERROR_PROTOCOL, "longer than 16 bytes");
    if (testClosedAfterwards(mon) < 0)
        ret = -1;
    g_clear_pointer(&mon, virQEMUMonitorFree);
    return testPeerGone(pid) < 0 ? -1 : ret;
}

/* Whether a lowered RLIMIT_NOFILE (1 or less) reached the kernel: valgrind
 * keeps the limit to itself, and poll() and socketpair() do not see it. */
static gboolean
testLimitInKernel(void)
{
    struct pollfd pfds[2] = { { 0, 0, 0 }, { 0, 0, 0 } };

    if (poll(pfds, 2, 0) < 0 && errno == EINVAL)
        return TRUE;
    virTestDiag("RLIMIT_NOFILE does not reach the kernel here (valgrind?)");
    return FALSE;
}

/* poll() refuses more descriptors than RLIMIT_NOFILE allows (EINVAL):
 * waiting for QMP and stderr at once fails under a limit of one. */
static int
testPollError(const void *data)
{
    g_autoptr(virQEMUMonitor) mon = NULL;
    g_autoptr(JsonNode) reply = NULL;
    g_autoptr(GError) error = NULL;
    struct rlimit saved, one;
    int fd;
    GPid pid;
    gboolean ok;
    int ret;

    (void)data;
    if (!testPeerOpen(stepsNormal, 5000, &mon, &fd, &pid))
        return -1;
    if (getrlimit(RLIMIT_NOFILE, &saved) < 0)
        return -1;
    one = saved;
    one.rlim_cur = 1;
    if (setrlimit(RLIMIT_NOFILE, &one) < 0) {
        virTestDiag("setrlimit: %s", g_strerror(errno));
        return -1;
    }
    if (!testLimitInKernel()) {
        setrlimit(RLIMIT_NOFILE, &saved);
        return VIR_TEST_SKIP;
    }
    ok = virQEMUMonitorCommand(mon, "query-target", NULL, &reply, &error);
    setrlimit(RLIMIT_NOFILE, &saved);
    ret = testExpectError(ok, error, VIR_QEMU_ERROR_FAILED, "cannot wait for 'fake-qemu'");
    g_clear_pointer(&mon, virQEMUMonitorFree);
    return testPeerGone(pid) < 0 ? -1 : ret;
}

/* A command the peer does not read: the socket's buffer fills up and the
 * write, not only the read, is bounded by the timeout. */
static int
testWriteTimeout(const void *data)
{
    g_autoptr(virQEMUMonitor) mon = NULL;
    g_autoptr(JsonNode) reply = NULL;
    g_autoptr(JsonNode) args = json_node_new(JSON_NODE_OBJECT);
    g_autoptr(JsonObject) obj = json_object_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *big = g_strnfill(16 * 1024 * 1024, 'x');
    int fd;
    GPid pid;
    gboolean ok;
    int ret;

    (void)data;
    /* A whole second: the handshake before the blocked write must fit in
     * it under emulation (qemu-s390x) too. */
    if (!testPeerOpen(stepsDeaf, 1000, &mon, &fd, &pid))
        return -1;
    json_object_set_string_member(obj, "filler", big);
    json_node_set_object(args, obj);
    ok = virQEMUMonitorCommand(mon, "query-target", args, &reply, &error);
    ret = testExpectError(ok, error, VIR_QEMU_ERROR_TIMEOUT, "did not answer within 1 seconds");
    g_clear_pointer(&mon, virQEMUMonitorFree);
    return testPeerGone(pid) < 0 ? -1 : ret;
}

/* The peer exited after the handshake: the command's write meets EPIPE
 * and the error says how the peer ended. */
static int
testWriteToExited(const void *data)
{
    g_autoptr(virQEMUMonitor) mon = NULL;
    g_autoptr(JsonNode) reply = NULL;
    g_autoptr(GError) error = NULL;
    struct pollfd pfd;
    int fd;
    GPid pid;
    gboolean ok;
    int ret;

    (void)data;
    if (!testPeerOpen(stepsExitsAfterHandshake, 5000, &mon, &fd, &pid))
        return -1;
    /* Until the peer is gone, by its end of the socket. */
    pfd = (struct pollfd){ fd, POLLRDHUP, 0 };
    if (poll(&pfd, 1, 5000) != 1) {
        virTestDiag("the peer did not close its end");
        return -1;
    }
    ok = virQEMUMonitorCommand(mon, "query-target", NULL, &reply, &error);
    ret = testExpectError(ok, error, VIR_QEMU_ERROR_SPAWN,
                          "exited with status 5 during the QMP conversation: qemu: shutting down");
    g_clear_pointer(&mon, virQEMUMonitorFree);
    return testPeerGone(pid) < 0 ? -1 : ret;
}

/* A monitor on descriptors that are no QMP socket: a closed descriptor,
 * a directory (read fails) and a regular file holding a greeting (poll
 * says writable, but send() needs a socket). */
static int
testNotASocket(const void *data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(virQEMUMonitor) mon = NULL;
    g_autofree char *path = NULL;
    gboolean ok;
    int ret = 0;
    int fd;

    (void)data;
    fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    close(fd);
    ok = virQEMUMonitorOpenFd("fake-qemu", fd, 0, -1, 5000, 0, &mon, &error);
    if (testExpectError(ok, error, VIR_QEMU_ERROR_FAILED,
                        "cannot set up the QMP connection to 'fake-qemu': Bad file descriptor") < 0)
        ret = -1;
    g_clear_error(&error);

    fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ok = virQEMUMonitorOpenFd("fake-qemu", fd, 0, -1, 5000, 0, &mon, &error);
    if (testExpectError(ok, error, VIR_QEMU_ERROR_FAILED,
                        "cannot read from 'fake-qemu': Is a directory") < 0)
        ret = -1;
    g_clear_error(&error);

    if ((fd = g_file_open_tmp("qemumonitortest-XXXXXX.greeting", &path, &error)) < 0)
        return -1;
    if (write(fd, GREETING, strlen(GREETING)) != (ssize_t)strlen(GREETING) ||
        lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        unlink(path);
        return -1;
    }
    unlink(path);
    ok = virQEMUMonitorOpenFd("fake-qemu", fd, 0, -1, 5000, 0, &mon, &error);
    if (testExpectError(ok, error, VIR_QEMU_ERROR_FAILED, "cannot write to 'fake-qemu'") < 0)
        ret = -1;
    return ret;
}

/* A signal every 20 ms (no SA_RESTART): poll() and read() return EINTR
 * again and again, and the conversation still succeeds. */
static int
testInterrupted(const void *data)
{
    static const testMonitorCase c = { "slow", stepsSlow, 5000, "query-target", -1, NULL,
                                       "{\"arch\":\"s390x\"}" };
    int ret;

    (void)data;
    if (!virTestInterruptsStart(20))
        return -1;
    ret = testMonitor(&c);
    virTestInterruptsStop();
    return ret;
}

/* No descriptor left for the socket pair (RLIMIT_NOFILE 0), and an
 * "emulator" that cannot be executed. */
static int
testSpawnFaults(const void *data)
{
    g_autoptr(virQEMUMonitor) mon = NULL;
    g_autoptr(GError) error = NULL;
    struct rlimit saved, none;
    gboolean ok;
    int ret = 0;

    (void)data;
    if (getrlimit(RLIMIT_NOFILE, &saved) < 0)
        return -1;
    none = saved;
    none.rlim_cur = 0;
    if (setrlimit(RLIMIT_NOFILE, &none) < 0)
        return -1;
    if (!testLimitInKernel()) {
        setrlimit(RLIMIT_NOFILE, &saved);
        return VIR_TEST_SKIP;
    }
    ok = virQEMUMonitorSpawn("/bin/true", NULL, 5000, 0, &mon, &error);
    setrlimit(RLIMIT_NOFILE, &saved);
    if (testExpectError(ok, error, VIR_QEMU_ERROR_SPAWN,
                        "cannot create a socket for '/bin/true': Too many open files") < 0)
        ret = -1;
    g_clear_error(&error);

    ok = virQEMUMonitorSpawn("/", NULL, 5000, 0, &mon, &error);
    if (testExpectError(ok, error, VIR_QEMU_ERROR_SPAWN, "cannot run '/'") < 0)
        ret = -1;
    return ret;
}

/* Recordings that do not fit the conversation. */
typedef struct {
    const char *name;
    const char *text; /* NULL: no such file */
    const char *command;
    int error_code;
    const char *error_text;
} testReplayCase;

#define REPLAY_GREETING "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\n\n"
#define REPLAY_CAPS "{\"execute\": \"qmp_capabilities\", \"id\": \"virt-pv-1\"}\n\n" \
                    "{\"return\": {}, \"id\": \"virt-pv-1\"}\n\n"

static int
testReplay(const void *data)
{
    const testReplayCase *c = data;
    g_autoptr(virQEMUMonitor) mon = NULL;
    g_autoptr(JsonNode) reply = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("qemumonitortest-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "conversation.replies", NULL);
    gboolean ok;

    if (c->text && !g_file_set_contents(path, c->text, -1, NULL))
        return -1;
    ok = virQEMUMonitorOpenReplies(path, &mon, &error);
    if (ok && c->command)
        ok = virQEMUMonitorCommand(mon, c->command, NULL, &reply, &error);
    unlink(path);
    rmdir(dir);
    return testExpectError(ok, error, c->error_code, c->error_text);
}

static int
mymain(void)
{
    int ret = 0;

#define DO_TEST_FULL(name, steps, timeout, command, code, text, reply) \
    do { \
        static const testMonitorCase c = { name, steps, timeout, command, code, text, reply }; \
        if (virTestRun("monitor " name, testMonitor, &c) < 0) \
            ret = -1; \
    } while (0)
#define DO_TEST_OK(name, steps, reply) \
    DO_TEST_FULL(name, steps, 5000, "query-target", -1, NULL, reply)
#define DO_TEST_ERR(name, steps, timeout, code, text) \
    DO_TEST_FULL(name, steps, timeout, "query-target", VIR_QEMU_ERROR_##code, text, NULL)
#define DO_TEST_SPAWN(script, timeout, code, text) \
    do { \
        static const testSpawnCase c = { script, timeout, VIR_QEMU_ERROR_##code, text }; \
        if (virTestRun("spawn " script, testSpawn, &c) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST_OK("normal", stepsNormal, "{\"arch\":\"s390x\"}");
    DO_TEST_OK("events-interleaved", stepsEvents, "[1,2]");
    DO_TEST_OK("split-across-reads", stepsSplit, "{\"a\":true}");
    DO_TEST_OK("two-messages-in-one-read", stepsTwoInOne, "42");
    DO_TEST_ERR("truncated-reply", stepsTruncated, 5000, SPAWN, "exited with status 0");
    DO_TEST_ERR("garbage", stepsGarbage, 5000, PROTOCOL, "not JSON");
    DO_TEST_ERR("not-an-object", stepsNotObject, 5000, PROTOCOL, "not a JSON object");
    DO_TEST_ERR("no-greeting", stepsNoGreeting, 5000, PROTOCOL, "QMP greeting");
    DO_TEST_ERR("huge-line", stepsHuge, 5000, PROTOCOL, "longer than 4194304 bytes");
    DO_TEST_ERR("deep-nesting", stepsDeep, 5000, PROTOCOL, "nested deeper");
    DO_TEST_ERR("two-documents-in-one-line", stepsTwoDocuments, 5000, PROTOCOL,
                "more than one JSON document in one message");
    DO_TEST_ERR("hang", stepsHang, 300, TIMEOUT, "did not answer within 1 seconds");
    DO_TEST_ERR("events-but-no-answer", stepsChatty, 300, TIMEOUT, "did not answer");
    DO_TEST_ERR("event-flood", stepsFlood, 300, TIMEOUT, "did not answer");
    DO_TEST_ERR("dies-before-greeting", stepsDiesEarly, 5000, SPAWN,
                "exited with status 1 during the QMP conversation: qemu: cannot open /dev/kvm");
    DO_TEST_ERR("dies-after-command", stepsDiesAfterCommand, 5000, SPAWN,
                "exited with status 7 during the QMP conversation: qemu: fatal: something broke");
    DO_TEST_ERR("error-reply", stepsErrorReply, 5000, COMMAND,
                "refused the QMP command 'query-target': The CPU definition 'host' is unknown.");
    DO_TEST_ERR("answer-without-id", stepsNoId, 5000, PROTOCOL, "without an id: JSON parse error");
    DO_TEST_ERR("answer-without-result", stepsNeither, 5000, PROTOCOL,
                "neither a result nor an error");

    DO_TEST_SPAWN("/nonexistent/qemu-system-s390x", 5000, SPAWN, "cannot find the QEMU binary");
    DO_TEST_SPAWN("/bin/true", 5000, SPAWN, "exited with status 0");
    DO_TEST_SPAWN("dies.sh", 5000, SPAWN, "invalid accelerator kvm");
    DO_TEST_SPAWN("greets-then-dies.sh", 5000, SPAWN,
                  "Some features requested in the CPU model are not available");
    DO_TEST_SPAWN("garbage.sh", 5000, PROTOCOL, "not JSON");
    DO_TEST_SPAWN("hang.sh", 500, TIMEOUT, "did not answer");

    if (virTestRun("record and replay", testRecordReplay, NULL) < 0)
        ret = -1;

    DO_TEST_OK("blank-lines", stepsBlankLines, "true");
    DO_TEST_ERR("bad-escape", stepsBadEscape, 5000, PROTOCOL,
                "escape sequence that JSON does not have");
    DO_TEST_OK("surrogate-pair", stepsSurrogatePair, "\"\xf0\x9f\x98\x80\"");
    DO_TEST_ERR("broken-surrogate-pair", stepsBrokenSurrogate, 5000, PROTOCOL,
                "escape sequence that JSON does not have");
    DO_TEST_ERR("killed-by-signal", stepsKilled, 5000, SPAWN,
                "was killed by signal 9 during the QMP conversation: qemu: terminating");
    DO_TEST_ERR("closes-but-lives", stepsClosesButLives, 300, SPAWN,
                "closed the QMP connection: no error message");
    DO_TEST_ERR("answer-without-id-or-error", stepsNoIdNoError, 5000, PROTOCOL,
                "without an id: no reason");
    DO_TEST_ERR("error-not-an-object", stepsErrorNotObject, 5000, PROTOCOL,
                "neither a result nor an error");
    DO_TEST_ERR("answer-without-id-error-not-an-object", stepsNoIdErrorNotObject, 5000, PROTOCOL,
                "without an id: no reason");

#define DO_TEST_FAULT(name, body) \
    do { \
        if (virTestRun(name, body, NULL) < 0) \
            ret = -1; \
    } while (0)
    DO_TEST_FAULT("monitor message over a smaller limit", testMaxMessage);
    DO_TEST_FAULT("monitor poll error (RLIMIT_NOFILE 1)", testPollError);
    DO_TEST_FAULT("monitor write blocked until the deadline", testWriteTimeout);
    DO_TEST_FAULT("monitor write to an exited peer", testWriteToExited);
    DO_TEST_FAULT("monitor on descriptors that are not sockets", testNotASocket);
    DO_TEST_FAULT("monitor interrupted by signals", testInterrupted);
    DO_TEST_FAULT("spawn faults", testSpawnFaults);
    DO_TEST_FAULT("monitor keeps only the start of a long stderr", testLoudDeath);
    DO_TEST_FAULT("transcripts and closing, replayed and without a header", testTranscriptEdges);
    DO_TEST_FAULT("monitor kills a peer that lingers after quit", testLingersAfterQuit);

#define DO_TEST_REPLAY(name, text, command, code, errtext) \
    do { \
        static const testReplayCase c = { name, text, command, VIR_QEMU_ERROR_##code, errtext }; \
        if (virTestRun("replay " name, testReplay, &c) < 0) \
            ret = -1; \
    } while (0)
    DO_TEST_REPLAY("missing", NULL, NULL, FAILED, "cannot open");
    DO_TEST_REPLAY("ends-before-command", REPLAY_GREETING REPLAY_CAPS, "query-target", PROTOCOL,
                   "ends before the command 'query-target'");
    DO_TEST_REPLAY("command-for-answer", REPLAY_GREETING
                   "{\"execute\": \"qmp_capabilities\", \"id\": \"virt-pv-1\"}\n\n"
                   "{\"execute\": \"query-target\", \"id\": \"virt-pv-2\"}\n\n",
                   NULL, PROTOCOL, "has a command where the answer to the previous one should be "
                   "(message 3)");
    DO_TEST_REPLAY("other-arguments", REPLAY_GREETING
                   "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"]}, "
                   "\"id\": \"virt-pv-1\"}\n\n"
                   "{\"return\": {}, \"id\": \"virt-pv-1\"}\n\n",
                   NULL, PROTOCOL, "does not have the command 'qmp_capabilities' at message 2");
    DO_TEST_REPLAY("command-without-id", REPLAY_GREETING
                   "{\"execute\": \"qmp_capabilities\"}\n\n"
                   "{\"return\": {}, \"id\": \"virt-pv-1\"}\n\n",
                   NULL, PROTOCOL, "ends before the answer the probe waits for");

    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
