#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Error paths of status, validate and host-validate, each driven by a real
# fault: wrong usage, guest-agent replies that are no replies, a guest
# whose UUID another program claims, a libvirt that cannot be reached or
# loaded, metrics files that cannot be written (a device, a read-only
# directory, a full file system, a name that is a mount point), malformed
# files under /sys/firmware/uv, and a machine without /proc.  libvirt's
# test driver runs in the client: real connections, no daemon.  Each case
# asserts the exit status and the message.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Read-only and full file systems and mount points need mounts, in a
# mount namespace of our own so that nothing is ever mounted on the host;
# as root, re-run inside one.  Without root those cases are skipped.
if [ -z "${HT_IN_NAMESPACE:-}" ] && [ "$(id -u)" -eq 0 ] && unshare --mount true 2>/dev/null; then
    HT_IN_NAMESPACE=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
ht_init
d=$HT_DIR
can_mount=0
[ -n "${HT_IN_NAMESPACE:-}" ] && can_mount=1

# Built without libvirt, --connect is not offered.
if ! "$HT_PROGRAM" validate --help 2>&1 | grep -q -- '--connect'; then
    ht_skip "status, validate --connect" "built without libvirt"
    with_libvirt=0
else
    with_libvirt=1
fi

# no_temp DIR: no temporary file (".NAME.XXXXXX") was left in DIR.
no_temp() {
    [ -z "$(find "$1" -maxdepth 1 -name '.*.??????' -print -quit)" ]
}

# A PV guest definition for validate.
cat >"$d/guest.xml" <<'XML'
<domain type='kvm'>
  <name>guest</name>
  <os><type arch='s390x' machine='s390-ccw-virtio'>hvm</type></os>
  <launchSecurity type='s390-pv'/>
</domain>
XML

# ---- the guests: libvirt's test driver with a node file ------------------------

# A PV guest (the metadata marker, iommu on its disk) and a plain one, both
# running as far as the test driver is concerned; the UUIDs are the
# guests' own, no QEMU runs them.
pv_uuid=6695eb01-f6a4-8304-79aa-97f2502e193f
cat >"$d/node.xml" <<EOF
<node>
  <domain type='test'>
    <name>pv-guest</name>
    <uuid>$pv_uuid</uuid>
    <metadata><pv:protected xmlns:pv='urn:virt-pv:1'/></metadata>
    <memory unit='MiB'>128</memory>
    <os><type arch='s390x' machine='s390-ccw-virtio'>hvm</type></os>
    <devices>
      <emulator>$d/qemu-system-s390x</emulator>
      <disk type='file' device='disk'>
        <driver name='qemu' type='raw' iommu='on'/>
        <source file='$d/pv.img'/>
        <target dev='vda' bus='virtio'/>
      </disk>
      <memballoon model='none'/>
    </devices>
  </domain>
  <domain type='test'>
    <name>plain</name>
    <uuid>1cb25a4b-6ba0-4e3e-9a0c-4a9f1c0e2a71</uuid>
    <memory unit='MiB'>128</memory>
    <os><type arch='s390x' machine='s390-ccw-virtio'>hvm</type></os>
  </domain>
</node>
EOF
uri="test://$d/node.xml"
# The guest's emulator, as status resolves it; never run.
: >"$d/qemu-system-s390x"

if [ "$with_libvirt" = 1 ]; then

# ---- status: usage ----------------------------------------------------------------

ht_run status --connect "$uri" --all pv-guest
ht_expect "status --all with a domain name" 2 '^error: --all and domain names exclude each other$'
ht_run status --connect "$uri"
ht_expect "status without a domain" 2 '^error: no domain given \(domain names, or --all\)$'
for s in 0 301; do
    ht_run status --connect "$uri" --agent-timeout "$s" pv-guest
    ht_expect "status --agent-timeout $s" 2 '^error: --agent-timeout must be between 1 and 300 seconds$'
done
ht_check "  nothing was printed on standard output" test -z "$HT_OUT"

# ---- status: agent replies that are no replies ----------------------------------------

ht_run status --connect "$uri" --agent-replies "$d/missing.json" pv-guest
ht_expect "--agent-replies of a missing file" 2 "^error: cannot open '$d/missing.json': No such file"
printf '{"pv-guest": ' >"$d/truncated.json"
ht_run status --connect "$uri" --agent-replies "$d/truncated.json" pv-guest
ht_expect "--agent-replies of truncated JSON" 2 '^error: .*(Parse error|unexpected)'
echo '[{"return": {"buf-b64": "MQo="}}]' >"$d/array.json"
ht_run status --connect "$uri" --agent-replies "$d/array.json" pv-guest
ht_expect "--agent-replies of a JSON array" 2 \
    "^error: '$d/array.json' must hold a JSON object of replies by domain name$"
ht_check "  nothing was printed on standard output" test -z "$HT_OUT"

# Replies by domain: a guest without one, and what a guest could send back
# (the agent runs inside the guest, where anyone may have replaced it).
agent_case() {
    local what=$1 reply=$2 regex=$3
    printf '{"pv-guest": %s}\n' "$reply" >"$d/replies.json"
    ht_run status --connect "$uri" --agent-replies "$d/replies.json" pv-guest
    ht_expect "status, agent reply $what" 1 '^$'
    ht_check "  the guest agent line says: $regex" grep -qE "^  guest agent  $regex" <<<"$HT_OUT"
}
printf '{"plain": {"return": {"count": 2, "buf-b64": "MQo=", "eof": true}}}\n' >"$d/other.json"
ht_run status --connect "$uri" --agent-replies "$d/other.json" pv-guest
ht_expect "status with replies for other guests only" 1 '^$'
ht_check "  no reply recorded for this guest" \
    grep -q "^  guest agent  unknown: no reply recorded for this guest$" <<<"$HT_OUT"
agent_case "a string" '"1"' "unknown: the guest agent's reply to guest-file-read has no 'buf-b64'"
agent_case "an error" '{"error": {"class": "GenericError", "desc": "Permission denied"}}' \
    "unknown: .*no 'buf-b64'"
agent_case "with a list for return" '{"return": [1]}' "unknown: .*no 'buf-b64'"
agent_case "with a number for buf-b64" '{"return": {"count": 2, "buf-b64": 49}}' \
    "unknown: .*no 'buf-b64'"
# "1" and a terminal escape (ESC [ 2 J), base64: the guest's text is escaped.
agent_case "that carries a terminal escape" '{"return": {"count": 5, "buf-b64": "MRtbMko=", "eof": true}}' \
    '/sys/firmware/uv/prot_virt_guest = 1\\(x1b|033|e)\[2J$'
ht_check "  no ESC reaches the output" test "${HT_OUT//$'\e'/}" = "$HT_OUT"
ht_check "  and the guest's word is no 1" grep -q "^  why not      the guest says /sys/firmware/uv/prot_virt_guest = 1" <<<"$HT_OUT"

# ---- status: the QEMU process ----------------------------------------------------------

ht_run status --connect "$uri" --agent-replies "$d/other.json" pv-guest
ht_check "status: no process of the guest on this machine, said so" \
    grep -q "^  qemu         no QEMU process of this guest on this machine$" <<<"$HT_OUT"
# Anyone can start a program that calls itself qemu and names the guest's
# UUID: alone, it still does not run the guest's emulator.
# (bash blocked opening a FIFO: one process, no child left when it is killed)
mkfifo "$d/hold"
(exec -a qemu-system-s390x bash -c 'read -r _ <"$2"' -uuid "$pv_uuid" "$d/hold") >/dev/null 2>&1 &
impostor=$!
ht_on_exit "kill $impostor 2>/dev/null"
for _ in $(seq 50); do
    tr '\0' ' ' <"/proc/$impostor/cmdline" 2>/dev/null | grep -q -- "-uuid $pv_uuid" && break
    sleep 0.05
done
ht_run status --connect "$uri" --agent-replies "$d/other.json" pv-guest
ht_expect "status with another program claiming the guest's UUID" 1 '^$'
ht_check "  its command line is not trusted" \
    grep -q "^  qemu         not trusted (see below)$" <<<"$HT_OUT"
ht_check "  the program is named" grep -q "^  why not      the process with this guest's UUID runs '$(readlink -f /proc/$impostor/exe)', not the guest's emulator$" <<<"$HT_OUT"
kill "$impostor" 2>/dev/null || true
wait "$impostor" 2>/dev/null || true

# ---- status: quiet, JSON, failures and metrics ----------------------------------------

ht_run -q status --connect "$uri" --agent-replies "$d/other.json" plain
ht_expect "status -q of a guest that is not PV" 0 '^$'
ht_check "  prints nothing" test -z "$HT_OUT"
ht_run -q status --connect "$uri" --agent-replies "$d/other.json" pv-guest
ht_expect "status -q of a PV guest that is not protected" 1 '^$'
ht_check "  prints it" grep -q "^pv-guest (.*): not protected$" <<<"$HT_OUT"

ht_run --json status --connect "$uri" --agent-replies "$d/other.json" --prometheus "$d/status.prom" \
    pv-guest no-such
ht_expect "status --json of a guest and a missing one" 2 '^$'
ht_check "  two records: the guest, and the missing one with its error" python3 -c '
import json, sys
recs = [json.loads(l) for l in sys.argv[1].splitlines()]
assert len(recs) == 2, recs
guest = [r for r in recs if r["domain"] == "pv-guest"][0]
assert guest["qemu_pid"] is None and guest["prot_virt_guest"] is None, guest
assert guest["agent_error"] == "no reply recorded for this guest", guest
missing = [r for r in recs if r["domain"] == "no-such"][0]
assert missing["uri"] == sys.argv[2] and "cannot find domain" in missing["error"], missing
' "$HT_OUT" "$uri"
ht_check "  the metrics count the failure" \
    grep -qE '^virt_pv_guest_status_failed\{uri=".*",domain="no-such"\} 1$' "$d/status.prom"
ht_check "  and the guest" grep -qE '^virt_pv_guest_protected\{uri=".*",domain="pv-guest"\} 0$' \
    "$d/status.prom"

# The guest's own answer, in JSON.
printf '{"pv-guest": {"return": {"count": 2, "buf-b64": "MQo=", "eof": true}}}\n' >"$d/one.json"
ht_run --json status --connect "$uri" --agent-replies "$d/one.json" pv-guest
ht_expect "status --json with the guest's reply" 1 '^$'
ht_check "  the guest's value, no agent error, still not protected (not KVM)" python3 -c '
import json, sys
rec = json.loads(sys.argv[1])
assert rec["prot_virt_guest"] == "1" and rec["agent_error"] is None, rec
assert rec["should_be_protected"] and not rec["protected"], rec
' "$HT_OUT"

# "protected when it is a PV guest and no witness objects" (the man page):
# a KVM guest whose definition passes, no process of it here to object,
# and its agent saying 1.
python3 -c 'import sys; t = open(sys.argv[1]).read()
t = t.replace("<domain type=\x27test\x27>\n    <name>pv-guest", "<domain type=\x27kvm\x27>\n    <name>pv-guest")
open(sys.argv[2], "w").write(t)' "$d/node.xml" "$d/node-kvm.xml"
ht_run status --connect "test://$d/node-kvm.xml" --agent-replies "$d/one.json" pv-guest
ht_expect "status of a PV guest that no witness objects to" 0 '^$'
ht_check "  is protected" grep -q "^pv-guest (.*): protected$" <<<"$HT_OUT"
ht_check "  with no reason why not" eval '! grep -q "why not" <<<"$HT_OUT"'
ht_run -q status --connect "test://$d/node-kvm.xml" --agent-replies "$d/one.json" pv-guest
ht_expect "status -q of a protected guest" 0 '^$'
ht_check "  prints nothing" test -z "$HT_OUT"

# libvirt's default URI, where nothing listens.
LIBVIRT_DEFAULT_URI="qemu:///system?socket=$d/nowhere.sock" ht_run --json status --all
ht_expect "status --json with an unreachable default URI" 2 '^$'
ht_check "  one record without a domain, naming the default URI" python3 -c '
import json, sys
rec = json.loads(sys.argv[1])
assert rec["domain"] is None, rec
assert rec["error"].startswith("cannot connect to ") and "default URI" in rec["error"], rec
assert "nowhere.sock" in rec["error"], rec
' "$HT_OUT"

# ---- validate: usage and several URIs -------------------------------------------------

printf '[virt-pv]\ncheck_qemu = false\n' >"$d/hook.conf"
ht_run validate --config "$d/hook.conf" --hook-policy "$d/guest.xml"
ht_expect "validate --config with --hook-policy" 2 '^error: --config and --hook-policy exclude each other$'
ht_run validate --config "$d/hook.conf" --strict "$d/guest.xml"
ht_expect "validate --config with --strict" 2 \
    '^error: --config and --hook-policy decide as the hook does: they exclude --pv'
ht_run validate --cache-dir "$d" "$d/guest.xml"
ht_expect "validate --cache-dir without a policy" 2 '^error: --cache-dir needs --config or --hook-policy$'
ht_run validate --host-key-document "$d/missing.crt" "$d/guest.xml"
ht_expect "validate --host-key-document of a missing file" 2 "^error: cannot open '$d/missing.crt': No such file"
head -c 2048 /dev/urandom >"$d/garbage.crt"
ht_run validate --host-key-document "$d/garbage.crt" "$d/guest.xml"
ht_expect "validate --host-key-document of random bytes" 2 "^error: '$d/garbage.crt'"

# Certificates that are no host-key documents: another key type, another
# curve; and a P-521 one in PEM after blank lines, which is one.
if command -v openssl >/dev/null; then
    cert() {
        openssl req -x509 -newkey "$2" ${3:+-pkeyopt "$3"} -nodes -subj "/CN=$1" -days 1 \
            -keyout "$d/$1.key" -out "$d/$1.crt" 2>/dev/null
    }
    cert rsa rsa:1024 && cert p256 ec ec_paramgen_curve:P-256 &&
        cert p521 ec ec_paramgen_curve:P-521
    ht_run validate --host-key-document "$d/rsa.crt" "$d/guest.xml"
    ht_expect "--host-key-document with an RSA key" 2 \
        "^error: '$d/rsa.crt'.*its key is not an elliptic-curve key"
    ht_run validate --host-key-document "$d/p256.crt" "$d/guest.xml"
    ht_expect "--host-key-document with a P-256 key" 2 \
        "^error: '$d/p256.crt' is not a host-key document: its key is on curve SECP256R1, not P-521$"
    { printf '\n \t\n'; cat "$d/p521.crt"; } >"$d/blank-p521.crt"
    ht_run validate --host-key-document "$d/blank-p521.crt" "$d/guest.xml"
    ht_expect "--host-key-document in PEM after blank lines" 0 '^$'
else
    ht_skip "host-key documents of other keys" "openssl is not installed"
fi

ht_run validate --connect test:///default --connect "$uri" --all
ht_expect "validate of two URIs" 1 '^$'
ht_check "  each URI gets its heading" eval \
    'grep -qx "== test:///default ==" <<<"$HT_OUT" && grep -qxF "== $uri ==" <<<"$HT_OUT"'

# The hook's decision per guest, counted in the JSON summary.
ht_run --json validate --connect "$uri" --all --config "$d/hook.conf" --summary
ht_expect "validate --config --summary over the test driver's guests" 1
ht_check "  the summary counts the hook's decisions" python3 -c '
import json, sys
summary = json.loads(sys.argv[1].splitlines()[-1])["summary"]
hook = summary["hook"]
assert sum(hook.values()) == summary["guests"] == 2, summary
' "$HT_OUT"

# The policy of a configuration: a host-key document that cannot be read
# is a warning, the decision is counted in the metrics, and a host that
# cannot be read is an input error.
printf '[virt-pv]\ncheck_qemu = false\ncheck_host = false\nhost_key_documents = %s\n' \
    "$d/missing.crt" >"$d/docs.conf"
ht_run validate --config "$d/docs.conf" --prometheus "$d/policy.prom" "$d/guest.xml"
ht_expect "validate --config with a missing host-key document" 0 \
    "^warning: cannot open '$d/missing.crt': No such file"
ht_check "  the hook's decision is a metric" \
    grep -qxF 'virt_pv_guest_hook_refuses{uri="",domain="guest",decision="allow"} 0' "$d/policy.prom"
mkdir -p "$d/fifo-host/proc/sys/kernel"
mkfifo "$d/fifo-host/proc/sys/kernel/osrelease"
printf '[virt-pv]\ncheck_qemu = false\ncheck_host = true\n' >"$d/host.conf"
HT_LIMIT_S=10 ht_run --root "$d/fifo-host" validate --config "$d/host.conf" "$d/guest.xml"
ht_expect "validate --config --root with a FIFO as /proc/sys/kernel/osrelease" 2 \
    "^error: '$d/fifo-host/proc/sys/kernel/osrelease' is not a regular file"
ht_run validate --prometheus "$d/failed.prom" "$d/missing.xml"
ht_expect "validate --prometheus of a missing file" 2 "^error: cannot open '$d/missing.xml'"
ht_check "  the metrics say the check failed" \
    grep -qE "^virt_pv_guest_check_failed\\{uri=\"\",domain=\"$d/missing.xml\"\\} 1$" "$d/failed.prom"

# ---- libvirt that cannot be loaded --------------------------------------------------------

# A libvirt.so.0 that is no library, and one that is a library without
# libvirt's functions (a broken or foreign install): found first through
# LD_LIBRARY_PATH.  Not where the build runs under an emulator.
if [ -z "${MESON_EXE_WRAPPER:-}" ]; then
    mkdir -p "$d/lib-garbage" "$d/lib-empty"
    echo "not a library" >"$d/lib-garbage/libvirt.so.0"
    LD_LIBRARY_PATH=$d/lib-garbage ht_run validate --connect "$uri" --all
    ht_expect "libvirt.so.0 that is no library" 2 '^$'
    ht_check "  every URI says it cannot load libvirt" \
        grep -q "could not be checked: cannot load libvirt (libvirt.so.0): " <<<"$HT_OUT"
    if command -v cc >/dev/null && echo 'int virt_pv_nothing;' |
        cc -shared -fPIC -x c -o "$d/lib-empty/libvirt.so.0" - 2>/dev/null; then
        LD_LIBRARY_PATH=$d/lib-empty ht_run --json status --connect "$uri" pv-guest
        ht_expect "libvirt.so.0 without libvirt's functions" 2 '^$'
        ht_check "  the record names the missing symbol" \
            grep -q "\"error\":\"'libvirt.so.0' lacks the symbol 'vir" <<<"$HT_OUT"
    else
        ht_skip "libvirt.so.0 without libvirt's functions" "no C compiler to build one"
    fi
else
    ht_skip "a libvirt.so.0 that cannot be loaded" "LD_LIBRARY_PATH does not reach the emulated binary"
fi

fi # with_libvirt

# ---- metrics files that cannot be written ----------------------------------------------

# metrics_case WHAT PATH 'stderr regex': validate --prometheus PATH fails
# with exit 2 after printing its findings.
metrics_case() {
    ht_run validate --prometheus "$2" "$d/guest.xml"
    ht_expect "--prometheus $1" 2 "$3"
    ht_check "  the findings were printed all the same" grep -q . <<<"$HT_OUT"
}
metrics_case "/dev/full" /dev/full "^error: '/dev/full' is not a regular file; only regular files are replaced$"
metrics_case "in a directory that does not exist" "$d/missing/x.prom" \
    "^error: cannot open the directory '$d/missing': No such file"
if [ "$can_mount" = 1 ]; then
    mkdir "$d/ro"
    mount --bind "$d/ro" "$d/ro" && mount -o remount,bind,ro "$d/ro"
    ht_on_exit "umount '$d/ro' 2>/dev/null"
    metrics_case "in a read-only directory" "$d/ro/x.prom" \
        "^error: cannot create a temporary file in '$d/ro': Read-only file system$"

    mkdir "$d/full"
    mount -t tmpfs -o size=16k,mode=0755 tmpfs "$d/full"
    ht_on_exit "umount '$d/full' 2>/dev/null"
    dd if=/dev/zero of="$d/full/filler" bs=4k 2>/dev/null || true
    if [ "$with_libvirt" = 1 ]; then
        ht_run status --connect "$uri" --all --agent-replies "$d/other.json" --prometheus "$d/full/s.prom"
        ht_expect "status --prometheus on a full file system" 2 \
            "^error: cannot write '$d/full/s.prom': No space left on device$"
        ht_check "  the guests were reported all the same" grep -q "^pv-guest (.*): not protected$" <<<"$HT_OUT"
        ht_check "  no temporary file is left" no_temp "$d/full"
    fi

    # A metrics file that is a mount point (a file bound into a
    # container): it cannot be renamed over; it is left as it was.
    echo "old" >"$d/bound.prom"
    echo "other" >"$d/source.prom"
    mount --bind "$d/source.prom" "$d/bound.prom"
    ht_on_exit "umount '$d/bound.prom' 2>/dev/null"
    metrics_case "onto a mount point" "$d/bound.prom" \
        "^error: cannot replace '$d/bound.prom': Device or resource busy$"
    ht_check "  the file is unchanged" grep -qx other "$d/bound.prom"
    ht_check "  no temporary file is left" no_temp "$d"

    # fix --in-place of a definition that is a mount point: nothing is
    # written, nothing left behind.
    cp "$d/guest.xml" "$d/bound.xml"
    cp "$HT_SRCDIR/fixdata/iommu-basic.xml" "$d/repair.xml"
    mount --bind "$d/repair.xml" "$d/bound.xml"
    ht_on_exit "umount '$d/bound.xml' 2>/dev/null"
    ht_run fix --in-place "$d/bound.xml"
    ht_expect "fix --in-place of a mount point" 2 "^error: cannot replace '$d/bound.xml': Device or resource busy$"
    ht_check "  the definition is unchanged" cmp -s "$d/bound.xml" "$HT_SRCDIR/fixdata/iommu-basic.xml"
    ht_check "  no temporary file is left" no_temp "$d"

    # Without /proc (an initramfs, a bare container): files are opened
    # again by name, and must still be the inode that was checked.
    ht_run validate "$d/guest.xml"
    expected_out=$HT_OUT expected_status=$HT_STATUS
    unshare_validate() {
        unshare --mount --propagation private sh -c \
            'mount -t tmpfs -o size=16k none /proc && exec "$@"' sh "$HT_PROGRAM" validate "$d/guest.xml"
    }
    if [ -n "${MESON_EXE_WRAPPER:-}" ]; then
        ht_skip "validate without /proc" "the emulator needs /proc"
    elif [ -n "${ASAN_OPTIONS:-}" ]; then
        ht_skip "validate without /proc" "LeakSanitizer needs /proc"
    else
        out=$(unshare_validate 2>"$d/noproc.err") && s=0 || s=$?
        [ "$s" = "$expected_status" ] && [ "$out" = "$expected_out" ] && r=0 || r=1
        tap_result "$r" "validate without /proc: the same findings, exit $expected_status (got $s)" \
            "$(cat "$d/noproc.err")"
    fi
else
    ht_skip "metrics on read-only and full file systems, mount points, no /proc" \
        "needs root and unshare --mount"
fi

# ---- /sys/firmware/uv that the kernel would never write ----------------------------------

# uv_case WHAT FILE PRINTF-FORMAT 'message regex': the s390x-pv-keys host
# with FILE (below /sys/firmware/uv) replaced; host-validate ignores the
# file and names it, never trusting a part of it.
uv_case() {
    local what=$1 file=$2 content=$3 regex=$4
    rm -rf "$d/host"
    cp -r "$HT_SRCDIR/hostvalidatedata/s390x-pv-keys" "$d/host"
    # shellcheck disable=SC2059
    printf -- "$content" >"$d/host/sys/firmware/uv/$file"
    ht_run --json --root "$d/host" host-validate
    ht_expect "/sys/firmware/uv/$file $what" 0 '^$'
    ht_check "  reported: $regex" python3 -c '
import json, re, sys
doc = json.loads(sys.argv[1])
uv, regex = doc["ultravisor"], sys.argv[2]
said = uv["ignored"] + [uv["keys"].get("problem") or ""]
hit = [s for s in said if re.search(regex, s)]
assert hit, said
assert "\x1b" not in sys.argv[1]
' "$HT_OUT" "$regex"
}
uv_case "without its last line break" query/max_cpus '248' \
    'query/max_cpus: the text does not end with a line break'
uv_case "with two lines" query/max_cpus '248\n248\n' 'query/max_cpus: expected 1 line, found 2'
uv_case "with three of four lines" query/facilities 'ff1ffff060000000\n0\n0\n' \
    'query/facilities: expected 4 lines, found 3'
uv_case "empty" query/max_guests '\n' "query/max_guests: '' is not a decimal number"
uv_case "in hexadecimal" query/max_cpus '0xf8\n' "query/max_cpus: '0xf8' is not a decimal number"
uv_case "with a sign" query/max_cpus '-1\n' "query/max_cpus: '-1' is not a decimal number"
uv_case "over 20 digits" query/max_guests '000000000000000000001\n' \
    "query/max_guests: '000000000000000000001' is not a decimal number"
uv_case "beyond 64 bits" query/max_guests '18446744073709551616\n' \
    "query/max_guests: '18446744073709551616' is not a decimal number"
uv_case "of 17 hex digits" query/max_address '10000000000000000\n' \
    "query/max_address: '10000000000000000' is not a hexadecimal number of up to 16 digits"
uv_case "not hexadecimal" query/facilities 'ff1ffff06000000g\n0\n0\n0\n' \
    "query/facilities: 'ff1ffff06000000g' is not a hexadecimal number"
uv_case "with an escape" query/supp_se_hdr_ver '\033[2J\n' \
    "query/supp_se_hdr_ver: '\\\\(x1b|033|e)\[2J' is not a hexadecimal number"
zero=0000000000000000000000000000000000000000000000000000000000000000
uv_case "a hash of zeros" keys/host_key "$zero\n" '/sys/firmware/uv/keys/host_key: no host key hash'
uv_case "with a single line" keys/all "$zero\n" 'keys/all: expected [0-9]+ lines, found 1'
uv_case "with a short hash" keys/backup_host_key 'abcdef\n' \
    'keys/backup_host_key: line 1 is not a hash of 64 hexadecimal digits'

tap_done
