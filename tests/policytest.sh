#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `validate --config` decides as the hook does: for every configuration
# of tests/hookdata (the malformed one aside) and every faked host of
# tests/hostvalidatedata named below, the hook is run on each guest of
# tests/hookdata, and one `validate --config --json` over all of them
# must report the same decision per guest.  The hook's decision is read
# from its audit record (on stderr: the faked host has no dev/log) and
# its exit status.
set -u

here=$(cd "$(dirname "$0")" && pwd)
program=${VIRT_PV_PROGRAM:?VIRT_PV_PROGRAM is not set}
# shellcheck source=tests/tap.sh
. "$here/tap.sh"
# The binary behind the exe_wrapper of a cross build (tap_command).
tap_command "$program"
cd "$here" || exit 1

guests=(pv-good pv-bad plain)
roots=(s390x-pv-ok x86_64 s390x-prot-virt-off)

# hook_decision ROOT CONF GUEST: pass, allow, warn or refuse, from the
# audit record; "inconsistent" when the exit status disagrees with it.
hook_decision() {
    local err status decision
    err=$("${TAP_COMMAND[@]}" --root "hostvalidatedata/$1" hook --config "$2" qemu "$3" prepare begin - \
        <"hookdata/$3.xml" 2>&1 >/dev/null)
    status=$?
    case $err in
    *"start of guest '$3' allowed unchecked"*) decision=pass ;;
    *"start of guest '$3' allowed despite errors"*) decision=warn ;;
    *"start of guest '$3' allowed ("*) decision=allow ;;
    *"start of guest '$3' refused"*) decision=refuse ;;
    *) decision="none: $err" ;;
    esac
    if { [ "$decision" = refuse ] && [ "$status" -ne 1 ]; } ||
        { [ "$decision" != refuse ] && [ "$status" -ne 0 ]; }; then
        decision="inconsistent ($decision, exit $status)"
    fi
    echo "$decision"
}

# validate_decisions ROOT CONF: "guest decision" per line.
validate_decisions() {
    local files=() g
    for g in "${guests[@]}"; do files+=("hookdata/$g.xml"); done
    "${TAP_COMMAND[@]}" --root "hostvalidatedata/$1" --json validate --config "$2" "${files[@]}" |
        python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print(r["domain"], r.get("decision", "missing"))'
}

compared=0
for conf in hookdata/*.conf; do
    case $conf in *malformed*) continue ;; esac
    for root in "${roots[@]}"; do
        expected=
        for g in "${guests[@]}"; do
            expected+="$g $(hook_decision "$root" "$conf" "$g")"$'\n'
        done
        got=$(validate_decisions "$root" "$conf")
        [ "$got" = "${expected%$'\n'}" ]
        tap_result $? "$(basename "$conf" .conf) on $root: validate --config decides as the hook" \
            "hook:" "$expected" "validate --config:" "$got"
        compared=$((compared + 1))
    done
done

# --hook-policy is --config with the installed file (the build's
# SYSCONFDIR; a missing file means the defaults, as for the hook).
# A cache of the test's own: the installed file may have check_qemu on.
cache=$(mktemp -d "${TMPDIR:-/tmp}/virt-pv-policytest.XXXXXX")
trap 'rm -rf "$cache"' EXIT
sysconfdir=$(sed -n 's/^#define SYSCONFDIR "\(.*\)"$/\1/p' "$(dirname "$program")/../config.h")
installed=$("${TAP_COMMAND[@]}" --root hostvalidatedata/s390x-pv-ok --json validate --config \
    "$sysconfdir/virt-pv/virt-pv.conf" --cache-dir "$cache" hookdata/pv-good.xml \
    hookdata/plain.xml 2>&1)
policy=$("${TAP_COMMAND[@]}" --root hostvalidatedata/s390x-pv-ok --json validate --hook-policy \
    --cache-dir "$cache" hookdata/pv-good.xml hookdata/plain.xml 2>&1)
[ -n "$sysconfdir" ] && [ "$installed" = "$policy" ] && grep -q '"decision":' <<<"$policy"
tap_result $? "--hook-policy decides with $sysconfdir/virt-pv/virt-pv.conf" "$installed" "$policy"

# The decisions compared are not all alike: every kind occurs.
all=$(for conf in hookdata/*.conf; do
    case $conf in *malformed*) continue ;; esac
    for root in "${roots[@]}"; do validate_decisions "$root" "$conf"; done
done | cut -d' ' -f2 | sort -u | tr '\n' ' ')
[ "$all" = "allow pass refuse warn " ]
tap_result $? "the $compared comparisons cover pass, allow, warn and refuse" "got: $all"

tap_done
