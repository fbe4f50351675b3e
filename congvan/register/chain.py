"""The register's hash chain: every change to the register is an event whose hash covers its content and
the previous event's hash, and each document row keeps the hash of its latest event.

Events: `issue` and `reserve` (the whole row as inserted), `void` (time and reason), `send` (date and
receipt), `skip` (numbers deliberately left out: `set-next`, or gaps found when an old register was
upgraded). Replaying the events gives what every row must hold; `congvan.register.audit` compares it
with the table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from congvan.clock import now
from congvan.register.schema import counters, documents, events

GENESIS = "0" * 64
ISSUE, RESERVE, VOID, SEND, SKIP = "issue", "reserve", "void", "send", "skip"
EVENT_FIELDS = {VOID: ("voided_at", "void_reason"), SEND: ("sent_date", "receipt")}
UNCHAINED = ("id", "chain_hash")  # the row's own key and hash are not part of its content


def plain(value: Any) -> Any:
    """Return a JSON value that is the same whichever database returned it (dates as ISO text)."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def row_content(row: Mapping[str, Any]) -> dict[str, Any]:
    """Return the chained content of a document row: every column but its id and hash."""
    return {key: plain(value) for key, value in row.items() if key not in UNCHAINED}


def canonical(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_hash(prev_hash: str, seq: int, kind: str, document_id: int | None, payload: str) -> str:
    """Return the SHA-256 of one event, over the previous event's hash and its own fields."""
    text = "\n".join((prev_hash, str(seq), kind, "" if document_id is None else str(document_id), payload))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def last_event(conn: Connection) -> tuple[int, str]:
    """Return the last event's (seq, hash), or (0, GENESIS) for an empty chain."""
    row = conn.execute(sa.select(events.c.seq, events.c.hash).order_by(events.c.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def append(conn: Connection, kind: str, payload: Mapping[str, Any], document_id: int | None = None) -> str:
    """Append one event (inside the register's write transaction); update the row's hash; return the hash."""
    (digest,) = append_many(conn, [(kind, document_id, payload)])
    if document_id is not None:
        conn.execute(documents.update().where(documents.c.id == document_id).values(chain_hash=digest))
    return digest


def append_many(conn: Connection, entries: Sequence[tuple[str, int | None, Mapping[str, Any]]]) -> list[str]:
    """Append events (kind, document id, payload) in order, in one statement; return their hashes.

    The hashes are computed here, each over the one before, from the last event the database holds: call
    it inside the register's write transaction, which keeps any other writer out until the commit. The
    caller stores each row's hash (`append` updates it; `Register.insert_many` inserts rows with it)."""
    seq, prev = last_event(conn)
    stamp = now().isoformat()
    rows: list[dict[str, Any]] = []
    for kind, document_id, payload in entries:
        seq += 1
        text = canonical(payload)
        digest = event_hash(prev, seq, kind, document_id, text)
        rows.append({"seq": seq, "kind": kind, "document_id": document_id, "payload": text, "prev_hash": prev,
                     "hash": digest, "created_at": stamp})
        prev = digest
    if rows:
        conn.execute(events.insert(), rows)
    return [row["hash"] for row in rows]


def append_change(conn: Connection, kind: str, document_id: int, values: Mapping[str, Any]) -> str:
    """Append a `void` or `send` event with the fields it set."""
    return append(conn, kind, {key: plain(values[key]) for key in EVENT_FIELDS[kind]}, document_id)


def append_skip(conn: Connection, organ: str, year: int, series: str, first: int, last: int, why: str) -> None:
    """Record that numbers first..last of a series are left out on purpose (no gap to report)."""
    if first <= last:
        append(conn, SKIP, {"organ": organ, "year": year, "series": series, "first": first, "last": last,
                            "why": why})


# -- replay --


@dataclass
class Replay:
    """What the events say: each row's expected content and hash, skipped numbers, and chain breaks."""

    rows: dict[int, dict[str, Any]] = field(default_factory=dict)
    hashes: dict[int, str] = field(default_factory=dict)
    skipped: dict[tuple[str, int, str], list[tuple[int, int]]] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)
    count: int = 0

    def is_skipped(self, organ: str, year: int, series: str, number: int) -> bool:
        return any(first <= number <= last for first, last in self.skipped.get((organ, year, series), ()))


def replay(rows: Iterable[Any]) -> Replay:
    """Walk the events in order: recompute every hash, and rebuild the rows they describe."""
    result = Replay()
    prev_seq, prev_hash = 0, GENESIS
    for event in rows:
        result.count += 1
        if event.seq != prev_seq + 1:
            result.broken.append(f"thiếu sự kiện {prev_seq + 1}–{event.seq - 1} (đã bị xóa khỏi chuỗi)")
        if event.prev_hash != prev_hash:
            result.broken.append(f"sự kiện {event.seq}: không nối với sự kiện trước (chuỗi bị cắt hoặc sửa)")
        if event_hash(event.prev_hash, event.seq, event.kind, event.document_id, event.payload) != event.hash:
            result.broken.append(f"sự kiện {event.seq} ({event.kind}): nội dung bị sửa sau khi ghi")
        prev_seq, prev_hash = event.seq, event.hash
        _apply(result, event)
    return result


def _apply(result: Replay, event: Any) -> None:
    payload = json.loads(event.payload)
    if event.kind == SKIP:
        key = (payload["organ"], payload["year"], payload["series"])
        result.skipped.setdefault(key, []).append((payload["first"], payload["last"]))
        return
    if event.kind in (ISSUE, RESERVE):
        result.rows[event.document_id] = payload
    elif event.document_id in result.rows:
        result.rows[event.document_id].update(payload)
    result.hashes[event.document_id] = event.hash


def read_events(conn: Connection) -> Iterable[Any]:
    return conn.execute(sa.select(events).order_by(events.c.seq))


# -- upgrading a register made before the chain --


def chain_existing(conn: Connection) -> None:
    """Chain the rows of a register made before migration 3, in id order; its gaps become `skip` events."""
    held: dict[tuple[str, int, str], set[int]] = {}
    for row in conn.execute(sa.select(documents).order_by(documents.c.id)).all():
        values = dict(row._mapping)
        content = row_content(values)
        for names in EVENT_FIELDS.values():
            content.update(dict.fromkeys(names))
        append(conn, RESERVE if values["status"] == "reserved" else ISSUE, content, values["id"])
        for kind, names in EVENT_FIELDS.items():
            if any(values[name] is not None for name in names):
                append_change(conn, kind, values["id"], values)
        held.setdefault((values["organ"], values["year"], values["series"]), set()).add(values["number"])
    tops = {key: max(numbers) for key, numbers in held.items()}
    for row in conn.execute(sa.select(counters)):  # a counter moved by set-next skipped the numbers below it
        key = (row.organ, row.year, row.series)
        tops[key] = max(tops.get(key, 0), row.next_number - 1)
    for (organ, year, series), top in sorted(tops.items()):
        missing = set(range(1, top + 1)) - held.get((organ, year, series), set())
        for first, last in ranges(sorted(missing)):
            append_skip(conn, organ, year, series, first, last, "có sẵn khi nâng cấp sổ")


def ranges(numbers: list[int]) -> list[tuple[int, int]]:
    """Return consecutive runs of sorted numbers: [1, 2, 5] -> [(1, 2), (5, 5)]."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and runs[-1][1] == number - 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs
