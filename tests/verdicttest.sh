#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# validate, the hook, fix and domxml-to-native read a definition through
# the one domain model, so they give the same verdict on the same input:
# every invalid value below (each one libvirt refuses when the domain is
# defined: `virsh define` of libvirt 9.0 refused every one, and took every
# valid variant) makes all four exit 2 with the same "NAME:LINE: message",
# and the valid variants next to them are accepted by all four.  The guest is
# written here by hand after tests/hookdata/pv-good.xml; each case edits
# one place of it.
set -u

here=$(cd "$(dirname "$0")" && pwd)
program=${VIRT_PV_PROGRAM:?VIRT_PV_PROGRAM is not set}
# shellcheck source=tests/tap.sh
. "$here/tap.sh"
# The binary behind the exe_wrapper of a cross build (tap_command).
tap_command "$program"

work=$(mktemp -d "${TMPDIR:-/tmp}/virt-pv-verdict.XXXXXX")
trap 'rm -rf "$work"' EXIT
printf '[virt-pv]\ncheck_qemu = false\n' >"$work/hook.conf"
root=$here/hostvalidatedata/s390x-pv-ok

cat >"$work/base.xml" <<'XML'
<domain type='kvm'>
  <name>verdict</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>2</vcpu>
  <os><type arch='s390x' machine='s390-ccw-virtio'>hvm</type></os>
  <cpu mode='host-model'/>
  <devices>
    <emulator>/usr/bin/qemu-system-s390x</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/verdict.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <!-- devices -->
    <memballoon model='none'/>
  </devices>
  <launchSecurity type='s390-pv'/>
</domain>
XML

# edit FROM TO: $work/case.xml is the base with the first FROM replaced.
edit() {
    python3 - "$work/base.xml" "$work/case.xml" "$1" "$2" <<'PY'
import sys
text = open(sys.argv[1]).read()
assert sys.argv[3] in text, sys.argv[3]
open(sys.argv[2], "w").write(text.replace(sys.argv[3], sys.argv[4], 1))
PY
}

# verdicts: one line per command, "STATUS MESSAGE" where MESSAGE is the
# first line of stderr without the input's name ("-" for the hook).
verdicts() {
    local file=$work/case.xml status err
    err=$("${TAP_COMMAND[@]}" validate "$file" 2>&1 >/dev/null)
    status=$?
    echo "validate $status ${err#"error: $file"}"
    err=$("${TAP_COMMAND[@]}" --root "$root" hook --config "$work/hook.conf" \
        qemu verdict prepare begin - <"$file" 2>&1 >/dev/null)
    status=$?
    [ "$status" -eq 0 ] && err=
    echo "hook $status ${err#"error: -"}"
    err=$("${TAP_COMMAND[@]}" fix -o "$work/fixed.xml" "$file" 2>&1 >/dev/null)
    status=$?
    [ "$status" -eq 0 ] && err=
    echo "fix $status ${err#"error: $file"}"
    err=$("${TAP_COMMAND[@]}" domxml-to-native "$file" 2>&1 >/dev/null)
    status=$?
    [ "$status" -eq 0 ] && err=
    echo "domxml-to-native $status ${err#"error: $file"}"
}

dev='<!-- devices -->'
disk="<disk type='file' device='disk'><source file='/a.img'/>"

# MESSAGE|FROM|TO: the edit and (part of) the message all four give.
invalid=$(cat <<EOF
invalid memory size '1024 bogus'|<memory unit='MiB'>|<memory unit='bogus'>
invalid memory size 'lots MiB'|>1024</memory>|>lots</memory>
invalid memory size '0 MiB'|>1024</memory>|>0</memory>
invalid vCPU count 'two' in <vcpu>|<vcpu>2</vcpu>|<vcpu>two</vcpu>
invalid current vCPU count '3' (1..2)|<vcpu>|<vcpu current='3'>
invalid current vCPU count '0' (1..2)|<vcpu>|<vcpu current='0'>
invalid current vCPU count '1.5' (1..2)|<vcpu>|<vcpu current='1.5'>
the CPU topology gives 4 vCPUs, but the domain has 2|<cpu mode='host-model'/>|<cpu mode='host-model'><topology sockets='1' cores='4' threads='1'/></cpu>
<topology> lacks the attribute 'sockets'|<cpu mode='host-model'/>|<cpu mode='host-model'><topology cores='2' threads='1'/></cpu>
<topology> has an invalid cores '0' (expected a number from 1)|<cpu mode='host-model'/>|<cpu mode='host-model'><topology sockets='2' cores='0' threads='1'/></cpu>
<topology> has an invalid dies 'x' (expected a number from 1)|<cpu mode='host-model'/>|<cpu mode='host-model'><topology sockets='2' dies='x' cores='1' threads='1'/></cpu>
unknown CPU mode 'host'|<cpu mode='host-model'/>|<cpu mode='host'/>
<cpu> has <feature> elements but no <model>|<cpu mode='host-model'/>|<cpu mode='custom'><feature name='vx'/></cpu>
has an invalid ccw address|<target dev='vda' bus='virtio'/>|<target dev='vda' bus='virtio'/><address type='ccw' cssid='0xfe' ssid='0x0' devno='0x10000'/>
has an invalid ccw address|<target dev='vda' bus='virtio'/>|<target dev='vda' bus='virtio'/><address type='ccw' cssid='0xfe' ssid='0x4' devno='0x0001'/>
has an invalid ccw address|<target dev='vda' bus='virtio'/>|<target dev='vda' bus='virtio'/><address type='ccw' cssid='0xff' ssid='0x0' devno='0x0001'/>
has an invalid ccw address|<target dev='vda' bus='virtio'/>|<target dev='vda' bus='virtio'/><address type='ccw' cssid='0xfe' devno='0x0001'/>
has an invalid ccw address|<target dev='vda' bus='virtio'/>|<target dev='vda' bus='virtio'/><address type='ccw' cssid='0xfe' ssid='0' devno='dead'/>
uses ccw address fe.0.0001, which another device has|$dev|<rng model='virtio'><backend model='random'/><address type='ccw' cssid='0xfe' ssid='0x0' devno='0x0001'/></rng><input type='keyboard' bus='virtio'><address type='ccw' cssid='0xfe' ssid='0x0' devno='1'/></input>
has an unknown cache mode 'fast'|<driver name='qemu' type='qcow2'/>|<driver name='qemu' type='qcow2' cache='fast'/>
has an unknown io mode 'async'|<driver name='qemu' type='qcow2'/>|<driver name='qemu' type='qcow2' io='async'/>
has an invalid target dev 'vda1'|<target dev='vda'|<target dev='vda1'
has an invalid target dev 'disk0'|<target dev='vda'|<target dev='disk0'
has no <target dev>|<target dev='vda' bus='virtio'/>|<target bus='virtio'/>
has no <source file>|<source file='/var/lib/libvirt/images/verdict.qcow2'/>|
has no <source dev>|$dev|<disk type='block' device='disk'><target dev='vdb' bus='virtio'/></disk>
a SCSI disk needs 'drive'|$dev|<controller type='scsi' model='virtio-scsi'/>$disk<target dev='sda' bus='scsi'/><address type='ccw' cssid='0xfe' ssid='0' devno='9'/></disk>
has an invalid drive address unit 'first'|$dev|<controller type='scsi' model='virtio-scsi'/>$disk<target dev='sda' bus='scsi'/><address type='drive' controller='0' unit='first'/></disk>
names IOThread 3, which the domain lacks|<driver name='qemu' type='qcow2'/>|<driver name='qemu' type='qcow2' iothread='3'/>
has an invalid index 'first'|$dev|<controller type='scsi' index='first' model='virtio-scsi'/>
has an invalid index '-1'|$dev|<controller type='virtio-serial' index='-1'/>
has an invalid MAC address '52:54:00:zz:00:01'|$dev|<interface type='user'><mac address='52:54:00:zz:00:01'/><model type='virtio'/></interface>
has an invalid MAC address '01:54:00:00:00:01'|$dev|<interface type='user'><mac address='01:54:00:00:00:01'/><model type='virtio'/></interface>
has an unknown driver name 'dpdk'|$dev|<interface type='user'><model type='virtio'/><driver name='dpdk'/></interface>
has an unknown source mode 'listen'|$dev|<serial type='unix'><source mode='listen' path='/tmp/s'/><target type='sclp-serial'/></serial>
of type 'file' has no <source path>|$dev|<serial type='file'><target type='sclp-serial'/></serial>
of type 'unix' has no <source path>|$dev|<console type='unix'><target type='sclp'/></console>
has an unknown model 'uart'|$dev|<serial type='pty'><target type='sclp-serial'><model name='uart'/></target></serial>
invalid value 'yes' of attribute 'autodeflate' (expected 'on' or 'off')|<memballoon model='none'/>|<memballoon model='none' autodeflate='yes'/>
has an unknown backend model 'urandom'|$dev|<rng model='virtio'><backend model='urandom'/></rng>
has an invalid <rate>|$dev|<rng model='virtio'><backend model='random'/><rate bytes='lots'/></rng>
has an invalid cid address '2'|$dev|<vsock model='virtio'><cid address='2'/></vsock>
has an invalid cid address 'three'|$dev|<vsock model='virtio'><cid address='three'/></vsock>
invalid value 'maybe' of attribute 'auto' (expected 'yes' or 'no')|$dev|<vsock model='virtio'><cid auto='maybe'/></vsock>
has an unknown action 'explode'|$dev|<watchdog model='diag288' action='explode'/>
has an invalid zPCI uid '0x0' (1..0xffff)|$dev|<hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x00' slot='0x01' function='0x0'/></source><address type='pci'><zpci uid='0x0'/></address></hostdev>
has zPCI uid 0x0001, which another device has|$dev|<hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x00' slot='0x01' function='0x0'/></source><address type='pci'><zpci uid='0x1'/></address></hostdev><hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x00' slot='0x02' function='0x0'/></source><address type='pci'><zpci uid='1'/></address></hostdev>
a vfio-ccw device needs 'ccw'|$dev|<hostdev mode='subsystem' type='mdev' model='vfio-ccw'><source><address uuid='90c6c135-ad44-41d0-b1b7-bae47de48627'/></source><address type='pci'/></hostdev>
invalid boot order '0' (expected a number from 1)|<target dev='vda' bus='virtio'/>|<target dev='vda' bus='virtio'/><boot order='0'/>
EOF
)

while IFS='|' read -r message from to; do
    edit "$from" "$to"
    got=$(verdicts)
    first=$(head -n 1 <<<"$got")
    expected=
    for c in validate hook fix domxml-to-native; do
        expected+="$c 2 ${first#validate 2 }"$'\n'
    done
    [ "$got" = "${expected%$'\n'}" ] && [[ $first == "validate 2 :"[0-9]*": "*"$message"* ]]
    tap_result $? "invalid: $to" "expected (all four, with '$message'):" "$expected" "got:" "$got"
done <<<"$invalid"

# FROM|TO: values each of the four accepts, libvirt's normalisations
# included (upper-case MAC, hex ccw numbers, a controller index found).
valid=$(cat <<EOF
|
<driver name='qemu' type='qcow2'/>|<driver name='qemu' type='qcow2' cache='none' io='native'/>
<driver name='qemu' type='qcow2'/>|<driver name='qemu' type='qcow2' cache='default' io='threads'/>
<vcpu>2</vcpu>|<vcpu current='1'>2</vcpu>
<memory unit='MiB'>1024</memory>|<memory unit='GB'>1</memory>
<memory unit='MiB'>1024</memory>|<memory>1048576</memory>
<cpu mode='host-model'/>|<cpu mode='host-model'><topology sockets='1' dies='1' clusters='1' cores='2' threads='1'/></cpu>
<target dev='vda' bus='virtio'/>|<target dev='vda' bus='virtio'/><address type='ccw' cssid='0xfe' ssid='0x0' devno='0x000a'/>
<target dev='vda' bus='virtio'/>|<target dev='vda' bus='virtio'/><address type='ccw'/>
$dev|<interface type='user'><mac address='52:54:00:AB:0:1'/><model type='virtio'/><driver name='qemu'/></interface>
$dev|<controller type='scsi' model='virtio-scsi'/>$disk<target dev='sda' bus='scsi'/><address type='drive' controller='0' bus='0' target='0' unit='1'/></disk>
$dev|<controller type='virtio-serial' index='0'/><controller type='virtio-serial'/>
$dev|<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
$dev|<serial type='pty'><target type='sclp-serial'><model name='sclplmconsole'/></target></serial>
$dev|<rng model='virtio'><backend model='random'>/dev/urandom</backend><rate bytes='1024' period='1000'/></rng>
$dev|<watchdog model='diag288' action='inject-nmi'/>
$dev|<rng model='virtio'><backend model='random'/><rate period='1000'/></rng>
$dev|$disk<target dev='sdb' bus='scsi'/><address type='drive' controller='1' bus='0' target='0' unit='0'/></disk>
$dev|<console type='pty'><target type='serial'/></console>
$dev|<serial type='tcp'><source mode='bind' host='127.0.0.1' service='4555'/><target type='sclp-serial'/></serial>
$dev|<vsock model='virtio'><cid auto='no'/></vsock>
EOF
)

while IFS='|' read -r from to; do
    if [ -n "$from" ]; then edit "$from" "$to"; else cp "$work/base.xml" "$work/case.xml"; fi
    got=$(verdicts)
    expected=$'validate 0 \nhook 0 \nfix 0 \ndomxml-to-native 0 '
    [ "$got" = "$expected" ]
    tap_result $? "valid: ${to:-the base guest}" "expected:" "$expected" "got:" "$got"
done <<<"$valid"

tap_done
