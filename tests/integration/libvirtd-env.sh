#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A private libvirtd for tests: Debian's monolithic daemon, run as root in
# its own mount and network namespace, with its own /run, /etc/libvirt,
# /var/lib/libvirt, /var/cache/libvirt and /var/log/libvirt, all bind
# mounts of directories below one work directory.  The host's libvirt
# configuration and state are never touched, and nothing outlives the
# test: lvenv_stop destroys every domain, kills every QEMU and the daemon
# by PID, and runs from an EXIT trap.
#
# Sourced by the integration tests:
#
#   . tests/integration/libvirtd-env.sh
#   lvenv_require || exit 77      # skipped where it cannot run at all
#   lvenv_init                     # work directory, trap
#   lvenv_install_hook FILE        # optional: becomes hooks/qemu.d/virt-pv
#   lvenv_start                    # waits (bounded) for the socket;
#                                  # LVENV_JOURNAL=1: with a journald of its own
#   lvenv_journal [ARG...]         # journalctl over that journal
#   lvenv_virsh list --all
#
# or run as a command, which starts the daemon, runs COMMAND with
# LIBVIRT_DEFAULT_URI pointing at it, and tears everything down:
#
#   tests/integration/libvirtd-env.sh [--hook FILE] COMMAND [ARG...]
#
# Never run `virsh capabilities` against it: that probes every emulator
# installed, about 23 s here.

LVENV_START_TIMEOUT=${LVENV_START_TIMEOUT:-30}
LVENV_DIR=
LVENV_PID=
LVENV_URI=
LVENV_START_MS=

lvenv_log() {
    echo "# libvirtd-env: $*" >&2
}

# Can a private daemon run here at all?  Prints why not.
lvenv_require() {
    local tool
    if [ "$(id -u)" -ne 0 ]; then
        echo "libvirtd-env: needs root (libvirt runs hooks only in qemu:///system)" >&2
        return 1
    fi
    for tool in unshare libvirtd virsh mount; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "libvirtd-env: '$tool' is not installed" >&2
            return 1
        fi
    done
    if ! unshare --mount --net true 2>/dev/null; then
        echo "libvirtd-env: cannot create mount and network namespaces here" >&2
        return 1
    fi
    return 0
}

# For TAP tests that start s390x guests: the plan "1..0 # SKIP why" and
# exit 0 where a private daemon or qemu-system-s390x is missing.
lvenv_tap_require() {
    local reason
    if ! reason=$(lvenv_require 2>&1); then
        echo "1..0 # SKIP $reason"
        exit 0
    fi
    if ! command -v qemu-system-s390x >/dev/null; then
        echo "1..0 # SKIP qemu-system-s390x is not installed"
        exit 0
    fi
}

lvenv_init() {
    LVENV_DIR=$(mktemp -d "${TMPDIR:-/tmp}/virt-pv-libvirtd.XXXXXX")
    mkdir -p "$LVENV_DIR"/{run,etc/hooks/qemu.d,etc/qemu,lib,cache,log}
    # Everything that makes QEMU runnable in a namespace without systemd,
    # cgroups or a security driver.  stdio_handler=file: no virtlogd.
    cat >"$LVENV_DIR/etc/qemu.conf" <<'EOF'
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
user = "root"
group = "root"
stdio_handler = "file"
EOF
    cat >"$LVENV_DIR/etc/libvirtd.conf" <<'EOF'
log_outputs = "3:stderr"
EOF
    : >"$LVENV_DIR/not-an-emulator"
    chmod 0644 "$LVENV_DIR/not-an-emulator"
    LVENV_URI="qemu:///system?socket=$LVENV_DIR/run/libvirt/libvirt-sock"
    trap lvenv_cleanup EXIT
    trap 'exit 130' INT TERM
}

# lvenv_install_hook FILE: the hook libvirt runs as qemu.d/virt-pv.  libvirt
# reads the hooks directory only when it starts: install before lvenv_start.
lvenv_install_hook() {
    install -m 0755 "$1" "$LVENV_DIR/etc/hooks/qemu.d/virt-pv"
}

lvenv_journal() {
    journalctl -D "$LVENV_DIR/run/log/journal" --no-pager "$@"
}

lvenv_virsh() {
    virsh -q -c "$LVENV_URI" "$@"
}

lvenv_now_ms() {
    local ns
    ns=$(date +%s%N)
    echo $((ns / 1000000))
}

# Start the daemon and wait until it answers on its socket.
lvenv_start() {
    local deadline start
    start=$(lvenv_now_ms)
    # unshare and sh exec into libvirtd, so $! is the daemon's PID.
    unshare --mount --net --propagation private -- sh -c '
        set -e
        d=$1
        mount --bind "$d/run" /run
        mount --bind "$d/etc" /etc/libvirt
        mkdir -p /var/lib/libvirt /var/cache/libvirt /var/log/libvirt
        mount --bind "$d/lib" /var/lib/libvirt
        mount --bind "$d/cache" /var/cache/libvirt
        mount --bind "$d/log" /var/log/libvirt
        # libvirt probes every QEMU it finds in PATH when it starts (about
        # 23 s for the dozen of qemu-system-misc); inside the namespace
        # only qemu-system-s390x stays executable.
        for q in /usr/bin/qemu-system-* /usr/local/bin/qemu-system-*; do
            case $q in
            */qemu-system-s390x | *\*) ;;
            *) mount --bind "$d/not-an-emulator" "$q" ;;
            esac
        done
        ip link set lo up 2>/dev/null || true
        # LVENV_JOURNAL=1: a journald of our own in the namespace, so that
        # what the hook logs is read back with journalctl -D; its volatile
        # journal lands in $d/run/log/journal, never the host journal.
        if [ "$2" = 1 ]; then
            mkdir -p "$d/journal-none" /run/systemd/journal
            [ ! -d /var/log/journal ] || mount --bind "$d/journal-none" /var/log/journal
            /lib/systemd/systemd-journald >>"$d/journald.log" 2>&1 &
            echo $! >"$d/journald.pid"
            i=0
            until [ -S /run/systemd/journal/socket ] || [ $i -ge 100 ]; do
                sleep 0.05
                i=$((i + 1))
            done
        fi
        exec libvirtd
    ' lvenv "$LVENV_DIR" "${LVENV_JOURNAL:-0}" >>"$LVENV_DIR/libvirtd.log" 2>&1 &
    LVENV_PID=$!
    # Kept in a file too, so that a daemon (re)started in a subshell is
    # still stopped by the trap of the main shell.
    echo "$LVENV_PID" >"$LVENV_DIR/libvirtd.pid"
    deadline=$((start + LVENV_START_TIMEOUT * 1000))
    until virsh -q -c "$LVENV_URI" list --all >/dev/null 2>&1; do
        if ! kill -0 "$LVENV_PID" 2>/dev/null; then
            lvenv_log "libvirtd exited early; its log:"
            sed 's/^/#   /' "$LVENV_DIR/libvirtd.log" >&2
            LVENV_PID=
            return 1
        fi
        if [ "$(lvenv_now_ms)" -ge "$deadline" ]; then
            lvenv_log "libvirtd did not answer within ${LVENV_START_TIMEOUT}s"
            return 1
        fi
        sleep 0.05
    done
    LVENV_START_MS=$(($(lvenv_now_ms) - start))
    lvenv_log "libvirtd $LVENV_PID answered after ${LVENV_START_MS} ms"
}

# Kill PID and wait for it, at most a few seconds, then SIGKILL.
lvenv_kill_wait() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

# Stop the daemon: destroy running domains through libvirt, then kill any
# QEMU left (by the PID in its pid file), then the daemon itself.
lvenv_stop() {
    local name pidfile pid
    [ -n "$LVENV_DIR" ] || return 0
    if [ -f "$LVENV_DIR/libvirtd.pid" ]; then
        LVENV_PID=$(cat "$LVENV_DIR/libvirtd.pid")
    fi
    if [ -n "$LVENV_PID" ] && kill -0 "$LVENV_PID" 2>/dev/null; then
        for name in $(timeout 10 virsh -q -c "$LVENV_URI" list --name 2>/dev/null); do
            timeout 10 virsh -q -c "$LVENV_URI" destroy "$name" >/dev/null 2>&1 || true
        done
    fi
    for pidfile in "$LVENV_DIR"/run/libvirt/qemu/*.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile" 2>/dev/null)
        case $pid in
        '' | *[!0-9]*) continue ;;
        esac
        # A stale pid file may name a PID that is someone else's by now.
        if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null |
            grep -qF -- "-name guest=$(basename "$pidfile" .pid),"; then
            lvenv_kill_wait "$pid"
        fi
    done
    # Only a process in our namespace, whose mounts are our directories.
    if [ -n "$LVENV_PID" ] && grep -qF "$LVENV_DIR/" "/proc/$LVENV_PID/mountinfo" 2>/dev/null; then
        lvenv_kill_wait "$LVENV_PID"
        wait "$LVENV_PID" 2>/dev/null || true
    fi
    if [ -f "$LVENV_DIR/journald.pid" ]; then
        pid=$(cat "$LVENV_DIR/journald.pid")
        if grep -qF "$LVENV_DIR/" "/proc/$pid/mountinfo" 2>/dev/null; then
            lvenv_kill_wait "$pid"
        fi
        rm -f "$LVENV_DIR/journald.pid"
    fi
    LVENV_PID=
    rm -f "$LVENV_DIR/libvirtd.pid"
}

lvenv_restart() {
    lvenv_stop
    lvenv_start
}

# lvenv_claim_pv_caps [EMULATOR]: make the daemon believe that EMULATOR
# (default qemu-system-s390x) can run s390-pv guests, by the edit of its
# capability cache that FACTS.md describes, then restart it so that it
# reads the edit.  libvirt on x86 refuses <launchSecurity type='s390-pv'/>
# otherwise: the x86 build of QEMU has no s390-pv-guest object.
lvenv_claim_pv_caps() {
    local emulator=${1:-/usr/bin/qemu-system-s390x} sum cache
    lvenv_virsh domcapabilities --emulatorbin "$emulator" --arch s390x --virttype qemu \
        >/dev/null || return 1
    sum=$(printf '%s' "$emulator" | sha256sum | cut -d' ' -f1)
    cache=$LVENV_DIR/cache/qemu/capabilities/$sum.xml
    [ -f "$cache" ] || { echo "# no capabilities cache at $cache"; return 1; }
    sed -i -e "s|^  <flag name='confidential-guest-support'/>|&\n  <flag name='s390-pv-guest'/>|" \
        -e "s|^</qemuCaps>|  <kvmSupportsSecureGuest/>\n</qemuCaps>|" "$cache"
    grep -q "s390-pv-guest" "$cache" || { echo "# the cache edit did not apply"; return 1; }
    lvenv_restart
}

lvenv_cleanup() {
    lvenv_stop
    if [ -n "$LVENV_DIR" ] && [ -z "${LVENV_KEEP:-}" ]; then
        rm -rf "$LVENV_DIR"
    fi
}

# Run as a command rather than sourced.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -eu
    hook=
    if [ "${1:-}" = "--hook" ]; then
        hook=$2
        shift 2
    fi
    if [ $# -eq 0 ]; then
        echo "usage: $0 [--hook FILE] COMMAND [ARG...]" >&2
        exit 2
    fi
    lvenv_require || exit 77
    lvenv_init
    [ -z "$hook" ] || lvenv_install_hook "$hook"
    lvenv_start
    status=0
    LIBVIRT_DEFAULT_URI=$LVENV_URI LVENV_DIR=$LVENV_DIR "$@" || status=$?
    exit "$status"
fi
