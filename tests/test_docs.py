"""Every command has help and is in the README; the README opens with the two commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cablemap.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


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
