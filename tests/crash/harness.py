"""Black-box crash harness: real `ingest` subprocesses, SIGKILLed at random instants or at
named kill points, hit with injected storage faults and torn tails, re-run until the job
completes; the result is compared with an uninterrupted oracle run byte for byte. Used by
tests/crash, tests/faults, tests/concurrency and benchmarks/crash_campaign.py.

Everything here drives `python -m leadscout_es` as a subprocess (never the library), so
the guarantees proved are the ones a user gets.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CLI = (sys.executable, "-m", "leadscout_es")

# Kill points an `ingest` run can reach (the LLM site needs a provider; none is wired yet).
INGEST_KILL_SITES = (
    "after_append_before_fsync",
    "after_fsync_before_commit",
    "after_commit",
    "segment_roll",
    "recovery",
)
FAULT_SPECS = tuple(
    (op, err) for op in ("write", "fsync", "rename") for err in ("ENOSPC", "EIO")
)


@dataclass
class Campaign:
    kills: int = 0
    mid_run: int = 0  # kills that landed while the process was alive and the job unfinished
    progressed: int = 0  # kills after which the committed row count had grown
    runs: int = 0
    faults: int = 0  # injected storage faults that fired (clean exit 1)
    torn_tails: int = 0  # tails damaged on purpose between runs
    rounds: int = 0
    exit_codes: list[int] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)

    def merge(self, other: Campaign) -> None:
        for name in ("kills", "mid_run", "progressed", "runs", "faults", "torn_tails", "rounds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.exit_codes += other.exit_codes
        self.outcomes.update(other.outcomes)


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADSCOUT_")}
    env["LEADSCOUT_HOME"] = str(home)
    env.update(extra)
    return env


def start_ingest(home: Path, src: Path, job_id: str | None, *args: str, **env: str) -> subprocess.Popen[bytes]:
    job = ["--job-id", job_id] if job_id else []
    return subprocess.Popen(
        [*CLI, "ingest", str(src), *job, *args],
        cwd=REPO, env=cli_env(home, **env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def run(home: Path, *args: str, check: bool = True, timeout: float = 600,
        **env: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*CLI, *args], cwd=REPO, env=cli_env(home, **env), capture_output=True,
                          text=True, timeout=timeout, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} exited {proc.returncode}: {proc.stderr}")
    return proc


def ingest(home: Path, src: Path, job_id: str, *args: str, batch_size: int = 50, check: bool = False,
           **env: str) -> subprocess.CompletedProcess[str]:
    return run(home, "ingest", str(src), "--job-id", job_id, "--batch-size", str(batch_size), *args,
               check=check, **env)


def assert_clean_error(proc: subprocess.CompletedProcess[str], code: int) -> str:
    """Exit ``code`` with exactly one stderr line `error: ... (hint: ...)` and no traceback."""
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    err_lines = [ln for ln in lines if ln.startswith("error:")]
    assert proc.returncode == code, f"exit {proc.returncode}, wanted {code}: {proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr
    assert len(err_lines) == 1, proc.stderr
    assert "(hint: " in err_lines[0], proc.stderr
    assert "unexpected error" not in err_lines[0], proc.stderr
    return err_lines[0]


# -- lock / progress probes (read-only: never flock the LOCK, that could refuse a starter) ----
def lock_pid(home: Path, job_id: str) -> int | None:
    try:
        text = (home / "jobs" / job_id / "LOCK").read_text(errors="replace")
    except FileNotFoundError:
        return None
    for part in text.split():
        if part.startswith("pid=") and part[4:].isdigit():
            return int(part[4:])
    return None


def wait_until_holding(proc: subprocess.Popen[bytes], home: Path, job_id: str, timeout: float = 60) -> bool:
    """Wait until ``proc`` has written its pid into the job's LOCK (so it holds the flock)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock_pid(home, job_id) == proc.pid:
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    return False


def log_bytes(home: Path, job_id: str) -> int:
    try:
        return sum(e.stat().st_size for e in os.scandir(log_dir(home, job_id)) if e.name.endswith(".seg"))
    except FileNotFoundError:
        return 0


def wait_until_writing(proc: subprocess.Popen[bytes], home: Path, job_id: str, before: int,
                       timeout: float = 60) -> bool:
    """Wait until ``proc``'s log has grown past ``before`` bytes (its run is under way)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log_bytes(home, job_id) > before:
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    return False


def replay_json(home: Path, job_id: str) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(run(home, "replay", job_id, "--json").stdout)
    return out


def log_dir(home: Path, job_id: str) -> Path:
    return home / "jobs" / job_id / "log"


def segments(home: Path, job_id: str) -> list[Path]:
    return sorted(log_dir(home, job_id).glob("*.seg"))


def snapshot(path: Path) -> dict[str, bytes]:
    """Every file under ``path`` (relative name -> bytes), to prove nothing was rewritten."""
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


# -- damage ---------------------------------------------------------------------------------------
def damage_tail(home: Path, job_id: str, rng: random.Random) -> str:
    """Tear the end of the last segment: cut bytes, append zeros, or append garbage."""
    segs = segments(home, job_id)
    if not segs:
        return "none"
    last = segs[-1]
    size = last.stat().st_size
    kind = rng.choice(("cut", "zeros", "garbage"))
    if kind == "cut" and size > 40:
        os.truncate(last, size - rng.randint(1, min(size - 32, 600)))
    elif kind == "zeros":
        with last.open("ab") as f:
            f.write(b"\0" * rng.randint(1, 4096))
    else:
        with last.open("ab") as f:
            f.write(rng.randbytes(rng.randint(1, 700)))
    return kind


# -- single runs -------------------------------------------------------------------------------
def kill_at(home: Path, src: Path, job_id: str, site: str, n: int, batch_size: int = 50, **env: str) -> int:
    """Run once with LEADSCOUT_KILL_AT=site:n; return the exit code (-9 when the kill landed)."""
    proc = start_ingest(home, src, job_id, "--batch-size", str(batch_size),
                        LEADSCOUT_KILL_AT=f"{site}:{n}", **env)
    _out, err = proc.communicate(timeout=600)
    if proc.returncode not in (0, -signal.SIGKILL):
        raise AssertionError(f"ingest exited {proc.returncode}: {err.decode()}")
    return proc.returncode


def finish(home: Path, src: Path, job_id: str, batch_size: int = 50, **env: str) -> None:
    run(home, "ingest", str(src), "--job-id", job_id, "--batch-size", str(batch_size), **env)


def project_csv(home: Path, job_id: str, out: Path) -> bytes:
    run(home, "project", job_id, "--to", "csv", "--out", str(out))
    return out.read_bytes()


def oracle_csv(workdir: Path, src: Path, batch_size: int = 50) -> bytes:
    """The uninterrupted run's CSV view (its own home, so nothing is shared)."""
    home = workdir / "oracle-home"
    home.mkdir(parents=True, exist_ok=True)
    finish(home, src, "oracle", batch_size=batch_size)
    return project_csv(home, "oracle", workdir / "oracle.csv")


def verify_against_oracle(home: Path, job_id: str, oracle: bytes, rows: int) -> dict[str, Any]:
    """The whole post-campaign check: CSV bytes == oracle, each row once, counts reconcile."""
    got = project_csv(home, job_id, home / f"{job_id}-view.csv")
    table = list(csv.DictReader(io.StringIO(got.decode("utf-8"))))
    assert [int(r["source_row"]) for r in table] == list(range(rows)), "rows missing or repeated"
    if got != oracle:
        ours, theirs = got.splitlines(), oracle.splitlines()
        first = next((i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b),
                     min(len(ours), len(theirs)))
        raise AssertionError(f"view differs from the oracle at line {first}: "
                             f"{ours[first:first + 1]!r} != {theirs[first:first + 1]!r}")
    summary = replay_json(home, job_id)
    assert summary["status"] == "completed", summary
    assert summary["rows_done"] == summary["rows_total"] == rows, summary
    assert summary["uncommitted_rows"] == 0 or summary["status"] == "completed"
    for key, column in (("by_status", "processing_status"), ("by_method", "classification_method"),
                        ("by_label", "ethnicity")):
        view_counts = dict(Counter(r[column] for r in table))
        assert summary[key] == view_counts, (key, summary[key], view_counts)
    assert summary["rows_failed"] == sum(1 for r in table if r["processing_status"] == "failed")
    return summary


def committed_rows(home: Path, job_id: str) -> tuple[int, str]:
    if not log_dir(home, job_id).exists():
        return 0, "new"
    # `status` never repairs, so a torn tail left by a kill is still there for `ingest` to mend.
    s = json.loads(run(home, "status", job_id, "--json").stdout)
    return int(s["rows_done"]), str(s["status"])


# -- campaigns ---------------------------------------------------------------------------------
def random_kills(home: Path, src: Path, job_id: str, *, kills: int, seed: int,
                 window: tuple[float, float] = (0.0, 0.3), batch_size: int = 50,
                 **env: str) -> Campaign:
    """SIGKILL `ingest` `kills` times at a random instant once its log is growing (so each
    kill lands mid-run, not during interpreter start-up), then let it finish."""
    rng = random.Random(seed)
    campaign = Campaign()
    for _ in range(kills):
        before = log_bytes(home, job_id)
        proc = start_ingest(home, src, job_id, "--batch-size", str(batch_size), **env)
        campaign.runs += 1
        writing = wait_until_writing(proc, home, job_id, before)
        if writing:
            time.sleep(rng.uniform(*window))
        code = proc.poll()
        if code is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
            campaign.kills += 1
            _done, status = committed_rows(home, job_id)
            campaign.mid_run += status != "completed"
            campaign.outcomes["kill at random instant"] += 1
        else:
            campaign.exit_codes.append(code)
            campaign.outcomes[f"exit {code} before the kill"] += 1
        if proc.stderr:
            proc.stderr.close()
        if code is not None:
            break
    finish(home, src, job_id, batch_size=batch_size, **env)
    return campaign


def recovery_chain(home: Path, src: Path, job_id: str, rng: random.Random, depth: int = 5,
                   batch_size: int = 50, **env: str) -> int:
    """Tear the tail, then kill inside recovery ``depth`` times in a row; return kills landed."""
    landed = 0
    for _ in range(depth):
        damage_tail(home, job_id, rng)
        code = kill_at(home, src, job_id, "recovery", 1, batch_size=batch_size, **env)
        if code == -signal.SIGKILL:
            landed += 1
    return landed


def mixed_campaign(
    home_root: Path, src: Path, oracle: bytes, rows: int, *, kills: int, seed: int,
    batch_size: int = 50, segment_bytes: int = 65536, kills_per_round: int | None = None,
    log: Any = None,
) -> Campaign:
    """The db_crashtest-style campaign: until ``kills`` SIGKILLs have landed, run `ingest`
    and kill it at a random instant (once its log is growing) or at a random named kill
    point, now and then inject a storage fault or tear the log tail; every time a job
    completes, verify it against the oracle and start a fresh one in a new home.
    """
    rng = random.Random(seed)
    total = Campaign()
    env = {"LEADSCOUT_SEGMENT_BYTES": str(segment_bytes)}
    per_round = kills_per_round or kills
    # Calibrate the random window from one uninterrupted run's speed.
    t0 = time.monotonic()
    cal = home_root / "calibrate"
    finish(cal, src, "cal", batch_size=batch_size, **env)
    work_s = max(time.monotonic() - t0 - 0.3, 0.05)
    while total.kills < kills:
        total.rounds += 1
        home = home_root / f"round-{total.rounds}"
        job = "job"
        rnd = Campaign()
        done_before = 0
        while True:
            action = rng.random()
            kills_left = min(per_round - rnd.kills, kills - total.kills - rnd.kills)
            if kills_left <= 0:
                action = -1.0  # enough kills: let it finish
            # Pace the campaign so the job lasts for all its kills: each kill should cost
            # about an equal share of the rows still to do.
            batches_left = max((rows - done_before) // batch_size, 1)
            window = 2.0 * work_s * (rows - done_before) / rows / max(kills_left, 1)
            n_max = max(1, min(30, batches_left // max(kills_left, 1)))
            if action < 0:
                proc = ingest(home, src, job, batch_size=batch_size, **env)
                rnd.runs += 1
                rnd.outcomes[f"exit {proc.returncode}"] += 1
                assert proc.returncode == 0, proc.stderr
                break
            if action < 0.10:  # storage fault
                op, err = rng.choice(FAULT_SPECS)
                nth = rng.randint(1, 2) if op == "rename" else rng.randint(1, n_max + 2)
                spec = f"{op}:{err}:{nth}:{rng.choice((1, 1 << 30))}"
                proc = ingest(home, src, job, batch_size=batch_size, LEADSCOUT_FAULT=spec, **env)
                rnd.runs += 1
                if proc.returncode == 1:
                    assert_clean_error(proc, 1)
                    rnd.faults += 1
                    rnd.outcomes[f"fault {op}:{err} -> clean exit 1"] += 1
                else:
                    assert proc.returncode == 0, (spec, proc.stderr)
                    rnd.outcomes["fault never reached -> completed"] += 1
                    break
                continue
            if action < 0.17:  # torn / zeroed / garbage tail, then (maybe) kill inside recovery
                kind = damage_tail(home, job, rng)
                if kind == "none":
                    continue
                rnd.torn_tails += 1
                rnd.outcomes[f"tail damaged ({kind})"] += 1
                if rng.random() < 0.5:
                    landed = recovery_chain(home, src, job, rng, depth=rng.randint(1, 5),
                                            batch_size=batch_size, **env)
                    rnd.kills += landed
                    rnd.mid_run += landed
                    rnd.runs += landed
                    rnd.outcomes["kill at recovery"] += landed
                continue
            if action < 0.35:  # named kill point
                site = rng.choice(INGEST_KILL_SITES[:4])
                # segment_roll:1 is the run's own first segment; :2 is a roll mid-run.
                n = (2 if batches_left > 40 else 1) if site == "segment_roll" else rng.randint(1, n_max)
                code = kill_at(home, src, job, site, n, batch_size=batch_size, **env)
                rnd.runs += 1
                if code == 0:
                    rnd.outcomes["kill point not reached -> completed"] += 1
                    break
                rnd.kills += 1
                rnd.outcomes[f"kill at {site}"] += 1
            else:  # random instant, once the run is writing
                before = log_bytes(home, job)
                proc = start_ingest(home, src, job, "--batch-size", str(batch_size), **env)
                rnd.runs += 1
                if not wait_until_writing(proc, home, job, before):
                    _out, err = proc.communicate(timeout=600)
                    assert proc.returncode == 0, err.decode()
                    rnd.outcomes["finished before the kill"] += 1
                    break
                time.sleep(rng.uniform(0, window))
                if proc.poll() is not None:
                    _out, err = proc.communicate(timeout=600)
                    assert proc.returncode == 0, err.decode()
                    rnd.outcomes["finished before the kill"] += 1
                    break
                proc.send_signal(signal.SIGKILL)
                proc.wait(30)
                if proc.stderr:
                    proc.stderr.close()
                rnd.kills += 1
                rnd.outcomes["kill at random instant"] += 1
            done, status = committed_rows(home, job)
            if status != "completed":
                rnd.mid_run += 1
            if done > done_before:
                rnd.progressed += 1
            done_before = done
            if status == "completed":
                break
        verify_against_oracle(home, job, oracle, rows)
        rnd.outcomes["rounds equal to the oracle"] += 1
        total.merge(rnd)
        if log is not None:
            log(f"round {total.rounds}: kills={rnd.kills} mid_run={rnd.mid_run} "
                f"faults={rnd.faults} torn={rnd.torn_tails} -> equal to oracle")
    return total
