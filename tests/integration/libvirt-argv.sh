#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Our argv against libvirt 9.0's, for the guests both accept.  A private
# libvirtd (tests/integration/libvirtd-env.sh) probes Debian's
# qemu-system-s390x once; its capabilities cache then gets the two PV
# flags that the x86 build of QEMU lacks (FACTS.md: s390-pv-guest and
# kvmSupportsSecureGuest), and after a restart `virsh domxml-to-native
# qemu-argv` emits the PV argv.  libvirt gets each case as a TCG guest
# (domain type qemu, CPU mode maximum: it refuses KVM and host CPU models
# on this host), virt-pv the case itself (it refuses PV guests without
# KVM); so -accel and -cpu differ by construction.  Both argvs are
# normalised (JSON and key=value
# to one sorted key=value form; fd numbers and values libvirt makes up,
# like MACs and UUIDs absent from the XML, masked), the differences every
# case has are left out (LIBVIRT_ONLY below, and -accel/-cpu), and the line
# difference is compared with tests/qemuxml2argvdata/libvirt/<case>.diff.
# Those golden files are the documented comparison: every difference is
# explained in tests/qemuxml2argvdata/libvirt/README.md.
set -uo pipefail

srcdir=${VIRT_PV_TEST_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
program=${VIRT_PV_PROGRAM:?VIRT_PV_PROGRAM names the virt-pv binary}
emulator=/usr/bin/qemu-system-s390x
golden_dir=$srcdir/qemuxml2argvdata/libvirt

cases=(
    ls-minimal ls-all-devices iommu-all-devices not-pv-tcg boot-order boot-os-dev
    ccw-explicit ccw-mixed disk-cache-modes disk-block-readonly disk-scsi
    disk-scsi-implicit-controllers path-special
    net-kinds console-kinds console-libvirt-style console-virtio-implicit-controller controllers
    input-kinds balloon-virtio balloon-implicit rng-rate cpu-topology machine-versioned
    err-ls-iommu-off
)

# shellcheck source=tests/integration/libvirtd-env.sh
. "$srcdir/integration/libvirtd-env.sh"
if [ ! -x "$emulator" ] || ! why=$(lvenv_require 2>&1); then
    echo "1..0 # SKIP ${why:-$emulator is not installed}"
    exit 0
fi
# shellcheck source=tests/tap.sh
. "$srcdir/tap.sh"
lvenv_init
work=$LVENV_DIR/compare
mkdir -p "$work"

# One argument per line, JSON objects and key=value lists both as sorted
# key=value, the first (implied) value first.
normalise() {
    python3 - "$1" "$2" "$3" <<'PY'
import json, re, shlex, sys

path, kind, xml = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
text = open(path).read()
if kind == "libvirt":
    args = shlex.split(text)
    while args and not args[0].startswith("/"):
        args.pop(0)  # the environment libvirt sets
else:
    args = [shlex.split(line)[0] for line in text.splitlines()]

FIRST = {"-device": "driver", "-object": "qom-type", "-netdev": "type",
         "-chardev": "backend", "-machine": "type", "-cpu": "model", "-smp": "cpus"}

def flatten(obj, prefix=""):
    for key, value in obj.items():
        if isinstance(value, dict):
            yield from flatten(value, prefix + key + ".")
        elif isinstance(value, bool):
            yield prefix + key, "on" if value else "off"
        else:
            yield prefix + key, "null" if value is None else str(value)

def split_keyval(value):
    parts, cur, i = [], "", 0
    while i < len(value):
        if value[i] == "," and value[i + 1:i + 2] == ",":
            cur, i = cur + ",", i + 2
        elif value[i] == ",":
            parts.append(cur)
            cur, i = "", i + 1
        else:
            cur, i = cur + value[i], i + 1
    return parts + [cur]

def mask(key, value):
    if key == "fd" or key == "vhostfd":
        return "N"
    if key == "mac" and value not in xml:
        return "(made up by libvirt)"
    return value

def normal(option, value):
    if value.startswith("{"):
        items = list(flatten(json.loads(value)))
    else:
        items = []
        for n, part in enumerate(split_keyval(value)):
            if "=" in part:
                items.append(tuple(part.split("=", 1)))
            elif n == 0 and option in FIRST:
                items.append((FIRST[option], part))
            else:
                items.append((part, ""))
    items = [(k, mask(k, re.sub(r"^@[a-z]+fd[0-9]+@$", "N", v))) for k, v in items]
    first = [i for i in items if i[0] == FIRST.get(option)]
    rest = sorted(i for i in items if i[0] != FIRST.get(option))
    return ",".join("%s=%s" % i if i[1] != "" else i[0] for i in first + rest)

# Options of every libvirt guest that virt-pv leaves out on purpose (see
# the README beside the golden files), and the two that differ by
# construction of this test.
LIBVIRT_ONLY = re.compile(r"^-(overcommit|rtc|no-shutdown|boot|audiodev|sandbox|msg|accel|cpu)"
                          r"|^-object qom-type=(secret|memory-backend-ram),")

def output(line):
    line = line.replace("domain--1-", "domain-")
    if not LIBVIRT_ONLY.search(line):
        print(line)

output("emulator " + args[0])
i = 1
while i < len(args):
    if i + 1 < len(args) and not args[i + 1].startswith("-") or args[i] in ("-m", "-smp"):
        option, value = args[i], args[i + 1]
        if option == "-uuid" and value not in xml:
            value = "(made up by libvirt)"
        value = normal(option, value)
        if option == "-machine":
            # libvirt's own memory object, and the machine alias it
            # resolves through its capabilities (virt-pv does with --caps).
            value = value.replace("memory-backend=s390.ram,", "")
            if "s390-ccw-virtio'" in xml:
                value = re.sub(r"^type=s390-ccw-virtio-[0-9.]+,", "type=s390-ccw-virtio,", value)
        output(option + " " + value)
        i += 2
    else:
        output(args[i])
        i += 1
PY
}

# The case as a TCG guest that libvirt accepts on this host.
tcg_variant() {
    sed -e "s/<domain type='kvm'>/<domain type='qemu'>/" \
        -e "s/<cpu mode='host-model'/<cpu mode='maximum'/" \
        -e "s/<cpu mode='host-passthrough'/<cpu mode='maximum'/" "$1"
}

compare_case() {
    local name=$1 xml=$work/$1.xml lv=$work/$1.libvirt ours=$work/$1.ours
    local golden=$golden_dir/$1.diff actual=$work/$1.diff status
    tcg_variant "$srcdir/qemuxml2argvdata/$name.xml" >"$xml"
    {
        if ! lvenv_virsh domxml-to-native qemu-argv "$xml" >"$lv" 2>"$lv.err"; then
            echo "libvirt refuses: $(head -1 "$lv.err")"
        fi
        "$program" domxml-to-native "$srcdir/qemuxml2argvdata/$name.xml" >"$ours" 2>"$ours.err"
        status=$?
        if [ $status -ne 0 ]; then
            echo "virt-pv refuses (exit $status):"
            sed 's/^/  /' "$ours.err"
            if [ -s "$lv" ]; then
                echo "libvirt accepts; its devices with iommu_platform:"
                normalise "$lv" libvirt "$xml" | grep iommu_platform | sed 's/^/  /'
            fi
        elif [ -s "$lv" ]; then
            diff --unchanged-line-format= --old-line-format='libvirt: %L' \
                --new-line-format='virt-pv: %L' \
                <(normalise "$lv" libvirt "$xml") <(normalise "$ours" virt-pv "$xml")
        fi
    } >"$actual"
    sed -i -e "s|$work/||g" -e "s|$srcdir/qemuxml2argvdata/||g" "$actual"
    if [ "${VIRT_PV_TEST_REGENERATE:-}" = 1 ]; then
        cp "$actual" "$golden"
        return 0
    fi
    diff -u "$golden" "$actual" >"$work/$name.regress"
}

if ! lvenv_start || ! lvenv_claim_pv_caps "$emulator"; then
    echo "Bail out! the private libvirtd could not be prepared"
    exit 1
fi
for name in "${cases[@]}"; do
    compare_case "$name"
    tap_result $? "$name: the differences from libvirt are the documented ones" \
        "they changed (- golden, + now); if that is right, rerun with" \
        "VIRT_PV_TEST_REGENERATE=1, review the diff and explain it in the README:" \
        "$(cat "$work/$name.regress")"
done
tap_done
