#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Hostile host files read by host-validate under --root: a /proc/cpuinfo
# without a facilities line, garbage or huge ones, and 64 KiB kernel
# command lines.  Each is handled: a clear verdict, never a crash.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ht_init

# fake_root NAME CPUINFO CMDLINE: an s390x-like root without
# /sys/firmware/uv, so prot-virt-host falls back to the command line.
fake_root() {
    local root=$HT_DIR/$1
    mkdir -p "$root/proc/sys/kernel" "$root/dev"
    printf '%s' "$2" >"$root/proc/cpuinfo"
    printf '%s\n' "$3" >"$root/proc/cmdline"
    echo 6.1.0 >"$root/proc/sys/kernel/osrelease"
    : >"$root/dev/kvm"
    echo "$root"
}

s390_head='vendor_id       : IBM/S390
# processors    : 2
bogomips per cpu: 3241.00
max thread id   : 0
features	: esan3 zarch stfle msa ldisp eimm dfp edat etf3eh highgprs te vx sie
'
facilities='facilities      : 0 1 2 3 4 7 9 16 17 18 19 20 21 22 24 25 26 27 30 31 32 33 34 35 40 41 158
'

# check_result JSON ID RESULT: the check ID has RESULT in host-validate --json.
check_result() {
    python3 -c '
import json, sys
doc = json.loads(sys.argv[1])
sys.exit(0 if any(c["id"] == sys.argv[2] and c["result"] == sys.argv[3]
                  for c in doc["checks"]) else 1)' "$1" "$2" "$3"
}

# 1. no facilities line at all
root=$(fake_root nofac "$s390_head" "root=/dev/dasda1 prot_virt=1")
ht_run --json --root "$root" host-validate
ht_expect "cpuinfo without a facilities line: FAIL, exit 1" 1
ht_check "  facility-158 fails" check_result "$HT_OUT" facility-158 fail

# 2. a facilities line of 1 MiB, 158 near its end (any line length)
long=$(python3 -c 'print("facilities      :" + " 4000" * 200000 + " 158")')
root=$(fake_root longfac "$s390_head$long
" "prot_virt=1")
ht_run --json --root "$root" host-validate
ht_expect "1 MiB facilities line with 158 at its end: exit 0" 0
ht_check "  facility-158 passes" check_result "$HT_OUT" facility-158 pass

# 3. binary garbage as cpuinfo
root=$(fake_root garbage "" "")
head -c 65536 /dev/urandom >"$root/proc/cpuinfo"
ht_run --root "$root" host-validate
ht_expect "random bytes as /proc/cpuinfo: not s390x, exit 1" 1

# 4. a cpuinfo over the read limit is an input error naming the file
root=$(fake_root huge "" "")
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' 'x' >"$root/proc/cpuinfo"
ht_run --root "$root" host-validate
ht_expect "17 MiB /proc/cpuinfo: input error, exit 2" 2 "^error: '$root/proc/cpuinfo' is larger than"

# 5. 64 KiB kernel command line, prot_virt=1 as its last word
words=$(python3 -c 'print(" ".join(["quiet"] * 11000))')
cmdline="$words prot_virt=1"
root=$(fake_root cmdline64k "$s390_head$facilities" "$cmdline")
ht_check "  the command line is over 64 KiB" \
    test "$(stat -c %s "$root/proc/cmdline")" -gt 65536
ht_run --json --root "$root" host-validate
ht_expect "64 KiB kernel command line, prot_virt=1 last: exit 0" 0
ht_check "  prot-virt-host passes" check_result "$HT_OUT" prot-virt-host pass

# 6. the same after "--": the kernel never sees it
root=$(fake_root cmdline64k-init "$s390_head$facilities" "$words -- prot_virt=1")
ht_run --json --root "$root" host-validate
ht_expect "64 KiB kernel command line, prot_virt=1 after --: exit 1" 1
ht_check "  prot-virt-host fails" check_result "$HT_OUT" prot-virt-host fail

# 7. one 64 KiB word with an unbalanced quote swallowing prot_virt=1
quoted=$(python3 -c 'print("x=\"" + "a" * 65536)')
root=$(fake_root cmdline64k-quote "$s390_head$facilities" "$quoted prot_virt=1")
ht_run --json --root "$root" host-validate
ht_expect "64 KiB quoted word swallowing prot_virt=1: exit 1" 1
ht_check "  prot-virt-host fails" check_result "$HT_OUT" prot-virt-host fail

# uv_root NAME: an s390x root with prot_virt_host = 1 and an Ultravisor
# that publishes its host keys (Linux >= 6.13), whose files the cases break.
uv_root() {
    local root
    root=$(fake_root "$1" "$s390_head$facilities" "prot_virt=1")
    mkdir -p "$root/sys/firmware/uv/query" "$root/sys/firmware/uv/keys"
    echo 1 >"$root/sys/firmware/uv/prot_virt_host"
    printf 'ffd7ffffe0000000\n0\n0\n0\n' >"$root/sys/firmware/uv/query/facilities"
    echo 248 >"$root/sys/firmware/uv/query/max_cpus"
    echo "$root"
}

# 8. a FIFO as keys/host_key: refused at once, never waited on
root=$(uv_root keys-fifo)
mkfifo "$root/sys/firmware/uv/keys/host_key"
ht_run --json --root "$root" host-validate
ht_expect "a FIFO as /sys/firmware/uv/keys/host_key: warned, exit 0" 0
ht_check "  uv-query-keys warns" check_result "$HT_OUT" uv-query-keys warn

# 9. keys/all a symbolic link to /dev/zero: a device is never read
root=$(uv_root keys-device)
ln -s /dev/zero "$root/sys/firmware/uv/keys/all"
ht_run --json --root "$root" host-validate
ht_expect "keys/all linked to /dev/zero: warned, exit 0" 0
ht_check "  uv-query-keys warns" check_result "$HT_OUT" uv-query-keys warn

# 10. 1 MiB of hex digits as keys/host_key, and a query file of 16 MiB
root=$(uv_root keys-huge)
head -c $((1024 * 1024)) /dev/zero | tr '\0' 'a' >"$root/sys/firmware/uv/keys/host_key"
head -c $((16 * 1024 * 1024)) /dev/zero | tr '\0' '1' >"$root/sys/firmware/uv/query/max_guests"
ht_run --json --root "$root" host-validate
ht_expect "1 MiB host_key, 16 MiB max_guests: warned and ignored, exit 0" 0
ht_check "  uv-query-keys warns" check_result "$HT_OUT" uv-query-keys warn
ht_check "  max_guests is left out" python3 -c '
import json, sys
uv = json.loads(sys.argv[1])["ultravisor"]
sys.exit(0 if "max_guests" not in uv and uv["max_cpus"] == 248 and
         any("max_guests" in i for i in uv["ignored"]) else 1)' "$HT_OUT"

# 11. terminal escapes in a query file reach the terminal escaped
root=$(uv_root query-escapes)
printf '12\033]0;owned\007\033[2J\n' >"$root/sys/firmware/uv/query/max_guests"
ht_run --root "$root" host-validate
ht_expect "escape sequences in max_guests: ignored, exit 0" 0
ht_check "  no ESC or BEL reaches the output" python3 -c '
import sys
sys.exit(1 if "\x1b" in sys.argv[1] or "\x07" in sys.argv[1] or "max_guests" not in sys.argv[1] else 0)' "$HT_OUT"

tap_done
