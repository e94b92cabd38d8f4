#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Hostile domain XML through validate (file and stdin) and fix: malformed
# documents, external entities and DTDs pointing at a FIFO the test watches
# and at a TCP listener the test owns (neither may ever be opened),
# billion laughs, a 10 MB attribute, deep nesting, a huge device list and
# an oversized file.  Each gets a clear error naming the file and line and
# exit 2 (or is handled), in bounded time and memory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ht_init
d=$HT_DIR

# ---- the watchers --------------------------------------------------------

# A FIFO whose writer, waiting in the background, notices the moment
# anybody opens it for reading: it then creates $d/fifo-opened.
mkfifo "$d/secret"
( exec 3>"$d/secret"; echo opened >"$d/fifo-opened" ) &
fifo_writer=$!
ht_on_exit "kill $fifo_writer 2>/dev/null; wait $fifo_writer 2>/dev/null"

# A TCP listener on 127.0.0.1 that logs every connection to $d/connections.
python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = s.accept()
    with open(sys.argv[2], "a") as log:
        log.write("connection\n")
    c.close()
' "$d/port" "$d/connections" &
listener=$!
ht_on_exit "kill $listener 2>/dev/null; wait $listener 2>/dev/null"
for _ in $(seq 100); do [ -f "$d/port" ] && break; sleep 0.05; done
port=$(cat "$d/port")
: >"$d/connections"
url="http://127.0.0.1:$port"

# ---- the documents -------------------------------------------------------

body="<domain type='kvm'>
  <name>hostile</name>
  <os><type arch='s390x' machine='s390-ccw-virtio'>hvm</type></os>
  <devices><memballoon model='none'/></devices>
</domain>"

printf '%s\n' "<domain type='kvm'>" "  <name>broken</name" "</domain>" >"$d/malformed.xml"
printf '%s\n' "<!DOCTYPE domain [<!ENTITY s SYSTEM 'file://$d/secret'>]>" \
    "<domain type='kvm'><name>&s;</name></domain>" >"$d/xxe-file.xml"
printf '%s\n' "<!DOCTYPE domain SYSTEM 'file://$d/secret'>" "$body" >"$d/dtd-file.xml"
printf '%s\n' "<!DOCTYPE domain [<!ENTITY % p SYSTEM 'file://$d/secret'> %p;]>" "$body" \
    >"$d/param-file.xml"
printf '%s\n' "<!DOCTYPE domain [<!ENTITY s SYSTEM '$url/entity'>]>" \
    "<domain type='kvm'><name>&s;</name></domain>" >"$d/xxe-net.xml"
printf '%s\n' "<!DOCTYPE domain SYSTEM '$url/domain.dtd'>" "$body" >"$d/dtd-net.xml"
printf '%s\n' "<!DOCTYPE domain [<!ENTITY % p SYSTEM '$url/param'> %p;]>" "$body" \
    >"$d/param-net.xml"
printf '%s\n' "<domain type='kvm' xmlns:xi='http://www.w3.org/2001/XInclude'>" \
    "  <name>xinclude</name>" "  <xi:include href='$url/include.xml'/>" \
    "  <xi:include href='file://$d/secret' parse='text'/>" "</domain>" >"$d/xinclude.xml"
python3 - "$d" <<'PY'
import sys
d = sys.argv[1]
lol = ["<!ENTITY lol0 'lol'>"] + [
    "<!ENTITY lol%d '%s'>" % (i, ("&lol%d;" % (i - 1)) * 10) for i in range(1, 10)]
with open(d + "/laughs.xml", "w") as f:
    f.write("<?xml version='1.0'?>\n<!DOCTYPE domain [\n%s\n]>\n"
            "<domain type='kvm'><name>&lol9;</name></domain>\n" % "\n".join(lol))
big = "a" * (10 * 1024 * 1024)
with open(d + "/attr-10m.xml", "w") as f:
    f.write("<domain type='kvm'>\n  <name>g</name>\n  <devices>\n"
            "    <disk type='%s'/>\n  </devices>\n</domain>\n" % big)
with open(d + "/attr-5m.xml", "w") as f:
    f.write("<domain type='kvm'>\n  <name>g</name>\n  <devices>\n"
            "    <disk type='%s'><target dev='vda'/></disk><memballoon model='none'/>\n"
            "  </devices>\n</domain>\n"
            % big[:5 * 1024 * 1024])
n = 100000
with open(d + "/deep.xml", "w") as f:
    f.write("<domain type='kvm'>\n<name>g</name>\n<metadata>%s%s</metadata>\n</domain>\n"
            % ("<x>" * n, "</x>" * n))
n = 200000
with open(d + "/devices.xml", "w") as f:
    f.write("<domain type='kvm'><name>g</name><devices>%s</devices></domain>\n"
            % ("<disk><source file='/a'/><target dev='vda'/></disk>" * n))
with open(d + "/oversized.xml", "w") as f:
    f.write("<domain type='kvm'><name>g</name><!-- %s --></domain>\n"
            % ("x" * (16 * 1024 * 1024)))
PY
printf "<pool type='dir'><name>p</name></pool>\n" >"$d/not-domain.xml"
: >"$d/empty.xml"
head -c 4096 /dev/urandom >"$d/garbage.xml"

# ---- the runs ------------------------------------------------------------

# expect_input_error FILE LINE: validate FILE, validate - <FILE, fix FILE
# and the hook on FILE each fail with exit 2 and "error: NAME:LINE: ..."
# on stderr.
expect_input_error() {
    local name=$1 line=$2 file=$d/$1
    ht_run validate "$file"
    ht_expect "validate $name: exit 2, names file and line" 2 "^error: $file:$line: "
    ht_run --stdin "$file" validate -
    ht_expect "validate - <$name: exit 2" 2 "^error: -:$line: "
    ht_run fix "$file"
    ht_expect "fix $name: exit 2" 2 "^error: $file:$line: "
    if [ -n "$hook" ]; then
        ht_run --stdin "$file" hook --config "$d/virt-pv.conf" qemu g prepare begin -
        ht_expect "hook <$name: the start is refused, exit 2" 2 "^error: -:$line: "
    fi
}

# The libvirt hook reads the same XML from stdin (where it exists).
hook=
if "$HT_PROGRAM" hook --help >/dev/null 2>&1; then
    hook=yes
    printf '[virt-pv]\n' >"$d/virt-pv.conf"
fi

expect_input_error malformed.xml 3
for f in xxe-file param-file xxe-net param-net; do
    expect_input_error "$f.xml" 1
done

# A DOCTYPE that only names an external DTD is harmless once the DTD is
# never loaded: the document is validated, and fix keeps the DOCTYPE.
for f in dtd-file dtd-net; do
    ht_run validate "$d/$f.xml"
    ht_expect "validate $f.xml: DTD not loaded, not PV, exit 0" 0
    ht_run fix "$d/$f.xml"
    ht_expect "fix $f.xml: repaired, exit 0" 0
    ht_check "  the DOCTYPE line is kept as it was" \
        test "$(head -n 1 <<<"$HT_OUT")" = "$(head -n 1 "$d/$f.xml")"
done

# Document text with line breaks quoted in a finding: the hook's stderr,
# which libvirt shows verbatim, keeps one finding per line.
if [ -n "$hook" ]; then
    printf '%s\n' "<domain type='kvm'><name>nl</name>" \
        "<os><type arch='s390x' machine='s390-ccw-virtio'>hvm</type></os>" \
        "<launchSecurity type='s390-pv'/><devices><emulator>/usr/bin/qemu-system-x86_64" \
        "injected: a line that is not a finding" \
        "</emulator><memballoon model='none'/></devices></domain>" >"$d/newline.xml"
    printf '[virt-pv]\ncheck_host = false\ncheck_qemu = false\n' >"$d/quiet.conf"
    ht_run --stdin "$d/newline.xml" hook --config "$d/quiet.conf" qemu nl prepare begin -
    ht_expect "hook on an <emulator> with line breaks: refused, exit 1" 1 "emulator-not-s390x"
    ht_check "  no line of its stderr starts with the injected text" \
        sh -c "! grep -q '^injected' '$d/.err'"
fi

# XInclude is not processed: the document is a domain like any other.
ht_run validate "$d/xinclude.xml"
ht_expect "xinclude.xml: the includes are left alone, validated as not PV" 0
ht_run fix "$d/xinclude.xml"
ht_expect "fix xinclude.xml: repaired, includes untouched" 0
ht_check "  the repaired XML still holds both xi:include elements" \
    test "$(grep -c '<xi:include' <<<"$HT_OUT")" -eq 2

ht_check "the watched FIFO was never opened" test ! -e "$d/fifo-opened"
ht_check "the TCP listener got no connection" test ! -s "$d/connections"

HT_LIMIT_S=10 HT_LIMIT_MB=64 expect_input_error laughs.xml 3
HT_LIMIT_MB=128 expect_input_error attr-10m.xml 4
ht_run validate "$d/attr-5m.xml"
HT_LIMIT_MB=128 ht_expect "5 MiB attribute: handled (not PV, exit 0)" 0
HT_LIMIT_S=10 HT_LIMIT_MB=64 expect_input_error deep.xml 3

# 200,000 devices: about a second in linear time; the quadratic xpaths of
# before took minutes here, and hours for the 2.4 million devices that fit
# under the size limit.
HT_LIMIT_S=60 ht_run validate --pv "$d/devices.xml"
HT_LIMIT_S=60 HT_LIMIT_MB=1024 ht_expect "200,000 devices: validated in bounded time, exit 1" 1

ht_run validate "$d/oversized.xml"
ht_expect "validate of a 16 MiB + 60 B file: refused, exit 2" 2 \
    "^error: '$d/oversized.xml' is larger than"
ht_run validate "$d/not-domain.xml"
ht_expect "validate of a <pool>: not a domain, exit 2" 2 "^error: $d/not-domain.xml:1: "
ht_run validate "$d/empty.xml"
ht_expect "validate of an empty file: exit 2" 2 "^error: $d/empty.xml:1: "
ht_run --stdin - validate -
ht_expect "validate - with stdin closed: exit 2" 2 "^error: "
ht_run validate "$d/garbage.xml"
ht_expect "validate of random bytes: exit 2" 2 "^error: $d/garbage.xml:[0-9]+: "

# The watchers work: opening the FIFO and connecting are noticed.
cat "$d/secret" >/dev/null
for _ in $(seq 100); do [ -e "$d/fifo-opened" ] && break; sleep 0.05; done
ht_check "control: the FIFO notices a reader" test -e "$d/fifo-opened"
exec 4<>"/dev/tcp/127.0.0.1/$port" && exec 4<&-
for _ in $(seq 100); do [ -s "$d/connections" ] && break; sleep 0.05; done
ht_check "control: the listener notices a connection" test -s "$d/connections"

tap_done
