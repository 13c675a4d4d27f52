"""Black-box crash harness: real `ingest` subprocesses, SIGKILLed at random instants or at
named kill points, re-run until the job completes; the result is compared with an
uninterrupted oracle run byte for byte. Used by the tests and benchmarks/crash_campaign.py.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Campaign:
    kills: int = 0
    mid_run: int = 0  # kills that landed while the job was still working
    runs: int = 0
    exit_codes: list[int] = field(default_factory=list)


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADSCOUT_")}
    env["LEADSCOUT_HOME"] = str(home)
    env.update(extra)
    return env


def start_ingest(home: Path, src: Path, job_id: str, *args: str, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "leadscout_es", "ingest", str(src), "--job-id", job_id, *args],
        cwd=REPO, env=cli_env(home, **env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def run(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "leadscout_es", *args], cwd=REPO,
                          env=cli_env(home), capture_output=True, text=True, timeout=600, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} exited {proc.returncode}: {proc.stderr}")
    return proc


def random_kills(home: Path, src: Path, job_id: str, *, kills: int, seed: int,
                 window: tuple[float, float] = (0.4, 1.6), batch_size: int = 50) -> Campaign:
    """SIGKILL `ingest` `kills` times at random instants, then let it finish."""
    rng = random.Random(seed)
    campaign = Campaign()
    for _ in range(kills):
        proc = start_ingest(home, src, job_id, "--batch-size", str(batch_size))
        time.sleep(rng.uniform(*window))
        code = proc.poll()
        if code is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
            campaign.kills += 1
            campaign.mid_run += 1
        else:
            campaign.exit_codes.append(code)
            proc.stderr.close() if proc.stderr else None
            break
        proc.stderr.close() if proc.stderr else None
        campaign.runs += 1
    finish(home, src, job_id, batch_size=batch_size)
    return campaign


def kill_at(home: Path, src: Path, job_id: str, site: str, n: int, batch_size: int = 50) -> int:
    """Run once with LEADSCOUT_KILL_AT=site:n; return the exit code (-9 when the kill landed)."""
    proc = start_ingest(home, src, job_id, "--batch-size", str(batch_size), LEADSCOUT_KILL_AT=f"{site}:{n}")
    _out, err = proc.communicate(timeout=600)
    if proc.returncode not in (0, -signal.SIGKILL):
        raise AssertionError(f"ingest exited {proc.returncode}: {err.decode()}")
    return proc.returncode


def finish(home: Path, src: Path, job_id: str, batch_size: int = 50) -> None:
    run(home, "ingest", str(src), "--job-id", job_id, "--batch-size", str(batch_size))


def project_csv(home: Path, job_id: str, out: Path) -> bytes:
    run(home, "project", job_id, "--to", "csv", "--out", str(out))
    return out.read_bytes()
