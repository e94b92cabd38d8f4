#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Secure Execution images cut short at every field of the header, in both
# layouts (found by scanning, found through the SeImgLnx metadata), and
# images shorter than a header: image-info names the file and the field the
# file ends in, and says it is not a usable SE image (exit 1); nothing is
# read past the end, nothing crashes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ht_init

# build_image FILE LAYOUT: two key slots, a 32-byte encrypted area; LAYOUT
# "scan" puts the header at page 1, "metadata" behind SeImgLnx at 0xC000.
# Prints the header's offset.
build_image() {
    python3 - "$1" "$2" <<'PY'
import struct, sys
path, layout = sys.argv[1], sys.argv[2]
slots, enc = 2, 32
size = 0x1A0 + slots * 80 + enc + 16
hdr = b"IBMSecEx" + struct.pack(">II", 0x100, size) + b"\x11" * 12 + bytes(4)
hdr += struct.pack(">QQQQ", slots, enc, 7, 0)
hdr += b"\x22" * (0x1A0 - len(hdr)) + b"\x33" * (size - 0x1A0)
if layout == "scan":
    at, img = 0x1000, bytearray(b"\x90" * 0x1000)
else:
    at = 0xC000 + 0x1000
    img = bytearray(b"\x90" * 0xC000)
    img += b"SeImgLnx" + struct.pack(">QIQ", at, 1, 0)
    img += b"\x90" * (at - len(img))
img += hdr
open(path, "wb").write(img)
print(at)
PY
}

# field start, field name as image-info names it (the fixed part of the
# header, then the variable part: key slots at 0x1A0, the encrypted area,
# the tag)
fields=(
    0 "no header found"
    8 "field 'version'"
    12 "field 'header size'"
    16 "field 'IV'"
    28 "field 'reserved'"
    32 "field 'number of key slots'"
    40 "field 'encrypted-area size'"
    48 "field 'number of encrypted pages'"
    56 "field 'plaintext control flags'"
    64 "field 'customer public key'"
    224 "field 'page list digest'"
    288 "field 'address list digest'"
    352 "field 'tweak list digest'"
    416 "the key slots"
    576 "the encrypted area"
    608 "the tag"
)

for layout in scan metadata; do
    full=$HT_DIR/$layout.img
    at=$(build_image "$full" "$layout")
    ht_run image-info "$full"
    ht_expect "$layout: the whole image is an SE image" 0
    cuts=0 bad=()
    for ((i = 0; i < ${#fields[@]}; i += 2)); do
        start=${fields[i]} name=${fields[i + 1]}
        # behind the metadata a missing magic is the metadata's fault
        [ "$layout.$start" = metadata.0 ] && name="the image metadata at 0xc000 points"
        # cut at the field's first byte and in its middle
        for cut in $((at + start)) $((at + start + 3)); do
            img=$HT_DIR/cut.img
            head -c "$cut" "$full" >"$img"
            ht_run image-info "$img"
            cuts=$((cuts + 1))
            if [ "$HT_STATUS" -ne 1 ] || ! grep -qF "'$img'" <<<"$HT_OUT$HT_ERR" ||
                ! grep -qF "$name" <<<"$HT_OUT$HT_ERR"; then
                bad+=("cut at $cut (header byte $((cut - at))): exit $HT_STATUS:" "$HT_OUT$HT_ERR")
            fi
        done
    done
    tap_result ${#bad[@]} "$layout: $cuts cuts, each names the file and the field it ends in, exit 1" \
        "${bad[@]}"
done

# the metadata block itself cut short
full=$HT_DIR/metadata.img
head -c $((0xC000 + 12)) "$full" >"$HT_DIR/meta-cut.img"
ht_run image-info "$HT_DIR/meta-cut.img"
ht_expect "metadata block cut short: exit 1" 1
ht_check "  says the file ends inside the metadata" \
    grep -qF "ends inside the image metadata" <<<"$HT_OUT$HT_ERR"

# an empty file, a one-byte file, a file of just the magic
: >"$HT_DIR/empty.img"
ht_run image-info "$HT_DIR/empty.img"
ht_expect "empty file: not an SE image, exit 1" 1
printf 'IBMSecEx' >"$HT_DIR/magic.img"
ht_run image-info "$HT_DIR/magic.img"
ht_expect "just the magic: damaged header, exit 1" 1
ht_check "  names field 'version'" grep -qF "field 'version'" <<<"$HT_OUT$HT_ERR"

# a FIFO is not waited on, a directory is refused
mkfifo "$HT_DIR/fifo.img"
ht_run image-info "$HT_DIR/fifo.img"
ht_expect "a FIFO: refused at once, exit 2" 2 "not a regular file"

# ... also when a domain names it as its kernel: validate (and the libvirt
# hook, where it exists) must not wait for a writer.
cat >"$HT_DIR/fifo-kernel.xml" <<XML
<domain type='kvm'>
  <name>fifo-kernel</name>
  <os>
    <type arch='s390x' machine='s390-ccw-virtio'>hvm</type>
    <kernel>$HT_DIR/fifo.img</kernel>
  </os>
  <launchSecurity type='s390-pv'/>
  <devices><memballoon model='none'/></devices>
</domain>
XML
HT_LIMIT_S=10 ht_run validate "$HT_DIR/fifo-kernel.xml"
ht_expect "validate a guest whose kernel is a FIFO: answers at once" 0
ht_check "  with a note that the kernel could not be checked" \
    grep -q "kernel-unchecked" <<<"$HT_OUT"
if "$HT_PROGRAM" hook --help >/dev/null 2>&1; then
    printf '[virt-pv]\ncheck_host = false\ncheck_qemu = false\n' >"$HT_DIR/virt-pv.conf"
    HT_LIMIT_S=10 ht_run --stdin "$HT_DIR/fifo-kernel.xml" \
        hook --config "$HT_DIR/virt-pv.conf" qemu fifo-kernel prepare begin -
    ht_expect "the hook on that guest: answers at once, lets it start" 0
fi

tap_done
