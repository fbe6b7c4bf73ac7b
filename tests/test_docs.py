"""The README is documentation that runs: its Python blocks execute here, and every command the CLI
offers is documented in it (as sqlite-utils keeps its docs and its CLI in step)."""

from __future__ import annotations

import argparse
import os
import re
import shutil
from pathlib import Path

import pytest
from scorecards.flows.cli import _parser
from scorecards.flows.config import Config

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def python_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", markdown, flags=re.S | re.M)


def test_the_readme_has_python_to_run() -> None:
    assert len(python_blocks(README)) >= 2


@pytest.mark.slow
def test_every_python_block_of_the_readme_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """In order, in one namespace, from a folder holding the bundled samples where the README says
    they are (so that the files a block writes land in the test's own folder)."""
    shutil.copytree(ROOT / "samples" / "reports", tmp_path / "samples" / "reports")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__readme__"}
    for number, block in enumerate(python_blocks(README), start=1):
        try:
            exec(compile(block, f"README.md python block {number}", "exec"), namespace)
        except Exception as exc:  # the block and its error, for whoever edits the README next
            raise AssertionError(f"README python block {number} failed: {exc!r}\n{block}") from exc
    printed = capsys.readouterr().out
    assert "<Reading contract_000.pdf:" in printed and "observations" in printed
    assert (tmp_path / "notebook.duckdb").exists() and (tmp_path / "notebook-review" / "index.html").exists()
    assert os.getcwd() == str(tmp_path)


def _commands() -> list[str]:
    parser = _parser(Config())
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


def test_every_cli_command_is_documented_in_the_readme() -> None:
    commands = _commands()
    assert {"ingest", "export", "inspect", "review"} <= set(commands)
    undocumented = [c for c in commands if not re.search(rf"^scorecards {c}\b", README, flags=re.M)]
    assert not undocumented, f"commands missing from the README's CLI section: {undocumented}"
