"""`fit`: the one place that decides what a list shows within an allowance."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.render._budget import count, fit


def _more(n: int) -> str:
    return f"…and {count(n, 'more item')} not shown.\n"


def test_everything_fits() -> None:
    assert fit(["a", "b"], lambda s: f"- {s}\n", 100, more=_more, head="H\n", tail="T") == (
        "H\n- a\n- b\nT"
    )


def test_cut_says_how_many_were_left_out() -> None:
    out = fit([str(i) for i in range(100)], lambda s: f"- {s}\n", 60, more=_more)
    assert out == "- 0\n- 1\n- 2\n- 3\n- 4\n- 5\n- 6\n…and 93 more items not shown.\n"
    assert len(out) <= 60


def test_nothing_when_empty_or_no_room() -> None:
    assert fit([], str, 1_000, more=_more, head="H") == ""
    assert fit(["a"], str, 0, more=_more) == ""
    assert fit(["abc"], str, 5, more=_more, head="head!") == ""


def test_items_are_formatted_lazily() -> None:
    seen: list[int] = []

    def fmt(i: int) -> str:
        seen.append(i)
        return "x" * 10

    fit(range(1_000_000), fmt, 100, more=_more)
    assert len(seen) < 20


def test_count_groups_thousands() -> None:
    assert count(2740, "file") == "2,740 files"
    assert count(1, "file") == "1 file"
    assert count(0, "entry", "entries") == "0 entries"


@given(
    items=st.lists(st.text(alphabet="ab -|", max_size=40), max_size=60),
    allowance=st.integers(min_value=0, max_value=2_000),
    head=st.text(alphabet="H\n", max_size=30),
    tail=st.text(alphabet="T\n", max_size=30),
)
def test_never_over_allowance_and_keeps_a_counted_prefix(
    items: list[str], allowance: int, head: str, tail: str
) -> None:
    out = fit(items, lambda s: f"{s}\n", allowance, more=_more, head=head, tail=tail)
    assert len(out) <= allowance
    if not out:
        return
    assert out.startswith(head)
    assert out.endswith(tail)
    body = out[len(head) : len(out) - len(tail)]
    kept, marker, note = body.partition("…and ")
    if not marker:
        assert body == "".join(f"{s}\n" for s in items)
        return
    shown = kept.count("\n")
    assert kept == "".join(f"{s}\n" for s in items[:shown])
    assert note == f"{count(len(items) - shown, 'more item')} not shown.\n"
