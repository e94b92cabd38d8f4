#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The capability probe against Debian's real qemu-system-s390x: a cold
# probe, the cache hit, every invalidation the key promises, damaged cache
# files, concurrent probes, and emulators that are not QEMU.  TAP output;
# skipped (77) where QEMU for s390x is not installed.  Everything lives in
# one temporary directory, removed on exit; every command is bounded by
# `timeout`.

set -u

QEMU=${VIRT_PV_TEST_QEMU:-/usr/bin/qemu-system-s390x}
PROG=${VIRT_PV_PROGRAM:-virt-pv}

if [ ! -x "$QEMU" ]; then
    echo "1..0 # SKIP $QEMU is not installed"
    exit 77
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/virt-pv-qemu-caps.XXXXXX")
HANG_PIDFILE=$WORK/hang.pid
cleanup() {
    if [ -s "$HANG_PIDFILE" ]; then
        kill -9 "$(cat "$HANG_PIDFILE")" 2>/dev/null
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

n=0
failed=0
ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}
not_ok() {
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n - $1"
    shift
    for line in "$@"; do
        echo "# $line"
    done
}
check() {
    local title=$1
    shift
    if "$@"; then ok "$title"; else not_ok "$title" "failed: $*"; fi
}

# vp ARGS...: run virt-pv, bounded, with stdout in $WORK/out, stderr in
# $WORK/err and the exit status in $rc.
vp() {
    timeout 60 "$PROG" "$@" >"$WORK/out" 2>"$WORK/err"
    rc=$?
}

cache_file() {
    local hash
    hash=$(printf '%s' "$2" | sha256sum | cut -d' ' -f1)
    echo "$1/$hash.json"
}

# The cache file's inode: every store is a rename, so a new inode means
# the emulator was probed again, the same inode that the cache answered.
inode() {
    stat -c %i "$1" 2>/dev/null || echo none
}

# A wrapper emulator that counts its starts, then runs the real QEMU.
make_counting_emulator() {
    local path=$1 delay=$2
    cat >"$path" <<EOF
#!/bin/sh
echo start >>"$path.starts"
sleep $delay
exec "$QEMU" "\$@"
EOF
    chmod +x "$path"
    : >"$path.starts"
}

starts() {
    wc -l <"$1.starts"
}

# 1. A cold probe of the real QEMU fills the cache.
CACHE=$WORK/cache
vp domcapabilities --emulator "$QEMU" --cache-dir "$CACHE"
file=$(cache_file "$CACHE" "$QEMU")
if [ $rc -eq 0 ] && grep -q '<arch>s390x</arch>' "$WORK/out" && [ -s "$file" ]; then
    ok "cold probe of $QEMU writes $file"
else
    not_ok "cold probe of $QEMU" "exit $rc" "$(cat "$WORK/err")"
fi
check "Debian's QEMU under TCG has no host model and no PV" \
    grep -q "<mode name='host-model' supported='no'/>" "$WORK/out"

# 2. The cache answers the same as a fresh probe.
vp --json domcapabilities --emulator "$QEMU" --cache-dir "$CACHE"
cp "$WORK/out" "$WORK/cached.json"
vp --json domcapabilities --emulator "$QEMU" --no-cache
check "the cached answer equals a fresh probe (--no-cache)" cmp -s "$WORK/out" "$WORK/cached.json"

# 3. Hit and invalidation on a copy of the binary.
COPY=$WORK/bin/qemu-system-s390x
mkdir -p "$WORK/bin"
cp "$QEMU" "$COPY"
vp domcapabilities --emulator "$COPY" --cache-dir "$CACHE"
file=$(cache_file "$CACHE" "$COPY")
first=$(inode "$file")
vp domcapabilities --emulator "$COPY" --cache-dir "$CACHE"
check "a second lookup is a cache hit" test "$(inode "$file")" = "$first"
touch -d '+1 minute' "$COPY"
vp domcapabilities --emulator "$COPY" --cache-dir "$CACHE"
second=$(inode "$file")
check "touching the emulator invalidates its cache entry" test "$second" != "$first"
vp domcapabilities --emulator "$COPY" --cache-dir "$CACHE"
check "and the new entry is then a hit" test "$(inode "$file")" = "$second"

# 4. Damaged cache files are ignored and replaced.
for damage in garbage truncated empty; do
    case $damage in
    garbage) head -c 3000 /dev/urandom >"$file" ;;
    truncated) head -c 200 "$WORK/cached.json" >"$file" ;;
    empty) : >"$file" ;;
    esac
    vp --json domcapabilities --emulator "$COPY" --cache-dir "$CACHE"
    if [ $rc -eq 0 ] && [ ! -s "$WORK/err" ] && grep -q '"key"' "$file"; then
        ok "a cache file that is $damage is re-probed and rewritten"
    else
        not_ok "a cache file that is $damage is re-probed and rewritten" "exit $rc" "$(cat "$WORK/err")"
    fi
done

# 5. The host's state is part of the key (read below --root, like the host
# checks); /dev/kvm is the machine's own, the one the probe had QEMU open.
ROOT=$WORK/root
mkdir -p "$ROOT/proc/sys/kernel" "$ROOT/sys/firmware/uv"
echo 6.1.0-18-s390x >"$ROOT/proc/sys/kernel/osrelease"
echo 0 >"$ROOT/sys/firmware/uv/prot_virt_host"
echo "root=/dev/dasda1" >"$ROOT/proc/cmdline"
vp --root "$ROOT" domcapabilities --emulator "$COPY" --cache-dir "$CACHE"
before=$(inode "$file")
vp --root "$ROOT" domcapabilities --emulator "$COPY" --cache-dir "$CACHE"
check "an unchanged host is a hit" test "$(inode "$file")" = "$before"
mkdir -p "$ROOT/dev" && : >"$ROOT/dev/kvm"
vp --root "$ROOT" domcapabilities --emulator "$COPY" --cache-dir "$CACHE"
check "a /dev/kvm below --root, which QEMU does not open, leaves the entry valid" \
    test "$(inode "$file")" = "$before"
# stat's %t and %T are the major and minor in hex; glibc's st_rdev of a
# small device number is major * 256 + minor.
if [ -e /dev/kvm ]; then
    want_kvm="{\"rdev\": $((0x$(stat -L -c %t /dev/kvm) * 256 + 0x$(stat -L -c %T /dev/kvm))), \"ino\": $(stat -L -c %i /dev/kvm)}"
else
    want_kvm=null
fi
check "the key holds this machine's /dev/kvm ($want_kvm)" python3 -c '
import json, sys
sys.exit(0 if json.load(open(sys.argv[1]))["key"]["kvm"] == json.loads(sys.argv[2]) else 1)
' "$file" "$want_kvm"
for change in prot_virt_host osrelease cmdline uv-gone; do
    case $change in
    prot_virt_host) echo 1 >"$ROOT/sys/firmware/uv/prot_virt_host" ;;
    osrelease) echo 6.1.0-21-s390x >"$ROOT/proc/sys/kernel/osrelease" ;;
    cmdline) echo "root=/dev/dasda1 prot_virt=1" >"$ROOT/proc/cmdline" ;;
    uv-gone) rm -rf "$ROOT/sys/firmware/uv" ;;
    esac
    vp --root "$ROOT" domcapabilities --emulator "$COPY" --cache-dir "$CACHE"
    after=$(inode "$file")
    check "a change of the host's $change invalidates the cache" test "$after" != "$before"
    before=$after
done

# 6. Concurrent lookups on an empty cache start QEMU once.
SLOW=$WORK/bin/slow-qemu
make_counting_emulator "$SLOW" 0.3
pids=()
for i in 1 2 3 4; do
    timeout 60 "$PROG" --json domcapabilities --emulator "$SLOW" --cache-dir "$WORK/cache2" \
        >"$WORK/conc.$i" 2>&1 &
    pids+=($!)
done
conc_rc=0
for pid in "${pids[@]}"; do
    wait "$pid" || conc_rc=1
done
check "four concurrent lookups all succeed" test $conc_rc -eq 0
check "four concurrent lookups start QEMU once" test "$(starts "$SLOW")" -eq 1
check "and all four print the same" \
    sh -c "cmp -s '$WORK/conc.1' '$WORK/conc.2' && cmp -s '$WORK/conc.1' '$WORK/conc.3' && \
           cmp -s '$WORK/conc.1' '$WORK/conc.4'"

# 7. A cache directory that cannot be created: the probe still answers,
# with one warning.
vp domcapabilities --emulator "$QEMU" --cache-dir /proc/virt-pv-cache
if [ $rc -eq 0 ] && [ "$(grep -c '^warning:' "$WORK/err")" -eq 1 ] &&
    grep -q '<arch>s390x</arch>' "$WORK/out"; then
    ok "an unusable cache directory gives one warning and still an answer"
else
    not_ok "an unusable cache directory" "exit $rc" "$(cat "$WORK/err")"
fi

# 8. Emulators that are not QEMU: a clear error, exit 2, bounded in time.
vp domcapabilities --emulator "$WORK/bin/no-such-qemu" --cache-dir "$CACHE"
check "a missing emulator: exit 2 and a message" \
    sh -c "[ $rc -eq 2 ] && grep -q 'cannot find the QEMU binary' '$WORK/err'"
vp domcapabilities --emulator /bin/true --no-cache
check "/bin/true as emulator: exit 2" sh -c "[ $rc -eq 2 ] && grep -q 'exited with status 0' '$WORK/err'"
cat >"$WORK/bin/hang" <<EOF
#!/bin/sh
echo \$\$ >"$HANG_PIDFILE"
exec sleep 600
EOF
chmod +x "$WORK/bin/hang"
start=$(date +%s)
vp domcapabilities --emulator "$WORK/bin/hang" --no-cache --timeout 1
took=$(($(date +%s) - start))
check "a hanging emulator times out: exit 2" sh -c "[ $rc -eq 2 ] && grep -q 'did not answer' '$WORK/err'"
check "within the timeout (took ${took}s)" test "$took" -le 5
check "and the hanging process was killed" \
    sh -c "! kill -0 \"\$(cat '$HANG_PIDFILE')\" 2>/dev/null"

# 9. A recorded conversation replays to the same answer as the live one.
vp --json domcapabilities --emulator "$QEMU" --record "$WORK/live.replies"
cp "$WORK/out" "$WORK/live.json"
vp --json domcapabilities --emulator "$QEMU" --replies "$WORK/live.replies"
check "--record then --replies gives the live answer" cmp -s "$WORK/out" "$WORK/live.json"

# 10. The commands that consume capabilities, with the real QEMU.
SRCDIR=${VIRT_PV_TEST_SRCDIR:-$(dirname "$0")/..}
vp --root "$SRCDIR/hostvalidatedata/s390x-pv-ok" host-validate --emulator "$QEMU"
check "host-validate --emulator: Debian's QEMU fails qemu-pv (exit 1)" \
    sh -c "[ $rc -eq 1 ] && grep -q '^qemu-pv .*FAIL.*lacks: s390-pv-guest unpack' '$WORK/out'"
vp validate --emulator "$QEMU" "$SRCDIR/qemuvalidatedata/ls-clean.xml"
check "validate --emulator: a clean guest gets qemu-no-kvm and qemu-no-pv under TCG" \
    sh -c "[ $rc -eq 1 ] && grep -q 'qemu-no-kvm' '$WORK/out' && grep -q 'qemu-no-pv' '$WORK/out'"
vp validate --emulator "$WORK/bin/hang" --timeout 1 "$SRCDIR/qemuvalidatedata/ls-clean.xml"
check "validate --emulator with a hanging QEMU: exit 2" \
    sh -c "[ $rc -eq 2 ] && grep -q 'did not answer within 1 seconds' '$WORK/err'"

echo "1..$n"
[ $failed -eq 0 ]
