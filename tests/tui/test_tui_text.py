"""Cell fitting, connection wording and the event rate, without a running app."""

from __future__ import annotations

from rich.cells import cell_len

from responder.records import ConnectionState
from responder.tui.state import EventRate
from responder.tui.status import describe_connection
from responder.tui.text import duration, fit, plural

NOW = 1_700_000_000.0


def test_fit_pads_short_text() -> None:
    assert fit("hello", 8) == "hello   "


def test_fit_cuts_long_text_with_ellipsis() -> None:
    assert fit("abcdefghij", 5) == "abcd…"


def test_fit_keeps_text_of_exact_width() -> None:
    assert fit("abcde", 5) == "abcde"


def test_fit_counts_wide_characters_as_two_cells() -> None:
    fitted = fit("日本語のテキスト", 7)

    assert cell_len(fitted) == 7
    assert fitted.endswith("…")


def test_fit_puts_line_breaks_on_one_line() -> None:
    assert fit("one\ntwo\tthree", 20) == "one two three       "


def test_connection_connected_with_ping() -> None:
    state = ConnectionState(NOW, "connected", ping_rtt=0.0424)

    assert describe_connection(state, NOW) == "connected (ping 42 ms)"


def test_connection_connected_without_ping() -> None:
    assert describe_connection(ConnectionState(NOW, "connected"), NOW) == "connected"


def test_connection_reconnecting_counts_down() -> None:
    state = ConnectionState(NOW, "reconnecting", attempt=3, next_try_at=NOW + 4.2, reason="connection reset")

    assert describe_connection(state, NOW) == "reconnecting (attempt 3, next try in 5 s): connection reset"
    assert describe_connection(state, NOW + 4.5) == "reconnecting (attempt 3, trying now): connection reset"


def test_connection_stopped_gives_reason() -> None:
    state = ConnectionState(NOW, "stopped", attempt=2, reason="invalid_auth")

    assert describe_connection(state, NOW) == "stopped: invalid_auth"


def test_connection_before_first_record() -> None:
    assert describe_connection(None, NOW) == "not connected yet"


def test_event_rate_over_window() -> None:
    rate = EventRate(window=5.0, min_spacing=1.0)
    for second in range(8):
        rate.sample(float(second), second * 10)

    assert rate.per_second() == 10.0


def test_event_rate_is_zero_before_two_samples() -> None:
    rate = EventRate()
    rate.sample(0.0, 100)

    assert rate.per_second() == 0.0


def test_duration_formats() -> None:
    assert duration(0) == "0:00:00"
    assert duration(3_723) == "1:02:03"
    assert duration(90_061) == "1d 1:01:01"


def test_plural() -> None:
    assert plural(1, "rule") == "1 rule"
    assert plural(3, "rule") == "3 rules"
