#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Hold the man page and the code to each other.

Every command and option that `virt-pv --dump-options` lists (the tables in
tools/) must be documented in docs/manpages/virt-pv.rst, in the option list
of the right section, with the same short name and argument name; and
everything the man page documents must exist in the code.  The findings
that the section of `fix` lists as repaired are those the rule table
(src/qemu/qemu_validate.c) gives a repair, in its order.  Output is TAP.

Usage: manpagetest.py MANPAGE.rst   (VIRT_PV_PROGRAM: the binary)
"""

import os
import re
import shlex
import subprocess
import sys

GLOBAL_SECTION = "GLOBAL OPTIONS"
FINDINGS_SECTION = "FINDINGS"
FINDING = re.compile(r"^``([a-z0-9-]+)`` \((error|warning|note)[^)]*\)")
COMMANDS_SECTION = "COMMANDS"
FIX_COMMAND = "fix"
REPAIRED = re.compile(r"^``([a-z0-9-]+)``$")
UNDERLINES = {"=": 1, "-": 2}
SECTIONS = ["SYNOPSIS", "DESCRIPTION", "GLOBAL OPTIONS", "COMMANDS", "FINDINGS",
            "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO", "LICENSE"]


class Tap:
    def __init__(self):
        self.count = 0
        self.failed = 0

    def check(self, ok, title, why=""):
        self.count += 1
        print(f"{'ok' if ok else 'not ok'} {self.count} - {title}")
        if not ok:
            self.failed += 1
            for line in why.strip("\n").splitlines():
                print(f"# {line}", file=sys.stderr)


def code_tables(program):
    # A cross build runs its binaries behind MESON_EXE_WRAPPER (qemu-s390x).
    wrapper = shlex.split(os.environ.get("MESON_EXE_WRAPPER", ""))
    text = subprocess.run(wrapper + [program, "--dump-options"], check=True, capture_output=True,
                          text=True, env={"LC_ALL": "C"}).stdout
    commands, options, codes, repaired = [], {}, [], []
    for line in text.splitlines():
        fields = [None if f == "-" else f for f in line.split("\t")]
        if fields[0] == "command":
            commands.append(fields[1])
        elif fields[0] == "finding":
            codes.append(fields[1])
            if fields[2]:
                repaired.append(fields[1])
        elif fields[0] == "option":
            scope = fields[1]
            if scope in ("main", "global"):
                scope = GLOBAL_SECTION
            options[(scope, fields[2])] = {
                "short": fields[3], "takes_arg": fields[4] != "none",
                "metavar": fields[5], "description": fields[6] or ""}
    return commands, options, codes, repaired


OPTION = re.compile(r"^(--?[A-Za-z0-9][A-Za-z0-9-]*)(?:[ =](\S+))?$")


def parse_option_line(text):
    """'-q, --quiet' or '--root DIR  description' -> [(name, arg)], or None."""
    head = re.split(r"\s{2,}", text.strip(), maxsplit=1)[0]
    result = []
    for item in head.split(", "):
        m = OPTION.match(item.strip())
        if not m:
            return None
        result.append((m.group(1), m.group(2)))
    return result


def doc_tables(path):
    """The command sections, option lists, finding codes and the findings
    that fix repairs (the terms of a definition list in its section)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    commands, options, codes, sections, repaired = {}, {}, {}, [], []
    top = sub = None
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line and nxt and set(nxt) <= set("=-") and len(set(nxt)) == 1 \
                and len(nxt) >= len(line) and not line.startswith((" ", "-", "=")):
            if UNDERLINES[nxt[0]] == 1:
                top, sub = line.strip(), None
                sections.append(top)
            else:
                sub = line.strip()
                if top == COMMANDS_SECTION:
                    commands[sub] = i + 1
            continue
        finding = FINDING.match(line)
        if top == FINDINGS_SECTION and finding:
            codes[finding.group(1)] = i + 1
            continue
        term = REPAIRED.match(line)
        if top == COMMANDS_SECTION and sub == FIX_COMMAND and term:
            repaired.append(term.group(1))
            continue
        if not line.startswith("-") or set(line) <= set("=-"):
            continue
        if top == GLOBAL_SECTION:
            scope = GLOBAL_SECTION
        elif top == COMMANDS_SECTION and sub:
            scope = sub
        else:
            continue
        parsed = parse_option_line(line)
        if parsed is None:
            continue
        longs = [n for n, _ in parsed if n.startswith("--")]
        shorts = [n for n, _ in parsed if not n.startswith("--")]
        metavars = [a for _, a in parsed if a]
        for name in longs:
            options[(scope, name)] = {"short": shorts[0] if shorts else None,
                                      "metavar": metavars[0] if metavars else None,
                                      "has_arg": bool(metavars), "line": i + 1}
    return commands, options, codes, sections, repaired


def where(scope):
    if scope == GLOBAL_SECTION:
        return "the GLOBAL OPTIONS section"
    return f"the '{scope}' section under COMMANDS"


def what(scope, name):
    if scope == GLOBAL_SECTION:
        return f"the global option {name}"
    return f"the option {name} of the command '{scope}'"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: manpagetest.py MANPAGE.rst")
    manpage = sys.argv[1]
    rel = "docs/manpages/virt-pv.rst"
    code_commands, code_options, code_codes, code_repaired = \
        code_tables(os.environ["VIRT_PV_PROGRAM"])
    doc_commands, doc_options, doc_codes, doc_sections, doc_repaired = doc_tables(manpage)
    tap = Tap()

    # rst2man takes the page's name from the title and its one-line
    # description from the subtitle: without them the page has no NAME.
    with open(manpage, encoding="utf-8") as f:
        head = f.read().splitlines()[:8]
    title_ok = head[:3] == ["=======", "virt-pv", "======="] and len(head) > 6 \
        and head[4] and set(head[4]) == {"-"} and head[6] == head[4] and head[5].strip()
    tap.check(bool(title_ok), "the man page starts with its title and subtitle",
              f"{rel} must start with the title block that rst2man turns into NAME:\n\n"
              "=======\nvirt-pv\n=======\n\n-----\n<one-line description>\n-----\n\n"
              "found:\n" + "\n".join(head))

    for section in SECTIONS:
        tap.check(section in doc_sections, f"the man page has the section {section}",
                  f"{rel} has no section titled {section} (underlined with '=' as\n"
                  f"long as the title); its sections are: {', '.join(doc_sections)}")

    for cmd in code_commands:
        tap.check(cmd in doc_commands, f"command '{cmd}' has a section in the man page",
                  f"virt-pv has the command '{cmd}' but {rel} does not document it.\n"
                  f"Add a subsection titled '{cmd}' (underlined with '-') under COMMANDS,\n"
                  f"with a synopsis, what it does, and the option list of its options.")
    for cmd, line in sorted(doc_commands.items()):
        if cmd not in code_commands:
            tap.check(False, f"man page section '{cmd}' is a command",
                      f"{rel}:{line} documents a command '{cmd}' that virt-pv does not have:\n"
                      f"remove the section, or rename it to the command's name.")

    for (scope, name), opt in sorted(code_options.items()):
        doc = doc_options.get((scope, name))
        arg = f" {opt['metavar'] or 'ARG'}" if opt["takes_arg"] else ""
        short = f"{opt['short']}, " if opt["short"] else ""
        title = f"{name} ({'global' if scope == GLOBAL_SECTION else scope}) is documented"
        if doc is None:
            tap.check(False, title,
                      f"virt-pv has {what(scope, name)} (see virt-pv --dump-options),\n"
                      f"but {rel} does not document it. Add to the option list of\n"
                      f"{where(scope)}:\n\n{short}{name}{arg}\n   {opt['description']}\n\n"
                      f"(say what it does for the user, in a full sentence or two).")
            continue
        problems = []
        if doc["short"] != opt["short"]:
            problems.append(f"short name: code {opt['short'] or 'none'}, "
                            f"man page {doc['short'] or 'none'}")
        if opt["takes_arg"] != doc["has_arg"]:
            problems.append("the code's option " + ("takes" if opt["takes_arg"] else
                            "takes no") + " argument, the man page's does not agree")
        elif opt["takes_arg"] and opt["metavar"] and doc["metavar"] != opt["metavar"]:
            problems.append(f"argument name: code {opt['metavar']}, "
                            f"man page {doc['metavar']}")
        tap.check(not problems, title,
                  f"{rel}:{doc['line']}: {name} does not match the code:\n"
                  + "\n".join(problems) + f"\nWrite it as: {short}{name}{arg}")

    for (scope, name), doc in sorted(doc_options.items()):
        if (scope, name) not in code_options:
            tap.check(False, f"{name} in {where(scope)} of the man page exists",
                      f"{rel}:{doc['line']} documents {name} in {where(scope)}, but virt-pv\n"
                      f"has no such option there: remove it, or move it to the section of\n"
                      f"the command that has it.")

    for code in code_codes:
        tap.check(code in doc_codes, f"finding code '{code}' is in the FINDINGS section",
                  f"virt-pv can report the finding '{code}', but the FINDINGS section of\n"
                  f"{rel} does not list it. Add, in the order of the list:\n\n"
                  f"``{code}`` (SEVERITY)\n   When it is reported and what it means for the guest.\n")
    for code, line in sorted(doc_codes.items()):
        if code not in code_codes:
            tap.check(False, f"finding code '{code}' of the man page exists",
                      f"{rel}:{line} lists the finding '{code}', which virt-pv cannot report:\n"
                      f"remove it, or correct its name.")

    tap.check(doc_repaired == code_repaired,
              "the findings that fix repairs are those the rule table repairs",
              f"the section '{FIX_COMMAND}' of {rel} lists as repaired, as the terms of a\n"
              f"definition list (``CODE`` alone on its line):\n  {', '.join(doc_repaired)}\n"
              f"but the rule table (src/qemu/qemu_validate.c, the repair column; see\n"
              f"virt-pv --dump-options) repairs, in this order:\n  {', '.join(code_repaired)}")

    print(f"1..{tap.count}")
    sys.exit(1 if tap.failed else 0)


if __name__ == "__main__":
    main()
