"""Review periods: months, free windows, the previous period, the trend's months."""

from __future__ import annotations

import pytest

from secaudit.errors import UsageError
from secaudit.hq.window import between, choose, month, trend_months


def test_month_and_previous_across_a_year() -> None:
    jan = month("2027-01")
    assert jan.label == "2027年1月" and jan.monthly
    dec = jan.previous()
    assert dec.label == "2026年12月" and dec.end == jan.start


def test_free_window_and_its_previous() -> None:
    w = between("2026-11-01", "2026-11-15")
    prev = w.previous()
    assert prev.end == w.start and (prev.end - prev.start) == (w.end - w.start)
    assert between("2026-11-01T00:00:00+08:00", "2026-11-02").start.utcoffset() is not None


def test_trend_is_twelve_months_ending_with_the_period() -> None:
    months = trend_months(month("2026-03"))
    assert [m.label for m in months][:2] == ["2025年4月", "2025年5月"]
    assert months[-1].label == "2026年3月" and len(months) == 12


@pytest.mark.parametrize(
    ("period", "since", "until", "message"),
    [("2026-13", None, None, "YYYY-MM"), ("2026-11", "2026-11-01", None, "either"),
     (None, None, "2026-11-01", "needs --since"), (None, "2026-11-02", "2026-11-01", "after"),
     (None, "yesterday", None, "ISO")],
)  # fmt: skip
def test_bad_periods(period, since, until, message) -> None:
    with pytest.raises(UsageError, match=message):
        choose(period, since, until, None)


def test_default_is_the_month_of_the_latest_report() -> None:
    assert choose(None, None, None, month("2026-07").start.timestamp() + 86400).label == (
        "2026年7月"
    )
