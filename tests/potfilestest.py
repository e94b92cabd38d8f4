#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""po/POTFILES.in lists every source file with translatable strings.

xgettext reads only the files listed there: a file with _() or N_() that is
missing from it has messages no translator ever sees.  And every listed
file must exist, or `meson compile virt-pv-pot` fails.  Output is TAP.

Usage: potfilestest.py SOURCE-ROOT
"""

import os
import re
import sys

MARKED = re.compile(r"(?<![A-Za-z0-9_])N?_\(")
SOURCE_DIRS = ("src", "tools")


def diag(text):
    for line in text.splitlines():
        print(f"# {line}", file=sys.stderr)


def main():
    root = sys.argv[1]
    with open(os.path.join(root, "po", "POTFILES.in"), encoding="utf-8") as f:
        listed = [line.strip() for line in f
                  if line.strip() and not line.lstrip().startswith("#")]
    marked = []
    for top in SOURCE_DIRS:
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not name.endswith(".c"):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    if MARKED.search(f.read()):
                        marked.append(os.path.relpath(path, root))

    count = failed = 0
    for path in sorted(marked):
        count += 1
        if path in listed:
            print(f"ok {count} - {path} is in po/POTFILES.in")
        else:
            failed += 1
            print(f"not ok {count} - {path} is in po/POTFILES.in")
            diag(f"{path} has translatable strings (_() or N_()) but po/POTFILES.in\n"
                 f"does not list it, so they never reach the translators. Add the line\n"
                 f"    {path}\nto po/POTFILES.in.")
    for path in listed:
        count += 1
        if os.path.isfile(os.path.join(root, path)):
            print(f"ok {count} - listed file {path} exists")
        else:
            failed += 1
            print(f"not ok {count} - listed file {path} exists")
            diag(f"po/POTFILES.in lists {path}, which does not exist: remove the line.")
    print(f"1..{count}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
