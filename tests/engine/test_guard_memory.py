"""Guard memory: digests in untracked containers, with the semantics of ordered dicts of keys."""

from __future__ import annotations

import gc
from collections import OrderedDict
from typing import Hashable

from hypothesis import given, settings
from hypothesis import strategies as st

from responder.engine.guards import Cooldowns, DigestQueue, ExpiringKeys, RememberedKeys, key_digest
from tests.engine.helpers import message
from tests.engine.replay import load_engine


class ReferenceExpiringKeys:
    """The plain model: an ordered dict of keys, newest store last."""

    def __init__(self, max_size: int) -> None:
        self.stored_at: OrderedDict[Hashable, float] = OrderedDict()
        self.max_size = max_size

    def seen_within(self, key: Hashable, now: float, window: float) -> bool:
        while self.stored_at:
            oldest, stored_at = next(iter(self.stored_at.items()))
            if now - stored_at < window:
                break
            del self.stored_at[oldest]
        return key in self.stored_at and now - self.stored_at[key] < window

    def store(self, key: Hashable, now: float) -> None:
        self.stored_at[key] = now
        self.stored_at.move_to_end(key)
        while len(self.stored_at) > self.max_size:
            self.stored_at.popitem(last=False)


def tracked_objects() -> int:
    gc.collect()
    return len(gc.get_objects())


def test_digest_is_stable_for_equal_keys() -> None:
    first = ("greet", "C0TEST1", "1700000000.000100")
    second = ("greet", "C0TEST1", "1700000000.000100"[:-1] + "0")

    assert key_digest(first) == key_digest(second)
    assert 0 <= key_digest(first) < 2**60
    assert key_digest(first) != key_digest(("greet", "C0TEST1", "1700000000.000101"))


def test_expiring_keys_add_no_tracked_objects() -> None:
    keys = ExpiringKeys()
    keys.store(("C0TEST1", "warm-up"), now=0.0)
    before = tracked_objects()

    for number in range(20_000):
        keys.store(("C0TEST1", f"1700000000.{number:06d}"), now=float(number))

    assert len(keys) == 20_001
    assert tracked_objects() - before < 10


def test_rule_guards_add_no_tracked_objects() -> None:
    engine = load_engine(
        """
        [[rule]]
        name = "greet"
        words = "hello"
        once_per_thread = true
        cooldown = "1s"
        cooldown_per = "user"
        [[rule.action]]
        reply = "Hi {user}!"
        """
    )
    engine.decide(message("hello", ts="1700000000.000000", user="U0WARM"))
    before = tracked_objects()

    for number in range(2_000):
        engine.decide(message("hello", ts=f"1700000{number:03d}.000100", user=f"U0USER{number}"))

    assert tracked_objects() - before < 50


def test_expiring_keys_drop_expired_in_order() -> None:
    keys = ExpiringKeys()
    for number in range(10_000):
        keys.store(number, now=float(number))

    assert keys.seen_within(9_999, now=10_000.0, window=100.0)
    assert len(keys) == 99
    assert not keys.seen_within(9_900, now=10_000.0, window=100.0)
    assert keys.seen_within(9_901, now=10_000.0, window=100.0)


def test_expiring_keys_store_again_many_times() -> None:
    keys = ExpiringKeys(max_size=3)
    keys.store("other", now=0.0)
    for number in range(100):
        keys.store("again", now=float(number))

    assert len(keys) == 2
    assert keys.seen_within("again", now=100.0, window=5.0)
    assert not keys.seen_within("other", now=100.0, window=5.0)
    assert len(keys) == 1


def test_remembered_keys_add_again_keeps_place() -> None:
    keys = RememberedKeys(max_size=2)
    keys.add("a")
    keys.add("b")
    keys.add("a")
    keys.add("c")

    assert "a" not in keys
    assert "b" in keys
    assert "c" in keys


def test_cooldowns_forget_the_oldest_started() -> None:
    cooldowns = Cooldowns(max_size=2)
    cooldowns.start("a", until=50.0)
    cooldowns.start("b", until=60.0)
    cooldowns.start("a", until=70.0)
    cooldowns.start("c", until=80.0)

    assert cooldowns.running_until("a", now=10.0) == 70.0
    assert cooldowns.running_until("b", now=10.0) is None
    assert cooldowns.running_until("c", now=10.0) == 80.0
    assert cooldowns.running_until("c", now=80.0) is None
    assert len(cooldowns) == 2


def test_digest_queue_rejects_empty_cap() -> None:
    try:
        DigestQueue(0)
    except ValueError as error:
        assert "max_size" in str(error)
    else:
        raise AssertionError("DigestQueue(0) was accepted")


operations = st.lists(
    st.tuples(st.sampled_from(["store", "seen"]), st.integers(0, 12), st.floats(0.0, 3.0)),
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(operations, st.integers(1, 6), st.floats(0.5, 10.0))
def test_expiring_keys_match_ordered_dict(steps: list[tuple[str, int, float]], max_size: int, window: float) -> None:
    keys = ExpiringKeys(max_size=max_size)
    reference = ReferenceExpiringKeys(max_size)
    now = 0.0

    for operation, key, step in steps:
        now += step
        if operation == "store":
            keys.store(("C0TEST1", str(key)), now)
            reference.store(("C0TEST1", str(key)), now)
        else:
            expected = reference.seen_within(("C0TEST1", str(key)), now, window)
            assert keys.seen_within(("C0TEST1", str(key)), now, window) == expected
        assert len(keys) == len(reference.stored_at)
