"""Repo-wide rules, checked like code: the README's promises and the docs stay true."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [line.strip() for line in section.splitlines() if line.startswith("    ")]


def test_the_quick_start_is_exactly_two_commands_one_runs_the_sample_one_the_tests() -> None:
    run_sample, run_tests = quick_start_commands()
    assert "ingest data/" in run_sample and (REPO / run_sample.rsplit(" ", 1)[1]).is_file()
    assert "pytest" in run_tests and "[test]" in run_tests


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start_commands()[1] in ci


def test_every_environment_variable_the_package_reads_is_documented() -> None:
    names = set()
    for path in (REPO / "leadscout_es").rglob("*.py"):
        names.update(re.findall(r"LEADSCOUT_[A-Z][A-Z_]*[A-Z]", path.read_text(encoding="utf-8")))
    docs = README + "".join(p.read_text(encoding="utf-8") for p in (REPO / "docs").glob("*.md"))
    missing = sorted(n for n in names if n not in docs and not n.endswith("_"))
    assert not missing, f"undocumented environment variables: {missing}"


def test_the_docs_the_readme_points_to_exist() -> None:
    for ref in re.findall(r"docs/[a-z-]+\.md", README):
        assert (REPO / ref).is_file(), ref
    for script in re.findall(r"benchmarks/[a-z_]+\.py", README):
        assert (REPO / script).is_file(), script
