"""Meta-tests over the event union: every type round-trips, has a stable tag, and is folded."""

from __future__ import annotations

import re
import typing
from typing import Any

import msgspec
import pytest

from leadscout_es import events as ev_mod
from leadscout_es.errors import LogCorrupt, UnknownEvent
from leadscout_es.events import EVENT_TYPES, Event, decode_record, encode_record
from leadscout_es.replay import JobState, apply

SAMPLE_VALUES: dict[Any, Any] = {str: "x", int: 3, float: 0.5, bool: True}


def sample_value(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if hint in SAMPLE_VALUES:
        return SAMPLE_VALUES[hint]
    if origin is list:
        (item,) = typing.get_args(hint)
        return [sample_value(item), sample_value(item)]
    if origin is tuple:
        return tuple(sample_value(arg) for arg in typing.get_args(hint))
    if origin is dict:
        return {"k": 1}
    return None  # an optional: X | None


def sample(event_type: type[Any]) -> Any:
    hints = typing.get_type_hints(event_type)
    return event_type(**{f.name: sample_value(hints[f.name]) for f in msgspec.structs.fields(event_type)})


def test_the_union_lists_every_event_type() -> None:
    assert set(typing.get_args(Event)) == set(EVENT_TYPES)


@pytest.mark.parametrize("event_type", EVENT_TYPES, ids=lambda t: t.__name__)
def test_every_event_round_trips(event_type: type[Any]) -> None:
    event = sample(event_type)
    assert decode_record(encode_record([event])) == [event]


@pytest.mark.parametrize("event_type", EVENT_TYPES, ids=lambda t: t.__name__)
def test_every_event_has_an_explicit_snake_case_past_tense_tag(event_type: type[Any]) -> None:
    tag = event_type.__struct_config__.tag
    assert isinstance(tag, str) and re.fullmatch(r"[a-z]+(_[a-z]+)*", tag)
    assert event_type.__module__ not in tag


@pytest.mark.parametrize("event_type", EVENT_TYPES, ids=lambda t: t.__name__)
def test_every_event_is_handled_by_the_fold(event_type: type[Any]) -> None:
    state = JobState()
    apply(state, sample(event_type))
    assert state.events == 1


def test_an_unknown_tag_is_refused_not_skipped() -> None:
    payload = msgspec.msgpack.encode([["row_teleported", 1, 2]])
    with pytest.raises(UnknownEvent, match="row_teleported"):
        decode_record(payload, seq=5)


def test_a_record_that_is_not_msgpack_is_corruption() -> None:
    with pytest.raises(LogCorrupt):
        decode_record(b"\xc1\xc1\xc1", seq=1)


def test_old_records_without_new_trailing_fields_still_decode() -> None:
    # A row_classified written before `provider` and `reason` existed.
    old = msgspec.msgpack.encode([["row_classified", 4, "ok", "lexicon", "white", 0.9, "why"]])
    (event,) = decode_record(old)
    assert isinstance(event, ev_mod.RowClassified)
    assert (event.provider, event.reason) == ("", "")
