"""A statement moved into or out of a block keeps its text and changes what runs
(`bot.analysis.diff.crosses_blocks`, `Diff.moved_across`): the block's unchanged opening line
(a transaction, an access check) says which area the move is about. Statements reordered at one
depth, or moved within their block, stay mechanical."""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.diff import crosses_blocks, parse_diff
from policies.model import Policy


def _hunk(path: str, rows: list[str], section: str = "") -> str:
    """One hunk of a file from its rows (' ' unchanged, '-' removed, '+' added)."""
    old = sum(row[0] in " -" for row in rows)
    new = sum(row[0] in " +" for row in rows)
    return (f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
            f"@@ -10,{old} +10,{new} @@ {section}\n" + "".join(f"{row}\n" for row in rows))


def _evidence(text: str, policy: Policy) -> dict[str, set[str]]:
    return {area.id: {item.rule for item in area.evidence}
            for area in classify(parse_diff(text), policy).areas}


@pytest.mark.parametrize(
    ("path", "rows", "area"),
    [
        pytest.param("src/orders.js", [
            "   await db.transaction(async (trx) => {",
            '     order.status = "closed";',
            "-    await order.save();",
            "   });",
            "+  await order.save();",
            "   notify(order);",
        ], "transactions", id="js-save-moved-out-of-a-transaction"),
        pytest.param("src/views.js", [
            "   if (!req.user.isAdmin) {",
            '     log.warn("denied");',
            "-    return res.status(403).end();",
            "   }",
            "+  return res.status(403).end();",
            "   await project.destroy();",
        ], "permissions", id="js-refusal-moved-out-of-an-admin-check"),
        pytest.param("src/views.js", [
            "   if (req.user.id !== project.ownerId) {",
            '     log.warn("other user");',
            "-    await project.destroy();",
            "   }",
            "+  await project.destroy();",
            "   res.end();",
        ], "permissions", id="js-delete-moved-out-of-an-owner-check"),
        pytest.param("app/orders.py", [
            "     with transaction.atomic():",
            "         order.refresh_from_db()",
            '         order.status = "closed"',
            "-        order.save()",
            "+    order.save()",
            "     notify(order)",
        ], "transactions", id="python-save-dedented-out-of-atomic"),
        pytest.param("app/orders.py", [
            "     with lock:",
            "         balance = account.balance",
            "-    account.balance = balance - amount",
            "+        account.balance = balance - amount",
            "     account.save()",
        ], "transactions", id="python-write-indented-under-a-lock"),
    ],
)
def test_a_statement_moved_across_a_block_counts_for_the_blocks_area(
    path: str, rows: list[str], area: str, policy: Policy
) -> None:
    assert area in _evidence(_hunk(path, rows, "def close(order):"), policy)


@pytest.mark.parametrize(
    ("path", "rows"),
    [
        # reordered at one depth: both copies inside the transaction's block
        pytest.param("src/orders.js", [
            "   await db.transaction(async (trx) => {",
            "-    await order.save();",
            '     order.status = "closed";',
            "+    await order.save();",
            "   });",
        ], id="js-reordered-inside-the-block"),
        pytest.param("app/orders.py", [
            "     with transaction.atomic():",
            "-        order.save()",
            '         order.status = "closed"',
            "+        order.save()",
            "     notify(order)",
        ], id="python-reordered-inside-the-block"),
        # re-indented in place where braces, not indentation, make the block
        pytest.param("src/orders.js", [
            "   await db.transaction(async (trx) => {",
            '     order.status = "closed";',
            "-      await order.save();",
            "+    await order.save();",
            "   });",
        ], id="js-reindented-in-place"),
    ],
)
def test_a_statement_moved_within_its_block_is_no_evidence(
    path: str, rows: list[str], policy: Policy
) -> None:
    assert _evidence(_hunk(path, rows, "def close(order):"), policy) == {}


@pytest.mark.parametrize(
    ("rows", "crosses"),
    [
        (["-    x();", "   }", "+  x();"], True),
        (["-  x();", "   if (a) {", "+    x();"], True),
        (["-  x();", "   y();", "+  x();"], False),
        # a function moved below another: its lines at the same depths as the ones it passed
        (["-def f():", "-    return 1", " def g():", "     return 2", "+def f():",
          "+    return 1"], False),
        (["-    x();", "+  x();"], False),  # in place: the caller asks the indentation
        # gofmt's tabs for spaces: a tab is a column stop, not one column, so the statement
        # passed stays at its depth
        (["-    x := 1", " \ty := 2", "+\tx := 1"], False),
    ],
)
def test_crosses_blocks(rows: list[str], crosses: bool) -> None:
    assert crosses_blocks(rows) is crosses
