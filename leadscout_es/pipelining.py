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
    def submit(self, names: list[str], provinces: list[str] | None) -> None: ...
    def result(self) -> list[Outcome]: ...
    def close(self) -> None: ...


class InlineClassifier:
    """Classifies in this process, lazily, when the result is taken."""

    def __init__(self, classifier: Classifier) -> None:
        self._classifier = classifier
        self._queue: deque[_Request] = deque()

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
    """Classifies in a spawned child process, up to a few batches ahead of the caller.

    Start it early (its interpreter start-up and imports then overlap the runner's replay),
    then :meth:`configure` it once the job's settings are known.
    """

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child,), daemon=True, name="leadscout-classifier")
        self._proc.start()
        child.close()
        self._waiting = 0

    def configure(self, abstain_below: float, knowledge: Knowledge) -> str:
        """Send the job's settings; return the version of the classifier the worker built."""
        try:
            self._conn.send((abstain_below, knowledge))
            version = self._conn.recv()
        except (EOFError, OSError) as exc:
            raise self._died() from exc
        if not isinstance(version, str):
            raise self._died()
        return version

    def submit(self, names: list[str], provinces: list[str] | None) -> None:
        try:
            self._conn.send_bytes(_encoder.encode((names, provinces)))
        except OSError as exc:
            raise self._died() from exc
        self._waiting += 1

    def result(self) -> list[Outcome]:
        try:
            payload = self._conn.recv_bytes()
        except (EOFError, OSError) as exc:
            raise self._died() from exc
        self._waiting -= 1
        return _outcome_codec.decode(payload)

    def _died(self) -> LeadScoutError:
        return LeadScoutError(
            "the classifier worker process stopped unexpectedly; committed work is safe",
            "run the same command again to resume (set LEADSCOUT_CLASSIFIER_WORKER=0 to "
            "classify in one process)",
        )

    def close(self) -> None:
        self._conn.close()  # the child sees EOF and exits
        self._proc.join(timeout=5)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join(timeout=5)


def submit_batch(
    classifier: BatchClassifier, rows: Sequence[list[str]], name_idx: int, province_idx: int
) -> list[str]:
    """Send a batch's names (and provinces) for classification; return the names."""
    names = [row[name_idx] for row in rows]
    provinces = [row[province_idx] for row in rows] if province_idx >= 0 else None
    classifier.submit(names, provinces)
    return names
