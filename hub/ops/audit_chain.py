"""Walk the audit hash chain and say where it was edited, inserted into or cut.

Rows are read in id order, a batch at a time, keeping only the last two links.
How a break is read (see docs/security.md):

- ``edited``: an entry's stored hash does not match its contents.
- ``inserted``: an entry the chain goes around (its successor links to the entry
  before it), or one that does not link to its predecessor with no id missing
  between them (also what a rewritten predecessor with a recomputed hash looks
  like).
- ``deleted``: an entry does not link to its predecessor and ids are missing
  between them (or the first entry does not start from the genesis hash); an
  anchored entry that is gone or changed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from hub.extensions import db
from hub.models.audit import GENESIS_HASH, HASHED_FIELDS, AuditEntry, chain_hash

EDITED, INSERTED, DELETED = "edited", "inserted", "deleted"


@dataclass(frozen=True)
class Problem:
    """One finding: its kind, the entry it is about, what was seen."""

    kind: str
    entry_id: int | None
    detail: str


@dataclass
class ChainReport:
    """What a walk found; ``ok`` when nothing."""

    checked: int = 0
    head_id: int | None = None
    head_hash: str | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, kind: str, entry_id: int | None, detail: str) -> None:
        self.problems.append(Problem(kind, entry_id, detail))


@dataclass(frozen=True)
class _Link:
    id: int | None  # None: the genesis
    hash: str


GENESIS = _Link(None, GENESIS_HASH)


def _name(link: _Link) -> str:
    return "the genesis" if link.id is None else f"entry {link.id}"


def stream_entries(batch_size: int = 1000) -> Iterator[Mapping[str, Any]]:
    """Every entry's hashed fields and hashes, in id order, ``batch_size`` at once."""
    table = AuditEntry.__table__
    columns = [table.c[name] for name in (*HASHED_FIELDS, "prev_hash", "entry_hash")]
    last_id: int | None = None
    while True:
        query = select(*columns).order_by(table.c.id).limit(batch_size)
        if last_id is not None:
            query = query.where(table.c.id > last_id)
        rows = db.session.execute(query).mappings().all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1]["id"]


class _Peekable:
    def __init__(self, iterator: Iterator[Mapping[str, Any]]) -> None:
        self._iterator = iterator
        self._next: Mapping[str, Any] | None = None

    def __iter__(self) -> _Peekable:
        return self

    def __next__(self) -> Mapping[str, Any]:
        if self._next is not None:
            row, self._next = self._next, None
            return row
        return next(self._iterator)

    def peek(self) -> Mapping[str, Any] | None:
        if self._next is None:
            self._next = next(self._iterator, None)
        return self._next


def _break(report: ChainReport, prev: _Link, row: Mapping[str, Any]) -> None:
    """``row`` does not link to ``prev`` and nothing explains it as an insertion."""
    if prev.id is None:
        report.add(
            DELETED,
            row["id"],
            f"entries before entry {row['id']} are missing: "
            "it does not link to the genesis hash",
        )
    elif row["id"] > prev.id + 1:
        missing = (
            f"entry {prev.id + 1}"
            if row["id"] == prev.id + 2
            else f"entries {prev.id + 1}-{row['id'] - 1}"
        )
        report.add(
            DELETED,
            prev.id + 1,
            f"{missing} missing: entry {row['id']} does not link to entry {prev.id}",
        )
    else:
        report.add(
            INSERTED,
            row["id"],
            f"entry {row['id']} does not link to entry {prev.id} "
            f"(inserted, or entry {prev.id} rewritten with a recomputed hash)",
        )


def verify_chain(
    *, batch_size: int = 1000, anchors: Mapping[int, str] | None = None
) -> ChainReport:
    """Check every entry's hash and link; ``anchors`` are known {id: entry_hash}."""
    report = ChainReport()
    unseen = dict(anchors or {})
    # The chain's last two links (the genesis before the first entry).
    chain: deque[_Link] = deque([GENESIS], maxlen=2)
    rows = _Peekable(stream_entries(batch_size))
    for row in rows:
        report.checked += 1
        entry_id = row["id"]
        if entry_id in unseen and unseen.pop(entry_id) != row["entry_hash"]:
            report.add(DELETED, entry_id, f"entry {entry_id} differs from its anchor")
        edited = chain_hash(row, row["prev_hash"]) != row["entry_hash"]
        if edited:
            report.add(
                EDITED, entry_id, f"entry {entry_id}: contents do not match its hash"
            )
        prev = chain[-1]
        if row["prev_hash"] != prev.hash:
            before = chain[0] if len(chain) == 2 else None
            following = rows.peek()
            if before is not None and row["prev_hash"] == before.hash:
                report.add(
                    INSERTED,
                    prev.id,
                    f"entry {prev.id} is not in the chain: entry {entry_id} "
                    f"links past it to {_name(before)}",
                )
                chain.pop()
            elif following is not None and following["prev_hash"] == prev.hash:
                report.add(
                    INSERTED,
                    entry_id,
                    f"entry {entry_id} is not in the chain: entry "
                    f"{following['id']} links past it to {_name(prev)}",
                )
                continue
            elif not edited:  # an edited entry's own link cannot be trusted
                _break(report, prev, row)
        chain.append(_Link(entry_id, row["entry_hash"]))
    head = chain[-1]
    report.head_id, report.head_hash = head.id, None if head.id is None else head.hash
    for entry_id in sorted(unseen):
        report.add(DELETED, entry_id, f"anchored entry {entry_id} is missing")
    return report
