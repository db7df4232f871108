"""Reading a vault: incident views, selections, and the ledger's rows for ``check``.

An incident's view is its ``doc`` once entries have changed it, else the body of the entry
that created it (``incidents.seq``), completed with its number and times.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from blockwatch import when
from blockwatch.errors import NotFound, VaultCorrupt
from blockwatch.i18n import _
from blockwatch.incidents import Incident


@dataclass(frozen=True)
class Filter:
    kinds: Sequence[str] = ()
    platform: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    ids: Sequence[int] = ()


class Queries:
    """The reading half of ``Vault`` (a mixin)."""

    conn: Any

    # An incident's view: its ``doc``, or (never changed) the body of the entry that created it.
    _VIEW = "incidents.id, incidents.seq, doc, CASE WHEN doc IS NULL THEN entry END, recorded_at"
    _VIEW_FROM = "incidents JOIN entries ON entries.seq = incidents.seq"

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads that see one state of the vault: a read transaction (WAL gives it a snapshot),
        so that a write by another process meanwhile cannot mix two states in one answer."""
        self.conn.execute("BEGIN")
        try:
            self.conn.execute("SELECT count(*) FROM meta").fetchone()  # the snapshot starts here
            yield
        finally:
            self.conn.execute("COMMIT")

    @staticmethod
    def _view(row: tuple[int, int, str | None, bytes | None, str]) -> Incident:
        incident_id, seq, doc, entry, recorded_at = row
        if doc is not None:
            return cast(Incident, json.loads(doc))
        view: dict[str, Any] = json.loads(entry)["body"]  # type: ignore[arg-type]
        view.update(amended=[], id=incident_id, recorded_at=recorded_at, seq=seq)
        return cast(Incident, view)

    def _one(self, where: str, value: Any) -> Incident | None:
        row = self.conn.execute(
            f"SELECT {self._VIEW} FROM {self._VIEW_FROM} WHERE {where}", (value,)
        ).fetchone()
        return None if row is None else self._view(row)

    def _view_by_uid(self, uid: str) -> Incident:
        view = self._one("uid = ?", uid)
        if view is None:
            raise VaultCorrupt(
                _("incident {uid} is in the ledger but not in the projection").format(uid=uid)
            )
        return view

    def incident(self, incident_id: int) -> Incident:
        view = self._one("id = ?", incident_id)
        if view is None:
            raise NotFound(
                _("there is no incident {id}").format(id=incident_id),
                hint=_("'blockwatch list' shows the ids"),
            )
        return view

    def incidents(self, where: Filter = Filter()) -> list[Incident]:
        """Incidents matching ``where``, oldest first (by when they occurred)."""
        sql, params = self._select(self._VIEW, where, self._VIEW_FROM)
        return [self._view(row) for row in self.conn.execute(sql, params)]

    def matches(self, where: Filter = Filter()) -> bool:
        """Whether any incident matches ``where`` (from the index, nothing decrypted)."""
        sql, params = self._select("1", where)
        return self.conn.execute(sql + " LIMIT 1", params).fetchone() is not None

    # The fields ``stats.summarize`` reads, extracted by SQLite's JSON functions: decoding
    # 100,000 whole documents in Python would cost more than the statistics themselves.
    def summary_rows(self, where: Filter = Filter()) -> tuple[list[Any], dict[int, Any]]:
        """What ``stats.summarize_rows`` reads: the rows, from the covering index (no document
        is decrypted), and the details of the appeals among them."""
        sql, params = self._select(
            "id, kind, platform, occurred_utc, direction, origin, region", where
        )
        rows = self.conn.execute(sql, params).fetchall()
        appeals = {row[0]: self.incident(row[0])["details"] for row in rows if row[1] == "appeal"}
        return rows, appeals

    def projection_columns(self) -> dict[str, tuple[Any, ...]]:
        return {
            uid: tuple(cols)
            for uid, *cols in self.conn.execute(
                "SELECT uid, kind, platform, occurred_utc, direction, origin, region FROM incidents"
            )
        }

    def _select(
        self, columns: str, where: Filter, source: str = "incidents"
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if where.kinds:
            clauses.append(f"kind IN ({', '.join('?' * len(where.kinds))})")
            params += list(where.kinds)
        if where.platform:
            clauses.append("platform = ?")
            params.append(where.platform)
        if where.since:
            clauses.append("occurred_utc >= ?")
            params.append(when.utc_stamp(where.since))
        if where.until:
            clauses.append("occurred_utc <= ?")
            params.append(when.utc_stamp(where.until))
        if where.ids:
            clauses.append(f"incidents.id IN ({', '.join('?' * len(where.ids))})")
            params += list(where.ids)
        sql = f"SELECT {columns} FROM {source}"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        return sql + " ORDER BY occurred_utc, incidents.id", params

    def entries(self) -> Iterator[tuple[int, str, str, bytes, bytes]]:
        """Every ledger entry: (seq, type, recorded_at, canonical bytes, stored leaf hash)."""
        yield from self.conn.execute(
            "SELECT seq, type, recorded_at, entry, leaf FROM entries ORDER BY seq"
        )

    def checkpoints(self) -> list[tuple[int, str]]:
        return list(self.conn.execute("SELECT size, note FROM checkpoints ORDER BY size"))

    def latest_checkpoint(self) -> str:
        row = self.conn.execute(
            "SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1"
        ).fetchone()
        return str(row[0])

    def tree_size(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM entries").fetchone()[0])

    def stored_range(self) -> tuple[int, list[bytes]]:
        meta = dict(
            self.conn.execute(
                "SELECT key, value FROM meta WHERE key IN ('tree_size', 'tree_range')"
            ).fetchall()
        )
        return int(meta["tree_size"]), [bytes.fromhex(h) for h in json.loads(meta["tree_range"])]

    def heads_nodes(self) -> Iterator[tuple[int, int, bytes]]:
        """The stored map of heads: (level, index, hash) of every perfect subtree, in order."""
        import sqlcipher3

        from blockwatch.vault import heads

        try:
            yield from heads.nodes(self.conn)
        except sqlcipher3.OperationalError:  # schema version 1, not written to since
            return

    def stored_heads(self) -> tuple[int, bytes] | None:
        """The size and root of the map of heads the next write starts from (None: not begun)."""
        meta = dict(
            self.conn.execute(
                "SELECT key, value FROM meta WHERE key IN ('heads_size', 'heads_root')"
            ).fetchall()
        )
        if "heads_root" not in meta:
            return None
        return int(meta["heads_size"]), bytes.fromhex(meta["heads_root"])

    def projection(self) -> dict[str, Incident]:
        rows = self.conn.execute(f"SELECT uid, {self._VIEW} FROM {self._VIEW_FROM}")
        return {uid: self._view(row) for uid, *row in rows}

    def entries_of_type(self, type_: str) -> Iterator[tuple[int, str, dict[str, Any]]]:
        """(seq, recorded_at, body) of every entry of one type, in order."""
        for seq, recorded_at, entry in self.conn.execute(
            "SELECT seq, recorded_at, entry FROM entries WHERE type = ? ORDER BY seq", (type_,)
        ):
            yield seq, recorded_at, json.loads(entry)["body"]

    def ids_of(self, uids: Iterable[str]) -> dict[str, int]:
        """The vault's incident numbers of these uids (those it has)."""
        wanted = list(uids)
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            marks = ",".join("?" * len(part))
            found.update(
                self.conn.execute(f"SELECT uid, id FROM incidents WHERE uid IN ({marks})", part)
            )
        return found

    def ledger_size(self) -> int:
        """The number of ledger entries, from the stored tree state (no count of rows)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'tree_size'").fetchone()
        return int(row[0]) if row else 0

    def known_uids(self) -> set[str]:
        return {uid for (uid,) in self.conn.execute("SELECT uid FROM incidents")}
