"""Guard state: dedupe keys, remembered answers and the per-channel reply limit."""

from __future__ import annotations

from responder.engine.guards import ExpiringKeys, RememberedKeys, ReplyLimiter
from responder.rules.model import RateLimit


def test_expiring_keys_within_window() -> None:
    keys = ExpiringKeys()
    keys.store(("C0TEST1", "1.1"), now=100.0)

    assert keys.seen_within(("C0TEST1", "1.1"), now=100.0, window=10.0)
    assert keys.seen_within(("C0TEST1", "1.1"), now=109.9, window=10.0)
    assert not keys.seen_within(("C0TEST2", "1.1"), now=101.0, window=10.0)
    assert not keys.seen_within(("C0TEST1", "1.1"), now=110.0, window=10.0)
    assert len(keys) == 0


def test_expiring_keys_cap() -> None:
    keys = ExpiringKeys(max_size=3)
    for number in range(5):
        keys.store(number, now=100.0)

    assert len(keys) == 3
    assert not keys.seen_within(0, now=100.0, window=10.0)
    assert keys.seen_within(4, now=100.0, window=10.0)


def test_expiring_keys_store_again_restarts_window() -> None:
    keys = ExpiringKeys()
    keys.store("a", now=100.0)
    keys.store("b", now=105.0)
    keys.store("a", now=120.0)

    assert keys.seen_within("a", now=125.0, window=10.0)
    assert not keys.seen_within("b", now=125.0, window=10.0)


def test_remembered_keys_forget_the_oldest() -> None:
    keys = RememberedKeys(max_size=2)
    keys.add("a")
    keys.add("b")
    keys.add("c")

    assert "a" not in keys
    assert "b" in keys
    assert "c" in keys
    assert len(keys) == 2


def test_reply_limiter_sliding_window() -> None:
    limiter = ReplyLimiter()
    limit = RateLimit(2, 60.0)
    for at in (0.0, 30.0):
        assert limiter.allows("C0TEST1", at, limit)
        limiter.record("C0TEST1", at)

    assert not limiter.allows("C0TEST1", 59.9, limit)
    assert limiter.allows("C0TEST2", 59.9, limit)
    assert limiter.blocked_channels(59.9, limit) == ("C0TEST1",)
    assert limiter.allows("C0TEST1", 60.0, limit)
    assert limiter.blocked_channels(60.0, limit) == ()
