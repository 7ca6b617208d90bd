"""The review checklist of the bot's comment: its boxes, their ticks, and the gate they make.

Reviewers tick the boxes in the comment itself, so the comment's text is where ticks are read
from (the Action, which sees only the comment), and the place a tick is identified: a box is
(area title, item) as the comment shows them. The App also learns who ticked, from GitHub's
`issue_comment.edited` events; a required checklist counts only the ticks of people with the
policy's `checklist_permission` who are not the pull request's author (`gate`).

Pure: a Decision, comment texts and tick records in, boxes and counts out.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.analysis.lazyre import compile_lazily
from bot.analysis.models import ChecklistGroup, Decision
from bot.render._escape import clip, text
from policies.model import Permission

__all__ = [
    "CHECKLIST_HEADING",
    "Box",
    "Gate",
    "Tick",
    "Undone",
    "box_of",
    "carry_ticks",
    "checklist_ticks",
    "gate",
    "tick_boxes",
    "tick_changes",
    "ticks_from_events",
]

CHECKLIST_HEADING = "#### Review checklist"
_BOX = compile_lazily(r"^- \[([ xX])\] (.*)$")
_GROUP = compile_lazily(r"^\*\*(.+)\*\*$")
_TITLE_CHARS = 100
_ITEM_CHARS = 1_500

#: A box of the checklist: (area title, item), both as the comment shows them.
Box = tuple[str, str]


def box_of(group: ChecklistGroup, item: str) -> Box:
    """The box a checklist item is shown as."""
    return text(clip(group.title, _TITLE_CHARS)), text(clip(item, _ITEM_CHARS))


@dataclass(frozen=True)
class Tick:
    """A box ticked, by whom and when; `permission` is the role GitHub gave the ticker then
    (None: not asked, a tick of an advisory checklist, or one read from the comment)."""

    box: Box
    login: str | None
    at: datetime.datetime | None = None
    permission: Permission | None = None


@dataclass(frozen=True)
class Undone:
    """A tick (or an untick) of a required checklist by someone whose ticks do not count,
    undone in the comment."""

    box: Box
    login: str
    at: datetime.datetime
    ticked: bool
    why: str


@dataclass(frozen=True)
class Gate:
    """The required part of a decision's checklist and how far its ticks go. `verified`: who
    ticked is known (the App); the Action sees only the boxes and cannot tell."""

    areas: tuple[str, ...]
    required: tuple[Box, ...]
    missing: tuple[Box, ...]
    permission: Permission
    verified: bool
    ticked_by: tuple[str, ...] = ()
    undone: tuple[Undone, ...] = ()

    @property
    def open(self) -> bool:
        """Boxes are still to tick."""
        return bool(self.missing)

    def title(self) -> str:
        """The check run's words for an open gate."""
        return (
            f"Review checklist: {len(self.missing)} of {len(self.required)} required "
            f"{'box' if len(self.required) == 1 else 'boxes'} to tick ({', '.join(self.areas)})"
        )


def _groups(body: str | None) -> Iterable[tuple[str, str, re.Match[str] | None]]:
    """(line, group, box match) for each line of the comment; a box only inside the checklist,
    which ends where the next section (a heading, or HTML: details, the footer) begins."""
    group, inside = "", False
    for line in (body or "").split("\n"):
        match = None
        if line.startswith(("#### ", "<")):
            inside = line == CHECKLIST_HEADING
        elif inside and (heading := _GROUP.match(line)) is not None:
            group = heading.group(1)
        elif inside:
            match = _BOX.match(line)
        yield line, group, match


def checklist_ticks(body: str | None) -> set[Box]:
    """The ticked boxes of a comment's review checklist."""
    return {
        (group, box.group(2))
        for _, group, box in _groups(body)
        if box is not None and box.group(1) in "xX"
    }


def tick_boxes(body: str, ticked: Iterable[Box]) -> str:
    """`body` with these boxes ticked (and no others of its checklist)."""
    wanted = set(ticked)
    out = []
    for line, group, box in _groups(body):
        if box is not None:
            line = f"- [{'x' if (group, box.group(2)) in wanted else ' '}] {box.group(2)}"
        out.append(line)
    return "\n".join(out)


def carry_ticks(previous: str | None, body: str) -> str:
    """`body` with the boxes that were ticked in `previous` (the comment as it stands, where
    reviewers tick) ticked again, item by item: a re-evaluation never wipes a reviewer's ticks
    of items that still apply. Items that no longer apply are gone with their ticks."""
    ticked = checklist_ticks(previous)
    return tick_boxes(body, ticked) if ticked else body


def tick_changes(before: str | None, after: str | None) -> list[tuple[Box, bool]]:
    """The boxes an edit of the comment ticked (True) or unticked (False), in a stable order.
    A box that appears or goes with the edit is no tick of anybody's."""
    def boxes(body: str | None) -> dict[Box, bool]:
        return {(g, b.group(2)): b.group(1) in "xX" for _, g, b in _groups(body) if b is not None}

    old, new = boxes(before), boxes(after)
    return sorted((box, state) for box, state in new.items() if box in old and old[box] != state)


def ticks_from_events(events: Iterable[Mapping[str, Any]]) -> tuple[dict[Box, Tick], list[Undone]]:
    """The ticks standing after a PR's audit events (oldest first: `checklist.ticked`,
    `checklist.unticked`, `checklist.reverted`), and the ticks that were undone, newest first."""
    ticks: dict[Box, Tick] = {}
    undone: list[Undone] = []
    for event in events:
        detail = event.get("detail") or {}
        box = (str(detail.get("group", "")), str(detail.get("item", "")))
        if event["kind"] == "checklist.ticked":
            role = detail.get("permission")
            ticks[box] = Tick(box, event.get("actor"), event.get("created_at"),
                              Permission(role) if role in set(Permission) else None)
        elif event["kind"] == "checklist.unticked":
            ticks.pop(box, None)
        elif event["kind"] == "checklist.reverted":
            undone.append(Undone(box, str(event.get("actor")), event["created_at"],
                                 bool(detail.get("ticked")), str(detail.get("why", ""))))
    return ticks, undone[::-1]


def counts(tick: Tick, permission: Permission, author: str | None) -> bool:
    """A tick counts in a required checklist when its author had the role then and is not the
    pull request's author."""
    return (
        tick.permission is not None
        and tick.permission.rank >= permission.rank
        and (author is None or (tick.login or "").lower() != author.lower())
    )


def gate(
    decision: Decision,
    ticks: Mapping[Box, Tick],
    *,
    permission: Permission,
    author: str | None,
    verified: bool,
    undone: Sequence[Undone] = (),
) -> tuple[Gate | None, set[Box]]:
    """The gate of the decision's required checklists (None: none is required), and the boxes
    the comment shows ticked: of a required checklist those whose tick counts (every tick the
    comment holds when who ticked is not known), of an advisory one every tick."""
    required: list[Box] = []
    areas: list[str] = []
    shown: set[Box] = set()
    for group in decision.checklist:
        for item in group.items:
            box = box_of(group, item)
            tick = ticks.get(box)
            if group.required:
                required.append(box)
                if tick is not None and (not verified or counts(tick, permission, author)):
                    shown.add(box)
            elif tick is not None:
                shown.add(box)
        if group.required and group.items:
            areas.append(group.title)
    if not required:
        return None, shown
    missing = tuple(box for box in required if box not in shown)
    who = sorted({t.login for b, t in ticks.items() if b in shown and b in required and t.login})
    return Gate(tuple(areas), tuple(required), missing, permission, verified, tuple(who),
                tuple(undone)), shown
