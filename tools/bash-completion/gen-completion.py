#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write virt-pv's bash completion from the option tables of the binary.

Usage: gen-completion.py OPTIONS OUTPUT

OPTIONS is what `virt-pv --dump-options` printed (tools/virt-pv-options.c
describes the format); the build writes it with the built binary, through
the cross build's exe_wrapper where there is one.  So the completion
offers exactly the commands and options the code has.  How an option's argument completes follows from the
table: a FILENAME argument completes paths (directories only when its
metavar ends in DIR), a metavar of the form a|b|c offers those words, the
metavar CODE offers the finding codes, and anything else offers nothing.  A command's positional arguments complete
paths when its parameter string mentions FILE.
"""

import os
import sys


def read_tables(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    commands, options, codes = [], [], []
    for line in text.splitlines():
        fields = [None if f == "-" else f for f in line.split("\t")]
        if fields[0] == "command":
            commands.append({"name": fields[1], "params": fields[2] or ""})
        elif fields[0] == "finding":
            codes.append(fields[1])
        elif fields[0] == "option":
            options.append({"scope": fields[1], "long": fields[2], "short": fields[3],
                            "kind": fields[4], "metavar": fields[5] or ""})
        else:
            sys.exit(f"gen-completion: unknown record in --dump-options: {line!r}")
    if not commands:
        sys.exit("gen-completion: --dump-options listed no commands")
    return commands, options, codes


def arg_completion(option, codes):
    """none, file, dir, word, or 'choice A B C'."""
    if option["kind"] == "none":
        return "none"
    metavar = option["metavar"]
    if "|" in metavar:
        return "choice " + " ".join(metavar.split("|"))
    if metavar == "CODE" and codes:
        return "choice " + " ".join(codes)
    if option["kind"] == "file":
        return "dir" if metavar.endswith("DIR") else "file"
    return "word"


def names(option):
    return [n for n in (option["long"], option["short"]) if n]


def quote(words):
    return "'" + " ".join(words) + "'"


def generate(commands, options, codes):
    scoped = {}
    for opt in options:
        scoped.setdefault(opt["scope"], []).append(opt)
    main = [n for o in scoped.get("main", []) + scoped.get("global", []) for n in names(o)]
    common = [n for o in scoped.get("global", []) for n in names(o)]

    out = []
    w = out.append
    w("# bash completion for virt-pv                                 -*- shell-script -*-")
    w("# SPDX-License-Identifier: GPL-2.0-or-later")
    w("# Generated from `virt-pv --dump-options` by tools/bash-completion/gen-completion.py;")
    w("# edit the option tables in tools/, not this file.")
    w("")
    w("_virt_pv_commands=" + quote(c["name"] for c in commands))
    w("# Options before the command's name, and options every command accepts.")
    w("_virt_pv_main_options=" + quote(main))
    w("_virt_pv_global_options=" + quote(common))
    w("")
    w("# _virt_pv_command_options COMMAND: the options of COMMAND")
    w("_virt_pv_command_options()")
    w("{")
    w("    case $1 in")
    for cmd in commands:
        own = [n for o in scoped.get(cmd["name"], []) for n in names(o)]
        w(f"    {cmd['name']}) echo {quote(own)} ;;")
    w("    esac")
    w("}")
    w("")
    w("# _virt_pv_option_arg COMMAND OPTION: how OPTION's argument completes:")
    w("# none (it takes none), file, dir, word (nothing to offer), choice WORD...")
    w("_virt_pv_option_arg()")
    w("{")
    w('    case "$1 $2" in')
    for opt in options:
        if opt["scope"] in ("main", "global"):
            patterns = "|".join(f"*' {n}'" for n in names(opt))
        else:
            patterns = "|".join(f"'{opt['scope']} {n}'" for n in names(opt))
        w(f"    {patterns}) echo '{arg_completion(opt, codes)}' ;;")
    w("    *) echo none ;;")
    w("    esac")
    w("}")
    w("")
    w("# _virt_pv_positional COMMAND: how COMMAND's arguments complete (file or none)")
    w("_virt_pv_positional()")
    w("{")
    w("    case $1 in")
    files = [c["name"] for c in commands if "FILE" in c["params"]]
    if files:
        w(f"    {'|'.join(files)}) echo file ;;")
    w("    *) echo none ;;")
    w("    esac")
    w("}")
    w("")
    w(COMPLETE_FUNCTION)
    return "\n".join(out) + "\n"


# The part that does not depend on the tables.
COMPLETE_FUNCTION = r'''# _virt_pv_reply HOW CUR: fill COMPREPLY as HOW says
_virt_pv_reply()
{
    local how=$1 cur=$2
    case $how in
    file)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        ;;
    dir)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        ;;
    choice\ *)
        mapfile -t COMPREPLY < <(compgen -W "${how#choice }" -- "$cur")
        ;;
    esac
}

_virt_pv()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= word how i
    COMPREPLY=()

    # bash splits --opt=value at '=' (COMP_WORDBREAKS): complete the value.
    if [[ $cur == = && $COMP_CWORD -ge 2 ]]; then
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        cur=
    elif [[ ${COMP_WORDS[COMP_CWORD - 1]} == = && $COMP_CWORD -ge 3 ]]; then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi

    # The command is the first word that is neither an option nor the
    # argument of one.
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        case $word in
        =) ((i++)) ;;
        -*)
            how=$(_virt_pv_option_arg "$cmd" "$word")
            if [[ $how != none && ${COMP_WORDS[i + 1]} != = ]]; then
                ((i++))
            fi
            ;;
        *) [[ -z $cmd ]] && cmd=$word ;;
        esac
    done

    [[ -z $prev && $COMP_CWORD -ge 2 ]] && prev=${COMP_WORDS[COMP_CWORD - 1]}
    if [[ $prev == -* ]]; then
        how=$(_virt_pv_option_arg "$cmd" "$prev")
        if [[ $how != none ]]; then
            _virt_pv_reply "$how" "$cur"
            return 0
        fi
    fi

    if [[ $cur == -* ]]; then
        if [[ -z $cmd ]]; then
            mapfile -t COMPREPLY < <(compgen -W "$_virt_pv_main_options" -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W \
                "$(_virt_pv_command_options "$cmd") $_virt_pv_global_options" -- "$cur")
        fi
    elif [[ -z $cmd ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$_virt_pv_commands" -- "$cur")
    else
        _virt_pv_reply "$(_virt_pv_positional "$cmd")" "$cur"
    fi
    return 0
} &&
    complete -F _virt_pv virt-pv

# ex: filetype=sh'''


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen-completion.py OPTIONS OUTPUT")
    commands, options, codes = read_tables(sys.argv[1])
    text = generate(commands, options, codes)
    with open(sys.argv[2] + ".tmp", "w") as f:
        f.write(text)
    os.replace(sys.argv[2] + ".tmp", sys.argv[2])


if __name__ == "__main__":
    main()
