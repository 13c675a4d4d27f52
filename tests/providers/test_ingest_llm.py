"""End to end through `python -m leadscout_es ingest` against the loopback fake: LLM rows,
paid-call idempotency across SIGKILL and across jobs, and the no-key offline path."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli, small_leads
from tests.providers.fake_api import FakeApi, label_for, unique_names

ROWS = 24


@pytest.fixture
def fake() -> Iterator[FakeApi]:
    with FakeApi() as api:
        yield api


def llm_env(api: FakeApi, **extra: str) -> dict[str, str]:
    return {
        "OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": f"{api.url}/v1", "OPENAI_MODEL": "",
        "ANTHROPIC_API_KEY": "", "LEADSCOUT_LLM_SEED": "7", "LEADSCOUT_LLM_BACKOFF_S": "0.01",
        **extra,
    }


def leads(tmp_path: Path, names: list[str] | None = None) -> Path:
    return small_leads(tmp_path / "leads.csv", names or unique_names(ROWS))


def view_rows(home: Path, job: str, tmp_path: Path) -> list[dict[str, str]]:
    out = tmp_path / f"{job}.csv"
    res = run_cli(home, "project", job, "--to", "csv", "--out", str(out))
    assert res.code == 0, res.stderr
    with out.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_ingest_with_a_fake_provider_gives_llm_rows_with_the_provider_set(
    home: Path, tmp_path: Path, fake: FakeApi
) -> None:
    src = leads(tmp_path)
    res = run_cli(home, "ingest", str(src), "--job-id", "e2e", "--escalate-below", "1.0",
                  "--json", env=llm_env(fake))
    assert res.code == 0, res.stderr
    summary = res.json()
    assert summary["by_method"] == {"llm": ROWS}
    assert summary["llm_calls"] == len(fake.seen) == 1  # 24 names, 25 a request
    assert 0 < summary["cost_usd"] < 0.001
    rows = view_rows(home, "e2e", tmp_path)
    assert {r["classification_method"] for r in rows} == {"llm"}
    assert {r["classification_provider"] for r in rows} == {"openai"}
    assert [r["ethnicity"] for r in rows] == [label_for(r["DirectorName"]) for r in rows]
    assert rows[0]["classification_evidence"].startswith("llm openai gpt-6-luna: ")


def test_a_second_job_on_the_same_names_pays_nothing(
    home: Path, tmp_path: Path, fake: FakeApi
) -> None:
    src = leads(tmp_path)
    env = llm_env(fake, LEADSCOUT_LLM_NAMES_PER_REQUEST="5")
    first = run_cli(home, "ingest", str(src), "--job-id", "one", "--escalate-below", "1.0",
                    "--json", env=env)
    assert first.code == 0, first.stderr
    paid = len(fake.seen)
    assert paid == 5
    second = run_cli(home, "ingest", str(src), "--job-id", "two", "--escalate-below", "1.0",
                     "--json", env=env)
    assert second.code == 0, second.stderr
    assert len(fake.seen) == paid
    assert second.json()["llm_calls"] == 0 and second.json()["by_method"] == {"llm": ROWS}
    assert view_rows(home, "one", tmp_path) == view_rows(home, "two", tmp_path)


def test_without_a_key_unsure_rows_are_abstained_never_failed(
    home: Path, tmp_path: Path, fake: FakeApi
) -> None:
    src = leads(tmp_path)
    env = llm_env(fake, OPENAI_API_KEY="")
    res = run_cli(home, "ingest", str(src), "--providers", "openai", "--json", env=env)
    assert res.code == 0, res.stderr
    assert not fake.seen
    assert res.json()["rows_failed"] == 0 and "llm" not in res.json()["by_method"]
    assert "OPENAI_API_KEY is not set" in res.stderr


def test_a_dead_api_never_fails_the_job_or_loses_rows(home: Path, tmp_path: Path) -> None:
    src = leads(tmp_path)
    env = {"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
           "ANTHROPIC_API_KEY": "", "LEADSCOUT_LLM_BACKOFF_S": "0.01", "LEADSCOUT_LLM_SEED": "1"}
    res = run_cli(home, "ingest", str(src), "--escalate-below", "1.0", "--json", env=env)
    assert res.code == 0, res.stderr
    assert res.json()["rows_done"] == ROWS and res.json()["rows_failed"] == 0
    assert "offline outcome" in res.stderr


@pytest.mark.parametrize(("concurrency", "kill_n"), [(1, 3), (3, 5)])
def test_sigkill_between_request_and_completion_never_repays_a_completed_call(
    home: Path, tmp_path: Path, fake: FakeApi, concurrency: int, kill_n: int
) -> None:
    src = leads(tmp_path, unique_names(40))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LEADSCOUT_")},
        "LEADSCOUT_HOME": str(home), **llm_env(fake, LEADSCOUT_LLM_NAMES_PER_REQUEST="3"),
        "LEADSCOUT_KILL_AT": f"llm_between_request_and_completion:{kill_n}",
    }
    args = [sys.executable, "-m", "leadscout_es", "ingest", str(src), "--job-id", "k",
            "--batch-size", "7", "--escalate-below", "1.0", "--concurrency", str(concurrency)]
    killed = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, timeout=60,
                            check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    before = len(fake.seen)
    assert before >= 1
    del env["LEADSCOUT_KILL_AT"]
    resumed = subprocess.run([*args, "--json"], env=env, cwd=REPO, capture_output=True,
                             text=True, timeout=60, check=False)
    assert resumed.returncode == 0, resumed.stderr
    assert "in doubt" in resumed.stderr
    counts = {}
    for s in fake.seen:
        counts[s.key] = counts.get(s.key, 0) + 1
    assert max(counts.values()) == 1, "a completed key was sent twice"
    assert json.loads(resumed.stdout)["by_method"] == {"llm": 40}
    rows = view_rows(home, "k", tmp_path)
    assert [r["ethnicity"] for r in rows] == [label_for(r["DirectorName"]) for r in rows]
