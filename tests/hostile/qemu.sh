#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Hostile QEMUs and capability caches: fake emulators (QMP on stdio, as
# virt-pv starts QEMU) that send a 100 MB line, never answer, flood events,
# die mid-conversation or print garbage; and a real cache file truncated at
# every byte.  virt-pv answers with a clear error and exit 2, within its
# --timeout and bounded memory, and leaves no emulator process behind; a
# damaged cache is refused (--caps) or ignored and probed again (--cache-dir).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
QEMU=${VIRT_PV_TEST_QEMU:-/usr/bin/qemu-system-s390x}
CAPSCUT=${1:?usage: qemu.sh PATH-OF-capscut}
ht_init
CAPSCUT=$(ht_program "$CAPSCUT")
d=$HT_DIR
mkdir "$d/bin"

greeting='{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": ""}, "capabilities": ["oob"]}}'
caps_ok='{"return": {}, "id": "virt-pv-1"}'

# fake NAME BODY: an emulator script that records its PID (for the check
# that nothing outlives virt-pv) and then runs BODY.
fake() {
    local path=$d/bin/$1
    printf '#!/bin/bash\necho $$ >"%s"\n%s\n' "$path.pid" "$2" >"$path"
    chmod +x "$path"
    echo "$path"
}

gone() {
    local pid
    pid=$(cat "$1.pid" 2>/dev/null) || return 0
    ! kill -0 "$pid" 2>/dev/null
}

# ---- hostile peers -------------------------------------------------------

emu=$(fake hundred-mb "printf '%s\r\n' '$greeting'; read -r _; printf '%s\r\n' '$caps_ok'
read -r _; head -c 100000000 /dev/zero | tr '\\\\0' 'x'; printf '\r\n'; sleep 60")
ht_run domcapabilities --emulator "$emu" --no-cache --timeout 20
HT_LIMIT_MB=64 ht_expect "QMP peer sending a 100 MB line: refused at 4 MiB, exit 2" 2 \
    "sent a QMP message longer than 4194304 bytes"
ht_check "  the peer was killed" gone "$emu"

emu=$(fake silent "exec sleep 600")
ht_run domcapabilities --emulator "$emu" --no-cache --timeout 2
ht_expect "QEMU that never says anything: killed at --timeout 2, exit 2" 2 \
    "did not answer within 2 seconds and was killed"
ht_check "  it took the timeout, not more ($HT_SECS s)" \
    python3 -c "import sys; sys.exit(not 1.5 <= float('$HT_SECS') <= 5)"
ht_check "  the emulator process is gone" gone "$emu"

emu=$(fake greets-then-hangs "printf '%s\r\n' '$greeting'; exec sleep 600")
ht_run domcapabilities --emulator "$emu" --no-cache --timeout 2
ht_expect "QEMU that greets and then hangs: killed at --timeout 2, exit 2" 2 "did not answer"
ht_check "  the emulator process is gone" gone "$emu"

emu=$(fake event-flood "printf '%s\r\n' '$greeting'; read -r _; printf '%s\r\n' '$caps_ok'
exec yes '{\"event\": \"RTC_CHANGE\", \"data\": {\"offset\": 1}}'")
ht_run domcapabilities --emulator "$emu" --no-cache --timeout 2
HT_LIMIT_MB=64 ht_expect "QEMU flooding events, never answering: killed at --timeout, exit 2" 2 \
    "did not answer"
ht_check "  within the timeout although data never stops ($HT_SECS s)" \
    python3 -c "import sys; sys.exit(not float('$HT_SECS') <= 5)"
ht_check "  the emulator process is gone" gone "$emu"

emu=$(fake dies "printf '%s\r\n' '$greeting'; read -r _
echo 'qemu-system-s390x: the fake emulator gives up' >&2; exit 1")
ht_run domcapabilities --emulator "$emu" --no-cache --timeout 10
ht_expect "QEMU dying mid-conversation: its stderr in the error, exit 2" 2 \
    "exited with status 1 during the QMP conversation: .*the fake emulator gives up"

emu=$(fake garbage "head -c 65536 /dev/urandom; exec sleep 600")
ht_run domcapabilities --emulator "$emu" --no-cache --timeout 10
ht_expect "QEMU printing random bytes: exit 2" 2 "^error: "
ht_check "  the emulator process is gone" gone "$emu"

# ---- a real cache file, cut at every byte ----------------------------------

if [ ! -x "$QEMU" ]; then
    tap_result 0 "# SKIP cache truncation: $QEMU is not installed"
    tap_done
    exit
fi

# A recorded conversation with the real QEMU, replayed by a fake emulator
# that prints all of QEMU's answers at once: a probe then costs
# milliseconds, so every damaged cache below can be probed again.
ht_run domcapabilities --emulator "$QEMU" --no-cache --record "$d/real.replies"
ht_expect "record a conversation with $QEMU" 0
python3 - "$d/real.replies" "$d/answers" <<'PY'
import json, sys
docs, buf = [], []
for line in open(sys.argv[1]):
    if line.startswith("#"):
        continue
    if line.strip():
        buf.append(line)
    elif buf:
        docs.append(json.loads("".join(buf)))
        buf = []
if buf:
    docs.append(json.loads("".join(buf)))
with open(sys.argv[2], "w") as out:
    for doc in docs:
        if "execute" not in doc:
            out.write(json.dumps(doc) + "\r\n")
PY
emu=$(fake replay "cat '$d/answers'
while read -r line; do case \$line in *'\"quit\"'*) exit 0 ;; esac; done")
cache=$d/cache
ht_run --json domcapabilities --emulator "$emu" --cache-dir "$cache"
ht_expect "the replaying emulator answers like QEMU and fills the cache" 0
cp "$d/.out" "$d/reference.json"
file=$(ls "$cache"/*.json)
cp "$file" "$d/full-cache.json"
size=$(stat -c %s "$d/full-cache.json")

printf "<domain type='kvm'><name>g</name><os><type arch='s390x' machine='s390-ccw-virtio'>hvm</type></os><launchSecurity type='s390-pv'/><devices><memballoon model='none'/></devices></domain>\n" >"$d/guest.xml"
ht_run validate --caps "$d/full-cache.json" "$d/guest.xml"
ht_check "  the whole cache file is accepted by validate --caps (exit $HT_STATUS)" \
    test "$HT_STATUS" -le 1

# Every prefix but the whole file, loaded as the cache and --caps load it:
# refused with the file named, never accepted, never a crash (in-process,
# by the capscut helper: a process per length would take minutes).
failures=$("$CAPSCUT" "$d/full-cache.json" "$d") && status=0 || status=$?
tap_result "$status" \
    "the $size-byte cache file cut at each of its $size lengths: refused every time" \
    "$failures"

# validate --caps with a cache file cut short: exit 2, the file named.
head -c $((size / 2)) "$d/full-cache.json" >"$d/half.json"
ht_run validate --caps "$d/half.json" "$d/guest.xml"
ht_expect "validate --caps with half a cache file: exit 2" 2 "^error: '$d/half.json' is not"

# The same damage in the cache itself: ignored, probed again, rewritten
# whole.  At the start, at every 128th byte, and at the end.
bad=()
for cut in $(seq 0 128 $((size - 1))) $((size - 1)); do
    head -c "$cut" "$d/full-cache.json" >"$file"
    ht_run --json domcapabilities --emulator "$emu" --cache-dir "$cache"
    if [ "$HT_STATUS" -ne 0 ] || ! cmp -s "$d/.out" "$d/reference.json" ||
        ! cmp -s "$file" "$d/full-cache.json" || [ -n "$HT_ERR" ]; then
        bad+=("cut at $cut: exit $HT_STATUS: $HT_ERR")
    fi
done
tap_result ${#bad[@]} "a cache file cut short is ignored, probed again and rewritten whole" \
    "${bad[@]}"

tap_done
