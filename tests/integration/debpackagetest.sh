#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the Debian package from a copy of the source tree in a temporary
# directory (dpkg-buildpackage -us -uc -b, which runs the unit suites),
# install it on this machine with apt-get, check what it installed, and
# purge it again so that the machine is left as it was.
#
# Usage: debpackagetest.sh SOURCE-ROOT
# Skipped (not failed) only where it cannot run: not root, no
# dpkg-buildpackage; and it installs nothing where a virt-pv package is
# installed already (it would be replaced, and the test must not change
# what it found).
set -uo pipefail

srcroot=$(cd "$1" && pwd)
# shellcheck source=tests/tap.sh
. "$srcroot/tests/tap.sh"

skip() {
    echo "1..0 # SKIP $1"
    exit 0
}
[ "$(id -u)" -eq 0 ] || skip "installing a package needs root"
command -v dpkg-buildpackage >/dev/null || skip "dpkg-buildpackage is missing (dpkg-dev)"
command -v flock >/dev/null || skip "flock is missing (util-linux)"

apt_get() {
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 -y -q "$@"
}

tmp=$(mktemp -d /tmp/virt-pv-deb.XXXXXX)
installed_by_us=0
cleanup() {
    if [ "$installed_by_us" = 1 ]; then
        apt_get purge virt-pv >/dev/null 2>&1 || dpkg --purge virt-pv >/dev/null 2>&1
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

version=$(sed -n "s/^ *version: *'\([^']*\)'.*/\1/p" "$srcroot/meson.build" | head -n 1)
changelog_version=$(cd "$srcroot" && dpkg-parsechangelog -S Version)
[ "$changelog_version" = "$version" ]
tap_result $? "debian/changelog ($changelog_version) has meson's version ($version)" \
    "Add a debian/changelog entry for $version (dch -v $version)."

# The source as git knows it (committed or not, but not ignored), or the
# whole tree without build directories where there is no git.
src=$tmp/virt-pv-$version
mkdir -p "$src"
if git -C "$srcroot" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$srcroot" && git ls-files -z --cached --others --exclude-standard |
        tar --null -T - -cf - 2>/dev/null) | tar -xf - -C "$src"
else
    tar -C "$srcroot" --exclude='./build*' --exclude=./.git -cf - . | tar -xf - -C "$src"
fi

# The outer meson test's variables must not leak into the inner one.
(cd "$src" && env -u VIRT_PV_PROGRAM -u VIRT_PV_TEST_SRCDIR -u VIRT_PV_LOCALEDIR \
    -u MESON_TESTTHREADS DEB_BUILD_OPTIONS="parallel=2" \
    timeout 600 dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1
status=$?
tap_result $status "dpkg-buildpackage -us -uc -b builds the package and passes its tests" \
    "$(tail -n 60 "$tmp/build.log")"
deb=$(ls "$tmp"/virt-pv_"$version"_*.deb 2>/dev/null | head -n 1)
if [ $status -ne 0 ] || [ -z "$deb" ]; then
    echo "Bail out! no package to install"
    exit 1
fi
grep -E '^ *[0-9]+/[0-9]+ .* (OK|SKIP|FAIL|ERROR) ' "$tmp/build.log" | sed 's/^/# build: /'

# Several checkouts may run this test on one machine at once: install,
# check and purge one at a time, and wait for other users of dpkg.
exec 9>/run/lock/virt-pv-debpackagetest.lock
if ! flock -w 300 9; then
    echo "Bail out! another run of this test held the lock for 300 s"
    exit 1
fi
if dpkg-query -W -f='${db:Status-Status}' virt-pv 2>/dev/null | grep -qx installed ||
    [ -e /usr/bin/virt-pv ]; then
    echo "# virt-pv is installed on this machine already; not replacing it"
    tap_done
    exit
fi

(cd "$tmp" && apt_get install --no-install-recommends "./$(basename "$deb")") >"$tmp/install.log" 2>&1
status=$?
[ $status -eq 0 ] && installed_by_us=1
tap_result $status "apt-get install ./$(basename "$deb")" "$(tail -n 30 "$tmp/install.log")"
grep -q 'restart libvirtd' "$tmp/install.log"
tap_result $? "installing says that libvirtd must be restarted to find the hook" \
    "$(tail -n 30 "$tmp/install.log")"

out=$(virt-pv --version 2>&1)
[ "$out" = "virt-pv $version" ]
tap_result $? "virt-pv --version says 'virt-pv $version'" "$out"

out=$(command -v virt-pv)
[ "$out" = /usr/bin/virt-pv ]
tap_result $? "virt-pv is /usr/bin/virt-pv" "command -v virt-pv: $out"

out=$(man -w virt-pv 2>&1)
[ "$out" = /usr/share/man/man1/virt-pv.1.gz ]
tap_result $? "man -w virt-pv finds the man page" "$out"

out=$(MANWIDTH=80 man virt-pv 2>&1 | grep -c 'EXIT STATUS')
[ "$out" -ge 1 ]
tap_result $? "the man page renders" "$(MANWIDTH=80 man virt-pv 2>&1 | head)"

completion=$(pkg-config --variable=completionsdir bash-completion 2>/dev/null ||
    echo /usr/share/bash-completion/completions)/virt-pv
out=$(bash -c ". '$completion' && complete -p virt-pv" 2>&1)
grep -q -- '-F _virt_pv virt-pv' <<<"$out"
tap_result $? "the bash completion is $completion and registers itself" "$out"

[ -f /usr/share/locale/de/LC_MESSAGES/virt-pv.mo ]
tap_result $? "the German catalog is installed" "$(dpkg -L virt-pv)"
if locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\?8'; then
    out=$(env -u LC_ALL -u LANGUAGE LANG=de_DE.UTF-8 virt-pv --help 2>&1)
    grep -q '^Befehle:' <<<"$out"
    tap_result $? "the installed virt-pv speaks German under LANG=de_DE.UTF-8" "$out"
fi

for page in s390_protected_virt libvirt_hook; do
    [ -f "/usr/share/doc/virt-pv/kbase/$page.html" ]
    tap_result $? "the knowledge-base page $page is installed as HTML" "$(dpkg -L virt-pv)"
done

# Everything meson installs must be in the package (the man page compressed).
builddir=$(ls -d "$src"/obj-* 2>/dev/null | head -n 1)
missing=$(meson introspect "$builddir" --installed 2>/dev/null | python3 -c '
import json, os, sys
for path in json.load(sys.stdin).values():
    if not (os.path.lexists(path) or os.path.lexists(path + ".gz")):
        print(path)')
[ -n "$builddir" ] && [ -z "$missing" ]
tap_result $? "every file meson installs is installed by the package" \
    "missing: ${missing:-(no meson build directory in $src)}"

# The hook and its configuration, once virt-pv has the hook command.
if virt-pv --dump-options | grep -q $'^command\thook\t'; then
    [ -x /etc/libvirt/hooks/qemu.d/virt-pv ]
    tap_result $? "the libvirt hook is /etc/libvirt/hooks/qemu.d/virt-pv" \
        "$(ls -l /etc/libvirt/hooks/qemu.d/ 2>&1)"
    [ -f /etc/virt-pv/virt-pv.conf ]
    tap_result $? "the hook's configuration is /etc/virt-pv/virt-pv.conf" \
        "$(dpkg -L virt-pv)"

    # Called exactly as libvirt calls it: positional arguments only (the
    # capability cache goes to /var/cache/virt-pv, which purge removes).
    hook=/etc/libvirt/hooks/qemu.d/virt-pv
    out=$(echo "<domain type='kvm'><name>plain</name></domain>" |
        "$hook" plain prepare begin - 2>&1)
    tap_result $? "the installed hook lets a guest that is not PV start" "$out"
    out=$("$hook" pv-guest-broken prepare begin - \
        <"$srcroot/examples/pv-guest-broken.xml" 2>&1)
    status=$?
    [ $status -eq 1 ] && grep -q 'virtio-iommu-off' <<<"$out"
    tap_result $? "the installed hook refuses a broken PV guest (exit $status)" "$out"
    # A guest named like an option is a guest name, not an option.
    out=$("$hook" --help prepare begin - <"$srcroot/examples/pv-guest-broken.xml" 2>&1)
    status=$?
    [ $status -eq 1 ] && grep -q "refuses to start '--help'" <<<"$out"
    tap_result $? "the installed hook refuses a broken PV guest named '--help' (exit $status)" \
        "$out"
    [ -d /var/cache/virt-pv ]
    tap_result $? "the hook keeps its capability cache in /var/cache/virt-pv" \
        "$(ls -ld /var/cache/virt-pv 2>&1)"

    # "apt-get remove" keeps configuration files, the hook wrapper among
    # them: with the program gone, guests must still start.
    apt_get remove virt-pv >"$tmp/remove.log" 2>&1
    tap_result $? "apt-get remove virt-pv" "$(tail -n 20 "$tmp/remove.log")"
    out=$("$hook" pv-guest-broken prepare begin - <"$srcroot/examples/pv-guest-broken.xml" 2>&1)
    status=$?
    [ -x "$hook" ] && [ ! -e /usr/bin/virt-pv ] && [ $status -eq 0 ] &&
        [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && grep -q 'not installed' <<<"$out"
    tap_result $? "after remove, the remaining hook lets guests start with one line of" \
        "explanation (exit $status)" "$out"
fi

apt_get purge virt-pv >"$tmp/purge.log" 2>&1
status=$?
[ $status -eq 0 ] && installed_by_us=0
tap_result $status "apt-get purge virt-pv" "$(tail -n 20 "$tmp/purge.log")"

left=$(ls -d /usr/bin/virt-pv /etc/virt-pv /etc/libvirt/hooks/qemu.d/virt-pv \
    /var/cache/virt-pv "$completion" /usr/share/man/man1/virt-pv.1.gz 2>/dev/null)
! dpkg-query -W -f='${db:Status-Status}' virt-pv 2>/dev/null | grep -qx installed &&
    [ -z "$left" ]
tap_result $? "nothing of the package is left behind" "left: $left"

tap_done
