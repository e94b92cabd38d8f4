#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Faults of a real private libvirtd (libvirtd-env.sh) and its guests:
# a running PV guest whose QEMU lacks iommu_platform=on on one virtio
# device, and a daemon that stops answering, or goes away, in the middle
# of a session.  The daemon is reached through libvirt's ext transport
# and a relay that passes libvirt's RPC messages until the client asks
# for the list of domains: then it stops passing anything (a stopped or
# unreachable daemon), or hangs up (a daemon that died).  Output is TAP;
# everything started here is stopped by PID.
set -u

here=$(cd "$(dirname "$0")" && pwd)
program=${VIRT_PV_PROGRAM:?VIRT_PV_PROGRAM is not set}
# shellcheck source=tests/tap.sh
. "$here/../tap.sh"
# shellcheck source=tests/integration/libvirtd-env.sh
. "$here/libvirtd-env.sh"

lvenv_tap_require

lvenv_init
work=$LVENV_DIR

t() {
    tap_run "$@"
}

if ! lvenv_start; then
    echo "Bail out! the private libvirtd did not start"
    exit 1
fi

# ---- a running guest with a virtio device that lacks iommu -----------------------

# A PV guest in iommu mode (the metadata marker) whose disk has iommu='on'
# and whose virtio-serial controller has not.
truncate -s 1M "$work/mixed.img"
cat >"$work/mixed.xml" <<EOF
<domain type='qemu'>
  <name>mixed</name>
  <metadata><pv:protected xmlns:pv='urn:virt-pv:1'/></metadata>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='s390x' machine='s390-ccw-virtio'>hvm</type></os>
  <cpu mode='custom'><model>qemu</model></cpu>
  <devices>
    <emulator>/usr/bin/qemu-system-s390x</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' iommu='on'/>
      <source file='$work/mixed.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <controller type='virtio-serial'/>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
lvenv_virsh define "$work/mixed.xml" >/dev/null
lvenv_virsh start --paused mixed >/dev/null
qemu_pid=$(cat "$work/run/libvirt/qemu/mixed.pid")

"$program" status --connect "$LVENV_URI" --agent-timeout 1 mixed >"$work/status.txt" 2>&1
status_rc=$?
echo "# virt-pv status mixed said:"
sed 's/^/#   /' "$work/status.txt"
t "status: a guest with a virtio device without iommu is not protected (exit $status_rc)" \
    eval '[ $status_rc -eq 1 ] && grep -q "^mixed (.*): not protected$" "$work/status.txt"'
t "  QEMU's command line ($qemu_pid) has iommu_platform=on on 1 of 2 virtio devices" \
    grep -q "qemu *pid $qemu_pid: no KVM, s390-pv-guest object no, iommu_platform=on on 1 of 2 virtio devices" \
    "$work/status.txt"
t "  which is a reason of its own" \
    grep -q "^  why not      1 of 2 virtio devices lack iommu_platform=on$" "$work/status.txt"

# ---- a daemon that stops answering, or dies, during the session ------------------

# libvirt's remote protocol: each message starts with its length, program,
# version and procedure (src/rpc/virnetprotocol.x, remote_protocol.x:
# REMOTE_PROGRAM 0x20008086, REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS 273).
cat >"$work/relay" <<'EOF'
#!/usr/bin/env python3
import os, socket, struct, sys, threading
sock_path, mode = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.connect(sock_path)
frozen = threading.Event()
def down():
    while True:
        data = s.recv(65536)
        if not data and frozen.is_set():
            return  # the client still waits, as on a stopped daemon
        if not data:
            os._exit(0)
        if not frozen.is_set():
            os.write(1, data)
threading.Thread(target=down, daemon=True).start()
buf = b""
while True:
    data = os.read(0, 65536)
    if not data:
        break
    if frozen.is_set():
        continue
    buf += data
    while len(buf) >= 16:
        length, prog, vers, proc = struct.unpack(">IIII", buf[:16])
        if len(buf) < length:
            break
        msg, buf = buf[:length], buf[length:]
        if prog == 0x20008086 and proc == 273:
            if mode == "hang-up":
                os._exit(0)
            frozen.set()
            break
        s.sendall(msg)
EOF
chmod +x "$work/relay"
# The ext transport runs a command without arguments: one per mode.
for mode in stop hang-up; do
    printf '#!/bin/sh\nexec %q %q %q\n' "$work/relay" "$work/run/libvirt/libvirt-sock" "$mode" \
        >"$work/relay-$mode"
    chmod +x "$work/relay-$mode"
done
stopped_uri="qemu+ext://stopped/system?command=$work/relay-stop"
gone_uri="qemu+ext://gone/system?command=$work/relay-hang-up"

# Both commands wait for the same silence: at once, each bounded.
start=$SECONDS
timeout 60 "$program" validate --connect "$stopped_uri" --all >"$work/validate-stopped.txt" 2>&1 &
validate_job=$!
timeout 60 "$program" --json status --connect "$stopped_uri" --all >"$work/status-stopped.json" 2>&1
status_rc=$?
wait "$validate_job"
validate_rc=$?
elapsed=$((SECONDS - start))
sed 's/^/#   /' "$work/validate-stopped.txt" "$work/status-stopped.json"
t "a daemon that stops answering: validate gives up, exit 2 after $elapsed s" \
    eval '[ $validate_rc -eq 2 ] && [ $elapsed -lt 40 ]'
t "  saying that the domains could not be listed: the connection timed out" \
    grep -q "could not be checked: cannot list the domains of '$stopped_uri': .*keepalive timeout" \
    "$work/validate-stopped.txt"
t "  status --json too, one record for the URI (exit $status_rc)" python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 1, recs
assert recs[0]["domain"] is None and recs[0]["uri"] == sys.argv[2], recs
assert "keepalive timeout" in recs[0]["error"], recs
assert sys.argv[3] == "2"
' "$work/status-stopped.json" "$stopped_uri" "$status_rc"

start=$SECONDS
timeout 60 "$program" validate --connect "$gone_uri" --connect "$LVENV_URI" --all \
    >"$work/validate-gone.txt" 2>&1
gone_rc=$?
sed 's/^/#   /' "$work/validate-gone.txt"
t "a daemon that hangs up in the middle: exit $gone_rc after $((SECONDS - start)) s" \
    eval '[ $gone_rc -eq 2 ] && [ $((SECONDS - start)) -lt 10 ]'
t "  its URI is a record of its own, the other URI is validated" \
    eval 'grep -qF "could not be checked: cannot list the domains of '"'"'$gone_uri'"'"'" "$work/validate-gone.txt" &&
          grep -q "^mixed: domain .mixed., PV mode iommu" "$work/validate-gone.txt"'

tap_done
