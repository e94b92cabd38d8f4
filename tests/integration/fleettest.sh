#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The operator's side against real private libvirtds (libvirtd-env.sh):
# `status` on s390x guests running under TCG (never protected), with the
# real guest agent channel and with recorded agent replies; a fleet audit
# that survives domains vanishing under it; several URIs at once;
# LIBVIRT_DEFAULT_URI; the kernel of a remote URI; and the Prometheus
# metrics, checked by promtool and scraped through node_exporter by a
# Prometheus server on loopback.  Output is TAP; everything started here
# is stopped by PID.
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
helpers=()
stop_helpers() {
    local pid
    for pid in "${helpers[@]}"; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    lvenv_cleanup
}
trap stop_helpers EXIT

t() {
    tap_run "$@"
}

# guest NAME KIND [KERNEL]: define NAME; KIND pv (metadata marker, iommu on
# every virtio device, a guest agent channel) or plain.
guest() {
    local name=$1 kind=$2 kernel=${3:-} marker='' os_kernel=''
    [ "$kind" = pv ] && marker="<metadata><pv:protected xmlns:pv='urn:virt-pv:1'/></metadata>"
    [ -z "$kernel" ] || os_kernel="<kernel>$kernel</kernel>"
    truncate -s 1M "$work/$name.img"
    cat >"$work/$name.xml" <<EOF
<domain type='qemu'>
  <name>$name</name>
  $marker
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='s390x' machine='s390-ccw-virtio'>hvm</type>$os_kernel</os>
  <cpu mode='custom'><model>qemu</model></cpu>
  <devices>
    <emulator>/usr/bin/qemu-system-s390x</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' iommu='on'/>
      <source file='$work/$name.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <controller type='virtio-serial'><driver iommu='on'/></controller>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
    lvenv_virsh define "$work/$name.xml" >/dev/null
}

if ! lvenv_start; then
    echo "Bail out! the private libvirtd did not start"
    exit 1
fi

# ---- status ------------------------------------------------------------------

guest pv-tcg pv
guest plain plain
lvenv_virsh start --paused pv-tcg >/dev/null
lvenv_virsh start --paused plain >/dev/null
qemu_pid=$(cat "$work/run/libvirt/qemu/pv-tcg.pid")

"$program" status --connect "$LVENV_URI" --agent-timeout 2 pv-tcg >"$work/status.txt" 2>&1
status_rc=$?
echo "# virt-pv status pv-tcg said:"
sed 's/^/#   /' "$work/status.txt"
t "status: a PV guest running under TCG is not protected (exit $status_rc)" \
    eval '[ $status_rc -eq 1 ] && grep -q "^pv-tcg (.*): not protected$" "$work/status.txt"'
t "  the live definition says why (not-kvm)" grep -q "why not *not-kvm:" "$work/status.txt"
t "  the QEMU process ($qemu_pid) was found and runs without KVM" \
    eval 'grep -q "qemu *pid $qemu_pid: no KVM" "$work/status.txt" &&
          grep -q "why not *QEMU runs without KVM" "$work/status.txt"'
t "  iommu_platform=on is seen on both virtio devices of the argv" \
    grep -q "iommu_platform=on on 2 of 2 virtio devices" "$work/status.txt"
t "  the real agent channel: no agent in a guest without an OS, said so" \
    grep -q "guest agent *unknown: the guest agent of 'pv-tcg' did not answer" "$work/status.txt"

# Anyone can start a process that claims the guest's UUID on its command
# line: then status trusts no command line for the guest.
uuid=$(lvenv_virsh domuuid pv-tcg | sed '/^$/d')
# (bash blocked opening a FIFO: one process, no child that would outlive
# it holding the test's output open)
mkfifo "$work/impostor-hold"
(exec -a qemu-system-s390x bash -c 'read -r _ <"$2"' -uuid "$uuid" "$work/impostor-hold") \
    >/dev/null 2>&1 &
impostor=$!
helpers+=("$impostor")
sleep 0.3
t "status: a second process claiming the guest's UUID is named, its argv not trusted" \
    eval 'out=$("$program" status --connect "$LVENV_URI" --agent-timeout 1 pv-tcg);
          grep -q "why not *more than one process claims this guest.s UUID" <<<"$out" &&
          ! grep -q "qemu *pid" <<<"$out" || { echo "$out"; false; }'
kill "$impostor" 2>/dev/null
wait "$impostor" 2>/dev/null

t "status: a guest that is not PV is not protected, and that is no failure" \
    eval '"$program" status --connect "$LVENV_URI" plain | grep -q "^plain (.*): not protected$"'

json=$("$program" --json status --connect "$LVENV_URI" --all --agent-timeout 1)
t "status --all --json: one record per running guest" \
    python3 -c '
import json, sys
recs = [json.loads(l) for l in sys.argv[1].splitlines()]
names = sorted(r["domain"] for r in recs)
assert names == ["plain", "pv-tcg"], names
pv = [r for r in recs if r["domain"] == "pv-tcg"][0]
assert pv["should_be_protected"] and not pv["protected"], pv
assert pv["qemu_pid"] == int(sys.argv[2]), pv
assert pv["mode"] == "iommu" and pv["prot_virt_guest"] is None, pv
' "$json" "$qemu_pid"

# A guest agent cannot answer here (no guest OS runs under TCG with -S);
# its replies to guest-file-read are recorded as QEMU's agent would give
# them (qga/commands-posix.c, qmp_guest_file_read: count, buf-b64, eof).
cat >"$work/replies.json" <<'EOF'
{"pv-tcg": {"return": {"count": 2, "buf-b64": "MQo=", "eof": true}},
 "plain": {"return": {"count": 2, "buf-b64": "MAo=", "eof": true}}}
EOF
"$program" status --connect "$LVENV_URI" --agent-replies "$work/replies.json" --all \
    >"$work/status-fake.txt"
t "status with agent replies: the guest's '1' is shown, TCG still not protected" \
    eval 'grep -q "guest agent */sys/firmware/uv/prot_virt_guest = 1" "$work/status-fake.txt" &&
          grep -q "^pv-tcg (.*): not protected$" "$work/status-fake.txt"'
t "  a guest that says 0 is named as the reason" \
    grep -q "why not *the guest says /sys/firmware/uv/prot_virt_guest = 0" "$work/status-fake.txt"
printf '{"pv-tcg": {"return": {"count": 0}}}' >"$work/replies-bad.json"
t "  a reply without buf-b64 leaves the guest's view unknown" \
    eval '"$program" status --connect "$LVENV_URI" --agent-replies "$work/replies-bad.json" pv-tcg |
          grep -q "guest agent *unknown: .*buf-b64"'

t "status names a guest that is not running, exit 2" \
    eval 'lvenv_virsh destroy plain >/dev/null;
          "$program" status --connect "$LVENV_URI" plain >"$work/out" 2>&1; s=$?;
          grep -q "plain: could not be checked: domain .plain. is not running" "$work/out" && [ $s -eq 2 ]'

# ---- the fleet audit -----------------------------------------------------------

for i in $(seq -w 1 40); do guest "fleet-$i" pv; done
t "a missing domain beside an existing one: both are records, exit 2" \
    eval 'out=$("$program" --json validate --connect "$LVENV_URI" fleet-01 no-such); s=$?;
          grep -q "\"domain\":\"fleet-01\",\"mode\":\"iommu\"" <<<"$out" &&
          grep -q "\"domain\":\"no-such\",\"ok\":false,\"error\":\"cannot find domain" <<<"$out" &&
          [ $s -eq 2 ]'

# Domains undefined and defined again while --all runs: every run prints a
# record for every domain it listed (a vanished one as an error record)
# and a summary.
churn() {
    local end=$((SECONDS + 4))
    while [ $SECONDS -lt $end ]; do
        lvenv_virsh undefine fleet-02 >/dev/null 2>&1
        lvenv_virsh define "$work/fleet-02.xml" >/dev/null 2>&1
    done
}
churn &
churner=$!
helpers+=("$churner")
runs=0 bad=0 vanished=0
while kill -0 "$churner" 2>/dev/null; do
    out=$("$program" --json validate --connect "$LVENV_URI" --all --summary)
    s=$?
    runs=$((runs + 1))
    if ! python3 -c '
import json, sys
recs = [json.loads(l) for l in sys.argv[1].splitlines()]
summary = recs[-1]["summary"]
assert summary["guests"] == len(recs) - 1 >= 40, summary
assert summary["error"] == sum(1 for r in recs[:-1] if "error" in r)
assert int(sys.argv[2]) == (2 if summary["error"] else 1)
' "$out" "$s" 2>"$work/churn.err"; then
        bad=$((bad + 1))
        cp "$work/churn.err" "$work/churn-bad.err"
    fi
    grep -q '"error":' <<<"$out" && vanished=$((vanished + 1))
done
wait "$churner"
t "fleet audit under churn: $runs runs, each complete with its summary ($vanished saw a vanished domain)" \
    eval '[ $bad -eq 0 ] && [ $runs -ge 3 ] || cat "$work/churn-bad.err"'

t "text: the summary line counts the guests" \
    eval '"$program" validate --connect "$LVENV_URI" --all |
          grep -qE "^4[0-9] guests: 0 pass, 4[0-9] fail, [0-9]+ not PV, 0 could not be checked$"'

t "LIBVIRT_DEFAULT_URI is honoured without --connect, as virsh does" \
    eval 'LIBVIRT_DEFAULT_URI=$LVENV_URI "$program" --json validate --all |
          grep -q "\"uri\":\"$LVENV_URI\",\"domain\":\"fleet-01\""'

# ---- the kernel of a remote URI --------------------------------------------------

head -c 8192 /dev/zero >"$work/not-se.img"
guest kernel-guest pv "$work/not-se.img"
t "local URI: the kernel is read and is no SE image" \
    eval '"$program" --json validate --connect "$LVENV_URI" kernel-guest | grep -q kernel-not-se-image'
# A URI with a host part is remote for virt-pv.  libvirt's ext transport
# runs a command as the connection: here one that relays to the private
# daemon's socket, so that "fleet-host" is this same daemon.
cat >"$work/relay" <<EOF
#!/usr/bin/env python3
import os, socket, threading
s = socket.socket(socket.AF_UNIX)
s.connect("$work/run/libvirt/libvirt-sock")
def up():
    while True:
        data = os.read(0, 65536)
        if not data:
            s.shutdown(socket.SHUT_WR)
            return
        s.sendall(data)
threading.Thread(target=up, daemon=True).start()
while True:
    data = s.recv(65536)
    if not data:
        break
    os.write(1, data)
EOF
chmod +x "$work/relay"
remote_uri="qemu+ext://fleet-host/system?command=$work/relay"
t "remote URI: the kernel is not read here, a note says so" \
    eval 'out=$("$program" --json validate --connect "$remote_uri" kernel-guest);
          grep -q "\"code\":\"kernel-unchecked\",\"severity\":\"note\".*remote libvirt host" <<<"$out" &&
          ! grep -q kernel-not-se-image <<<"$out" || { echo "$out"; false; }'

lvenv_virsh start --paused plain >/dev/null
t "status through a remote URI: QEMU's command line is not looked for here" \
    eval '"$program" status --connect "$remote_uri" --agent-timeout 1 plain |
          grep -q "qemu *not checked: QEMU runs on the remote host"'
t "status honours LIBVIRT_DEFAULT_URI too" \
    eval 'LIBVIRT_DEFAULT_URI=$LVENV_URI "$program" --json status --agent-timeout 1 plain |
          grep -q "\"uri\":\"$LVENV_URI\",\"domain\":\"plain\""'
lvenv_virsh destroy plain >/dev/null

# ---- several URIs at once ----------------------------------------------------------

# A second private daemon with guests of its own; the audit runs inside its
# environment and reaches both.
cat >"$work/second.sh" <<EOF
#!/usr/bin/env bash
set -eu
for i in 1 2 3; do
    sed -e "s|<name>fleet-01</name>|<name>other-\$i</name>|" "$work/fleet-01.xml" >"\$LVENV_DIR/o\$i.xml"
    virsh -q -c "\$LIBVIRT_DEFAULT_URI" define "\$LVENV_DIR/o\$i.xml" >/dev/null
done
"$program" --json validate -c "$LVENV_URI" -c "\$LIBVIRT_DEFAULT_URI" --all --summary >"$work/two.json" || true
echo "\$LIBVIRT_DEFAULT_URI" >"$work/second-uri"
EOF
chmod +x "$work/second.sh"
"$here/libvirtd-env.sh" "$work/second.sh" >"$work/second.log" 2>&1
t "two URIs at once: every guest of both, each record with its URI" \
    python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
first, second = sys.argv[2], open(sys.argv[3]).read().strip()
by_uri = {}
for r in recs[:-1]:
    by_uri.setdefault(r["uri"], []).append(r["domain"])
assert sorted(by_uri) == sorted([first, second]), by_uri.keys()
assert by_uri[second] == ["other-1", "other-2", "other-3"], by_uri[second]
assert len(by_uri[first]) >= 40
assert list(by_uri)[0] == first  # the URIs keep their order
assert recs[-1]["summary"]["guests"] == len(recs) - 1
' "$work/two.json" "$LVENV_URI" "$work/second-uri"

t "an unreachable URI is a record of its own, the other URI is audited" \
    eval 'out=$("$program" --json validate -c "qemu:///system?socket=$work/nowhere" -c "$LVENV_URI" fleet-01); s=$?;
          grep -q "\"ok\":false,\"error\":\"cannot connect to" <<<"$out" &&
          grep -q "\"domain\":\"fleet-01\",\"mode\"" <<<"$out" && [ $s -eq 2 ] || { echo "$out"; false; }'

# ---- Prometheus --------------------------------------------------------------------

mkdir -p "$work/textfile"
"$program" validate --connect "$LVENV_URI" --all --prometheus "$work/textfile/validate.prom" >/dev/null
lvenv_virsh start --paused plain >/dev/null
"$program" status --connect "$LVENV_URI" --all --agent-replies "$work/replies.json" \
    --prometheus "$work/textfile/status.prom" >/dev/null
t "validate and status write their metrics files" \
    test -s "$work/textfile/validate.prom" -a -s "$work/textfile/status.prom"
t "  no temporary file is left beside them" \
    eval '[ "$(ls -A "$work/textfile" | wc -l)" -eq 2 ]'
if command -v promtool >/dev/null; then
    t "promtool check metrics accepts validate's file" \
        eval 'promtool check metrics <"$work/textfile/validate.prom"'
    t "promtool check metrics accepts status's file" \
        eval 'promtool check metrics <"$work/textfile/status.prom"'
else
    tap_result 0 "# SKIP promtool is not installed"
fi

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL: until it answers, at most 10 s.
wait_http() {
    local i
    for i in $(seq 100); do
        curl -sf "$1" >/dev/null 2>&1 && return 0
        python3 -c 'import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)' "$1" \
            >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

fetch() {
    python3 -c 'import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' "$1"
}

if command -v prometheus-node-exporter >/dev/null && command -v prometheus >/dev/null; then
    ne_port=$(free_port)
    prometheus-node-exporter --web.listen-address="127.0.0.1:$ne_port" \
        --collector.disable-defaults --collector.textfile \
        --collector.textfile.directory="$work/textfile" >"$work/node-exporter.log" 2>&1 &
    helpers+=($!)
    prom_port=$(free_port)
    cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: virt-pv
    static_configs:
      - targets: ['127.0.0.1:$ne_port']
EOF
    timeout 60 prometheus --config.file="$work/prometheus.yml" \
        --web.listen-address="127.0.0.1:$prom_port" --storage.tsdb.path="$work/tsdb" \
        --storage.tsdb.retention.time=1h >"$work/prometheus.log" 2>&1 &
    helpers+=($!)
    wait_http "http://127.0.0.1:$ne_port/metrics"
    t "node_exporter's textfile collector serves the metrics without a parse error" \
        eval 'm=$(fetch "http://127.0.0.1:$ne_port/metrics");
              grep -q "^virt_pv_guest_protected{.*domain=\"pv-tcg\".*} 0" <<<"$m" &&
              grep -q "^node_textfile_scrape_error 0" <<<"$m" || { echo "$m" | grep -v "^#" | head -40; false; }'
    t "  the two files hold no series twice (node_exporter logs no collision)" \
        eval '! grep -q "collected before" "$work/node-exporter.log" || cat "$work/node-exporter.log"'
    query="http://127.0.0.1:$prom_port/api/v1/query?query=virt_pv_guest_protected%7Bdomain%3D%22pv-tcg%22%7D"
    scraped=1
    for _ in $(seq 150); do
        if fetch "$query" 2>/dev/null | grep -q '"value":\[[0-9.]*,"0"\]'; then
            scraped=0
            break
        fi
        sleep 0.2
    done
    tap_result "$scraped" "Prometheus on loopback scraped virt_pv_guest_protected{domain=\"pv-tcg\"} = 0" \
        "$(tail -n 20 "$work/prometheus.log")"
else
    t "without Prometheus here: the metrics are read directly" \
        grep -q '^virt_pv_guest_protected{.*domain="pv-tcg".*} 0$' "$work/textfile/status.prom"
fi

tap_done
