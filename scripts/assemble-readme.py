#!/usr/bin/env python3
"""Copies the feature sections from docs/<feature>.md into README.md between the FEATURES markers."""
import pathlib, re

root = pathlib.Path(__file__).resolve().parent.parent
order = ["applications", "reports", "catalogue", "bot", "console"]
parts = []
for name in order:
    p = root / "docs" / f"{name}.md"
    if not p.exists():
        continue
    lines = p.read_text(encoding="utf-8").splitlines()
    shift = 1 if lines and lines[0].startswith("# ") else 0
    out, fence = [], False
    for line in lines:
        if line.startswith("```"):
            fence = not fence
        elif not fence and shift and re.match(r"^#{1,5} ", line):
            line = "#" + line
        if not fence:
            # image links in docs/ are written relative to docs/ or to the root; make them root-relative
            line = re.sub(r"\]\((?!https?:|docs/|#)([^)]+\.png)\)", r"](docs/\1)", line)
        out.append(line)
    parts.append("\n".join(out).strip() + "\n")

readme = root / "README.md"
text = readme.read_text(encoding="utf-8")
start, end = "<!-- FEATURES -->", "<!-- /FEATURES -->"
body = start + "\n\n" + "\n".join(parts) + "\n" + end
if end in text:
    text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _m: body, text, flags=re.S)
else:
    text = text.replace(start, body)
readme.write_text(text, encoding="utf-8")
print("README.md: merged", ", ".join(n for n in order if (root / "docs" / f"{n}.md").exists()))
