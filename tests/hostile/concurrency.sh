#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Concurrency on the capability cache, with the real qemu-system-s390x
# behind a wrapper that logs every start:
#  - 50 simultaneous `virt-pv hook` runs for a PV guest on a cold cache
#    start QEMU once and all give the same answer;
#  - a probe killed with SIGKILL half way leaves no emulator process, no
#    held lock, no partial or temporary cache file, and the next lookup
#    probes once and fills the cache.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
QEMU=${VIRT_PV_TEST_QEMU:-/usr/bin/qemu-system-s390x}
[ -x "$QEMU" ] || ht_skip_all "$QEMU is not installed"
ht_init
d=$HT_DIR

# wrapper NAME DELAY: logs its PID to NAME.starts, waits, becomes QEMU.
# The delay holds the probe open so that the others pile up behind it.
wrapper() {
    local path=$d/$1
    printf '#!/bin/sh\necho $$ >>"%s.starts"\nsleep %s\nexec "%s" "$@"\n' \
        "$path" "$2" "$QEMU" >"$path"
    chmod +x "$path"
    : >"$path.starts"
    echo "$path"
}

starts() {
    wc -l <"$1.starts"
}

# Every PID in FILE.starts is gone (a zombie waiting for init counts).
all_gone() {
    local pid state
    for pid in $(cat "$1.starts"); do
        state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
        case $state in "" | Z*) ;; *) return 1 ;; esac
    done
}

# The cache directory holds the cache file (if $2) and its lock, nothing
# else: no temporary file of an interrupted write.
only_cache() {
    local dir=$1 want=$2 extra
    extra=$(find "$dir" -mindepth 1 ! -name '*.json' ! -name '*.json.lock' -print)
    [ -z "$extra" ] && [ "$(find "$dir" -name '*.json' | wc -l)" -eq "$want" ]
}

lock_free() {
    local lock
    for lock in "$1"/*.lock; do
        [ -e "$lock" ] || continue
        flock -n "$lock" true || return 1
    done
}

# ---- 50 hooks at once on a cold cache ------------------------------------

if "$HT_PROGRAM" hook --help >/dev/null 2>&1; then
    emu=$(wrapper qemu-hook 0.5)
    cat >"$d/guest.xml" <<XML
<domain type='kvm'>
  <name>concurrent</name>
  <memory unit='GiB'>1</memory>
  <os><type arch='s390x' machine='s390-ccw-virtio'>hvm</type></os>
  <launchSecurity type='s390-pv'/>
  <devices>
    <emulator>$emu</emulator>
    <memballoon model='none'/>
  </devices>
</domain>
XML
    printf '[virt-pv]\n' >"$d/virt-pv.conf"
    mkdir "$d/runs"
    pids=()
    for i in $(seq 1 50); do
        (
            rc=0
            timeout -s KILL 60 "$HT_PROGRAM" hook --config "$d/virt-pv.conf" \
                --cache-dir "$d/hook-cache" qemu concurrent prepare begin - \
                <"$d/guest.xml" >"$d/runs/$i.out" 2>"$d/runs/$i.err" || rc=$?
            echo "$rc" >"$d/runs/$i.rc"
        ) &
        pids+=($!)
    done
    wait "${pids[@]}"
    ht_check "50 simultaneous hooks start QEMU once ($(starts "$emu") starts)" \
        test "$(starts "$emu")" -eq 1
    ht_check "  all 50 exit alike (status $(cat "$d/runs/1.rc"))" \
        test "$(cat "$d"/runs/*.rc | sort -u | wc -l)" -eq 1
    ht_check "  none was killed at the 60 s bound" \
        sh -c "! grep -qx 137 '$d'/runs/*.rc"
    ht_check "  all 50 say the same on stderr" \
        test "$(for i in $(seq 1 50); do md5sum <"$d/runs/$i.err"; done | sort -u | wc -l)" -eq 1
    ht_check "  and it is a verdict, not an error about the cache" \
        sh -c "! grep -qiE 'cache|lock|timeout' '$d/runs/1.err'"
    ht_check "  the cache holds one complete file and its lock" only_cache "$d/hook-cache" 1
else
    tap_result 0 "# SKIP 50 simultaneous hooks: this virt-pv has no hook command"
fi

# ---- a probe killed half way -------------------------------------------------

emu=$(wrapper qemu-killed 2)
cache=$d/killed-cache
"$HT_PROGRAM" domcapabilities --emulator "$emu" --cache-dir "$cache" >/dev/null 2>&1 &
victim=$!
for _ in $(seq 100); do [ -s "$emu.starts" ] && break; sleep 0.05; done
sleep 0.3
kill -KILL "$victim"
wait "$victim" 2>/dev/null || true
sleep 0.5
ht_check "a probe killed half way: its emulator process is gone too" all_gone "$emu"
ht_check "  no cache file, no temporary file" only_cache "$cache" 0
ht_check "  no lock is held" lock_free "$cache"
ht_run domcapabilities --emulator "$emu" --cache-dir "$cache" --timeout 20
ht_expect "  the next lookup probes and answers" 0
ht_check "  within the wrapper's delay, not a lock timeout ($HT_SECS s)" \
    python3 -c "import sys; sys.exit(not float('$HT_SECS') < 6)"
ht_check "  QEMU was started once more (2 starts in all)" test "$(starts "$emu")" -eq 2
ht_check "  and the cache holds one complete file" only_cache "$cache" 1
ht_run domcapabilities --emulator "$emu" --cache-dir "$cache"
ht_expect "  which then answers without QEMU" 0
ht_check "  (still 2 starts)" test "$(starts "$emu")" -eq 2

# ---- a lock that stays taken, a cache directory that cannot be written -------

# The hook promises an answer within its probe timeout (15 s); here the
# same bound with --timeout 4: half of it waiting for the lock, then our
# own probe.
cache=$d/stuck-cache
ht_run domcapabilities --emulator "$QEMU" --cache-dir "$cache" --timeout 20
lock=$(find "$cache" -name '*.json.lock' | head -n 1)
rm -f "$cache"/*.json
flock "$lock" sleep 30 &
holder=$!
for _ in $(seq 100); do flock -n "$lock" true || break; sleep 0.05; done
ht_run domcapabilities --emulator "$QEMU" --cache-dir "$cache" --timeout 4
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
ht_expect "a lock held by a stuck process: probed without the cache" 0 "stayed locked"
ht_check "  within the 4 s timeout, lock wait and probe together ($HT_SECS s)" \
    python3 -c "import sys; sys.exit(not float('$HT_SECS') < 4.5)"

if unshare --mount true 2>/dev/null; then
    ro=$d/ro-cache
    mkdir "$ro"
    # virt-pv in a mount namespace where the directory is mounted read-only.
    printf '#!/bin/sh\nmount --bind "%s" "%s" && mount -o remount,ro,bind "%s" && exec "%s" "$@"\n' \
        "$ro" "$ro" "$ro" "$HT_PROGRAM" >"$d/ro-wrapper"
    chmod +x "$d/ro-wrapper"
    /usr/bin/time -f '%e %M' -o "$HT_DIR/.time" unshare --mount "$d/ro-wrapper" \
        domcapabilities --emulator "$QEMU" --cache-dir "$ro" >"$HT_DIR/.out" 2>"$HT_DIR/.err" &&
        HT_STATUS=0 || HT_STATUS=$?
    HT_ERR=$(cat "$HT_DIR/.err")
    HT_OUT=$(cat "$HT_DIR/.out")
    read -r HT_SECS HT_RSS_KB < <(tail -n 1 "$HT_DIR/.time")
    ht_expect "a read-only cache directory: probed without the cache" 0 \
        "cannot use the lock of the capabilities cache '$ro': Read-only file system"
    ht_check "  the warning names the directory, not the lock file" \
        sh -c "! grep -q '\.lock' '$HT_DIR/.err'"
else
    tap_result 0 "# SKIP a read-only cache directory: no mount namespace here"
fi

tap_done
