/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "qemu_error.h"
#include "qemu_json.h"
#include "qemu_monitorpriv.h"
#include "util/virfile.h"

/*
 * A QMP client for one short conversation: the probe starts QEMU with its
 * monitor on stdio (a socket pair, so that writing to a dead QEMU gives
 * EPIPE instead of SIGPIPE), asks a few questions and quits.  Messages are
 * newline-terminated JSON documents; each one is cut out of the stream and
 * parsed on its own.  The same code path replays a recorded conversation.
 */

/* How much of QEMU's stderr is kept for error messages. */
#define VIR_QEMU_MONITOR_MAX_STDERR 4096

/* How long a QEMU that answered quit may take to exit. */
#define VIR_QEMU_MONITOR_EXIT_WAIT_MS 5000

struct _virQEMUMonitor {
    char *name;          /* the emulator, for messages */
    int fd;              /* the QMP stream; -1 when replaying */
    GPid pid;            /* the peer, reaped by us; 0 if not ours */
    int err_fd;          /* the peer's stderr; -1 if none */
    GString *err_text;
    GByteArray *inbuf;
    gsize scanned;       /* bytes of inbuf known to hold no newline */
    gboolean eof;
    gsize max_message;
    guint timeout_ms;
    guint next_id;
    JsonParser *parser;
    JsonNode *greeting;
    GPtrArray *replay;   /* of JsonNode; NULL when live */
    guint replay_pos;
    /* A recording of libvirt's tests (no greeting, libvirt's own order):
     * answers are looked up by command among the first replay_end
     * messages, the first session; libvirt probes KVM first, then TCG. */
    gboolean replay_lookup;
    guint replay_end;
    GPtrArray *transcript; /* of JsonNode; NULL unless recording */
};

static virQEMUMonitor *
virQEMUMonitorNew(const char *name, guint timeout_ms, unsigned int flags)
{
    virQEMUMonitor *mon = g_new0(virQEMUMonitor, 1);

    mon->name = g_strdup(name);
    mon->fd = -1;
    mon->err_fd = -1;
    mon->err_text = g_string_new(NULL);
    mon->inbuf = g_byte_array_new();
    mon->max_message = VIR_QEMU_MONITOR_MAX_MESSAGE;
    mon->timeout_ms = timeout_ms ? timeout_ms : VIR_QEMU_MONITOR_TIMEOUT_DEFAULT_MS;
    mon->next_id = 1;
    mon->parser = json_parser_new();
    if (flags & VIR_QEMU_MONITOR_RECORD)
        mon->transcript = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
    return mon;
}

static void
virQEMUMonitorCloseFds(virQEMUMonitor *mon)
{
    if (mon->fd >= 0)
        close(mon->fd);
    if (mon->err_fd >= 0)
        close(mon->err_fd);
    mon->fd = -1;
    mon->err_fd = -1;
}

/* Kill the peer if it still runs and reap it; SIGKILL cannot be ignored,
 * so the wait that follows is short. */
static void
virQEMUMonitorKill(virQEMUMonitor *mon)
{
    virQEMUMonitorCloseFds(mon);
    if (mon->pid <= 0)
        return;
    kill(mon->pid, SIGKILL);
    while (waitpid(mon->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    mon->pid = 0;
}

void
virQEMUMonitorFree(virQEMUMonitor *mon)
{
    if (!mon)
        return;
    virQEMUMonitorKill(mon);
    g_free(mon->name);
    g_string_free(mon->err_text, TRUE);
    g_byte_array_unref(mon->inbuf);
    g_clear_object(&mon->parser);
    g_clear_pointer(&mon->greeting, json_node_unref);
    g_clear_pointer(&mon->replay, g_ptr_array_unref);
    g_clear_pointer(&mon->transcript, g_ptr_array_unref);
    g_free(mon);
}

void
virQEMUMonitorSetMaxMessage(virQEMUMonitor *mon, gsize max_len)
{
    mon->max_message = max_len;
}

JsonObject *
virQEMUMonitorGetGreeting(virQEMUMonitor *mon)
{
    return mon->greeting ? json_node_get_object(mon->greeting) : NULL;
}

static void
virQEMUMonitorRecord(virQEMUMonitor *mon, JsonNode *msg)
{
    if (mon->transcript)
        g_ptr_array_add(mon->transcript, json_node_ref(msg));
}

/* Remaining milliseconds until @deadline (monotonic microseconds). */
static int
virQEMUMonitorRemaining(gint64 deadline)
{
    gint64 left = deadline - g_get_monotonic_time();

    if (left <= 0)
        return 0;
    return (int)MIN((left + 999) / 1000, G_MAXINT);
}

/* Keep the start of the peer's stderr; drop the rest. */
static void
virQEMUMonitorReadStderr(virQEMUMonitor *mon)
{
    char chunk[4096];
    ssize_t got = read(mon->err_fd, chunk, sizeof(chunk));

    if (got <= 0) {
        if (got == 0 || errno != EINTR) {
            close(mon->err_fd);
            mon->err_fd = -1;
        }
        return;
    }
    if (mon->err_text->len < VIR_QEMU_MONITOR_MAX_STDERR)
        g_string_append_len(mon->err_text, chunk,
                            MIN((gsize)got, VIR_QEMU_MONITOR_MAX_STDERR - mon->err_text->len));
}

/* What the peer said on stderr, one line, for an error message. */
static char *
virQEMUMonitorStderrSummary(virQEMUMonitor *mon)
{
    g_autofree char *text = g_strstrip(g_strdup(mon->err_text->str));

    g_strdelimit(text, "\r\n", ' ');
    if (!*text)
        return g_strdup(_("no error message"));
    return g_steal_pointer(&text);
}

/* The peer closed the stream: collect the rest of its stderr and its exit
 * status, within the deadline, and say what happened. */
static void
virQEMUMonitorSetDied(virQEMUMonitor *mon, gint64 deadline, GError **error)
{
    g_autofree char *summary = NULL;
    int status = 0;
    gboolean reaped = FALSE;

    while (mon->err_fd >= 0) {
        struct pollfd pfd = { mon->err_fd, POLLIN, 0 };
        int n = poll(&pfd, 1, virQEMUMonitorRemaining(deadline));

        if (n <= 0 && !(n < 0 && errno == EINTR))
            break;
        if (n > 0)
            virQEMUMonitorReadStderr(mon);
    }
    while (mon->pid > 0 && !reaped && virQEMUMonitorRemaining(deadline) > 0) {
        pid_t got = waitpid(mon->pid, &status, WNOHANG);

        if (got == mon->pid || (got < 0 && errno != EINTR))
            reaped = TRUE;
        else
            g_usleep(1000);
    }
    if (reaped)
        mon->pid = 0;
    virQEMUMonitorKill(mon);

    summary = virQEMUMonitorStderrSummary(mon);
    if (reaped && WIFEXITED(status))
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_SPAWN,
                    _("'%s' exited with status %d during the QMP conversation: %s"), mon->name,
                    WEXITSTATUS(status), summary);
    else if (reaped && WIFSIGNALED(status))
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_SPAWN,
                    _("'%s' was killed by signal %d during the QMP conversation: %s"),
                    mon->name, WTERMSIG(status), summary);
    else
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_SPAWN,
                    _("'%s' closed the QMP connection: %s"), mon->name, summary);
}

static void
virQEMUMonitorSetTimeout(virQEMUMonitor *mon, GError **error)
{
    virQEMUMonitorKill(mon);
    g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_TIMEOUT,
                _("'%s' did not answer within %u seconds and was killed"), mon->name,
                (mon->timeout_ms + 999) / 1000);
}

/* Parse exactly one JSON object. */
static gboolean
virQEMUMonitorParse(virQEMUMonitor *mon, const char *text, gsize len, JsonNode **ret_msg,
                    GError **error)
{
    g_autoptr(GError) parse_error = NULL;
    JsonNode *root;

    switch (virQEMUJSONCheckShape(text, len)) {
    case VIR_QEMU_JSON_SHAPE_NOT_JSON:
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_PROTOCOL,
                    _("'%s' sent a message that is not JSON: %s"), mon->name,
                    _("it does not start like a JSON value"));
        return FALSE;
    case VIR_QEMU_JSON_SHAPE_BAD_ESCAPE:
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_PROTOCOL,
                    _("'%s' sent a message that is not JSON: %s"), mon->name,
                    _("a string has an escape sequence that JSON does not have"));
        return FALSE;
    case VIR_QEMU_JSON_SHAPE_TOO_DEEP:
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_PROTOCOL,
                    _("'%s' sent JSON nested deeper than %d levels"), mon->name,
                    VIR_QEMU_JSON_MAX_DEPTH);
        return FALSE;
    case VIR_QEMU_JSON_SHAPE_TRAILING:
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_PROTOCOL,
                    _("'%s' sent more than one JSON document in one message"), mon->name);
        return FALSE;
    case VIR_QEMU_JSON_SHAPE_OK:
        break;
    }
    if (!json_parser_load_from_data(mon->parser, text, (gssize)len, &parse_error)) {
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_PROTOCOL,
                    _("'%s' sent a message that is not JSON: %s"), mon->name,
                    parse_error->message);
        return FALSE;
    }
    root = json_parser_get_root(mon->parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_PROTOCOL,
                    _("'%s' sent a QMP message that is not a JSON object"), mon->name);
        return FALSE;
    }
    *ret_msg = json_node_copy(root);
    return TRUE;
}

/* Cut one complete line out of the input buffer, if there is one. */
static gboolean
virQEMUMonitorTakeLine(virQEMUMonitor *mon, char **ret_line, gsize *ret_len)
{
    guint8 *nl = NULL;
    gsize len;

    if (mon->inbuf->len > mon->scanned)
        nl = memchr(mon->inbuf->data + mon->scanned, '\n', mon->inbuf->len - mon->scanned);
    if (!nl) {
        mon->scanned = mon->inbuf->len;
        return FALSE;
    }
    len = (gsize)(nl - mon->inbuf->data);
    *ret_line = g_strndup((const char *)mon->inbuf->data, len);
    *ret_len = len;
    if (len > 0 && (*ret_line)[len - 1] == '\r')
        (*ret_line)[--(*ret_len)] = '\0';
    g_byte_array_remove_range(mon->inbuf, 0, (guint)len + 1);
    mon->scanned = 0;
    return TRUE;
}

/* Wait for the QMP stream or stderr to have data and read what is there.
 * Returns FALSE (with @error set) on timeout or a read error. */
static gboolean
virQEMUMonitorFill(virQEMUMonitor *mon, gint64 deadline, GError **error)
{
    struct pollfd pfds[2] = { { mon->fd, POLLIN, 0 }, { mon->err_fd, POLLIN, 0 } };
    guint8 chunk[65536];
    ssize_t got;
    int n;

    n = poll(pfds, mon->err_fd >= 0 ? 2 : 1, virQEMUMonitorRemaining(deadline));
    if (n < 0 && errno == EINTR)
        return TRUE;
    if (n < 0) {
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_FAILED,
                    _("cannot wait for '%s': %s"), mon->name, g_strerror(errno));
        virQEMUMonitorKill(mon);
        return FALSE;
    }
    if (n == 0) {
        virQEMUMonitorSetTimeout(mon, error);
        return FALSE;
    }
    if (mon->err_fd >= 0 && pfds[1].revents)
        virQEMUMonitorReadStderr(mon);
    if (!pfds[0].revents)
        return TRUE;

    got = read(mon->fd, chunk, sizeof(chunk));
    if (got < 0 && errno != EINTR && errno != EAGAIN) {
        if (errno == ECONNRESET) {
            mon->eof = TRUE;
            return TRUE;
        }
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_FAILED,
                    _("cannot read from '%s': %s"), mon->name, g_strerror(errno));
        virQEMUMonitorKill(mon);
        return FALSE;
    }
    if (got == 0)
        mon->eof = TRUE;
    else if (got > 0)
        g_byte_array_append(mon->inbuf, chunk, (guint)got);
    return TRUE;
}

static void
virQEMUMonitorSetTooBig(virQEMUMonitor *mon, GError **error)
{
    g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_PROTOCOL,
                _("'%s' sent a QMP message longer than %zu bytes"), mon->name,
                (size_t)mon->max_message);
    virQEMUMonitorKill(mon);
}

static gboolean
virQEMUMonitorReadLive(virQEMUMonitor *mon, gint64 deadline, JsonNode **ret_msg, GError **error)
{
    for (;;) {
        g_autofree char *line = NULL;
        gsize len = 0;

        if (mon->fd < 0) {
            g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_FAILED,
                        _("the QMP connection to '%s' is closed"), mon->name);
            return FALSE;
        }
        /* poll() alone bounds only the waits for data: a peer that never
         * stops sending (events, stray answers) would keep the caller
         * here for ever. */
        if (virQEMUMonitorRemaining(deadline) == 0) {
            virQEMUMonitorSetTimeout(mon, error);
            return FALSE;
        }
        if (virQEMUMonitorTakeLine(mon, &line, &len)) {
            if (len == 0)
                continue;
            if (len > mon->max_message) {
                virQEMUMonitorSetTooBig(mon, error);
                return FALSE;
            }
            if (!virQEMUMonitorParse(mon, line, len, ret_msg, error)) {
                virQEMUMonitorKill(mon);
                return FALSE;
            }
            return TRUE;
        }
        if (mon->inbuf->len > mon->max_message) {
            virQEMUMonitorSetTooBig(mon, error);
            return FALSE;
        }
        if (mon->eof) {
            virQEMUMonitorSetDied(mon, deadline, error);
            return FALSE;
        }
        if (!virQEMUMonitorFill(mon, deadline, error))
            return FALSE;
    }
}

static gboolean
virQEMUMonitorReadReplay(virQEMUMonitor *mon, JsonNode **ret_msg, GError **error)
{
    JsonNode *msg;

    if (mon->replay_pos >= mon->replay->len) {
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_PROTOCOL,
                    _("'%s' ends before the answer the probe waits for"), mon->name);
        return FALSE;
    }
    msg = g_ptr_array_index(mon->replay, mon->replay_pos);
    if (json_object_has_member(json_node_get_object(msg), "execute")) {
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_PROTOCOL,
                    _("'%s' has a command where the answer to the previous one should be "
                      "(message %u)"),
                    mon->name, mon->replay_pos + 1);
        return FALSE;
    }
    mon->replay_pos++;
    *ret_msg = json_node_ref(msg);
    return TRUE;
}

/* The next message from QEMU (or the recording), whatever it is. */
static gboolean
virQEMUMonitorRead(virQEMUMonitor *mon, gint64 deadline, JsonNode **ret_msg, GError **error)
{
    JsonNode *msg = NULL;

    if (mon->replay) {
        if (!virQEMUMonitorReadReplay(mon, &msg, error))
            return FALSE;
    } else if (!virQEMUMonitorReadLive(mon, deadline, &msg, error)) {
        return FALSE;
    }
    virQEMUMonitorRecord(mon, msg);
    *ret_msg = msg;
    return TRUE;
}

static gint64
virQEMUMonitorDeadline(virQEMUMonitor *mon)
{
    return g_get_monotonic_time() + (gint64)mon->timeout_ms * 1000;
}

static gboolean
virQEMUMonitorReadGreeting(virQEMUMonitor *mon, GError **error)
{
    g_autoptr(JsonNode) msg = NULL;
    gint64 deadline = virQEMUMonitorDeadline(mon);

    do {
        g_clear_pointer(&msg, json_node_unref);
        if (!virQEMUMonitorRead(mon, deadline, &msg, error))
            return FALSE;
    } while (json_object_has_member(json_node_get_object(msg), "event"));
    if (!json_object_has_member(json_node_get_object(msg), "QMP")) {
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_PROTOCOL,
                    _("'%s' did not start with a QMP greeting"), mon->name);
        virQEMUMonitorKill(mon);
        return FALSE;
    }
    mon->greeting = g_steal_pointer(&msg);
    return TRUE;
}

static gboolean
virQEMUMonitorNegotiate(virQEMUMonitor *mon, GError **error)
{
    g_autoptr(JsonNode) reply = NULL;

    return virQEMUMonitorReadGreeting(mon, error) &&
           virQEMUMonitorCommand(mon, "qmp_capabilities", NULL, &reply, error);
}

static gboolean
virQEMUMonitorWriteAll(virQEMUMonitor *mon, const char *data, gsize len, gint64 deadline,
                       GError **error)
{
    while (len > 0) {
        struct pollfd pfd = { mon->fd, POLLOUT, 0 };
        ssize_t done;
        int n = poll(&pfd, 1, virQEMUMonitorRemaining(deadline));

        if (n == 0) {
            virQEMUMonitorSetTimeout(mon, error);
            return FALSE;
        }
        done = send(mon->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (done < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (done < 0 && (errno == EPIPE || errno == ECONNRESET)) {
            virQEMUMonitorSetDied(mon, deadline, error);
            return FALSE;
        }
        if (done < 0) {
            g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_FAILED,
                        _("cannot write to '%s': %s"), mon->name, g_strerror(errno));
            virQEMUMonitorKill(mon);
            return FALSE;
        }
        data += done;
        len -= (gsize)done;
    }
    return TRUE;
}

static JsonNode *
virQEMUMonitorBuildCommand(const char *command, JsonNode *arguments, const char *id)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "execute");
    json_builder_add_string_value(b, command);
    if (arguments) {
        json_builder_set_member_name(b, "arguments");
        json_builder_add_value(b, json_node_copy(arguments));
    }
    json_builder_set_member_name(b, "id");
    json_builder_add_string_value(b, id);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

static gboolean
virQEMUMonitorSendLive(virQEMUMonitor *mon, JsonNode *cmd, gint64 deadline, GError **error)
{
    g_autofree char *text = json_to_string(cmd, FALSE);
    g_autofree char *line = g_strconcat(text, "\n", NULL);

    if (mon->fd < 0) {
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_FAILED,
                    _("the QMP connection to '%s' is closed"), mon->name);
        return FALSE;
    }
    return virQEMUMonitorWriteAll(mon, line, strlen(line), deadline, error);
}

/* Whether recorded message @i is the command @want, arguments included. */
static gboolean
virQEMUMonitorReplayIsCommand(virQEMUMonitor *mon, guint i, JsonObject *want)
{
    JsonObject *have = json_node_get_object(g_ptr_array_index(mon->replay, i));
    JsonNode *want_args = json_object_get_member(want, "arguments");
    JsonNode *have_args = json_object_get_member(have, "arguments");

    if (g_strcmp0(json_object_get_string_member_with_default(have, "execute", NULL),
                  json_object_get_string_member(want, "execute")) != 0)
        return FALSE;
    return want_args && have_args ? json_node_equal(want_args, have_args) : want_args == have_args;
}

/* A recording of libvirt's: the command wherever the first session has
 * it; an error of its own kind when libvirt never asked it, so that the
 * caller can take the answer from what libvirt did ask. */
static gboolean
virQEMUMonitorReplayFind(virQEMUMonitor *mon, JsonObject *want, GError **error)
{
    guint i;

    for (i = 0; i + 1 < mon->replay_end; i++) {
        if (virQEMUMonitorReplayIsCommand(mon, i, want)) {
            mon->replay_pos = i;
            return TRUE;
        }
    }
    g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_NOT_RECORDED,
                _("'%s' has no answer to the QMP command '%s' with these arguments"), mon->name,
                json_object_get_string_member(want, "execute"));
    return FALSE;
}

/* Replaying: the recording must have this very command next (or, for a
 * recording of libvirt's, anywhere in its first session).  Its id
 * replaces ours, so that hand-written recordings may number freely. */
static gboolean
virQEMUMonitorSendReplay(virQEMUMonitor *mon, JsonNode *cmd, char **ret_id, GError **error)
{
    JsonObject *want = json_node_get_object(cmd);
    JsonObject *have;
    const char *command = json_object_get_string_member(want, "execute");
    JsonNode *id;

    if (mon->replay_lookup && !virQEMUMonitorReplayFind(mon, want, error))
        return FALSE;
    if (mon->replay_pos >= mon->replay->len) {
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_PROTOCOL,
                    _("'%s' ends before the command '%s'"), mon->name, command);
        return FALSE;
    }
    if (!virQEMUMonitorReplayIsCommand(mon, mon->replay_pos, want)) {
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_PROTOCOL,
                    _("'%s' does not have the command '%s' at message %u"), mon->name, command,
                    mon->replay_pos + 1);
        return FALSE;
    }
    have = json_node_get_object(g_ptr_array_index(mon->replay, mon->replay_pos));
    mon->replay_pos++;
    id = json_object_get_member(have, "id");
    *ret_id = id ? json_to_string(id, FALSE) : NULL;
    return TRUE;
}

static gboolean
virQEMUMonitorReplyMatches(JsonObject *msg, const char *want_id)
{
    JsonNode *id = json_object_get_member(msg, "id");
    g_autofree char *text = id ? json_to_string(id, FALSE) : NULL;

    return g_strcmp0(text, want_id) == 0;
}

/* Interpret the answer to @command: its "return" value, or its error. */
static gboolean
virQEMUMonitorTakeReply(virQEMUMonitor *mon, const char *command, JsonObject *msg,
                        JsonNode **ret_reply, GError **error)
{
    JsonNode *value = json_object_get_member(msg, "return");
    JsonNode *err = json_object_get_member(msg, "error");

    if (err && JSON_NODE_HOLDS_OBJECT(err)) {
        JsonObject *obj = json_node_get_object(err);

        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_COMMAND,
                    _("'%s' refused the QMP command '%s': %s"), mon->name, command,
                    json_object_get_string_member_with_default(obj, "desc", _("no reason")));
        return FALSE;
    }
    if (!value) {
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_PROTOCOL,
                    _("'%s' answered '%s' with neither a result nor an error"), mon->name,
                    command);
        return FALSE;
    }
    *ret_reply = json_node_copy(value);
    return TRUE;
}

/* QEMU answers without an id only when it could not even read the
 * command: the conversation is broken. */
static void
virQEMUMonitorSetNoId(virQEMUMonitor *mon, JsonObject *msg, GError **error)
{
    JsonNode *err = json_object_get_member(msg, "error");
    const char *desc = NULL;

    if (err && JSON_NODE_HOLDS_OBJECT(err))
        desc = json_object_get_string_member_with_default(json_node_get_object(err), "desc",
                                                          NULL);
    g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_PROTOCOL,
                _("'%s' sent an answer without an id: %s"), mon->name,
                desc ? desc : _("no reason"));
    virQEMUMonitorKill(mon);
}

/**
 * virQEMUMonitorCommand:
 * @arguments: (nullable): the command's arguments; not consumed
 * @ret_reply: the "return" value of the answer
 *
 * Send one command and wait, at most the monitor's timeout, for the answer
 * carrying its id.  Events and answers to other ids are skipped.  An error
 * answer is VIR_QEMU_ERROR_COMMAND; everything else that fails ends the
 * conversation.
 */
gboolean
virQEMUMonitorCommand(virQEMUMonitor *mon, const char *command, JsonNode *arguments,
                      JsonNode **ret_reply, GError **error)
{
    g_autofree char *id = g_strdup_printf("virt-pv-%u", mon->next_id++);
    g_autofree char *want_id = g_strdup_printf("\"%s\"", id);
    g_autoptr(JsonNode) cmd = virQEMUMonitorBuildCommand(command, arguments, id);
    gint64 deadline = virQEMUMonitorDeadline(mon);

    if (mon->replay) {
        g_clear_pointer(&want_id, g_free);
        if (!virQEMUMonitorSendReplay(mon, cmd, &want_id, error))
            return FALSE;
    } else if (!virQEMUMonitorSendLive(mon, cmd, deadline, error)) {
        return FALSE;
    }
    virQEMUMonitorRecord(mon, cmd);

    for (;;) {
        g_autoptr(JsonNode) msg = NULL;
        JsonObject *obj;

        if (!virQEMUMonitorRead(mon, deadline, &msg, error))
            return FALSE;
        obj = json_node_get_object(msg);
        if (json_object_has_member(obj, "event"))
            continue;
        if (!json_object_has_member(obj, "id")) {
            virQEMUMonitorSetNoId(mon, obj, error);
            return FALSE;
        }
        if (virQEMUMonitorReplyMatches(obj, want_id))
            return virQEMUMonitorTakeReply(mon, command, obj, ret_reply, error);
    }
}

static gboolean
virQEMUMonitorSetNonBlocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

/**
 * virQEMUMonitorOpenFd:
 * @fd: a connected stream socket; taken over
 * @pid: the peer's process, killed and reaped by the monitor, or 0
 * @stderr_fd: the peer's stderr, or -1; taken over
 *
 * Talk QMP over @fd: read the greeting and negotiate capabilities.
 */
gboolean
virQEMUMonitorOpenFd(const char *name, int fd, GPid pid, int stderr_fd, guint timeout_ms,
                     unsigned int flags, virQEMUMonitor **ret_mon, GError **error)
{
    g_autoptr(virQEMUMonitor) mon = virQEMUMonitorNew(name, timeout_ms, flags);

    mon->fd = fd;
    mon->pid = pid;
    mon->err_fd = stderr_fd;
    if (!virQEMUMonitorSetNonBlocking(fd) ||
        (stderr_fd >= 0 && !virQEMUMonitorSetNonBlocking(stderr_fd))) {
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_FAILED,
                    _("cannot set up the QMP connection to '%s': %s"), name, g_strerror(errno));
        return FALSE;
    }
    if (!virQEMUMonitorNegotiate(mon, error))
        return FALSE;
    *ret_mon = g_steal_pointer(&mon);
    return TRUE;
}

/* In the child, before exec: QEMU must not outlive virt-pv.  A probe that
 * is killed (libvirt giving up on the hook, Ctrl-C, the OOM killer) would
 * otherwise leave a paused QEMU behind for ever, waiting on a monitor
 * that nobody reads.  @opaque is virt-pv's PID: if it died before the
 * request took effect, the child goes at once. */
static void
virQEMUMonitorChildSetup(gpointer opaque)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != (pid_t)GPOINTER_TO_INT(opaque))
        _exit(127);
}

/**
 * virQEMUMonitorSpawn:
 * @extra_args: (nullable): arguments after the fixed ones (accelerators)
 *
 * Start @emulator paused, without a machine or any device, with QMP on its
 * stdio, and negotiate.  The monitor owns the process from here on.
 */
gboolean
virQEMUMonitorSpawn(const char *emulator, const char *const *extra_args, guint timeout_ms,
                    unsigned int flags, virQEMUMonitor **ret_mon, GError **error)
{
    static const char *const fixed[] = { "-S", "-no-user-config", "-nodefaults", "-nographic",
                                         "-machine", "none", "-qmp", "stdio" };
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) spawn_error = NULL;
    int sv[2];
    int err_fd = -1;
    GPid pid = 0;
    gboolean ok;
    gsize i;

    if (!virFileExists(emulator)) {
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_SPAWN,
                    _("cannot find the QEMU binary '%s'"), emulator);
        return FALSE;
    }
    g_ptr_array_add(argv, (gpointer)emulator);
    for (i = 0; i < G_N_ELEMENTS(fixed); i++)
        g_ptr_array_add(argv, (gpointer)fixed[i]);
    for (i = 0; extra_args && extra_args[i]; i++)
        g_ptr_array_add(argv, (gpointer)extra_args[i]);
    g_ptr_array_add(argv, NULL);

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_SPAWN,
                    _("cannot create a socket for '%s': %s"), emulator, g_strerror(errno));
        return FALSE;
    }
    ok = g_spawn_async_with_pipes_and_fds(NULL, (const char *const *)argv->pdata, NULL,
                                          G_SPAWN_DO_NOT_REAP_CHILD, virQEMUMonitorChildSetup,
                                          GINT_TO_POINTER(getpid()), sv[1], sv[1],
                                          -1, NULL, NULL, 0, &pid, NULL, NULL, &err_fd,
                                          &spawn_error);
    close(sv[1]);
    if (!ok) {
        close(sv[0]);
        g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_SPAWN, _("cannot run '%s': %s"),
                    emulator, spawn_error->message);
        return FALSE;
    }
    fcntl(err_fd, F_SETFD, FD_CLOEXEC);
    return virQEMUMonitorOpenFd(emulator, sv[0], pid, err_fd, timeout_ms, flags, ret_mon,
                                error);
}

/* Split a recording into its messages: JSON documents separated by blank
 * lines; lines starting with '#' are comments. */
static gboolean
virQEMUMonitorLoadReplies(virQEMUMonitor *mon, const char *path, const char *text,
                          GError **error)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_autoptr(GString) doc = g_string_new(NULL);
    guint start = 0;
    guint i;

    mon->replay = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
    for (i = 0;; i++) {
        const char *line = lines[i];
        gboolean blank = !line || !*g_strstrip(lines[i]);

        if (line && line[0] == '#')
            continue;
        if (!blank) {
            if (doc->len == 0)
                start = i + 1;
            g_string_append_printf(doc, "%s\n", line);
            continue;
        }
        if (doc->len > 0) {
            JsonNode *msg = NULL;
            g_autoptr(GError) parse_error = NULL;

            if (!virQEMUMonitorParse(mon, doc->str, doc->len, &msg, &parse_error)) {
                g_set_error(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_PROTOCOL,
                            _("%s (the message at line %u)"), parse_error->message, start);
                return FALSE;
            }
            g_ptr_array_add(mon->replay, msg);
            g_string_truncate(doc, 0);
        }
        if (!line)
            return TRUE;
    }
}

/* The .replies files of libvirt's tests/qemucapabilitiesdata start with the command
 * qmp_capabilities, not with QEMU's greeting, and hold two sessions (KVM,
 * then TCG), each opened by qmp_capabilities.  Marks @mon for look-up
 * within the first session when the recording is one of these. */
static gboolean
virQEMUMonitorReplayFromLibvirt(virQEMUMonitor *mon)
{
    guint i;

    if (mon->replay->len == 0 ||
        g_strcmp0(json_object_get_string_member_with_default(
                      json_node_get_object(g_ptr_array_index(mon->replay, 0)), "execute", NULL),
                  "qmp_capabilities") != 0)
        return FALSE;
    mon->replay_lookup = TRUE;
    mon->replay_end = mon->replay->len;
    for (i = 1; i < mon->replay->len; i++) {
        JsonObject *msg = json_node_get_object(g_ptr_array_index(mon->replay, i));

        if (g_strcmp0(json_object_get_string_member_with_default(msg, "execute", NULL),
                      "qmp_capabilities") == 0) {
            mon->replay_end = i;
            break;
        }
    }
    return TRUE;
}

/**
 * virQEMUMonitorOpenReplies:
 *
 * A monitor that replays the conversation recorded in @path instead of
 * talking to QEMU.  Every command the caller sends must be the next one
 * in the recording, arguments included; in a recording of libvirt's
 * tests (see virQEMUMonitorReplayFromLibvirt) it may be anywhere in the
 * first session, and one libvirt never sent fails with
 * VIR_QEMU_ERROR_NOT_RECORDED.
 */
gboolean
virQEMUMonitorOpenReplies(const char *path, virQEMUMonitor **ret_mon, GError **error)
{
    g_autoptr(virQEMUMonitor) mon = virQEMUMonitorNew(path, 0, 0);
    g_autofree char *text = NULL;
    g_autoptr(GError) read_error = NULL;

    if (!virFileReadLimit(path, VIR_FILE_MAX_DEFAULT, &text, NULL, &read_error)) {
        g_set_error_literal(error, VIR_QEMU_ERROR, VIR_QEMU_ERROR_FAILED, read_error->message);
        return FALSE;
    }
    if (!virQEMUMonitorLoadReplies(mon, path, text, error))
        return FALSE;
    if (virQEMUMonitorReplayFromLibvirt(mon)) {
        g_autoptr(JsonNode) reply = NULL;

        if (!virQEMUMonitorCommand(mon, "qmp_capabilities", NULL, &reply, error))
            return FALSE;
    } else if (!virQEMUMonitorNegotiate(mon, error)) {
        return FALSE;
    }
    *ret_mon = g_steal_pointer(&mon);
    return TRUE;
}

/* After quit: QEMU closes the stream when it exits; reap it, and kill it
 * if it lingers. */
static void
virQEMUMonitorWaitExit(virQEMUMonitor *mon)
{
    gint64 deadline = g_get_monotonic_time() + VIR_QEMU_MONITOR_EXIT_WAIT_MS * 1000;

    while (mon->pid > 0 && virQEMUMonitorRemaining(deadline) > 0) {
        pid_t got = waitpid(mon->pid, NULL, WNOHANG);

        if (got == mon->pid || (got < 0 && errno != EINTR)) {
            mon->pid = 0;
            break;
        }
        if (mon->fd >= 0 && !mon->eof) {
            struct pollfd pfd = { mon->fd, POLLIN, 0 };

            if (poll(&pfd, 1, virQEMUMonitorRemaining(deadline)) > 0) {
                guint8 chunk[4096];

                if (read(mon->fd, chunk, sizeof(chunk)) == 0)
                    mon->eof = TRUE;
            }
            continue;
        }
        g_usleep(500);
    }
    virQEMUMonitorKill(mon);
}

/**
 * virQEMUMonitorClose:
 *
 * Ask QEMU to quit and reap it.  The monitor can only be freed afterwards.
 */
gboolean
virQEMUMonitorClose(virQEMUMonitor *mon, GError **error)
{
    g_autoptr(JsonNode) reply = NULL;
    gboolean ok;

    if (mon->replay)
        return TRUE;
    ok = virQEMUMonitorCommand(mon, "quit", NULL, &reply, error);
    virQEMUMonitorWaitExit(mon);
    return ok;
}

/**
 * virQEMUMonitorFormatTranscript:
 * @header: (nullable): comment text put first, each line prefixed by '#'
 *
 * The recorded conversation in the format virQEMUMonitorOpenReplies()
 * reads, or NULL if the monitor was not recording.
 */
char *
virQEMUMonitorFormatTranscript(virQEMUMonitor *mon, const char *header)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    GString *out;
    guint i;

    if (!mon->transcript)
        return NULL;
    out = g_string_new(NULL);
    if (header) {
        g_auto(GStrv) lines = g_strsplit(header, "\n", -1);

        for (i = 0; lines[i]; i++)
            g_string_append_printf(out, "# %s\n", lines[i]);
        g_string_append_c(out, '\n');
    }
    json_generator_set_pretty(gen, TRUE);
    json_generator_set_indent(gen, 2);
    for (i = 0; i < mon->transcript->len; i++) {
        g_autofree char *text = NULL;

        json_generator_set_root(gen, g_ptr_array_index(mon->transcript, i));
        text = json_generator_to_data(gen, NULL);
        g_string_append_printf(out, "%s\n\n", text);
    }
    return g_string_free(out, FALSE);
}
