"""What a bundle's payload files are made of, for the writer and the verifier alike.

The writer makes ``incidents.csv``, ``report.html`` and the attachment names from the incidents
it exports; the verifier makes them again from the incidents it has just replayed from the
signed ledger entries and compares byte for byte (checks 9 to 11).  One function for each, so
that what is checked is what was written.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from blockwatch import stats, when
from blockwatch.bundle import layout
from blockwatch.incidents import Attachment, Incident
from blockwatch.names import safe_name

EXPORTED = "bundle.exported"  # vault.store.ENTRY_BUNDLE_EXPORTED: verify imports no vault code

INLINE_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}  # never SVG
MAX_INLINE_IMAGE = 2 * 1024 * 1024
_CSV_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def attachment_files(views: Sequence[Incident]) -> dict[str, Attachment]:
    """Path in the bag -> the attachment it holds: one file per distinct content, named after
    the first incident (in order) that attached it."""
    files: dict[str, Attachment] = {}
    seen: set[str] = set()
    for view in views:
        for item in view["attachments"]:
            sha = item["sha256"]
            if sha not in seen:
                seen.add(sha)
                files[f"{layout.ATTACHMENTS_DIR}{sha[:12]}-{safe_name(item['name'], sha)}"] = item
    return files


def inline(item: Attachment) -> bool:
    """Whether the report shows this attachment as a picture (small raster images only)."""
    return item["media_type"] in INLINE_IMAGE_TYPES and item["size"] <= MAX_INLINE_IMAGE


def report_html(
    views: Sequence[Incident],
    meta: dict[str, Any],
    lang: str,
    at_time: datetime,
    images: dict[str, str],
) -> bytes:
    from blockwatch.report import render_report

    zone = meta["timezone"]
    summary = stats.summarize(views, zone, at_time.astimezone(when.zone(zone)).date())
    return render_report(views, summary, meta, lang, images).encode()


def disclosures(
    entries: Sequence[tuple[int, dict[str, Any]]], views: Sequence[Incident]
) -> list[dict[str, Any]]:
    """The earlier exports a bundle carries (``bundle.exported`` entries, in ledger order), as
    the report lists them: when, to whom, which bundle, and which of its incidents."""
    ids = {v["uid"]: v["id"] for v in views}
    found = []
    for seq, entry in entries:
        if entry.get("type") != EXPORTED:
            continue
        body = entry["body"]
        bundle = body.get("bundle") or {}
        found.append(
            {
                "seq": seq,
                "exported_at": body.get("exported_at"),
                "to": body.get("to"),
                "name": bundle.get("name"),
                "sha256": bundle.get("sha256"),
                "ids": sorted(ids[uid] for uid in body.get("incidents", ()) if uid in ids),
                "others": sum(1 for uid in body.get("incidents", ()) if uid not in ids),
            }
        )
    return found


def clock_set_back(
    entries: Sequence[tuple[int, dict[str, Any]]], views: Sequence[Incident]
) -> list[int]:
    """The numbers of the incidents with an entry recorded at an earlier time than the entry
    before it (in ledger order): the signer's clock was set back there.  Flagged, not refused:
    such an entry may be older than its time says."""
    ids = {v["uid"]: v["id"] for v in views}
    flagged, previous = set(), ""
    for _seq, entry in entries:
        at = str(entry.get("recorded_at", ""))  # RFC 3339 in UTC with a Z: sorts as text
        uid = (entry.get("body") or {}).get("uid")
        if at < previous and uid in ids:
            flagged.add(ids[uid])
        previous = at
    return sorted(flagged)


def time_stamps(rows: Sequence[dict[str, Any]], views: Sequence[Incident]) -> list[dict[str, Any]]:
    """The time stamps a bundle carries (ledger.json "timestamps"), as the report lists them:
    the authority, its time, how many ledger entries it covers, and which of the included
    incidents existed by then (their creating entry is among those it covers)."""
    return [
        {
            "authority": row["authority"],
            "gen_time": row["gen_time"],
            "size": row["size"],
            "ids": sorted(v["id"] for v in views if v["seq"] < row["size"]),
        }
        for row in rows
    ]


def cosignatures(rows: Sequence[dict[str, Any]], views: Sequence[Incident]) -> list[dict[str, Any]]:
    """The witnesses' cosignatures a bundle carries (ledger.json "cosignatures"), as the report
    lists them: the witness (its key's name), when, how many entries, which incidents."""
    return [
        {
            "witness": str(row["witness_key"]).partition("+")[0],
            "time": when.utc_stamp(when.from_posix(row["time"])),
            "size": row["size"],
            "ids": sorted(v["id"] for v in views if v["seq"] < row["size"]),
        }
        for row in rows
    ]


def clock_ahead(
    rows: Sequence[dict[str, Any]],
    entries: Sequence[tuple[int, dict[str, Any]]],
    views: Sequence[Incident],
    tolerance: int,
) -> list[int]:
    """The numbers of the incidents with an entry that a time stamp covers but whose recorded
    time is later than the authority's by more than ``tolerance`` seconds: the signer's clock
    ran ahead there.  Flagged, not refused."""
    ids = {v["uid"]: v["id"] for v in views}
    limits = [
        (
            row["size"],
            when.utc_stamp(when.parse_instant(row["gen_time"]) + timedelta(seconds=tolerance)),
        )
        for row in rows
    ]
    flagged = set()
    for seq, entry in entries:
        uid = (entry.get("body") or {}).get("uid")
        at = str(entry.get("recorded_at", ""))
        if uid in ids and any(seq < size and at > limit for size, limit in limits):
            flagged.add(ids[uid])
    return sorted(flagged)


def incidents_csv(views: Sequence[Incident]) -> bytes:
    """One row per incident; cells that a spreadsheet would run as a formula are neutralised."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(
        [
            "id",
            "uid",
            "kind",
            "platform",
            "occurred_at",
            "recorded_at",
            "source",
            "counterparty",
            "e164",
            "region",
            "foreign",
            "counterparty_type",
            "details",
            "note",
            "attachments_sha256",
            "amendments",
        ]
    )
    for v in views:
        p = v.get("counterparty") or {}
        w.writerow(
            [
                _cell(c)
                for c in (
                    v["id"],
                    v["uid"],
                    v["kind"],
                    v["platform"],
                    v["occurred_at"],
                    v["recorded_at"],
                    v["source"],
                    p.get("raw"),
                    p.get("e164"),
                    p.get("region"),
                    p.get("foreign"),
                    p.get("type"),
                    json.dumps(v["details"], ensure_ascii=False, sort_keys=True),
                    v["note"],
                    " ".join(a["sha256"] for a in v["attachments"]),
                    len(v["amended"]),
                )
            ]
        )
    return out.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheets read UTF-8


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # OWASP "CSV injection": a leading quote makes the cell plain text.
    return "'" + text if text.startswith(_CSV_DANGEROUS) else text


def fold(key: str, value: str, width: int = 79) -> str:
    """One bag-info.txt field, folded as RFC 8493 section 2.2.2 recommends: lines of at most
    ``width`` characters where the value has spaces to break at, each continuation indented by
    two spaces.  ``unfold`` gives the value back exactly (values hold single spaces only)."""
    lines, line = [], f"{key}:"
    for word in value.split(" "):
        if len(line) + 1 + len(word) > width and line.strip() and not line.endswith(":"):
            lines.append(line)
            line = " "
        line += " " + word
    lines.append(line)
    return "\n".join(lines) + "\n"


def unfold(text: str) -> dict[str, str]:
    """bag-info.txt's fields: a line that starts with a space or a tab continues the value."""
    info: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and key is not None:
            info[key] += " " + line.strip(" \t")
            continue
        key, sep, value = line.partition(": ")
        if sep:
            info[key] = value
        else:
            key = None
    return info
