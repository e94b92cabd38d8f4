#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# virt-pv speaks German under LANG=de_DE.UTF-8: its --help, its report on
# a host that cannot run protected guests, its findings on a broken guest,
# and its errors, with the exit statuses unchanged.  It runs the translations of the build tree
# (VIRT_PV_LOCALEDIR), so nothing has to be installed.
#
# The locale must exist (scripts/check generates it).  Without it the test
# is skipped, unless VIRT_PV_TEST_REQUIRE_LOCALE=1 says it must run.
set -uo pipefail

program=${VIRT_PV_PROGRAM:?}
srcdir=${VIRT_PV_TEST_SRCDIR:?}
: "${VIRT_PV_LOCALEDIR:?}"
export VIRT_PV_LOCALEDIR

# In a cross build (MESON_EXE_WRAPPER) virt-pv runs on the sysroot's C
# library and locales, which this machine's `locale -a` does not see:
# there the locale must be in the sysroot (scripts/s390x-sysroot puts a
# big-endian one there), and the test runs.
if [ -z "${MESON_EXE_WRAPPER:-}" ] && ! locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\?8'; then
    if [ "${VIRT_PV_TEST_REQUIRE_LOCALE:-0}" = 1 ]; then
        echo "Bail out! the locale de_DE.UTF-8 is missing (localedef -i de_DE -f UTF-8 de_DE.UTF-8)"
        exit 1
    fi
    echo "1..0 # SKIP the locale de_DE.UTF-8 is not installed"
    exit 0
fi

# shellcheck source=tests/tap.sh
. "$(dirname "$0")/tap.sh"
tap_command "$program"

# german EXPECTED-STATUS TITLE ARG...: run virt-pv in German; sets $out.
german() {
    local expected=$1 title=$2 status
    shift 2
    out=$(env -u LC_ALL -u LANGUAGE -u LC_MESSAGES LANG=de_DE.UTF-8 NO_COLOR=1 \
          "${TAP_COMMAND[@]}" "$@" 2>&1)
    status=$?
    [ "$status" -eq "$expected" ]
    tap_result $? "$title: exit status $status (expected $expected)" "$out"
}

# says TEXT...: the last output contains every TEXT.
says() {
    local text
    for text in "$@"; do
        grep -qF -- "$text" <<<"$out"
        tap_result $? "says '$text'" "$out"
    done
}

german 0 "virt-pv --help" --help
says "Befehle:" "Die Version ausgeben und beenden" "JSON statt Text ausgeben" \
    "--root=VERZ" "„virt-pv BEFEHL --help“ zeigt die Optionen eines Befehls."

german 0 "virt-pv host-validate --help" host-validate --help
says "--emulator=PFAD" "Prüfen, ob dieser Host geschützte Gäste (Secure Execution) ausführen kann"

german 1 "host-validate on an x86_64 host" --root "$srcdir/hostvalidatedata/x86_64" host-validate
# The check ids stay English: they are an interface.
says "arch-s390x" "der Host ist kein s390x: geschützte Gäste laufen nur auf IBM Z" \
    "Hinweis:" "Dieser Host kann keine geschützten Gäste ausführen."

german 1 "validate on a broken guest" validate "$srcdir/localedata/broken.xml"
# Codes and XPaths stay as they are; messages, hints and verdict are German.
says "Domäne „broken“, PV-Modus launch-security" "too-many-vcpus" "/domain/vcpu" \
    "ein geschützter Gast hat höchstens 247" "virtio-iommu-off" "Hinweis: entfernen Sie" \
    "FAIL (2 Fehler, 0 Warnungen, 0 Anmerkungen)"

german 2 "validate on a file that does not exist" validate /nonexistent/guest.xml
says "Fehler: „/nonexistent/guest.xml“ kann nicht geöffnet werden"

german 2 "an unknown command" no-such-command
says "Fehler: unbekannter Befehl „no-such-command“"

tap_done
