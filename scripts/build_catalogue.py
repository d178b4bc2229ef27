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
    text = po.read_text(encoding="utf-8")
    existing = parse(text)
    missing = []

    def fill(match):
        ctx, msgid, plural, strs = match.groups()
        key = (_join(ctx), _join(msgid))
        if not key[1]:
            return match.group(0)
        values = existing.get(key) or known.get(key)
        if not values:
            missing.append(key[1])
            return match.group(0)
        head = f'{ctx}msgid {msgid.strip()}\n'
        if plural:
            head += f"msgid_plural {plural.strip()}\n"
            return head + "".join(f'msgstr[{i}] "{v}"\n' for i, v in enumerate(values[:1] or [""])) + "\n"
        return head + f'msgstr "{values[0]}"\n\n'

    text = ENTRY.sub(fill, text)
    text = text.replace("#, fuzzy\n", "", 1)
    text = re.sub(r'"Plural-Forms: .*?\\n"', '"Plural-Forms: nplurals=1; plural=0;\\\\n"', text)
    po.write_text(text, encoding="utf-8")
    print(f"{len(missing)} untranslated")
    for msgid in missing:
        print("  ", msgid)


if __name__ == "__main__":
    main()
