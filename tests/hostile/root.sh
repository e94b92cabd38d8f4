#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# An ordinary local user against virt-pv run by root (the hook at every
# guest start, an operator's fix, validate and domcapabilities): every
# attack of the trust model (virt-pv(1), TRUST MODEL) is tried for real.
# The test creates the user, drives the user's side with setpriv, and
# races with inotify a bounded number of times.  Each case asserts what
# the attack gets now: nothing.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || ht_skip_all "the attacks are against root: run as root"
for tool in setpriv inotifywait strace useradd; do
    command -v "$tool" >/dev/null || ht_skip_all "$tool is missing"
done
ht_init
d=$HT_DIR
chmod 755 "$d"

# ---- the attacker ---------------------------------------------------------

user=virtpv-attacker
if ! id "$user" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$user" ||
        ht_skip_all "cannot create the user $user"
    ht_on_exit "userdel '$user' 2>/dev/null"
fi
uid=$(id -u "$user")
gid=$(id -g "$user")
# as_user COMMAND...: run COMMAND as the attacker.
as_user() {
    setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$@"
}
home=$d/home
mkdir "$home"
chown "$uid:$gid" "$home"

# A PV guest that fix repairs; the comment stands for any payload.
guest_xml() {
    cat <<XML
<!-- payload: attacker::0:0::/root:/bin/sh -->
<domain type='kvm'>
  <name>${1:-guest}</name>
  <os><type arch='s390x' machine='s390-ccw-virtio'>hvm</type>${2:-}</os>
  <launchSecurity type='s390-pv'/>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' iommu='off'/>
      <source file='/var/lib/libvirt/images/guest.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <memballoon model='none'/>
  </devices>
</domain>
XML
}

# The file root must never be made to write: root's own, private.
victim=$d/victim
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$victim"
chmod 600 "$victim"
victim_sum=$(md5sum <"$victim")
victim_intact() {
    [ "$(md5sum <"$victim")" = "$victim_sum" ] &&
        [ "$(stat -c %u:%g:%a "$victim")" = "0:0:600" ]
}

# ---- 1. fix --in-place on a FIFO, then a symbolic link swapped in --------

as_user mkfifo "$home/guest.xml"
ht_run fix --in-place "$home/guest.xml"
ht_expect "1. fix --in-place on the user's FIFO: refused at once, not waited on" 2 \
    "is not a regular file"
ht_check "   the victim is untouched" victim_intact
as_user rm -f "$home/guest.xml"

# The user's symbolic link to root's file: as root, not followed.
guest_xml >"$d/rootguest.xml"
chmod 600 "$d/rootguest.xml"
as_user ln -s "$d/rootguest.xml" "$home/link.xml"
before=$(md5sum <"$d/rootguest.xml")
ht_run fix --in-place "$home/link.xml"
ht_expect "1. fix --in-place through the user's link to root's file: refused" 2 \
    "symbolic link of uid $uid to a file of uid 0"
ht_check "   root's file is untouched" test "$(md5sum <"$d/rootguest.xml")" = "$before"
# The near miss: the user's link to the user's own file is followed.
as_user sh -c "cat >'$home/own.xml'" < <(guest_xml)
as_user ln -s own.xml "$home/own-link.xml"
ht_run fix --in-place "$home/own-link.xml"
ht_expect "1. near miss: the user's link to the user's own file is followed" 0
ht_check "   the link stays a link, its target is repaired and stays the user's" \
    sh -c "[ -L '$home/own-link.xml' ] && ! grep -q \"iommu='off'\" '$home/own.xml' &&
           [ \"\$(stat -c %u '$home/own.xml')\" = '$uid' ]"

# The race: as soon as root has read guest.xml (or creates its temporary
# file beside it), the user swaps guest.xml for a link to the victim.
swapper() {
    as_user bash -c '
        cd "$1" || exit 1
        inotifywait -q -m -e close_nowrite -e create --format "%e %f" . 2>/dev/null |
        while read -r event name; do
            case "$event $name" in
            CLOSE_NOWRITE*" guest.xml"|CREATE*" .guest.xml."*)
                ln -sfn "$2" .swap && mv -fT .swap guest.xml ;;
            esac
        done' swapper "$home" "$victim" &
    swapper_pid=$!
    sleep 0.3
}
# stop_user: end every process of the user (the watchers of a race:
# bash, its pipeline and inotifywait), and wait until none is left, so
# that no event read late acts on the next attempt.
stop_user() {
    local tries=0
    pkill -KILL -u "$uid" 2>/dev/null
    while pgrep -u "$uid" >/dev/null && [ "$tries" -lt 100 ]; do
        sleep 0.05
        tries=$((tries + 1))
    done
    wait "$@" 2>/dev/null
}
# stop_swapper: end the swapper and its inotifywait before the next attempt.
stop_swapper() {
    stop_user "$swapper_pid"
}
attempts=0
outside=0
for attempt in $(seq 1 15); do
    as_user rm -f "$home/guest.xml" "$home/.swap"
    as_user sh -c "cat >'$home/guest.xml'" < <(guest_xml)
    swapper
    HT_LIMIT_S=10 ht_run fix --in-place --backup=.orig "$home/guest.xml"
    stop_swapper
    attempts=$((attempts + 1))
    victim_intact || outside=$((outside + 1))
done
ht_check "1. $attempts races that swap a link to root's file in: the victim is untouched" \
    test "$outside" -eq 0
ht_check "   and nothing was written outside the user's directory" victim_intact

# ---- 2. ownership handed back by name -----------------------------------

# The old write gave the file back its owner with chown(path) after the
# rename: a link renamed over the path in between gave the user root's
# file.  Now owner and mode are set on the descriptor before the rename.
chown_races=0
for attempt in $(seq 1 12); do
    as_user rm -f "$home/owned.xml" "$home/.swap2"
    as_user sh -c "cat >'$home/owned.xml'" < <(guest_xml)
    as_user chmod 640 "$home/owned.xml"
    as_user bash -c '
        cd "$1" || exit 1
        inotifywait -q -m -e moved_to --format %f . 2>/dev/null |
        while read -r name; do
            [ "$name" = owned.xml ] && ln -sfn "$2" .swap2 && mv -fT .swap2 owned.xml
        done' chowner "$home" "$victim" &
    chowner=$!
    sleep 0.3
    HT_LIMIT_S=10 ht_run fix --in-place "$home/owned.xml"
    sleep 0.1
    stop_user "$chowner"
    chown_races=$((chown_races + 1))
    victim_intact || break
done
ht_check "2. $chown_races races: a link renamed over the file after root's rename never gets root's file" \
    victim_intact
as_user rm -f "$home/owned.xml"
as_user sh -c "cat >'$home/owned.xml'" < <(guest_xml)
as_user chmod 640 "$home/owned.xml"
ht_run fix --in-place "$home/owned.xml"
ht_expect "2. near miss: root repairs the user's file" 0
ht_check "   which keeps its owner and mode" \
    test "$(stat -c %u:%a "$home/owned.xml")" = "$uid:640"

# ---- 3. guests named like options; 9. the wrapper without the program ---

# The wrapper runs as libvirt runs it, with the default configuration and
# cache; a cache this test creates is removed again.
[ -e /var/cache/virt-pv ] || ht_on_exit "rm -rf /var/cache/virt-pv"
wrapper=$d/hook-wrapper
sed "s|@BINDIR@|$(dirname "$(readlink -f "$HT_PROGRAM")")|" \
    "$HT_SRCDIR/../tools/virt-pv-hook.sh.in" >"$wrapper"
chmod 755 "$wrapper"
guest_xml >"$d/bad-guest.xml"
printf '[virt-pv]\ncheck_qemu=false\ncheck_host=false\n' >"$d/virt-pv.conf"
for name in --help -h -q --json --config -V --; do
    out=$("$wrapper" "$name" prepare begin - <"$d/bad-guest.xml" 2>&1)
    status=$?
    [ "$status" -eq 1 ] && grep -qF "refuses to start '$name'" <<<"$out"
    tap_result $? "3. a broken PV guest named '$name' is refused through the wrapper (exit $status)" \
        "$out"
done
HT_LIMIT_S=20 ht_run --stdin "$d/bad-guest.xml" hook --config "$d/virt-pv.conf" -- qemu --help \
    prepare begin -
ht_expect "3. 'hook -- qemu --help ...': the name is a name" 1 "refuses to start '--help'"
printf '[virt-pv]\nrequire_pv=-*\n' >"$d/require.conf"
ht_run --stdin <(echo "<domain type='kvm'><name>x</name></domain>") \
    hook --config "$d/require.conf" qemu -q prepare begin -
ht_expect "3. require_pv catches a plain guest named '-q'" 1 "pv-required"

sed "s|@BINDIR@|$d/removed|" "$HT_SRCDIR/../tools/virt-pv-hook.sh.in" >"$d/orphan-wrapper"
chmod 755 "$d/orphan-wrapper"
out=$("$d/orphan-wrapper" guest prepare begin - <"$d/bad-guest.xml" 2>&1)
status=$?
[ "$status" -eq 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] &&
    grep -q 'not installed' <<<"$out"
tap_result $? "9. the wrapper without the program lets the guest start, one line said" "$out"

# ---- 4. the emulator of a definition, run as root -----------------------

# fake_qemu PATH: an "emulator" that only leaves a mark that it ran.
fake_qemu() {
    printf '#!/bin/sh\ntouch "%s.ran"\nexit 1\n' "$1" >"$1"
    chmod 755 "$1"
}
emu_guest() {
    guest_xml | sed "s|<devices>|<devices><emulator>$1</emulator>|"
}
printf '[virt-pv]\ncheck_host=false\n' >"$d/qemu.conf"
as_user sh -c "printf '#!/bin/sh\ntouch \"%s.ran\"\nexit 1\n' '$home/qemu' >'$home/qemu' &&
               chmod 755 '$home/qemu'"
HT_LIMIT_S=20 ht_run --stdin <(emu_guest "$home/qemu") hook --config "$d/qemu.conf" \
    --cache-dir "$d/cache4" qemu emu prepare begin -
ht_expect "4. the user's emulator: the hook refuses (emulator-untrusted)" 1 \
    "emulator-untrusted: .*owned by uid $uid"
ht_check "   and never ran it" test ! -e "$home/qemu.ran"
mkdir -p "$d/sys4/bin"
fake_qemu "$d/sys4/bin/qemu"
chmod 775 "$d/sys4/bin"
HT_LIMIT_S=20 ht_run --stdin <(emu_guest "$d/sys4/bin/qemu") hook --config "$d/qemu.conf" \
    --cache-dir "$d/cache4" qemu emu prepare begin -
ht_expect "4. root's emulator in a group-writable directory: refused" 1 \
    "emulator-untrusted: .*sys4/bin' is writable by group or others"
ht_check "   and never ran" test ! -e "$d/sys4/bin/qemu.ran"
chmod 755 "$d/sys4/bin"
HT_LIMIT_S=20 ht_run --stdin <(emu_guest "$d/sys4/bin/qemu") hook --config "$d/qemu.conf" \
    --cache-dir "$d/cache4" qemu emu prepare begin -
ht_check "4. near miss: root's emulator in root's directories is run (probed)" \
    test -e "$d/sys4/bin/qemu.ran"
ht_check "   without emulator-untrusted" sh -c "! grep -q emulator-untrusted '$d/.err'"
ht_run domcapabilities --no-cache --timeout 5 --emulator "$home/qemu"
ht_check "4. near miss: --emulator is the caller's choice and is run" test -e "$home/qemu.ran"

# ---- 5. device nodes are never opened -----------------------------------

mknod "$d/kmsg" c 1 11
guest_xml devnode "<kernel>$d/kmsg</kernel>" >"$d/devnode.xml"
strace -f -qq -e trace=open,openat -o "$d/strace.log" \
    "$HT_PROGRAM" validate "$d/devnode.xml" >"$d/.out" 2>&1
ht_check "5. <kernel> naming a device node: reported as not a regular file" \
    sh -c "grep -q kernel-unchecked '$d/.out' && grep -q \"kmsg' is not a regular file\" '$d/.out'"
ht_check "   and never opened for I/O (only resolved with O_PATH)" \
    sh -c "grep -F '$d/kmsg' '$d/strace.log' | grep -q O_PATH &&
           ! grep -F '$d/kmsg' '$d/strace.log' | grep -v O_PATH | grep -q ."
ht_run --stdin <(guest_xml devnode "<kernel>$d/kmsg</kernel>") \
    hook --config "$d/virt-pv.conf" qemu devnode prepare begin -
ht_expect "5. the hook on the same guest: refused for its other errors, device untouched" 1

# ---- 6. the capability cache ---------------------------------------------

qemu=/usr/bin/qemu-system-s390x
# The user's directory as the cache: not trusted, not written.
as_user mkdir "$home/cache"
HT_LIMIT_S=60 ht_run domcapabilities --emulator "$qemu" --cache-dir "$home/cache"
ht_expect "6. a cache directory of another user: warned about, probed without it" 0 \
    "not using the capabilities cache: the directory '$home/cache' belongs to another user"
ht_check "   and root wrote nothing into it" test -z "$(ls -A "$home/cache")"

# A forged entry in root's cache, copied in by the user: not believed.
cache=$d/cache6
HT_LIMIT_S=60 ht_run domcapabilities --emulator "$qemu" --cache-dir "$cache"
ht_expect "6. root's own cache is filled" 0
entry=$(ls "$cache"/*.json)
python3 -c 'import json, sys
caps = json.load(open(sys.argv[1]))
caps["kvm"] = {"present": True, "enabled": True}
json.dump(caps, open(sys.argv[1], "w"), indent=2)' "$entry"
# Root itself would believe this one (the forgery is good enough):
HT_LIMIT_S=60 ht_run domcapabilities --emulator "$qemu" --cache-dir "$cache"
ht_check "6. (the forged entry, were it root's, would say kvm)" grep -q '<domain>kvm</domain>' "$d/.out"
chown "$uid" "$entry"
HT_LIMIT_S=60 ht_run domcapabilities --emulator "$qemu" --cache-dir "$cache"
ht_check "6. an entry owned by another user is ignored: the answer is QEMU's own" \
    sh -c "! grep -q '<domain>kvm</domain>' '$d/.out' && [ \"\$(stat -c %u '$entry')\" = 0 ]"
chmod 666 "$entry"
HT_LIMIT_S=60 ht_run domcapabilities --emulator "$qemu" --cache-dir "$cache"
ht_check "6. an entry writable by others is ignored and replaced" \
    test "$(stat -c %a "$entry")" = 644

# The lock beside an entry, as a symbolic link: never followed.
rm -f "$entry" "$entry.lock"
ln -s "$d/lock-target" "$entry.lock"
HT_LIMIT_S=60 ht_run domcapabilities --emulator "$qemu" --cache-dir "$cache"
ht_expect "6. a symbolic link as the lock file: not followed" 0 "lock of the capabilities cache"
ht_check "   nothing was created where it points" test ! -e "$d/lock-target"
rm -f "$entry.lock"

# What a writer killed half way left: removed at the next write, once stale.
stale=$cache/.$(basename "$entry").AbC123
fresh=$cache/.$(basename "$entry").XyZ789
echo partial >"$stale"
echo partial >"$fresh"
touch -d '10 minutes ago' "$stale"
rm -f "$entry"
HT_LIMIT_S=60 ht_run domcapabilities --emulator "$qemu" --cache-dir "$cache"
ht_check "6/10. a temporary file older than five minutes is removed at the next write" \
    test ! -e "$stale"
ht_check "   a younger one (a writer still at work) is left alone" test -e "$fresh"

# ---- 7. control characters and bidi overrides -----------------------------

evil=$'evil\rFAKE'
HT_LIMIT_S=20 ht_run --stdin "$d/bad-guest.xml" hook --config "$d/virt-pv.conf" qemu "$evil" \
    prepare begin -
ht_expect "7. a guest name with a carriage return: refused" 1
ht_check "   libvirt's error gets no raw control character, but \\x0d" \
    sh -c "! grep -q \$'\\r' '$d/.err' && grep -qF 'evil\\x0dFAKE' '$d/.err'"
guest_xml $'csi\xc2\x9bx\xe2\x80\xaeRTL' >"$d/c1.xml"
ht_run validate "$d/c1.xml"
ht_check "7. a name with U+009B and U+202E: escaped in text output" \
    sh -c "grep -qF 'csi\\u009bx\\u202eRTL' '$d/.out' &&
           ! grep -q \$'\\xc2\\x9b' '$d/.out' && ! grep -q \$'\\xe2\\x80\\xae' '$d/.out'"
ht_run --json validate "$d/c1.xml"
ht_check "   JSON carries the decoded name" \
    python3 -c "import json,sys; r=json.loads(open('$d/.out').read()); sys.exit(r['domain'] != 'csi\u009bx\u202eRTL')"

# ---- 8. FIFOs where the hook reads its configuration or cache ------------

mkfifo "$d/fifo.conf"
HT_LIMIT_S=10 ht_run --stdin <(echo "<domain type='kvm'><name>plain</name></domain>") \
    hook --config "$d/fifo.conf" qemu plain prepare begin -
ht_expect "8. a FIFO as the configuration: a plain guest starts, nothing hangs" 0
HT_LIMIT_S=10 ht_run --stdin "$d/bad-guest.xml" hook --config "$d/fifo.conf" qemu pv \
    prepare begin -
ht_expect "8. the same for a PV guest: refused with the reason" 1 "not a regular file"
cache8=$d/cache8
mkdir -m 700 "$cache8"
HT_LIMIT_S=60 ht_run domcapabilities --emulator "$qemu" --cache-dir "$cache8"
entry8=$(ls "$cache8"/*.json)
rm -f "$entry8"
mkfifo "$entry8"
HT_LIMIT_S=30 ht_run --stdin "$d/bad-guest.xml" hook --config "$d/qemu.conf" \
    --cache-dir "$cache8" qemu pv prepare begin -
ht_expect "8. a FIFO as the cache file: the hook decides without hanging" 1 "virtio-iommu-off"

# ---- 10. write errors -----------------------------------------------------

for args in "validate $d/bad-guest.xml" "fix $d/bad-guest.xml" "fix -o - $d/bad-guest.xml" \
    "domxml-to-native examples/pv-guest.xml" "host-validate" "--version"; do
    (cd "$HT_SRCDIR/.." && timeout 30 "$HT_PROGRAM" $args >/dev/full 2>"$d/full.err")
    status=$?
    [ "$status" -eq 2 ] && grep -q 'cannot write to standard output' "$d/full.err"
    tap_result $? "10. $args with standard output on /dev/full: exit 2 (got $status)" \
        "$(cat "$d/full.err")"
done

# ---- 11. names that would inject QEMU options ------------------------------

cpu_guest() {
    guest_xml | sed "s|<launchSecurity|$1<launchSecurity|"
}
cpu_guest "<cpu mode='custom'><model>gen15a</model><feature policy='require' name='unpack'/><feature policy='require' name='msa=on,unpack=off,aes'/></cpu>" >"$d/inject1.xml"
cpu_guest "<cpu mode='custom'><model>gen15a,unpack=off</model><feature policy='require' name='unpack'/></cpu>" >"$d/inject2.xml"
for f in inject1 inject2; do
    ht_run validate "$d/$f.xml"
    ht_check "11. $f: validate reports qemu-name-invalid" grep -q 'qemu-name-invalid' "$d/.out"
    ht_run domxml-to-native "$d/$f.xml"
    ht_expect "11. $f: domxml-to-native writes no argv" 1 "qemu-name-invalid"
    ht_check "   (nothing on stdout)" test -z "$HT_OUT"
    ht_run --stdin "$d/$f.xml" hook --config "$d/virt-pv.conf" qemu inject prepare begin -
    ht_expect "11. $f: the hook refuses" 1 "qemu-name-invalid"
done
cpu_guest "<cpu mode='custom'><model>gen15a</model><feature policy='require' name='unpack'/><feature policy='require' name='msa9_pckmo'/></cpu>" >"$d/plain-names.xml"
ht_run validate "$d/plain-names.xml"
ht_check "11. near miss: plain model and feature names pass" \
    sh -c "! grep -q qemu-name-invalid '$d/.out'"

# ---- 12. modes of the files fix -o writes ---------------------------------

as_user sh -c "cat >'$home/open.xml'" < <(guest_xml)
as_user chmod 0666 "$home/open.xml"
(umask 022 && "$HT_PROGRAM" fix -o "$d/out12.xml" "$home/open.xml" 2>/dev/null)
ht_check "12. a user's 0666 input, repaired by root: output 0644 root's" \
    test "$(stat -c %u:%a "$d/out12.xml")" = "0:644"
as_user chmod 06777 "$home/open.xml"
rm -f "$d/out12.xml"
(umask 022 && "$HT_PROGRAM" fix -o "$d/out12.xml" "$home/open.xml" 2>/dev/null)
ht_check "12. a 06777 input: no set-id, sticky or group/other write bits" \
    test "$(stat -c %a "$d/out12.xml")" = 644
(umask 077 && rm -f "$d/out12.xml" && "$HT_PROGRAM" fix -o "$d/out12.xml" "$home/open.xml" 2>/dev/null)
ht_check "12. the umask is honoured (077: 0600)" test "$(stat -c %a "$d/out12.xml")" = 600
mkfifo "$d/out12.fifo"
mknod "$d/out12.null" c 1 3
for node in out12.fifo out12.null; do
    ht_run fix -o "$d/$node" "$home/open.xml"
    ht_expect "12. fix -o onto a ${node#out12.} node: refused" 2 "is not a regular file"
    ht_check "   and the node stays what it was" test ! -f "$d/$node"
done
chmod 640 "$d/out12.xml"
"$HT_PROGRAM" fix -o "$d/out12.xml" "$home/open.xml" 2>/dev/null
ht_check "12. an existing output keeps its own mode" test "$(stat -c %a "$d/out12.xml")" = 640

tap_done
