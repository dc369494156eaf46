"""The documentation stays true: commands, options, links and anchors of README and docs/.

Every command has help and is in the README; the README opens with the two setup commands,
stays short and has a contents list that resolves; every page of ``docs/`` is linked from the
README; every relative link points to a file (and heading) that exists; every ``cablemap
<command> --option`` written in a code span or block is an option that command has. Fast: these
tests read only the repository's own files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cablemap.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README_PATH = ROOT / "README.md"
README = README_PATH.read_text(encoding="utf-8")
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README_PATH, *DOCS]
MAX_README_LINES = 400

FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)
SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} +(.+?) *#*$", re.M)
COMMAND = re.compile(r"\bcablemap +([a-z][a-z-]*)")
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _prose(text: str) -> str:
    """The text outside code: fenced blocks and code spans removed."""
    return SPAN.sub("", FENCE.sub("", text))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "").lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every heading's anchor (repeats numbered as GitHub numbers them)."""
    seen: dict[str, int] = {}
    out = set()
    for heading in HEADING.findall(FENCE.sub("", text)):
        base = slug(heading)
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def relative_links(path: Path) -> list[str]:
    """The links of a page that are neither web addresses nor mail."""
    return [
        target for target in LINK.findall(_prose(_text(path))) if not re.match(r"[a-z]+:", target)
    ]


def _resolve(page: Path, target: str) -> tuple[Path, str]:
    file, _, anchor = target.partition("#")
    return (page if not file else (page.parent / file).resolve()), anchor


def command_lines(text: str) -> list[tuple[str, bool]]:
    """Each code span, and each line of each code block, with whether it is a block line.

    Lines ending in a backslash are joined with the next; a block line's ``# comment`` is cut.
    """
    blocks = FENCE.findall(text)
    out = [(span, False) for span in SPAN.findall(FENCE.sub("", text))]
    for block in blocks:
        for line in block.replace("\\\n", " ").splitlines():
            out.append((re.sub(r"\s#\s.*$", "", line), True))
    return out


def _options(name: str) -> set[str]:
    group = {opt for p in cli.params for opt in (*p.opts, *p.secondary_opts)}
    params = cli.commands[name].params
    return group | {"--help"} | {opt for p in params for opt in (*p.opts, *p.secondary_opts)}


def written_options(path: Path) -> list[tuple[str, str]]:
    """Every ``(command, --option)`` written after ``cablemap <command>`` in code."""
    found = []
    for code, block in command_lines(_text(path)):
        stripped = code.strip().removeprefix("$ ")
        starts = list(COMMAND.finditer(code))
        for i, match in enumerate(starts):
            name = match.group(1)
            if name not in cli.commands:
                if block and stripped.startswith(match.group(0)):
                    found.append((name, "(no such command)"))
                continue
            end = starts[i + 1].start() if i + 1 < len(starts) else len(code)
            found += [(name, opt) for opt in OPTION.findall(code[match.end() : end])]
    return found


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_command_has_help_and_is_documented(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"cablemap {command}" in README


def test_readme_opens_with_the_two_setup_commands():
    head = README.split("\n## ")[0]
    assert "make maps" in head and "make test" in head
    assert head.count("\nmake ") == 2


def test_readme_is_short():
    lines = README.count("\n") + 1
    assert lines <= MAX_README_LINES, f"README.md has {lines} lines (at most {MAX_README_LINES})"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_contents_list_resolves(path):
    text = _text(path)
    match = re.search(r"^## Contents\n(.*?)(?=^## )", text, re.M | re.S)
    assert match, f"{path.name}: no '## Contents' section"
    listed = re.findall(r"\]\(#([^)]+)\)", match.group(1))
    assert listed, f"{path.name}: the contents list links no heading"
    missing = sorted(set(listed) - anchors(text))
    assert not missing, f"{path.name}: contents entries without a heading: {missing}"
    headings = {slug(h) for h in re.findall(r"^## +(.+)$", FENCE.sub("", text), re.M)}
    unlisted = sorted(headings - set(listed) - {"contents"})
    assert not unlisted, f"{path.name}: sections missing from the contents: {unlisted}"


def test_every_docs_page_is_linked_from_the_readme():
    linked = {_resolve(README_PATH, t)[0] for t in relative_links(README_PATH)}
    unlinked = [p.name for p in DOCS if p.resolve() not in linked]
    assert DOCS and not unlinked, f"docs not linked from README.md: {unlinked}"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_relative_links_and_anchors_resolve(path):
    broken = []
    for target in relative_links(path):
        file, anchor = _resolve(path, target)
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in anchors(_text(file)):
            broken.append(f"{target}: no heading '#{anchor}' in {file.name}")
    assert not broken, f"{path.name}: " + "; ".join(broken)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_written_options_exist(path):
    stale = [
        f"cablemap {name} {opt}"
        for name, opt in written_options(path)
        if name not in cli.commands or opt not in _options(name)
    ]
    assert not stale, f"{path.name}: options or commands cablemap does not have: {stale}"


def test_the_option_check_sees_stale_options(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "Run `cablemap score --explain TON --colour red` or `cablemap plan --top 3`.\n\n"
        "```\n$ cablemap scenario --cut-border CHN-VNM \\\n    --cut-everything\n"
        "cablemap frobnicate --x\n```\n",
        encoding="utf-8",
    )
    found = written_options(page)
    assert ("score", "--colour") in found and ("plan", "--top") in found
    assert ("scenario", "--cut-everything") in found
    assert ("frobnicate", "(no such command)") in found
    assert "--colour" not in _options("score") and "--top" in _options("plan")


def test_anchors_follow_github():
    text = "# A\n## Change reports and `cablemap diff`\n## The fault model (`x/y-v2.toml`)\n## A\n"
    assert anchors(text) == {
        "a",
        "change-reports-and-cablemap-diff",
        "the-fault-model-xy-v2toml",
        "a-1",
    }
