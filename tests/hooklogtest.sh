#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The hook's audit trail through syslog: a faked host (--root) whose
# dev/log is a datagram socket of this test.  Each decision arrives once,
# at the priority of its severity (facility daemon), naming guest, UUID,
# mode and codes; stderr then carries no copy.  Without dev/log the
# record goes to stderr (hooktest's golden files), and when dev/log
# stops answering mid-way nothing is lost either.  The journal is tested
# against a real journald in the libvirt integration test.
set -u

here=$(cd "$(dirname "$0")" && pwd)
program=${VIRT_PV_PROGRAM:?VIRT_PV_PROGRAM is not set}
# shellcheck source=tests/tap.sh
. "$here/tap.sh"
# The binary behind the exe_wrapper of a cross build (tap_command).
tap_command "$program"

work=$(mktemp -d "${TMPDIR:-/tmp}/virt-pv-hooklog.XXXXXX")
receiver=
cleanup() {
    [ -z "$receiver" ] || kill "$receiver" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

cp -r "$here/hostvalidatedata/s390x-pv-ok" "$work/root"
mkdir -p "$work/root/dev"
printf '[virt-pv]\ncheck_qemu = false\n' >"$work/default.conf"
printf '[virt-pv]\ncheck_qemu = false\nenforce = false\n' >"$work/warn.conf"

# A syslog daemon in miniature: every datagram on ROOT/dev/log, one per
# line, into $work/syslog.  Bounded: it exits after 60 s.
python3 - "$work/root/dev/log" "$work/syslog" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(60)
with open(sys.argv[2], "ab", buffering=0) as out:
    try:
        while True:
            out.write(s.recv(65536) + b"\n")
    except socket.timeout:
        pass
EOF
receiver=$!
for _ in $(seq 100); do [ -S "$work/root/dev/log" ] && break; sleep 0.05; done

# hook CONF GUEST: run the hook on tests/hookdata/GUEST.xml; stderr in $work/err.
hook() {
    : >"$work/syslog"
    "${TAP_COMMAND[@]}" --root "$work/root" hook --config "$work/$1.conf" qemu "$2" prepare begin - \
        <"$here/hookdata/$2.xml" >/dev/null 2>"$work/err"
    status=$?
    for _ in $(seq 50); do [ -s "$work/syslog" ] && break; sleep 0.02; done
}

# logged PATTERN...: the syslog got exactly one record, matching every PATTERN.
logged() {
    local pattern
    [ "$(wc -l <"$work/syslog")" -eq 1 ] || { cat "$work/syslog"; return 1; }
    for pattern in "$@"; do
        grep -qE -- "$pattern" "$work/syslog" || { echo "no /$pattern/ in:"; cat "$work/syslog"; return 1; }
    done
}

hook default pv-bad
tap_result $((status != 1)) "pv-bad is refused (exit $status)"
logged '^<27>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} virt-pv\[[0-9]+\]: ' \
    "start of guest 'pv-bad' refused" 'uuid 5c1b2f0e-8a6d-4e3b-9f27-0d4c6b1a7e93' \
    'mode iommu' 'errors hugepages implicit-virtio-device virtio-iommu-missing' \
    'warnings memballoon-enabled'
tap_result $? "the refusal reaches syslog once, at daemon.err, with UUID, mode and codes"
! grep -q "start of guest" "$work/err"
tap_result $? "stderr carries the findings, not a second copy of the record" "$(cat "$work/err")"

hook warn pv-bad
logged '^<28>' "allowed despite errors \(enforce = false\)" 'errors hugepages'
tap_result $? "enforce = false: one record at daemon.warning, naming the errors"

hook default pv-good
logged '^<29>' "start of guest 'pv-good' allowed \(uuid -, mode launch-security\)$"
tap_result $? "an allowed start is logged at daemon.notice"

hook default plain
logged '^<30>' "start of guest 'plain' allowed unchecked \(not a PV guest\)"
tap_result $? "a guest that is not PV: logged at daemon.info"

# A guest name with a line break and an escape sequence stays one line.
: >"$work/syslog"
"${TAP_COMMAND[@]}" --root "$work/root" hook --config "$work/default.conf" qemu $'evil\n\e[31mname' \
    prepare begin - <"$here/hookdata/pv-bad.xml" >/dev/null 2>&1
for _ in $(seq 50); do [ -s "$work/syslog" ] && break; sleep 0.02; done
logged "guest 'evil\\\\x0a\\\\x1b\[31mname' refused"
tap_result $? "control characters of a guest name are escaped in the record"

# The receiver gone: dev/log refuses the datagram, and the record goes to
# stderr instead of nowhere.
kill "$receiver"
wait "$receiver" 2>/dev/null
receiver=
"${TAP_COMMAND[@]}" --root "$work/root" hook --config "$work/default.conf" qemu pv-bad prepare begin - \
    <"$here/hookdata/pv-bad.xml" >/dev/null 2>"$work/err"
grep -q "^virt-pv: start of guest 'pv-bad' refused" "$work/err"
tap_result $? "a dead syslog socket: the record goes to stderr" "$(cat "$work/err")"

tap_done
