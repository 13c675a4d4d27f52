"""``LlmEscalator``: sends the rows the offline cascade is unsure of to the LLM providers.

Per batch: pick the candidate rows, answer every name already paid for from the answer
cache (this job's completed calls, uncommitted ones included, and the knowledge log's), and
ask the rest in requests of ``names_per_request`` names, ``concurrency`` at a time. For each
wave, every ``llm_requested`` is made durable before anything is sent and each
``llm_completed`` right after its reply, always from the calling thread (the log writer is
not thread-safe). Missing or invalid answers are re-asked alone, never guessed. A provider
that is out of quota, refuses the key or stays down is off for the job and the request moves
to the next one; when none is left, rows keep their offline outcome and a note says why.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed

from leadscout_es import faults
from leadscout_es.classifiers.base import UNKNOWN, Outcome
from leadscout_es.errors import JobLocked, LeadScoutError
from leadscout_es.escalation import EscalationContext
from leadscout_es.events import Event, LlmCompleted, LlmFailed, LlmRequested
from leadscout_es.knowledge import append_knowledge, name_key
from leadscout_es.lock import utc_now
from leadscout_es.providers.base import CallFailure, Reply
from leadscout_es.providers.calls import Backoff, Call, CallPolicy, Slot, perform
from leadscout_es.providers.prices import Budget
from leadscout_es.providers.wire import (
    call_key,
    input_token_bound,
    input_token_estimate,
    max_output_tokens,
    parse_answers,
    request_document,
)

_Pending = tuple[list[str], bool, frozenset[str]]  # names, asked alone, providers tried


def answer_outcome(label: str, confidence: float, provider: str, model: str) -> Outcome:
    conf = f"{confidence:.2f}".removeprefix("0")
    evidence = f"llm {provider} {model}: {label} {conf}"
    if label == UNKNOWN:
        return Outcome(UNKNOWN, confidence, "llm", evidence, "abstained", "low_confidence", provider)
    return Outcome(label, confidence, "llm", evidence, "ok", "", provider)


class LlmEscalator:
    def __init__(self, ctx: EscalationContext, slots: Sequence[Slot], policy: CallPolicy,
                 known: Iterable[LlmCompleted] = ()) -> None:
        self.ctx, self.slots, self.policy = ctx, list(slots), policy
        state = ctx.state
        doubt = sum(ev.reserved_usd for ev in state.in_doubt.values())
        self.budget = Budget(ctx.settings.max_cost, state.cost_usd + doubt)
        self.backoff = Backoff(policy)
        self.cache: dict[str, Outcome] = {}
        self._pool = ThreadPoolExecutor(max(1, ctx.settings.concurrency), "leadscout-llm")
        self._stopped = ""
        self._unanswered = 0
        self._answered = 0
        self._knowledge_keys: set[str] = set()
        self._to_knowledge: list[LlmCompleted] = []
        for ev in known:
            self._knowledge_keys.add(ev.key)
            self._learn(ev)
        for ev in state.paid_answers.values():
            self._learn(ev)
            if ev.key not in self._knowledge_keys:
                self._to_knowledge.append(ev)
        if state.in_doubt:
            ctx.notes.append(f"{len(state.in_doubt)} LLM call(s) were in doubt after an "
                             "interruption (requested, never completed); asked again")

    # -- the Escalator protocol ---------------------------------------------------------
    def escalate(self, names: Sequence[str], outcomes: Sequence[Outcome],
                 skip: frozenset[int]) -> list[Outcome]:
        result = list(outcomes)
        wanted: dict[str, list[int]] = {}
        sent_as: dict[str, str] = {}
        for i, (name, out) in enumerate(zip(names, outcomes, strict=True)):
            if not self._candidate(i, out, skip):
                continue
            key = name_key(name)
            if key:
                wanted.setdefault(key, []).append(i)
                sent_as.setdefault(key, " ".join(name.split()))
        todo = [sent_as[k] for k in wanted if k not in self.cache]
        if todo and not self._stopped:
            self._ask(todo)
        for key, rows in wanted.items():
            answer = self.cache.get(key)
            if answer is not None:
                for i in rows:
                    result[i] = answer
        if len(self._to_knowledge) >= self.policy.knowledge_every:
            self._flush_knowledge(final=False)
        return result

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        for slot in self.slots:
            slot.provider.close()
        self._flush_knowledge(final=True)
        calls = sum(s.calls for s in self.slots)
        if calls or self._answered:
            self.ctx.notes.append(f"LLM: {calls} paid call(s), {self._answered} name(s) answered, "
                                  f"${self.budget.spent:.4f} spent so far in this job")
        if self._unanswered:
            why = self._stopped or "providers failed"
            self.ctx.notes.append(f"{self._unanswered} name(s) kept their offline outcome ({why})")

    # -- selection and the answer cache ---------------------------------------------------
    def _candidate(self, i: int, out: Outcome, skip: frozenset[int]) -> bool:
        if i in skip or out.status == "rejected" or out.method in ("confirmed", "llm"):
            return False
        below = self.ctx.settings.escalate_below
        return out.status == "abstained" or below >= 1.0 or out.confidence < below

    def _learn(self, ev: LlmCompleted) -> list[int]:
        """Cache the valid answers of a completed call; return the invalid positions."""
        if not ev.names:
            return []
        good, bad = parse_answers(ev.answer, len(ev.names))
        for pos, ans in good.items():
            self.cache.setdefault(name_key(ev.names[pos]),
                                  answer_outcome(ans.label, ans.confidence, ev.provider, ev.model))
        return bad

    # -- asking ---------------------------------------------------------------------------
    def _ask(self, names: list[str]) -> None:
        n = self.policy.names_per_request
        queue: deque[_Pending] = deque(
            (names[i:i + n], False, frozenset()) for i in range(0, len(names), n)
        )
        while queue and not self._stopped:
            wave = self._build_wave(queue)
            if wave:
                self._send_wave(wave, queue)
        for pending in queue:
            self._unanswered += len(pending[0])

    def _build_wave(self, queue: deque[_Pending]) -> list[Call]:
        wave: list[Call] = []
        while queue and len(wave) < self.ctx.settings.concurrency:
            names, alone, tried = queue.popleft()
            names = [nm for nm in names if name_key(nm) not in self.cache]
            if not names:
                continue
            slot = next((s for s in self.slots if not s.off and s.name not in tried), None)
            if slot is None:
                self._unanswered += len(names)
                if all(s.off for s in self.slots):
                    self._stopped = "every LLM provider is off: " + "; ".join(s.off for s in self.slots)
                continue
            provider = slot.provider
            key = call_key(names, provider.name, provider.model)
            paid = self.ctx.state.paid_answers.get(key)
            if paid is not None:  # completed before an interruption: never paid again
                self._reask(names, self._learn(paid), alone, queue)
                continue
            max_tokens = max_output_tokens(len(names))
            reserved = provider.price.cost(input_token_bound(names), max_tokens)
            if not self.budget.reserve(reserved):
                queue.appendleft((names, alone, tried))
                self._stopped = (f"--max-cost ${self.budget.limit:g} reached: "
                                 f"${self.budget.spent:.4f} spent or reserved")
                break
            wave.append(Call(slot, names, key, request_document(names), max_tokens,
                             input_token_estimate(names) + max_tokens, reserved, alone, tried))
        return wave

    def _send_wave(self, wave: list[Call], queue: deque[_Pending]) -> None:
        at = utc_now()
        self.ctx.record([
            LlmRequested(c.key, c.slot.name, c.slot.provider.model, c.names, c.reserved, at)
            for c in wave
        ])
        for _ in wave:
            faults.kill_point("llm_between_request_and_completion")
        futures: dict[Future[Reply | CallFailure], Call] = {
            self._pool.submit(perform, c, self.policy, self.backoff): c for c in wave
        }
        for fut in as_completed(futures):
            call = futures[fut]
            try:
                result = fut.result()
            except Exception as exc:  # a bug or an exotic transport error: fail over, never crash
                result = CallFailure("bad_request", f"{call.slot.name}: {type(exc).__name__}: {exc}")
            if isinstance(result, Reply):
                self._completed(call, result, queue)
            else:
                self._failed(call, result, queue)

    def _completed(self, call: Call, reply: Reply, queue: deque[_Pending]) -> None:
        provider = call.slot.provider
        cost = provider.price.cost(reply.input_tokens, reply.output_tokens)
        ev = LlmCompleted(call.key, provider.name, provider.model, reply.text, reply.input_tokens,
                          reply.output_tokens, cost, utc_now(), call.names)
        self._record([ev])
        self.budget.settle(call.reserved, cost)
        call.slot.calls += 1
        call.slot.strikes = 0
        self._to_knowledge.append(ev)
        bad = self._learn(ev)
        self._answered += len(call.names) - len(bad)
        self._reask(call.names, bad, call.alone, queue)

    def _reask(self, names: list[str], bad: list[int], alone: bool,
               queue: deque[_Pending]) -> None:
        """Missing or invalid answers are asked again one name a request, once."""
        for pos in bad:
            if alone:
                self._unanswered += 1  # asked alone and still no valid answer: keep offline
            else:
                queue.append(([names[pos]], True, frozenset()))

    def _failed(self, call: Call, failure: CallFailure, queue: deque[_Pending]) -> None:
        slot = call.slot
        self._record([LlmFailed(call.key, slot.name, slot.provider.model, failure.message,
                                failure.retryable, utc_now())])
        self.budget.settle(call.reserved, call.reserved if failure.maybe_charged else 0.0)
        if failure.kind in ("quota", "auth") and not slot.off:
            slot.off = failure.message
            self.ctx.notes.append(failure.message)
            self.ctx.log.warning("llm_provider_off", provider=slot.name, reason=failure.message)
        elif failure.kind != "off":
            slot.strikes += 1
            if slot.strikes >= self.policy.strikes_off and not slot.off:
                slot.off = f"{slot.name} unavailable ({failure.message}); off for this job"
                self.ctx.notes.append(slot.off)
                self.ctx.log.warning("llm_provider_off", provider=slot.name, reason=failure.message)
        queue.append((call.names, call.alone, call.tried | {slot.name}))

    def _record(self, events: list[Event]) -> None:
        self.ctx.record(events)

    def _flush_knowledge(self, *, final: bool) -> None:
        """Share completed answers with later jobs; the knowledge lock is non-blocking."""
        if not self._to_knowledge:
            return
        for attempt in range(8 if final else 3):
            try:
                append_knowledge(self.ctx.home, self._to_knowledge)
            except JobLocked:
                time.sleep(0.05 * (attempt + 1))
                continue
            except LeadScoutError as exc:  # the job log has them; sharing can wait
                self.ctx.log.warning("knowledge_append_failed", error=exc.message)
                break
            self._knowledge_keys.update(ev.key for ev in self._to_knowledge)
            self._to_knowledge = []
            return
        if final:
            self.ctx.notes.append("the knowledge log stayed locked; this job's paid answers will "
                                  "be shared with later jobs when it is resumed or re-run")
