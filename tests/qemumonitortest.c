/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu/qemu_error.h"
#include "qemu/qemu_monitor.h"
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
        { STEP_SEND, "{\"return\": {\"enabled\": true, \"present\": true}, \"id\": \"virt-pv-2\"}\n",
          0 },
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

    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
