#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The tree is formatted as its .editorconfig says.

.editorconfig is the formatting rule the tree ships; this test enforces
it on every file it names a rule for, so that formatting is never a
review topic: LF line ends, a final newline, no trailing whitespace,
UTF-8, spaces for indentation where indent_style is space, and
max_line_length.  One TAP line per rule, with every offending file and
line listed.  Build directories and .git are skipped.

Usage: formattest.py SOURCE-ROOT
"""

import fnmatch
import os
import re
import sys

SKIP_DIRS = {".git", "subprojects"}


def diag(text):
    for line in text.splitlines():
        print(f"# {line}", file=sys.stderr)


def expand_braces(pattern):
    """'*.{c,h}' -> ['*.c', '*.h']; one level is all .editorconfig here uses."""
    match = re.search(r"\{([^{}]*)\}", pattern)
    if not match:
        return [pattern]
    head, tail = pattern[:match.start()], pattern[match.end():]
    out = []
    for alt in match.group(1).split(","):
        out.extend(expand_braces(head + alt + tail))
    return out


def read_editorconfig(root):
    sections = []
    current = None
    with open(os.path.join(root, ".editorconfig"), encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("[") and line.endswith("]"):
                current = (expand_braces(line[1:-1]), {})
                sections.append(current)
            elif "=" in line and current is not None:
                key, value = (part.strip() for part in line.split("=", 1))
                current[1][key.lower()] = value.lower()
    return sections


def matches(pattern, relpath):
    # A pattern without a slash matches the file name in any directory.
    if "/" not in pattern:
        return fnmatch.fnmatchcase(os.path.basename(relpath), pattern)
    return fnmatch.fnmatchcase(relpath, pattern.lstrip("/"))


def properties(sections, relpath):
    props = {}
    named = False
    for patterns, values in sections:
        if patterns == ["*"]:
            props.update(values)
        elif any(matches(p, relpath) for p in patterns):
            props.update(values)
            named = True
    return props if named else None


def is_build_dir(path):
    return os.path.exists(os.path.join(path, "meson-private")) or \
        os.path.exists(os.path.join(path, "CMakeCache.txt"))


def source_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and
                             not d.startswith(".") and
                             not is_build_dir(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            yield os.path.relpath(os.path.join(dirpath, name), root)


def check_file(path, props):
    problems = []
    with open(path, "rb") as f:
        data = f.read()
    if not data:
        return problems
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [("charset", f"not UTF-8 at byte {exc.start}")]
    if props.get("end_of_line") == "lf" and "\r" in text:
        problems.append(("end_of_line", "CR line ends"))
    if props.get("insert_final_newline") == "true" and not text.endswith("\n"):
        problems.append(("insert_final_newline", "no newline at the end"))
    limit = int(props["max_line_length"]) if props.get("max_line_length", "off") != "off" else 0
    for number, line in enumerate(text.split("\n"), 1):
        if props.get("trim_trailing_whitespace") == "true" and line != line.rstrip(" \t"):
            problems.append(("trim_trailing_whitespace", f"line {number}: trailing whitespace"))
        if props.get("indent_style") == "space" and line.startswith("\t"):
            problems.append(("indent_style", f"line {number}: indented with a tab"))
        if limit and len(line) > limit:
            problems.append(("max_line_length", f"line {number}: {len(line)} characters"))
    return problems


def main():
    root = sys.argv[1]
    sections = read_editorconfig(root)
    rules = ["charset", "end_of_line", "insert_final_newline", "trim_trailing_whitespace",
             "indent_style", "max_line_length"]
    found = {rule: [] for rule in rules}
    checked = 0
    for relpath in source_files(root):
        props = properties(sections, relpath)
        if props is None:
            continue
        checked += 1
        for rule, what in check_file(os.path.join(root, relpath), props):
            found[rule].append(f"{relpath}: {what}")
    print(f"1..{len(rules) + 1}")
    print(f"{'ok' if checked > 50 else 'not ok'} 1 - .editorconfig names rules for "
          f"{checked} files")
    status = 0 if checked > 50 else 1
    for number, rule in enumerate(rules, 2):
        if found[rule]:
            print(f"not ok {number} - {rule}")
            diag("\n".join(found[rule]))
            status = 1
        else:
            print(f"ok {number} - {rule}")
    return status


if __name__ == "__main__":
    sys.exit(main())
