#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The libvirt hook against a real libvirtd: s390x guests under TCG are
# defined and started through virsh in a private daemon (see
# libvirtd-env.sh) whose hooks directory holds virt-pv's hook.  Output is
# TAP.  Skipped, not failed, where a private daemon cannot run at all.
#
# The host is x86 and the guests run under TCG, so the configuration says
# what a user testing the same way would say:
#   ignore = not-kvm;host-no-pv;qemu-no-unpack
set -u

here=$(cd "$(dirname "$0")" && pwd)
program=${VIRT_PV_PROGRAM:?VIRT_PV_PROGRAM is not set}
# shellcheck source=tests/tap.sh
. "$here/../tap.sh"
# shellcheck source=tests/integration/libvirtd-env.sh
. "$here/libvirtd-env.sh"

lvenv_tap_require

lvenv_init
conf=$LVENV_DIR/virt-pv.conf
cache=$LVENV_DIR/virt-pv-cache
disk=$LVENV_DIR/disk.img
truncate -s 1M "$disk"

# libvirt runs hooks with a clean environment, so the wrapper names the
# configuration file and the capability cache of this test explicitly.
cat >"$LVENV_DIR/hook" <<EOF
#!/bin/sh
exec "$program" hook --config "$conf" --cache-dir "$cache" qemu "\$@"
EOF
lvenv_install_hook "$LVENV_DIR/hook"

set_conf() {
    printf '%s\n' "$@" >"$conf"
}
# Under TCG the only s390x CPU model is 'qemu' (libvirt would write it into
# the definition anyway), which cannot have unpack: cpu-model is expected
# too, and QEMU has no KVM here (qemu-no-kvm).  The codes are those the
# shipped configuration file suggests for TCG, so that its hint is tested.
srcdir=${VIRT_PV_TEST_SRCDIR:-$here/..}
tcg_ignore=$(sed -n 's/^# \(not-kvm;[a-z;-]*\)$/\1/p' "$srcdir/../tools/virt-pv.conf")
tcg_conf() {
    set_conf '[virt-pv]' "ignore = $tcg_ignore" "$@"
}

# guest NAME KIND: write $LVENV_DIR/NAME.xml.  KIND is
#   plain            no PV at all
#   pv-bad           metadata marker, virtio disk without iommu='on'
#   pv-good          metadata marker, iommu='on' on every virtio device
#   ls-bad           launchSecurity s390-pv, virtio disk with iommu='off'
#   ls-good          launchSecurity s390-pv
guest() {
    local name=$1 kind=$2 marker='' launch='' driver=''
    case $kind in
    pv-*)
        marker="<metadata><pv:protected xmlns:pv='urn:virt-pv:1'/></metadata>"
        ;;
    ls-*) launch="<launchSecurity type='s390-pv'/>" ;;
    esac
    case $kind in
    pv-good) driver="<driver name='qemu' type='raw' iommu='on'/>" ;;
    ls-bad) driver="<driver name='qemu' type='raw' iommu='off'/>" ;;
    *) driver="<driver name='qemu' type='raw'/>" ;;
    esac
    cat >"$LVENV_DIR/$name.xml" <<EOF
<domain type='qemu'>
  <name>$name</name>
  $marker
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='s390x' machine='s390-ccw-virtio'>hvm</type></os>
  <cpu mode='custom'><model>qemu</model></cpu>
  <devices>
    <emulator>/usr/bin/qemu-system-s390x</emulator>
    <disk type='file' device='disk'>
      $driver
      <source file='$disk'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <memballoon model='none'/>
  </devices>
  $launch
</domain>
EOF
}

define() {
    guest "$1" "$2"
    lvenv_virsh define "$LVENV_DIR/$1.xml" >/dev/null
}

# starts NAME: virsh start --paused succeeds; the guest is then destroyed.
starts() {
    local out
    if ! out=$(lvenv_virsh start --paused "$1" 2>&1); then
        echo "$out"
        return 1
    fi
    lvenv_virsh destroy "$1" >/dev/null 2>&1
    return 0
}

# refused NAME PATTERN...: virsh start fails through the hook and the
# error contains every PATTERN.  The error is kept in $LVENV_DIR/error.
refused() {
    local name=$1 pattern
    shift
    if lvenv_virsh start --paused "$name" >"$LVENV_DIR/error" 2>&1; then
        lvenv_virsh destroy "$name" >/dev/null 2>&1
        echo "'$name' started"
        return 1
    fi
    for pattern in "Hook script execution failed" "$@"; do
        if ! grep -qF -- "$pattern" "$LVENV_DIR/error"; then
            echo "'$pattern' missing from:"
            cat "$LVENV_DIR/error"
            return 1
        fi
    done
}

# refused_create NAME PATTERN: the same for virsh create --paused of a
# transient copy of NAME.
refused_create() {
    local name=$1-transient out
    sed "s|<name>$1</name>|<name>$name</name>|" "$LVENV_DIR/$1.xml" >"$LVENV_DIR/$name.xml"
    if out=$(lvenv_virsh create --paused "$LVENV_DIR/$name.xml" 2>&1); then
        lvenv_virsh destroy "$name" >/dev/null 2>&1
        echo "'$name' was created: $out"
        return 1
    fi
    grep -qF -- "$2" <<<"$out" || { echo "$out"; return 1; }
}

t() {
    tap_run "$@"
}

# The hook's audit trail goes to a journald of the daemon's namespace.
if [ -x /lib/systemd/systemd-journald ]; then
    LVENV_JOURNAL=1
fi
if ! lvenv_start; then
    echo "Bail out! the private libvirtd did not start"
    exit 1
fi
echo "# private libvirtd answered after ${LVENV_START_MS} ms"

tcg_conf
define pv-bad pv-bad
define pv-good pv-good
define plain plain
define secure-plain plain

t "a PV guest whose virtio disk lacks iommu='on' is refused" \
    refused pv-bad virtio-iommu-missing "iommu='on'"
echo "# virsh start pv-bad said:"
sed 's/^/#   /' "$LVENV_DIR/error"
t "the refusal comes from the hook's prepare step" \
    grep -qF "qemu.d/virt-pv pv-bad prepare begin -" "$LVENV_DIR/error"
t "the shipped TCG hint names codes ($tcg_ignore)" test -n "$tcg_ignore"

# journal_has NAME DECISION: the journal's last hook record for NAME has
# DECISION, the guest's UUID and the codes as fields.
journal_has() {
    local out uuid
    uuid=$(lvenv_virsh domuuid "$1" | sed '/^$/d')
    for _ in $(seq 40); do
        out=$(lvenv_journal -t virt-pv VIRT_PV_GUEST="$1" -o verbose -n 1 2>&1)
        grep -q "VIRT_PV_DECISION=$2" <<<"$out" && break
        sleep 0.05
    done
    grep -q "VIRT_PV_DECISION=$2" <<<"$out" && grep -q "VIRT_PV_UUID=$uuid" <<<"$out" &&
        grep -q "MESSAGE_ID=" <<<"$out" || { echo "$out"; return 1; }
}

# agrees NAME: validate --connect --config decides for NAME what the hook
# decided at its last start (its journal record).
agrees() {
    local hook validate
    hook=$(lvenv_journal -t virt-pv VIRT_PV_GUEST="$1" -o json -n 1 |
        python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["VIRT_PV_DECISION"])')
    validate=$("$program" --json validate --connect "$LVENV_URI" --config "$conf" \
        --cache-dir "$cache" "$1" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["decision"])')
    [ -n "$hook" ] && [ "$hook" = "$validate" ] || { echo "hook: $hook, validate: $validate"; return 1; }
}

if [ "${LVENV_JOURNAL:-0}" = 1 ]; then
    t "the refusal is in the journal once, with decision, UUID and codes" journal_has pv-bad refuse
    echo "# the journal's record of it:"
    lvenv_journal -t virt-pv VIRT_PV_GUEST=pv-bad -o verbose -n 1 | sed 's/^/#   /'
    t "  and journalctl -t virt-pv shows it in one line" \
        eval 'lvenv_journal -t virt-pv -p err | grep -q "start of guest .pv-bad. refused"'
    t "validate --config decides for pv-bad what the hook decided" agrees pv-bad
fi
t "virsh create --paused of the same definition is refused too" \
    refused_create pv-bad virtio-iommu-missing
t "a PV guest with iommu='on' on every virtio device starts under TCG" starts pv-good
t "a guest that is not PV starts" starts plain
if [ "${LVENV_JOURNAL:-0}" = 1 ]; then
    t "the allowed start is in the journal too" journal_has pv-good allow
    t "  and the unchecked one" journal_has plain pass
    t "validate --config decides for pv-good what the hook decided" agrees pv-good
    t "validate --config decides for plain what the hook decided" agrees plain
fi

# same_findings NAME: validate --connect on the defined domain reports what
# validate reports on the file it was defined from.
same_findings() {
    local from_file from_libvirt strip='s/^{"file":"[^"]*",\("uri":"[^"]*",\)\{0,1\}//'
    from_file=$("$program" --json validate "$LVENV_DIR/$1.xml" | sed "$strip")
    from_libvirt=$("$program" --json validate --connect "$LVENV_URI" "$1" | sed "$strip")
    if [ -z "$from_file" ] || [ "$from_file" != "$from_libvirt" ]; then
        printf 'file:    %s\nlibvirt: %s\n' "$from_file" "$from_libvirt"
        return 1
    fi
}

# validate_all: --all validates every defined domain, one JSON line each,
# and exits 1 because pv-bad has errors.
validate_all() {
    local out status=0 defined
    out=$("$program" --json validate --connect "$LVENV_URI" --all) || status=$?
    defined=$(lvenv_virsh list --all --name | sed '/^$/d' | wc -l)
    [ "$status" -eq 1 ] && [ "$(wc -l <<<"$out")" -eq "$defined" ] &&
        grep -q '"domain":"pv-bad".*virtio-iommu-missing' <<<"$out" || {
        echo "status $status, $defined defined: $out"
        return 1
    }
}

t "validate --connect finds in pv-bad what validate finds in its file" same_findings pv-bad
t "validate --connect agrees on pv-good" same_findings pv-good
t "validate --connect agrees on a guest that is not PV" same_findings plain
t "validate --connect --all validates every defined domain" validate_all
t "validate --connect names a domain that does not exist" \
    eval '"$program" validate --connect "$LVENV_URI" no-such-guest 2>&1 >/dev/null |
          grep -q "no-such-guest"; [ "${PIPESTATUS[0]}" -eq 2 ]'

tcg_conf 'require_pv = secure-*'
t "require_pv refuses a matching guest that is not PV" refused secure-plain pv-required
t "require_pv leaves guests that do not match alone" starts plain
t "require_pv lets a matching PV guest through" \
    eval 'guest secure-pv pv-good && lvenv_virsh define "$LVENV_DIR/secure-pv.xml" >/dev/null &&
          starts secure-pv'

if [ "${LVENV_JOURNAL:-0}" = 1 ]; then
    t "validate --config decides for secure-plain what the hook decided" agrees secure-plain
fi

tcg_conf 'enforce = false' 'require_pv = secure-*'
t "enforce=false lets the broken PV guest start" starts pv-bad
t "enforce=false lets the require_pv guest start" starts secure-plain
if [ "${LVENV_JOURNAL:-0}" = 1 ]; then
    t "enforce=false: the journal says allowed despite errors, at warning" \
        eval 'journal_has pv-bad warn && lvenv_journal -t virt-pv -p warning..warning |
              grep -q "pv-bad. allowed despite errors"'
    t "validate --config decides for pv-bad what the hook decided (warn)" agrees pv-bad
fi
t "enforce=false still reports the findings on stderr" \
    eval '"$program" hook --config "$conf" --cache-dir "$cache" qemu pv-bad prepare begin - \
          <"$LVENV_DIR/pv-bad.xml" 2>&1 | grep -qF virtio-iommu-missing'

set_conf '[virt-pv]' 'enforce = maybe'
t "a malformed configuration refuses PV guests, naming file and line" \
    refused pv-good "$conf:2:"
t "a malformed configuration lets guests that are not PV start" starts plain

tcg_conf
t "stop, release and other operations pass whatever the guest" \
    eval '"$program" hook --config "$conf" qemu pv-bad started begin - <"$LVENV_DIR/pv-bad.xml" &&
          "$program" hook --config "$conf" qemu pv-bad release end - </dev/null'

# Will the image boot on this host?  The hook reads a faked z16 host below
# --root whose Ultravisor publishes the hash of a P-521 key made here
# (scripts/demo-host-fit), and guests boot SE images built for another
# machine's key or for this host's.  The kernel is read below the root by
# virt-pv and at its own path by QEMU, so each image is at both places.
fit=$LVENV_DIR/fit
# hook_wrapper [ARG...]: install the hook with virt-pv's global options
# ARG (libvirt runs the file anew at every start).
hook_wrapper() {
    printf '#!/bin/sh\nexec "%s" %s hook --config "%s" --cache-dir "%s" qemu "$@"\n' \
        "$program" "$*" "$conf" "$cache" >"$LVENV_DIR/hook"
    lvenv_install_hook "$LVENV_DIR/hook"
}
if "$here/../../scripts/demo-host-fit" "$fit" >"$LVENV_DIR/fit.log" 2>&1; then
    mkdir -p "$fit/root$fit"
    for img in built-for-other built-for-this; do
        cp "$fit/root/boot/$img.img" "$fit/$img.img"
        cp "$fit/root/boot/$img.img" "$fit/root$fit/$img.img"
        guest "$img" pv-good
        sed -i "s|hvm</type></os>|hvm</type><kernel>$fit/$img.img</kernel></os>|" \
            "$LVENV_DIR/$img.xml"
        lvenv_virsh define "$LVENV_DIR/$img.xml" >/dev/null
    done
    hook_wrapper --root "$fit/root"
    tcg_conf "host_key_documents = $fit/this-host.crt"
    t "a guest whose SE image is for another machine's host key is refused" \
        refused built-for-other kernel-wrong-host-key "$fit/this-host.crt"
    echo "# virsh start built-for-other said:"
    sed 's/^/#   /' "$LVENV_DIR/error"
    t "a guest whose SE image is for this host's key starts" starts built-for-this
    hook_wrapper
else
    tap_result 1 "the faked host with host keys (scripts/demo-host-fit)" "$(cat "$LVENV_DIR/fit.log")"
fi

# refused_by_qemu NAME PATTERN: the hook let the start through, QEMU
# itself failed (this QEMU cannot run protected guests).
refused_by_qemu() {
    local out
    if out=$(lvenv_virsh start --paused "$1" 2>&1); then
        lvenv_virsh destroy "$1" >/dev/null 2>&1
        echo "'$1' started"
        return 1
    fi
    if grep -qF "Hook script" <<<"$out" || ! grep -qF -- "$2" <<<"$out"; then
        echo "$out"
        return 1
    fi
}

# Not through t: the daemon must be restarted by this shell, not a subshell.
# launchSecurity guests reach the hook only once libvirt's capabilities
# claim PV support for this QEMU.
lvenv_claim_pv_caps >"$LVENV_DIR/claim.log" 2>&1
claimed=$?
tap_result "$claimed" "libvirt's capability cache edited to claim PV support" \
    "$(cat "$LVENV_DIR/claim.log")"
if [ "$claimed" -eq 0 ]; then
    tcg_conf
    define ls-bad ls-bad
    define ls-good ls-good
    t "a launchSecurity guest with iommu='off' is refused" refused ls-bad virtio-iommu-off
    echo "# virsh start ls-bad said:"
    sed 's/^/#   /' "$LVENV_DIR/error"
    t "a good launchSecurity guest fails on this QEMU's lack of PV, not on the hook" \
        refused ls-good qemu-no-pv
    set_conf '[virt-pv]' "ignore = $tcg_ignore;qemu-no-pv"
    t "with qemu-no-pv ignored, the hook passes it and QEMU refuses the object" \
        refused_by_qemu ls-good s390-pv-guest
fi

# Everything started here must be gone after the teardown.
daemon=$(cat "$LVENV_DIR/libvirtd.pid")
lvenv_stop
t "the daemon ($daemon) is gone after the teardown" eval '! kill -0 "$daemon" 2>/dev/null'

tap_done
