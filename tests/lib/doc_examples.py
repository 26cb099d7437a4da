# SPDX-License-Identifier: GPL-3.0-or-later
"""doc_examples.py: the examples of the README and docs/, taken out to be run, and their output compared.

An example is a ```console block: lines "$ COMMAND" each followed by the output it prints. The line
"<!-- docs-test: SCENE -->" before a block names the fleet it runs against (default: demo). In the shown
output, a line ending in "..." stands for any line that begins as it does, and a last line "..." for any
lines after; run times, durations and task ids are compared as what they are, not as their digits.

Usage:
  doc_examples.py extract OUTDIR FILE...   one item per command: OUTDIR/NNN.{where,scene,cmd,expected}
  doc_examples.py compare EXPECTED ACTUAL  exit 0 when ACTUAL is what EXPECTED shows, else the difference
  doc_examples.py fence FILE LANG          the text of every ```LANG block of FILE, one after the other
"""
import os
import re
import sys

SCENE = re.compile(r"^<!-- docs-test: ([a-z-]+) -->$")
VOLATILE = [
    (re.compile(r"(time|runtime)=\d+(\.\d+)?s"), r"\1=Ts"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "UUID"),
    (re.compile(r"\bfor \d+ (min \d+ )?s\b"), "for T"),
    (re.compile(r"\bin \d+\.\d+ s\b"), "in T s"),
    (re.compile(r"\b\d+ s ago\b"), "T s ago"),
    (re.compile(r'"last_seen_age": [0-9.e-]+'), '"last_seen_age": T'),
]


def blocks(path):
    """(line, language, scene, lines) of each fenced block of a Markdown file."""
    scene, lang, start, body = "demo", None, 0, []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f.read().split("\n"), 1):
            if lang is None:
                m = SCENE.match(line)
                if m:
                    scene = m.group(1)
                elif line.startswith("```"):
                    lang, start, body = line[3:].strip(), number, []
                elif line.strip():
                    scene = "demo"  # a scene names the block right after it only
            elif line.startswith("```"):
                yield start, lang, scene, body
                lang, scene = None, "demo"
            else:
                body.append(line)


def extract(outdir, files):
    n = 0
    for path in files:
        for start, lang, scene, body in blocks(path):
            if lang != "console":
                continue
            if not body or not body[0].startswith("$ "):
                sys.exit("%s:%d: a console block must start with '$ COMMAND'" % (path, start))
            item = None
            for offset, line in enumerate(body):
                if line.startswith("$ "):
                    n += 1
                    item = os.path.join(outdir, "%03d" % n)
                    for suffix, text in (("where", "%s:%d" % (path, start + 1 + offset)), ("scene", scene),
                                         ("cmd", line[2:]), ("expected", "")):
                        with open(item + "." + suffix, "w", encoding="utf-8") as f:
                            f.write(text)
                else:
                    with open(item + ".expected", "a", encoding="utf-8") as f:
                        f.write(line + "\n")
    print(n)


def normal(line):
    line = line.rstrip()
    for pattern, replacement in VOLATILE:
        line = pattern.sub(replacement, line)
    return line


def matches(expected, actual):
    exp = [normal(x) for x in expected.rstrip("\n").split("\n")] if expected.strip() else []
    act = [normal(x) for x in actual.rstrip("\n").split("\n")] if actual.strip() else []
    more = bool(exp) and exp[-1] == "..."
    if more:
        exp = exp[:-1]
    if len(act) < len(exp) or (not more and len(act) != len(exp)):
        return False
    for e, a in zip(exp, act):
        if e.endswith("...") and a.startswith(e[:-3]):
            continue
        if e != a:
            return False
    return True


def compare(expected_path, actual_path):
    with open(expected_path, encoding="utf-8") as f:
        expected = f.read()
    with open(actual_path, encoding="utf-8") as f:
        actual = f.read()
    if matches(expected, actual):
        return 0
    print("    shown:\n" + "".join("      | " + x + "\n" for x in expected.rstrip("\n").split("\n")))
    print("    printed:\n" + "".join("      | " + x + "\n" for x in actual.rstrip("\n").split("\n")))
    return 1


def fence(path, lang):
    for _, block_lang, _, body in blocks(path):
        if block_lang == lang:
            print("\n".join(body))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "extract":
        extract(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    elif len(sys.argv) == 4 and sys.argv[1] == "fence":
        fence(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
