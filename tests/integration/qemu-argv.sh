#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every golden argv of tests/qemuxml2argvdata/*.args, started by the real
# qemu-system-s390x: QEMU must accept every option and every device, and
# answer query-status with "prelaunch" (the argv carries -S).
#
# The argv is for a KVM host with Secure Execution; here runs Debian's
# x86 build under TCG, so the test changes what only such a host has:
#   -accel kvm                     -> -accel tcg
#   -cpu host                      -> -cpu max
#   -cpu MODEL,feat=on|off...      -> -cpu max,feat=off... (TCG has none of
#                                     the named models; QEMU still rejects
#                                     a feature name it does not know)
#   -object s390-pv-guest,id=lsec0 -> dropped, and the machine's
#                                     confidential-guest-support with it
#                                     (the object exists only with KVM)
#   -netdev tap,fd=@tapfd0@...     -> -netdev user (the fd comes from libvirt)
#   image files, devices, sockets  -> files in a temporary directory
#                                     (qcow2 where the format node says so)
#   rng-random filename            -> /dev/urandom
#   -m SIZE                        -> -m 256 (with -overcommit mem-lock=on
#                                     QEMU locks all of it, which is slow
#                                     and not what is tested here)
#   -kernel, -initrd               -> 64 KiB files of zeros (QEMU loads
#                                     them before -S stops the guest)
#   vhost-vsock-ccw                -> dropped when /dev/vhost-vsock is
#                                     missing (it opens the host device)
#   -machine s390-ccw-virtio-X.Y   -> s390-ccw-virtio when this QEMU is
#                                     older than X.Y (cases made with the
#                                     capabilities of a newer QEMU)
#   -run-with async-teardown=...   -> dropped when this QEMU has no
#                                     -run-with (older than 8.1)
#   -device ...,loadparm=X         -> loadparm dropped when this QEMU's
#                                     ccw devices lack it (QEMU < 9.2)
#   -device vfio-ccw|vfio-ap,...   -> dropped: the mediated device exists
#                                     only on an s390x host
# QMP talks over stdio; every QEMU run is bounded by a timeout.
set -uo pipefail

srcdir=${VIRT_PV_TEST_SRCDIR:-$(dirname "$0")/..}
qemu=${VIRT_PV_QEMU:-qemu-system-s390x}
timeout_s=${VIRT_PV_QEMU_TIMEOUT:-30}

if ! command -v "$qemu" >/dev/null 2>&1 || ! command -v qemu-img >/dev/null 2>&1; then
    echo "1..0 # SKIP $qemu or qemu-img is not installed"
    exit 0
fi

# The machine types this QEMU knows, one per line.
MACHINES=$("$qemu" -machine help | awk 'NR > 1 { print $1 }')
# Whether it has -run-with (QEMU 8.1).
RUN_WITH=no
if "$qemu" -help | grep -q -- '^-run-with'; then
    RUN_WITH=yes
fi
# Whether its ccw devices take a loadparm (QEMU 9.2).
HAS_DEVICE_LOADPARM=no
"$qemu" -device virtio-blk-ccw,help 2>/dev/null | grep -q 'loadparm=' && HAS_DEVICE_LOADPARM=yes

tmp=$(mktemp -d "${TMPDIR:-/tmp}/virt-pv-argv.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$srcdir/tap.sh"

# The golden file holds one shell word per line, quoted by virt-pv.
read_args() {
    local line
    ARGS=()
    while IFS= read -r line; do
        eval "ARGS+=($line)"
    done <"$1"
}

# The format node of every storage node: qcow2 images must be made as such.
declare -A FORMATS
scan_formats() {
    local arg re='(^|,)driver=([a-z0-9]+),file=(libvirt-[0-9]+-storage)(,|$)'
    FORMATS=()
    for arg in "${ARGS[@]}"; do
        if [[ $arg =~ $re ]]; then
            FORMATS[${BASH_REMATCH[3]}]=${BASH_REMATCH[2]}
        fi
    done
}

# make_image NODE DIR ESCAPED-NAME: the image keeps the file name of the
# original (commas doubled on the command line), so that QEMU sees the
# spaces, quotes and commas of the golden argv.
make_image() {
    local node=$1 dir=$2 name=$3 format=${FORMATS[$1]:-raw}
    mkdir -p "$dir/$node"
    qemu-img create -q -f "$format" "$dir/$node/${name//,,/,}" 16M
}

# Rewrite one option's value; prints the new value, or nothing to drop
# the option.
rewrite() {
    local option=$1 value=$2 dir=$3 re
    case $option in
    -accel)
        echo tcg ;;
    -m)
        echo 256 ;;
    -cpu)
        rewrite_cpu "$value" ;;
    -machine)
        value=${value/,confidential-guest-support=lsec0/}
        if ! grep -qx "${value%%,*}" <<<"$MACHINES"; then
            value=s390-ccw-virtio${value#"${value%%,*}"}
        fi
        echo "$value" ;;
    -object)
        case $value in
        s390-pv-guest,*) ;;
        rng-random,*) echo "${value%%,filename=*},filename=/dev/urandom" ;;
        *) echo "$value" ;;
        esac ;;
    -netdev)
        re='^tap,.*(,id=hostnet[0-9]+)$'
        if [[ $value =~ $re ]]; then
            echo "user${BASH_REMATCH[1]}"
        else
            echo "$value"
        fi ;;
    -blockdev)
        re='^driver=(file|host_device),filename=(.*/)?([^/]*),node-name=(libvirt-[0-9]+-storage)(,.*)?$'
        if [[ $value =~ $re ]]; then
            local name=${BASH_REMATCH[3]} node=${BASH_REMATCH[4]} rest=${BASH_REMATCH[5]}
            make_image "$node" "$dir" "$name" || return 1
            echo "driver=file,filename=$dir/$node/$name,node-name=$node$rest"
        else
            echo "$value"
        fi ;;
    -chardev)
        rewrite_chardev "$value" "$dir" ;;
    -kernel | -initrd)
        head -c 65536 /dev/zero >"$dir/${option#-}" || return 1
        echo "$dir/${option#-}" ;;
    -run-with)
        if [ "$RUN_WITH" = yes ]; then
            echo "$value"
        fi ;;
    -device)
        if [[ $value == vhost-vsock-ccw,* && ! -e /dev/vhost-vsock ]]; then
            :
        elif [[ $value == vfio-ccw,* || $value == vfio-ap,* ]]; then
            :
        elif [ "$HAS_DEVICE_LOADPARM" = no ]; then
            sed -E 's/,loadparm=[^,]*//' <<<"$value"
        else
            echo "$value"
        fi ;;
    *)
        echo "$value" ;;
    esac
}

rewrite_cpu() {
    local value=$1 out=max feature
    case $value in
    host | max) echo max; return ;;
    esac
    IFS=, read -r -a parts <<<"$value"
    for feature in "${parts[@]:1}"; do
        out+=",${feature%%=*}=off"
    done
    echo "$out"
}

# Sockets and files of character devices go to the temporary directory.
rewrite_chardev() {
    local value=$1 dir=$2 suffix='' re='^(socket|file),id=([^,]+),path=.*$'
    if [[ $value == *,server=on,wait=off ]]; then
        suffix=,server=on,wait=off
        value=${value%"$suffix"}
    fi
    if [[ $value =~ $re ]]; then
        echo "${BASH_REMATCH[1]},id=${BASH_REMATCH[2]},path=$dir/${BASH_REMATCH[2]}$suffix"
    else
        echo "$value$suffix"
    fi
}

# Options that take a value, as virt-pv writes them.
takes_value() {
    case $1 in
    -name | -machine | -accel | -cpu | -m | -smp | -uuid | -display | -chardev | -mon | \
        -blockdev | -device | -netdev | -object | -kernel | -initrd | -append | \
        -overcommit | -run-with | -watchdog-action) return 0 ;;
    esac
    return 1
}

run_case() {
    local args_file=$1 name dir i option value new
    name=$(basename "$args_file" .args)
    dir=$tmp/$name
    mkdir -p "$dir"
    NOTES=''
    read_args "$args_file"
    scan_formats

    QEMU_ARGV=("$qemu")
    for ((i = 1; i < ${#ARGS[@]}; i++)); do
        option=${ARGS[$i]}
        if ! takes_value "$option"; then
            QEMU_ARGV+=("$option")
            continue
        fi
        value=${ARGS[$((i + 1))]}
        i=$((i + 1))
        new=$(rewrite "$option" "$value" "$dir") || return 1
        if [ "$option" = -machine ] && [ "${new%%,*}" != "${value%%,*}" ]; then
            NOTES+="${NOTES:+; }machine ${value%%,*} is unknown to this QEMU, ${new%%,*} used"
        fi
        [ -n "$new" ] && QEMU_ARGV+=("$option" "$new")
    done
    if [ "$HAS_DEVICE_LOADPARM" = no ] && printf '%s\n' "${ARGS[@]}" | grep -q '^[a-z-]*-ccw,.*,loadparm='; then
        NOTES+="${NOTES:+; }device loadparm left out: this QEMU does not have it"
    fi
    if printf '%s\n' "${ARGS[@]}" | grep -q '^vfio-\(ccw\|ap\),'; then
        NOTES+="${NOTES:+; }mediated devices left out: they exist only on an s390x host"
    fi
    if [[ " ${ARGS[*]} " == *" vhost-vsock-ccw,"* && ! -e /dev/vhost-vsock ]]; then
        NOTES+="${NOTES:+; }vhost-vsock-ccw left out: there is no /dev/vhost-vsock on this host"
    fi
    if [[ " ${ARGS[*]} " == *" -run-with "* && $RUN_WITH = no ]]; then
        NOTES+="${NOTES:+; }-run-with left out: this QEMU is older than 8.1"
    fi


    printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"query-status"}' \
        '{"execute":"quit"}' |
        timeout "$timeout_s" "${QEMU_ARGV[@]}" -qmp stdio >"$dir/qmp.out" 2>"$dir/qemu.err"
    local status=$?
    if [ $status -eq 0 ] && grep -q '"status": "prelaunch"' "$dir/qmp.out"; then
        return 0
    fi
    FAILURE=("QEMU exited with status $status:" "$(cat "$dir/qemu.err")"
        "argv: ${QEMU_ARGV[*]}")
    return 1
}

for args_file in "$srcdir"/qemuxml2argvdata/*.args; do
    name=$(basename "$args_file" .args)
    FAILURE=()
    run_case "$args_file"
    status=$?
    [ -n "$NOTES" ] && echo "# $name: $NOTES"
    tap_result $status "$name reaches prelaunch in $(basename "$qemu")" "${FAILURE[@]}"
    rm -rf "${tmp:?}/$name"
done
tap_done
