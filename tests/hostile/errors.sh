#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The error paths of the command line, each driven by a real fault:
# wrong usage of every command, fix -o where the output cannot go, names
# that no terminal may see raw, a libvirt that is not there (a missing
# socket, a socket nobody listens on, a domain that does not exist), a
# QEMU killed by a signal, host files that are FIFOs, a capability cache
# that cannot be created, belongs to someone else, is locked for too long,
# is stale, or lives on a full file system, definitions validate refuses
# and domxml-to-native cannot translate, and QMP recordings whose answers
# have the wrong form.  Each case asserts the exit status and the message.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
QEMU=${VIRT_PV_TEST_QEMU:-/usr/bin/qemu-system-s390x}

# The full file system needs a tmpfs mount, in a mount namespace of our
# own so that nothing is ever mounted on the host; as root, re-run inside
# one.  Without root that case (and the ones that chown) are skipped.
if [ -z "${HT_IN_NAMESPACE:-}" ] && [ "$(id -u)" -eq 0 ] && unshare --mount true 2>/dev/null; then
    HT_IN_NAMESPACE=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
ht_init
d=$HT_DIR

# A PV guest with something for fix to repair.
cat >"$d/guest.xml" <<'XML'
<domain type='kvm'>
  <name>guest</name>
  <os><type arch='s390x' machine='s390-ccw-virtio'>hvm</type></os>
  <launchSecurity type='s390-pv'/>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='/var/lib/libvirt/images/guest.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
XML

# edit BASE FROM TO: BASE with its first FROM replaced by TO, as case.xml.
edit() {
    python3 -c 'import sys; t = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(t.replace(sys.argv[3], sys.argv[4], 1))' "$1" "$d/case.xml" "$2" "$3"
}

# ---- usage ---------------------------------------------------------------

# usage WHAT 'stderr regex' ARG...: a wrong use, refused with exit 2.
usage() {
    local what=$1 regex=$2
    shift 2
    ht_run "$@"
    ht_expect "usage: $what" 2 "$regex"
}
usage "no command" '^error: no command given'
usage "an unknown command" "^error: unknown command 'frobnicate'" frobnicate
usage "an unknown global option" '^error: Unknown option --frobnicate' --frobnicate validate
usage "an unknown command option" '^error: Unknown option --frobnicate' validate --frobnicate
usage "--root that is not a directory" "^error: '$d/guest.xml' is not a directory" \
    --root "$d/guest.xml" validate "$d/guest.xml"
usage "--root before and after the command's name: the later counts" \
    "^error: '$d/guest.xml' is not a directory" --root "$d" validate --root "$d/guest.xml" \
    "$d/guest.xml"
usage "\"--\" ends virt-pv's own options" "^error: unexpected argument 'extra'" \
    -q -- host-validate extra
usage "--timeout out of range" '^error: --timeout must be between 1 and 3600 seconds' \
    validate --timeout 3601 --emulator "$QEMU" "$d/guest.xml"
usage "--caps with --emulator" '^error: --caps and --emulator exclude each other' \
    validate --caps "$d/caps.json" --emulator "$QEMU" "$d/guest.xml"
usage "--no-cache with --cache-dir" '^error: --no-cache and --cache-dir exclude each other' \
    domcapabilities --no-cache --cache-dir "$d"
usage "--replies with --record" '^error: --replies and --record exclude each other' \
    domcapabilities --replies "$d/a" --record "$d/b"
usage "domcapabilities with an operand" "^error: unexpected argument 'extra'" \
    domcapabilities extra
usage "host-validate with an operand" "^error: unexpected argument 'extra'" host-validate extra
usage "domxml-to-native without a file" '^error: no domain XML file given' domxml-to-native
usage "domxml-to-native with two files" '^error: only one domain XML file is accepted' \
    domxml-to-native "$d/guest.xml" "$d/guest.xml"
usage "image-info without a file" '^error: no image file given' image-info
usage "image-info with two files" '^error: image-info takes exactly one file' \
    image-info "$d/guest.xml" "$d/guest.xml"
usage "fix with two files" '^error: fix takes exactly one file' fix "$d/guest.xml" "$d/guest.xml"
usage "fix --in-place on standard input" '^error: --in-place needs a file, not standard input' \
    fix --in-place -
usage "fix --in-place on a missing file" "^error: cannot open '$d/missing.xml': No such file" \
    fix --in-place "$d/missing.xml"
cp "$d/guest.xml" "$d/backup.xml"
usage "fix --backup with a path" "^error: --backup takes a suffix, not a path: 'x/y'" \
    fix --in-place --backup=x/y "$d/backup.xml"
ht_check "  the file is unchanged" cmp -s "$d/guest.xml" "$d/backup.xml"
usage "validate --all with domain names" '^error: --all and domain names exclude each other' \
    validate --connect test:///default --all guest
usage "validate --connect without domains" '^error: no domain given \(domain names, or --all\)' \
    validate --connect test:///default
usage "host-validate --caps of a missing file" \
    "^error: cannot open '$d/missing.json': No such file" host-validate --caps "$d/missing.json"
usage "hook without its arguments" '^error: usage: virt-pv hook qemu GUEST' hook qemu guest
usage "hook for another driver" "^error: virt-pv is a hook for the 'qemu' driver, not 'lxc'" \
    hook lxc guest prepare begin -

# ---- fix -o: where the output goes -------------------------------------------

cp "$HT_SRCDIR/fixdata/iommu-basic.xml" "$d/repair.xml"
ht_run fix -o "$d/missing/out.xml" "$d/repair.xml"
ht_expect "fix -o into a directory that does not exist" 2 \
    "^error: cannot open the directory '$d/missing': No such file"
usage "fix --backup with an empty suffix" '^error: --backup needs --in-place and a non-empty suffix' \
    fix --in-place --backup= "$d/repair.xml"
: >"$d/existing.xml"
chmod 600 "$d/existing.xml"
ht_run fix -o "$d/existing.xml" "$d/repair.xml"
ht_expect "fix -o onto an existing file" 0
ht_check "  keeps the file's mode" test "$(stat -c %a "$d/existing.xml")" = 600
ht_check "  and writes the repair" grep -q "launchSecurity type='s390-pv'" "$d/existing.xml"
ht_run --stdin "$d/repair.xml" fix -o "$d/from-stdin.xml" -
ht_expect "fix -o from standard input" 0 "^-: /domain: added <launchSecurity"
ht_check "  a new file gets 0644 under the umask" \
    test "$(stat -c %a "$d/from-stdin.xml")" = "$(printf '%o' $((0644 & ~$(umask))))"
ht_run fix --json -o - "$d/repair.xml"
ht_expect "fix --json -o -" 0
ht_check "  one JSON document that carries the repaired XML" python3 -c '
import json, sys
doc = json.loads(sys.stdin.read())
sys.exit(0 if "s390-pv" in doc["xml"] and doc["changed"] else 1)' <<<"$HT_OUT"

# fix on what only some guests have: a second, non-PV <launchSecurity> is
# left to the operator in iommu mode, and a custom CPU without a model
# becomes host-model.
edit "$d/guest.xml" "<launchSecurity type='s390-pv'/>" \
    "<launchSecurity type='sev'><policy>0x0003</policy></launchSecurity><launchSecurity type='s390-pv'/>"
ht_run fix --mode iommu -o "$d/fixed.xml" "$d/case.xml"
ht_expect "fix --mode iommu with a SEV and a PV <launchSecurity>" 1 \
    "removed <launchSecurity>: iommu mode protects each virtio device"
ht_check "  the SEV one is left, and named" grep -q "^launch-security-type: /domain/launchSecurity: launchSecurity type 'sev'" <<<"$HT_ERR"
ht_check "  and kept in the output" grep -q "<launchSecurity type='sev'>" "$d/fixed.xml"
edit "$d/guest.xml" "<launchSecurity type='s390-pv'/>" \
    "<launchSecurity type='s390-pv'/><cpu mode='custom' match='exact'/>"
ht_run fix -o "$d/fixed.xml" "$d/case.xml"
ht_expect "fix of a custom CPU without a model" 0 \
    "/domain/cpu: changed the CPU from custom to host-model, which has unpack"
ht_check "  gives host-model" grep -q "<cpu mode='host-model'/>" "$d/fixed.xml"

# ---- names no terminal may see raw -----------------------------------------

# File names with every control character JSON escapes, and one that is
# not UTF-8: text output escapes them, JSON carries them as JSON escapes.
ctl=$d/$'a\bb\fc\nd\re\tf\001g"h\\i.xml'
cp "$d/guest.xml" "$ctl"
ht_run validate --json "$ctl"
ht_expect "validate --json of a file name with control characters" 0
ht_check "  JSON escapes each of them" \
    grep -qF '"file":"'"$d"'/a\bb\fc\nd\re\tf\u0001g\"h\\i.xml"' <<<"$HT_OUT"
ht_check "  the output is one valid JSON document" python3 -c 'import json,sys; json.loads(sys.stdin.read())' <<<"$HT_OUT"
bad=$d/$'bad\xff.xml'
cp "$d/guest.xml" "$bad"
ht_run validate --json "$bad"
ht_expect "validate --json of a file name that is not UTF-8" 0
ht_check "  JSON carries valid UTF-8 (U+FFFD for the byte)" \
    grep -qF "\"file\":\"$d/bad"$'\xef\xbf\xbd'".xml\"" <<<"$HT_OUT"
# In text, the byte that is not UTF-8 and a bidirectional override are
# escaped; the terminal sees neither.
evil=$d/$'evil\xff\xe2\x80\xae.xml'
cp "$d/guest.xml" "$evil"
ht_run validate "$evil"
ht_expect "validate of a file name with a stray byte and U+202E" 0
ht_check "  both escaped in the text" grep -qF "$d/evil\xff\u202e.xml: domain 'guest'" <<<"$HT_OUT"

# Colour on a terminal: the verdict is coloured, and never with NO_COLOR
# or a dumb terminal.
if command -v script >/dev/null; then
    tty_run() {
        script -qec "$*" /dev/null </dev/null | tr -d '\r'
    }
    no_escape() { ! grep -q $'\033' <<<"$1"; }
    out=$(tty_run "env -u NO_COLOR TERM=xterm '$HT_PROGRAM' validate '$d/guest.xml'")
    ht_check "validate on a terminal colours its verdict" grep -q $'\033\\[32mPASS' <<<"$out"
    out=$(tty_run "env -u NO_COLOR TERM=dumb '$HT_PROGRAM' validate '$d/guest.xml'")
    ht_check "  not on a dumb terminal" no_escape "$out"
    out=$(tty_run "env NO_COLOR=1 TERM=xterm '$HT_PROGRAM' validate '$d/guest.xml'")
    ht_check "  not with NO_COLOR" no_escape "$out"
else
    ht_skip "validate on a terminal colours its verdict" "script(1) is missing"
fi

# ---- a libvirt that is not there -------------------------------------------

if "$HT_PROGRAM" validate --help 2>&1 | grep -q -- '--connect'; then
    # connected: each domain that could not be checked is a line of the
    # report, and the status is 2.
    connect_case() {
        local what=$1 regex=$2
        shift 2
        ht_run validate --connect "$@"
        ht_expect "$what" 2 '^$'
        ht_check "  the report says why" grep -qE "$regex" <<<"$HT_OUT"
    }
    connect_case "--connect to a socket that does not exist" \
        "could not be checked: cannot connect to 'qemu\+unix:///system\?socket=$d/missing.sock': .*No such file" \
        "qemu+unix:///system?socket=$d/missing.sock" guest
    # A socket that nobody listens on any more: bound, then its server gone.
    python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$d/dead.sock"
    connect_case "--connect to a closed socket" "could not be checked: cannot connect to .*Connection refused" \
        "qemu+unix:///system?socket=$d/dead.sock" guest
    # libvirt's test driver runs in the client: a real connection, no daemon.
    connect_case "--connect to a missing domain" \
        "^nosuch: could not be checked: cannot find domain 'nosuch': Domain not found" \
        test:///default nosuch
    ht_run validate --json --connect test:///default --all
    ht_expect "--connect --all on libvirt's test driver" 0
    ht_check "  its one domain, not a PV guest" \
        grep -qxF '{"file":"test","uri":"test:///default","domain":"test","mode":"none","ok":true,"problems":[]}' <<<"$HT_OUT"
else
    ht_skip "--connect to a libvirt that is not there" "built without libvirt"
fi

# ---- a QEMU killed mid-conversation -------------------------------------------

# An emulator that greets, reads the first command and is killed (the OOM
# killer, an operator): the error says so, with the signal.
killed=$d/killed-qemu
cat >"$killed" <<'SH'
#!/bin/sh
echo '{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": ""}, "capabilities": []}}'
read -r _
echo 'qemu-system-s390x: terminating on signal 9' >&2
kill -KILL $$
SH
chmod +x "$killed"
ht_run domcapabilities --emulator "$killed" --no-cache --timeout 5
ht_expect "an emulator killed by a signal" 2 \
    "^error: '$killed' was killed by signal 9 during the QMP conversation: qemu-system-s390x: terminating"

# ---- host files that are not files ------------------------------------------

# A FIFO in place of each host file host-validate reads: refused before it
# is opened (nothing would ever write to it), never waited on.
for file in proc/cpuinfo sys/firmware/uv/prot_virt_host proc/cmdline proc/sys/kernel/osrelease; do
    rm -rf "$d/host"
    cp -r "$HT_SRCDIR/hostvalidatedata/s390x-pv-ok" "$d/host"
    rm "$d/host/$file"
    mkfifo "$d/host/$file"
    HT_LIMIT_S=10 ht_run --root "$d/host" host-validate
    ht_expect "host-validate with a FIFO as /$file" 2 "^error: '$d/host/$file' is not a regular file"
done

# validate --root reads the host the same way.
HT_LIMIT_S=10 ht_run --root "$d/host" validate "$d/guest.xml"
ht_expect "validate --root with a FIFO as /proc/sys/kernel/osrelease" 2 \
    "^error: '$d/host/proc/sys/kernel/osrelease' is not a regular file"

# And so does the hook, for a PV guest: it refuses with the reason.
printf '[virt-pv]\ncheck_qemu = false\n' >"$d/hook.conf"
HT_LIMIT_S=10 ht_run --stdin "$d/guest.xml" --root "$d/host" hook --config "$d/hook.conf" \
    qemu guest prepare begin -
ht_expect "the hook with a FIFO as /proc/sys/kernel/osrelease" 2 \
    "^error: '$d/host/proc/sys/kernel/osrelease' is not a regular file"

# prot_virt_host that is neither 0 nor 1, 0 without prot_virt on the
# command line, and neither file at all: each is a failed check that says
# which.
prot_virt_case() {
    local what=$1 message=$2
    rm -rf "$d/host"
    cp -r "$HT_SRCDIR/hostvalidatedata/s390x-pv-ok" "$d/host"
    shift 2
    "$@"
    ht_run --root "$d/host" host-validate
    ht_expect "host-validate: $what" 1 '^$'
    ht_check "  the prot-virt-host check says: $message" \
        grep -qE "^prot-virt-host +FAIL +$message" <<<"$HT_OUT"
}
prot_virt_case "prot_virt_host is 2" "/sys/firmware/uv/prot_virt_host holds neither 0 nor 1" \
    eval 'echo 2 >"$d/host/sys/firmware/uv/prot_virt_host"'
prot_virt_case "prot_virt_host is 0, no prot_virt" \
    "the kernel does not run as a PV host \(prot_virt_host = 0\)" \
    eval 'echo 0 >"$d/host/sys/firmware/uv/prot_virt_host"; echo root=/dev/dasda1 >"$d/host/proc/cmdline"'
prot_virt_case "neither prot_virt_host nor /proc/cmdline" \
    "cannot tell whether prot_virt is enabled" \
    rm "$d/host/sys/firmware/uv/prot_virt_host" "$d/host/proc/cmdline"

# An emulator that is not there: host-validate reports it as a check.
ht_run --root "$HT_SRCDIR/hostvalidatedata/s390x-pv-ok" host-validate --emulator "$d/missing-qemu"
ht_expect "host-validate --emulator of a missing binary" 1 '^$'
ht_check "  the qemu-pv check names the probe's error" \
    grep -q "cannot find the QEMU binary '$d/missing-qemu'" <<<"$HT_OUT"
# -q: only the problems, no passed check and no verdict.
only_problems() { ! grep -qE '^[a-z0-9-]+ +PASS |can run protected guests' <<<"$1"; }
ht_run --root "$HT_SRCDIR/hostvalidatedata/s390x-pv-ok" host-validate
ht_check "host-validate without -q prints the passed checks" grep -qE '^kvm +PASS ' <<<"$HT_OUT"
ht_run --root "$HT_SRCDIR/hostvalidatedata/s390x-pv-ok" -q host-validate
ht_expect "host-validate -q on a good host" 0 '^$'
ht_check "  prints neither a passed check nor the verdict" only_problems "$HT_OUT"

# ---- the capability cache ----------------------------------------------------

# A faked host (for the cache key) whose /proc/cmdline is a directory.
root=$d/root
mkdir -p "$root/proc/sys/kernel" "$root/sys/firmware" "$root/proc/cmdline"
echo 6.1.0 >"$root/proc/sys/kernel/osrelease"

if [ -x "$QEMU" ]; then
    # A wrapper that logs every start and then is QEMU.
    emu=$d/qemu-wrapper
    printf '#!/bin/sh\necho $$ >>"%s.starts"\nexec "%s" "$@"\n' "$emu" "$QEMU" >"$emu"
    chmod +x "$emu"
    : >"$emu.starts"
    starts() { wc -l <"$emu.starts"; }

    ht_run --root "$root" domcapabilities --emulator "$emu" --cache-dir "$d/cache"
    ht_expect "a host file that is a directory (--root .../proc/cmdline)" 2 \
        "^error: '$root/proc/cmdline' is not a regular file"
    ht_check "  QEMU was not started" test "$(starts)" -eq 0
    rmdir "$root/proc/cmdline"
    echo "BOOT_IMAGE=/boot/vmlinuz" >"$root/proc/cmdline"

    ht_run domcapabilities --emulator "$emu" --cache-dir "$d/guest.xml/cache"
    ht_expect "a cache directory that cannot be created: probed without it" 0 \
        "^warning: cannot create the capabilities cache '$d/guest.xml/cache': Not a directory"
    ht_check "  QEMU was started once" test "$(starts)" -eq 1

    # The cache as it should be, filled by --root without /dev/kvm.
    ht_run --root "$root" domcapabilities --emulator "$emu" --cache-dir "$d/cache"
    ht_expect "a cold cache is filled" 0 '^$'
    ht_run --root "$root" domcapabilities --emulator "$emu" --cache-dir "$d/cache"
    ht_expect "  and then used" 0 '^$'
    ht_check "  QEMU was started once more, not twice" test "$(starts)" -eq 2
    touch "$emu"
    ht_run --root "$root" domcapabilities --emulator "$emu" --cache-dir "$d/cache"
    ht_expect "an emulator changed since: the stale entry is probed again" 0 '^$'
    ht_check "  QEMU was started again" test "$(starts)" -eq 3

    if [ "$(id -u)" -eq 0 ]; then
        mkdir "$d/other"
        chown 65534:65534 "$d/other"
        ht_run domcapabilities --emulator "$emu" --cache-dir "$d/other"
        ht_expect "a cache directory of another user: probed without it" 0 \
            "^warning: not using the capabilities cache: the directory '$d/other' belongs to another user"
        ht_check "  nothing was written into it" test -z "$(ls -A "$d/other")"

        lock=$(ls "$d/cache"/*.json.lock)
        chown 65534:65534 "$lock"
        touch "$emu"
        ht_run --root "$root" domcapabilities --emulator "$emu" --cache-dir "$d/cache"
        ht_expect "a lock file of another user: probed without it" 0 \
            "^warning: cannot use the lock of the capabilities cache '$d/cache': Operation not permitted"
        chown 0:0 "$lock"
    else
        ht_skip "a cache directory and a lock of another user" "needs root to chown"
    fi

    # A FIFO for a lock: opened without waiting, refused, not locked.
    lock=$(ls "$d/cache"/*.json.lock)
    rm "$lock"
    mkfifo "$lock"
    touch "$emu"
    HT_LIMIT_S=10 ht_run --root "$root" domcapabilities --emulator "$emu" --cache-dir "$d/cache"
    ht_expect "a FIFO for the lock file: probed without the cache" 0 \
        "^warning: cannot use the lock of the capabilities cache '$d/cache': Operation not permitted"
    rm "$lock"
    ht_run --root "$root" domcapabilities --emulator "$emu" --cache-dir "$d/cache"
    ht_expect "  and with a lock file again, the cache is filled" 0 '^$'

    ht_run domcapabilities --emulator "$emu" --no-cache --record "$d/missing/probe.replies"
    ht_expect "--record into a directory that does not exist" 2 \
        "^error: cannot open the directory '$d/missing': No such file"

    # A lock held past twice the timeout: the probe goes on without it.
    touch "$emu"
    lock=$(ls "$d/cache"/*.json.lock)
    flock "$lock" sleep 8 &
    holder=$!
    ht_on_exit "kill $holder 2>/dev/null"
    for _ in $(seq 50); do
        flock -n "$lock" true || break
        sleep 0.1
    done
    ht_run --root "$root" domcapabilities --emulator "$emu" --cache-dir "$d/cache" --timeout 1
    ht_expect "a lock held too long: probed without it" 0 \
        "^warning: the capabilities cache '$d/cache' stayed locked; probing without it"
    ht_check "  within the wait of twice the timeout" test "${HT_SECS%.*}" -lt 6
    kill "$holder" 2>/dev/null || true

    # A full file system: the answer stands, the cache is not written,
    # and no temporary file is left behind.
    if [ -n "${HT_IN_NAMESPACE:-}" ]; then
        full=$d/full
        mkdir "$full"
        mount -t tmpfs -o size=16k,mode=0755 tmpfs "$full"
        ht_on_exit "umount '$full' 2>/dev/null"
        dd if=/dev/zero of="$full/filler" bs=4k 2>/dev/null || true
        ht_run domcapabilities --emulator "$emu" --cache-dir "$full"
        ht_expect "a cache on a full file system: answered, not cached" 0 \
            "^warning: cannot write the capabilities cache: cannot write '$full/[0-9a-f]{64}\.json': No space left"
        ht_check "  no cache file and no temporary file" \
            test -z "$(find "$full" -name '*.json*' ! -name '*.lock')"
        umount "$full"
    else
        ht_skip "a cache on a full file system" "needs root and unshare --mount for the tmpfs"
    fi
else
    ht_skip "the capability cache under faults" "$QEMU is not installed"
fi

# ---- validate: definitions a PV guest cannot have -----------------------------

# FROM|TO edits the PV guest; validate fails with the finding CODE at XPATH.
validate_cases=$(cat <<'EOF'
not-kvm|/domain|<domain type='kvm'>|<domain>
qemu-name-invalid|/domain/os/type|machine='s390-ccw-virtio'|machine='s390-ccw-virtio,accel=tcg'
EOF
)
while IFS='|' read -r code xpath from to; do
    edit "$d/guest.xml" "$from" "$to"
    ht_run validate --json "$d/case.xml"
    ht_expect "validate: $to" 1
    ht_check "  finds $code at $xpath" python3 -c '
import json, sys
doc = json.loads(sys.stdin.read())
sys.exit(0 if any(p["code"] == sys.argv[1] and p["xpath"] == sys.argv[2] and
                  p["severity"] == "error" for p in doc["problems"]) else 1)' \
        "$code" "$xpath" <<<"$HT_OUT"
done <<<"$validate_cases"

# Every kind of declaration in a DOCTYPE's internal subset is refused, not
# only entities: element, attribute-list and notation declarations, and
# unparsed entities.
for subset in '<!ELEMENT domain ANY>' '<!ATTLIST domain type CDATA "kvm">' \
    '<!NOTATION n SYSTEM "x">' '<!NOTATION n SYSTEM "x"><!ENTITY e SYSTEM "x" NDATA n>'; do
    { echo "<!DOCTYPE domain [$subset]>"; cat "$d/guest.xml"; } >"$d/case.xml"
    ht_run validate "$d/case.xml"
    ht_expect "validate: a DOCTYPE with $subset" 2 \
        "^error: $d/case.xml:1: the document has a DOCTYPE internal subset with declarations; they are refused"
done

# ---- domxml-to-native: what it cannot translate ---------------------------

# One definition per case: FROM|TO replaces text of the base definition,
# and the status and the message are what the case wants (status 0: the
# device is left out with a warning naming it, or, without a message,
# translated into the argument of the last column; status 2: an error).
cat >"$d/native.xml" <<'XML'
<domain type='kvm'>
  <name>guest</name>
  <memory unit='GiB'>2</memory>
  <vcpu>2</vcpu>
  <os><type arch='s390x' machine='s390-ccw-virtio'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-s390x</emulator>
    <!-- devices -->
  </devices>
</domain>
XML
dev='<!-- devices -->'
native_cases=$(cat <<EOF
0|left out: only raw and qcow2 images are supported|$dev|<disk type='file' device='disk'><driver name='qemu' type='vmdk'/><source file='/a.img'/><target dev='vda' bus='virtio'/></disk>
2|has no <source dev>|$dev|<disk type='block' device='disk'><driver name='qemu' type='raw'/><target dev='vda' bus='virtio'/></disk>
2|has an address of type 'pci'; a SCSI disk needs 'drive'|$dev|<disk type='file' device='disk'><source file='/a.img'/><target dev='sda' bus='scsi'/><address type='pci'/></disk>
2|has an invalid drive address controller 'x'|$dev|<disk type='file' device='disk'><source file='/a.img'/><target dev='sda' bus='scsi'/><address type='drive' controller='x'/></disk>
2|has an unknown cache mode 'sometimes'|$dev|<disk type='file' device='disk'><driver name='qemu' type='raw' cache='sometimes'/><source file='/a.img'/><target dev='vda' bus='virtio'/></disk>
2|has an invalid target dev 'vda1'|$dev|<disk type='file' device='disk'><source file='/a.img'/><target dev='vda1' bus='virtio'/></disk>
0|left out: only user, network, bridge and ethernet interfaces are supported|$dev|<interface type='vhostuser'><model type='virtio'/></interface>
0|left out: only virtio-scsi and virtio-serial controllers are supported|$dev|<controller type='scsi' model='lsilogic'/>
2|has an invalid index 'first'|$dev|<controller type='scsi' index='first' model='virtio-scsi'/>
0|left out: only pty, null, file and unix sources are supported|$dev|<serial type='tcp'><target type='sclp-serial' port='0'/></serial>
0|left out: only sclp, sclplm, serial and virtio console targets are supported|$dev|<console type='pty'><target type='xen'/></console>
0||$dev|<console type='pty'><target type='serial'/></console>|sclpconsole,chardev=charserial0,id=serial0
0|left out: only serial devices of target type sclp-serial are supported|$dev|<serial type='pty'><target type='isa-serial'/></serial>
2|has an unknown model 'uart'|$dev|<serial type='pty'><target type='sclp-serial'><model name='uart'/></target></serial>
0|left out: only virtio channels are supported|$dev|<channel type='pty'><target type='guestfwd' address='10.0.2.1' port='4600'/></channel>
0|left out: only virtio keyboards, mice and tablets are supported|$dev|<input type='keyboard' bus='usb'/>
0|left out: only virtio balloons are supported|$dev|<memballoon model='xen'/>
0|left out: only virtio rng devices with the random backend are supported|$dev|<rng model='virtio'><backend model='egd' type='tcp'/></rng>
2|has an invalid cid address '2'|$dev|<vsock model='virtio'><cid address='2'/></vsock>
0|has neither a cid address nor auto='yes'|$dev|<vsock model='virtio'><cid auto='no'/></vsock>
2|the domain has no <memory> element|<memory unit='GiB'>2</memory>|
2|invalid memory size '2 parsecs'|<memory unit='GiB'>|<memory unit='parsecs'>
2|invalid current vCPU count '0' (1..2)|<vcpu>|<vcpu current='0'>
2|the domain has no <name>|<name>guest</name>|
2|unknown CPU mode 'bogus'|<vcpu>2</vcpu>|<vcpu>2</vcpu><cpu mode='bogus'/>
0||<vcpu>2</vcpu>|<vcpu>2</vcpu><cpu mode='custom'/>|2,sockets=2,cores=1,threads=1
2|<cpu> has <feature> elements but no <model>|<vcpu>2</vcpu>|<vcpu>2</vcpu><cpu mode='custom'><feature name='vx'/></cpu>
2|has an invalid ccw address (cssid 0..0xfe, ssid 0..3, devno 0..0xffff)|$dev|<disk type='file' device='disk'><source file='/a.img'/><target dev='vda' bus='virtio'/><address type='ccw' cssid='0xfe' ssid='0x9' devno='0x0001'/></disk>
2|uses ccw address fe.0.0001, which another device has|$dev|<disk type='file' device='disk'><source file='/a.img'/><target dev='vda' bus='virtio'/><address type='ccw' cssid='0xfe' ssid='0x0' devno='0x0001'/></disk><disk type='file' device='disk'><source file='/b.img'/><target dev='vdb' bus='virtio'/><address type='ccw' cssid='0xfe' ssid='0x0' devno='0x0001'/></disk>
0|left out: only device='disk', and device='cdrom' on the scsi bus, are supported|$dev|<disk type='file' device='cdrom'><source file='/a.iso'/><target dev='vda' bus='virtio'/></disk>
0|left out: only file and block sources are supported|$dev|<disk type='network' device='disk'><source protocol='nbd' name='x'/><target dev='vda' bus='virtio'/></disk>
0|left out: only disks on the virtio and scsi buses are supported|$dev|<disk type='file' device='disk'><source file='/a.img'/><target dev='hda' bus='ide'/></disk>
2|has an invalid target dev 'v'|$dev|<disk type='file' device='disk'><source file='/a.img'/><target dev='v' bus='virtio'/></disk>
0|left out: only virtio interfaces are supported|$dev|<interface type='network'><source network='default'/><model type='e1000'/></interface>
2|invalid current vCPU count 'x' (1..2)|<vcpu>|<vcpu current='x'>
2|invalid memory size '0 GiB'|<memory unit='GiB'>2|<memory unit='GiB'>0
2|invalid memory size '-1 GiB'|<memory unit='GiB'>2|<memory unit='GiB'>-1
2|invalid memory size '99999999999999999999 GiB'|<memory unit='GiB'>2|<memory unit='GiB'>99999999999999999999
0||$dev|<controller type='virtio-serial' index='0'/><channel type='unix'><source mode='bind' path='/tmp/s'/><target type='virtio' name='org.qemu.guest_agent.0'/></channel>|socket,id=charchannel0,path=/tmp/s,server=on,wait=off
0||$dev|<serial type='file'><source path='/tmp/log'/><target type='sclp-serial'/></serial>|file,id=charserial0,path=/tmp/log
0||$dev|<memballoon model='virtio' autodeflate='on' freePageReporting='off'/>|virtio-balloon-ccw,id=balloon0,devno=fe.0.0000,deflate-on-oom=on,free-page-reporting=off
0||$dev|<disk type='file' device='disk'><source file='/a&amp;b&#65;.img'/><target dev='vda' bus='virtio'/></disk>|'driver=file,filename=/a&bA.img,node-name=libvirt-1-storage,auto-read-only=on,discard=unmap'
0||<name>guest</name>|<name>gu<!-- a comment -->est</name>|guest=guest,debug-threads=on
0||<vcpu>2</vcpu>|<vcpu>2</vcpu><cpu mode='custom'><model>gen15a</model><feature policy='disable' name='vx'/><feature policy='optional' name='aen'/><feature name='ais'/></cpu>|gen15a,vx=off,aen=on,ais=on
EOF
)
while IFS='|' read -r status message from to argument; do
    edit "$d/native.xml" "$from" "$to"
    ht_run domxml-to-native "$d/case.xml"
    if [ -n "$message" ]; then
        ht_expect "domxml-to-native: ${to:-without $from}" "$status" \
            "^(warning|error): $d/case.xml:[0-9]+: .*$(sed 's/[][().*+?^$|\\{}]/\\&/g' <<<"$message")"
    else
        ht_expect "domxml-to-native: $to" "$status" '^$'
        ht_check "  gives $argument" grep -qxF -- "$argument" <<<"$HT_OUT"
    fi
done <<<"$native_cases"

# Two virtio-scsi controllers, the second without an index: it gets the
# next free one rather than the first one's.
edit "$d/native.xml" "$dev" "<controller type='scsi' index='0' model='virtio-scsi'/><controller type='scsi' model='virtio-scsi'/>"
ht_run domxml-to-native "$d/case.xml"
ht_expect "domxml-to-native: a controller without an index" 0 '^$'
ht_check "  gets the next free index" grep -qx 'virtio-scsi-ccw,id=scsi1,devno=fe.0.0001' <<<"$HT_OUT"

# ---- QMP answers of the wrong form -------------------------------------------

# Each answer of a real recording replaced by a value of the wrong type:
# the probe names the command whose answer it cannot use.
#   recording FILE                   the command of each answer, in order
#   recording FILE N PATH=JSON OUT   answer N changed into OUT: PATH is
#                                    "return" or "return[0]" (its first element)
recording() {
    python3 - "$@" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
docs = [d for d in re.split(r"\n\s*\n", text)
        if d.strip() and not d.lstrip().startswith("#")]
msgs = [json.loads(d) for d in docs]
if len(sys.argv) == 2:
    command = None
    for m in msgs:
        if "execute" in m:
            command = m["execute"]
        elif "return" in m:
            print(command)
    sys.exit(0)
index, change, out = int(sys.argv[2]), sys.argv[3], sys.argv[4]
target = [m for m in msgs if "return" in m][index]
path, value = change.split("=", 1)
if path == "return":
    target["return"] = json.loads(value)
else:
    target["return"][0] = json.loads(value)
with open(out, "w") as f:
    for m in msgs:
        f.write(json.dumps(m) + "\n\n")
PY
}
rec=$HT_SRCDIR/qemucapabilitiesdata/qemu-7.2-s390x-tcg.replies
commands=$(recording "$rec")
i=0
while read -r command; do
    case $command in
    qmp_capabilities | quit) ;;
    *)
        recording "$rec" "$i" 'return="wrong"' "$d/mutated.replies"
        ht_run domcapabilities --replies "$d/mutated.replies"
        ht_expect "the answer to $command is a string" 2 \
            "^error: the answer to the QMP command '$command' does not have the expected form"
        # query-machines reads every element; the property lists are only
        # searched for a name.
        if [ "$command" = query-machines ]; then
            recording "$rec" "$i" 'return[0]=42' "$d/mutated.replies"
            ht_run domcapabilities --replies "$d/mutated.replies"
            ht_expect "  an element of the answer to $command is a number" 2 \
                "^error: the answer to the QMP command '$command' does not have the expected form"
        fi
        ;;
    esac
    i=$((i + 1))
done <<<"$commands"

tap_done
