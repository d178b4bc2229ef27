"""Rebuild the zh-hans catalogue: makemessages, then fill msgstrs from the *.po.part files.

Run:  .venv/bin/python scripts/build_catalogue.py   (prints what is still untranslated)
The parts are PO snippets written alongside features; django.po is the single catalogue Django reads.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LC = ROOT / "shouhou" / "locale" / "zh_Hans" / "LC_MESSAGES"
ENTRY = re.compile(r'((?:msgctxt\s+(?:"(?:[^"\\]|\\.)*"\s*)+)?)msgid\s+((?:"(?:[^"\\]|\\.)*"\s*)+)'
                   r'(?:msgid_plural\s+((?:"(?:[^"\\]|\\.)*"\s*)+))?'
                   r'((?:msgstr(?:\[\d\])?\s+(?:"(?:[^"\\]|\\.)*"\s*)+)+)')


def _join(block):
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block or ""))


def parse(text):
    found = {}
    for ctx, msgid, _plural, strs in ENTRY.findall(text):
        key = (_join(ctx), _join(msgid))
        values = [_join(v) for v in re.findall(r'msgstr(?:\[\d\])?\s+((?:"(?:[^"\\]|\\.)*"\s*)+)', strs)]
        if key[1] and any(values):
            found[key] = values
    return found


def main():
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location",
         "-i", ".venv", "-i", "node_modules", "-i", "var", "-i", "bench"],
        cwd=ROOT, check=True,
    )
    known = {}
    for part in sorted(LC.glob("*.po.part")):
        known.update(parse(part.read_text(encoding="utf-8")))
    po = LC / "django.po"
    header, *blocks = po.read_text(encoding="utf-8").split("\n\n")
    missing, out = [], [header.replace("#, fuzzy\n", "")]
    for block in blocks:
        out.append(_fill_block(block, known, missing))
    text = "\n\n".join(out)
    text = re.sub(r'"Plural-Forms: .*?\\n"', '"Plural-Forms: nplurals=1; plural=0;\\\\n"', text)
    po.write_text(text, encoding="utf-8")
    print(f"{len(missing)} untranslated")
    for msgid in missing:
        print("  ", msgid)


def _fill_block(block, known, missing):
    """One PO entry: the parts' translation wins; a makemessages fuzzy guess is never kept."""
    match = ENTRY.search(block)
    if match is None:
        return block
    ctx, msgid, plural, strs = match.groups()
    key = (_join(ctx), _join(msgid))
    comments = [line for line in block[: match.start()].splitlines() if line.strip()]
    fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in comments)
    comments = [_unfuzzy(line) for line in comments]
    comments = [line for line in comments if line.strip() != "#,"]
    current = None if fuzzy else (parse(block).get(key))
    values = known.get(key) or current
    if not values:
        missing.append(key[1])
        values = [""]
    head = "\n".join(comments + [f"{ctx}msgid {msgid.strip()}"]) if comments else f"{ctx}msgid {msgid.strip()}"
    head = head.replace("\nmsgctxt", "\nmsgctxt")
    if plural:
        return head + f"\nmsgid_plural {plural.strip()}\n" + f'msgstr[0] "{values[0]}"'
    return head + f'\nmsgstr "{values[0]}"'


def _unfuzzy(line):
    if not line.startswith("#,"):
        return line
    flags = [f.strip() for f in line[2:].split(",") if f.strip() and f.strip() != "fuzzy"]
    return "#, " + ", ".join(flags) if flags else "#,"


if __name__ == "__main__":
    main()
