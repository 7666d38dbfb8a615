"""The docs check: the site builds with no warning, and every relative link resolves.

``mkdocs build --strict`` fails on a warning only when the warning is logged: with
``--quiet`` the log level is above WARNING and strict mode never sees one, so this runs
the build at its normal level and also fails on any WARNING line it prints. mkdocs.yml
turns every link problem (missing page or anchor, absolute link, page not in the nav)
into a warning. The README is not part of the site, so its relative links (to docs/ pages
and their headings, to LICENSE) are checked here, as they resolve on the repository page.

Usage: python scripts/check_docs.py [--root DIR]   (exit 1 and one line per problem)
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^(```|~~~)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


def slug(heading: str) -> str:
    """A heading's anchor as the repository page makes it (lower case, punctuation out, spaces to -)."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def prose_lines(path: Path) -> list[tuple[int, str]]:
    """The lines of a Markdown file outside code fences, numbered from 1, inline code removed."""
    out, fenced = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        if not fenced:
            out.append((number, re.sub(r"`[^`]*`", "", line)))
    return out


def anchors(path: Path) -> set[str]:
    return {slug(m.group(1)) for _, line in prose_lines(path) if (m := HEADING.match(line))}


def broken_links(page: Path, root: Path) -> list[str]:
    """Every relative link of ``page`` whose file (or heading) does not exist."""
    problems = []
    for number, line in prose_lines(page):
        for target in LINK.findall(line):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("/"):
                continue  # a URL; absolute paths do not resolve on the repository page either way
            file_part, _, anchor = target.partition("#")
            dest = (page.parent / file_part).resolve() if file_part else page
            where = f"{page.relative_to(root)}:{number}"
            if not dest.exists():
                problems.append(f"{where}: link {target!r}: {file_part} does not exist")
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                problems.append(f"{where}: link {target!r}: {dest.name} has no heading #{anchor}")
    return problems


def site_warnings(root: Path) -> list[str]:
    """The mkdocs build's warnings and errors (none when it builds cleanly)."""
    with tempfile.TemporaryDirectory(prefix="audiocoach-site-") as site:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", site]
        done = subprocess.run(mkdocs, cwd=root, env=env, capture_output=True, text=True, check=False)
    lines = (done.stdout + done.stderr).splitlines()
    found: list[str] = []
    in_warning = False
    for line in lines:
        if re.match(r"\s*(WARNING|ERROR)\b", line):
            found.append(line.strip())
            in_warning = True
        elif in_warning and line.startswith((" ", "\t")) and line.strip():
            found[-1] += " " + line.strip()  # a warning's list of pages, one an indented line
        else:
            in_warning = False
    if done.returncode != 0 and not found:
        found = [f"mkdocs build exited with {done.returncode}: {' '.join(lines[-3:])}"]
    return found


def problems(root: Path) -> list[str]:
    found = site_warnings(root)
    for page in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        found += broken_links(page, root)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    found = problems(args.root.resolve())
    for line in found:
        print(f"docs: {line}", file=sys.stderr)
    if found:
        print(f"docs: {len(found)} problem(s)", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
