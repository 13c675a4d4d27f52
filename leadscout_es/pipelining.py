"""Classify one batch while the runner commits the previous one.

The runner submits a batch's names and later takes the outcomes, in order. Two
implementations share that shape:

- :class:`InlineClassifier` classifies in the calling process when the result is taken
  (small inputs: nothing to overlap, no start-up to pay);
- :class:`ClassifierWorker` classifies in a spawned child process, so reading the input,
  encoding, writing and fsyncing (the runner's work, much of it waiting on the disk) overlap
  with classification (the CPU-heavy part) on a second core.

Outcomes are identical either way (the classifier is deterministic; the child builds the same
classifier from the same settings and knowledge snapshot). The child holds no file of the
job: it is spawned (not forked), so it does not inherit the job's LOCK, and it exits as soon
as its pipe closes, which is also what happens when the runner is SIGKILLed.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Protocol

import msgspec

from leadscout_es.classifiers import load_classifier
from leadscout_es.classifiers.base import Classifier, Outcome
from leadscout_es.errors import LeadScoutError
from leadscout_es.knowledge import Knowledge, KnowledgeClassifier

_Request = tuple[list[str], list[str] | None]
_request_codec = msgspec.msgpack.Decoder(tuple[list[str], list[str] | None])
_outcome_codec = msgspec.msgpack.Decoder(list[Outcome])
_encoder = msgspec.msgpack.Encoder()


class BatchClassifier(Protocol):
    lookahead: int  # batches worth submitting ahead of the one being committed

    def submit(self, names: list[str], provinces: list[str] | None) -> None: ...
    def result(self) -> list[Outcome]: ...
    def close(self) -> None: ...


class InlineClassifier:
    """Classifies in this process, lazily, when the result is taken."""

    def __init__(self, classifier: Classifier) -> None:
        self._classifier = classifier
        self._queue: deque[_Request] = deque()
        self.lookahead = 1

    def submit(self, names: list[str], provinces: list[str] | None) -> None:
        self._queue.append((names, provinces))

    def result(self) -> list[Outcome]:
        names, provinces = self._queue.popleft()
        return self._classifier.classify_batch(names, provinces)

    def close(self) -> None:
        self._queue.clear()


def _serve(conn: Connection) -> None:
    """The child's loop: its settings first, then one request in, one list of outcomes out,
    until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        abstain_below, knowledge = conn.recv()
    except (EOFError, OSError):
        return
    classifier = KnowledgeClassifier(load_classifier(abstain_below=abstain_below), knowledge)
    try:
        conn.send(classifier.version)
        while True:
            names, provinces = _request_codec.decode(conn.recv_bytes())
            conn.send_bytes(_encoder.encode(classifier.classify_batch(names, provinces)))
    except (EOFError, OSError):
        return  # the runner closed the pipe, or died: either way this worker is done


class ClassifierWorker:
    """Classifies in ``count`` spawned child processes, batches dealt round robin and
    collected in the order they were submitted, a few batches ahead of the caller.

    Start it early (interpreter start-up and imports then overlap the runner's replay), then
    :meth:`configure` it once the job's settings are known.
    """

    def __init__(self, count: int = 1) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conns: list[Connection] = []
        self._procs: list[multiprocessing.process.BaseProcess] = []
        for i in range(max(1, count)):
            conn, child = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(child,), daemon=True, name=f"leadscout-classifier-{i}")
            proc.start()
            child.close()
            self._conns.append(conn)
            self._procs.append(proc)
        self.lookahead = len(self._conns) + 1
        self._submitted = 0
        self._taken = 0

    def configure(self, abstain_below: float, knowledge: Knowledge) -> str:
        """Send the job's settings; return the version of the classifier the workers built."""
        try:
            for conn in self._conns:
                conn.send((abstain_below, knowledge))
            versions = {conn.recv() for conn in self._conns}
        except (EOFError, OSError) as exc:
            raise self._died() from exc
        if len(versions) != 1 or not isinstance(version := versions.pop(), str):
            raise self._died()
        return version

    def submit(self, names: list[str], provinces: list[str] | None) -> None:
        conn = self._conns[self._submitted % len(self._conns)]
        try:
            conn.send_bytes(_encoder.encode((names, provinces)))
        except OSError as exc:
            raise self._died() from exc
        self._submitted += 1

    def result(self) -> list[Outcome]:
        conn = self._conns[self._taken % len(self._conns)]
        try:
            payload = conn.recv_bytes()
        except (EOFError, OSError) as exc:
            raise self._died() from exc
        self._taken += 1
        return _outcome_codec.decode(payload)

    def _died(self) -> LeadScoutError:
        return LeadScoutError(
            "a classifier worker process stopped unexpectedly; committed work is safe",
            "run the same command again to resume (set LEADSCOUT_CLASSIFIER_WORKER=0 to "
            "classify in one process)",
        )

    def close(self) -> None:
        for conn in self._conns:
            conn.close()  # each child sees EOF and exits
        for proc in self._procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)


def submit_batch(
    classifier: BatchClassifier, rows: Sequence[list[str]], name_idx: int, province_idx: int
) -> list[str]:
    """Send a batch's names (and provinces) for classification; return the names."""
    names = [row[name_idx] for row in rows]
    provinces = [row[province_idx] for row in rows] if province_idx >= 0 else None
    classifier.submit(names, provinces)
    return names
