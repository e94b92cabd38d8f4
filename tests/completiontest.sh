#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Drive the generated bash completion the way bash does (COMP_WORDS,
# COMP_CWORD, the function that `complete -p virt-pv` names) and hold what
# it offers to the option tables of the binary (virt-pv --dump-options).
#
# Usage: completiontest.sh COMPLETION-FILE   (VIRT_PV_PROGRAM: the binary)
set -uo pipefail

completion=$1
program=${VIRT_PV_PROGRAM:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck source=tests/tap.sh
. "$(dirname "$0")/tap.sh"

# shellcheck disable=SC1090
. "$completion"

# offers WORD...: what completing the last WORD offers, sorted, one a line.
offers() {
    local func
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    func=$(complete -p virt-pv | sed -n 's/.*-F \([^ ]*\).*/\1/p')
    "$func" virt-pv "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | LC_ALL=C sort
}

# expect TITLE EXPECTED WORD...: the offer must be exactly EXPECTED.
expect() {
    local title=$1 expected actual
    expected=$(printf '%s\n' $2 | sed '/^$/d' | LC_ALL=C sort)
    shift 2
    actual=$(offers "$@")
    [ "$actual" = "$expected" ]
    tap_result $? "$title" "completing: $*" "expected: $(echo $expected)" \
        "offered:  $(echo $actual)"
}

tap_command "$program"
dump=$("${TAP_COMMAND[@]}" --dump-options) || { echo "Bail out! virt-pv --dump-options failed"; exit 1; }

# The tables, as the test reads them.
commands=()
codes=()
declare -A params=() options=() argkind=() metavar=()
while IFS=$'\t' read -r kind scope long short akind meta _; do
    case $kind in
    command)
        commands+=("$scope")
        params[$scope]=$long
        ;;
    finding) codes+=("$scope") ;;
    option)
        names=$long
        [ "$short" != - ] && names="$names $short"
        options[$scope]="${options[$scope]:-} $names"
        argkind[$scope $long]=$akind
        metavar[$scope $long]=$meta
        ;;
    esac
done <<<"$dump"
main_opts="${options[main]:-} ${options[global]:-}"
global_opts=${options[global]:-}

mkdir "$tmp/dir" && touch "$tmp/file.xml"
files_and_dirs="$tmp/dir $tmp/file.xml"

complete -p virt-pv | grep -q -- '-F '
tap_result $? "the file registers a completion function for virt-pv" \
    "$(complete -p virt-pv 2>&1)"

expect "an empty word offers every command" "${commands[*]}" virt-pv ""
expect "'-' before the command offers the main and global options" "$main_opts" virt-pv -
expect "a flag does not hide the command" "${commands[*]}" virt-pv -q ""
expect "an option's argument is not taken for the command" \
    "${commands[*]}" virt-pv --root "$tmp" ""

for cmd in "${commands[@]}"; do
    expect "'$cmd -' offers its own and the global options" \
        "${options[$cmd]:-} $global_opts" virt-pv "$cmd" -
    expect "'$cmd' after a global option still offers its options" \
        "${options[$cmd]:-} $global_opts" virt-pv --root "$tmp" "$cmd" -
    if [[ ${params[$cmd]} == *FILE* ]]; then
        expect "'$cmd' completes its FILE arguments as paths" "$files_and_dirs" \
            virt-pv "$cmd" "$tmp/"
    else
        expect "'$cmd' (params '${params[$cmd]}') offers nothing for arguments" "" \
            virt-pv "$cmd" "$tmp/"
    fi
done

# Every option that takes an argument: its value completes as its table
# entry says, both as '--opt VALUE' and as '--opt=VALUE'.
for key in "${!argkind[@]}"; do
    scope=${key%% *}
    long=${key#* }
    akind=${argkind[$key]}
    meta=${metavar[$key]}
    case $scope in
    main | global) words=(virt-pv "$long") ;;
    *) words=(virt-pv "$scope" "$long") ;;
    esac
    if [ "$akind" = none ] && [ ${#words[@]} -eq 2 ]; then
        expect "'${words[*]}' takes no argument: the command follows" \
            "${commands[*]}" "${words[@]}" ""
        continue
    elif [ "$akind" = none ]; then
        expected=""
        [[ ${params[$scope]} == *FILE* ]] && expected=$files_and_dirs
        expect "'${words[*]}' takes no argument: the command's arguments follow" \
            "$expected" "${words[@]}" "$tmp/"
        continue
    fi
    if [[ $meta == *"|"* ]]; then
        expected=${meta//|/ }
        prefix=""
    elif [ "$meta" = CODE ]; then
        expected=${codes[*]}
        prefix=""
    elif [ "$akind" = file ] && [[ $meta == *DIR ]]; then
        expected="$tmp/dir"
        prefix="$tmp/"
    elif [ "$akind" = file ]; then
        expected=$files_and_dirs
        prefix="$tmp/"
    else
        expected=""
        prefix=""
    fi
    expect "'${words[*]} ${meta}' completes its argument" "$expected" "${words[@]}" "$prefix"
    expect "'${words[*]}=${meta}' completes its argument" "$expected" "${words[@]}" = "$prefix"
done

! offers virt-pv --d | grep -q dump-options
tap_result $? "hidden options are not offered" "--dump-options was offered"

tap_done
