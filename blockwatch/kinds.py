"""The incident kinds: one spec per kind, from which everything else reads.

``incidents`` (validation and replay), ``words`` (the kind's name for people), ``cli.log`` (one
``log KIND`` command each), ``cli.timeline`` (the one-line summary) and the report and letters
(the label ``kind_<name>`` in ``documents/report.py``) all derive from ``KINDS``;
tests/test_kinds.py fails when a kind lacks a command, a word, a label in any language or a
summary field.  Adding a kind: a ``Kind`` here, its ``log`` command in ``cli/log.py``, its
labels (``documents/report.py`` and the catalogs), its tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from blockwatch.i18n import N_


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # the kind's name for people (translated where shown)
    details: tuple[str, ...]  # the detail fields it may carry
    summary: tuple[str, ...]  # the details its one-line summary shows, in this order
    counterparty: bool = False  # has a caller or sender


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "call",
            N_("call"),
            ("direction", "outcome", "duration", "source_type"),
            ("outcome", "direction", "duration"),
            counterparty=True,
        ),
        Kind(
            "message",
            N_("message"),
            (
                "text",
                "opened",
                "links",
                "direction",
                "deleted",
                "edited",
                "media",
                "media_omitted",
                "media_missing",
            ),
            ("text",),
            counterparty=True,
        ),
        Kind(
            "block",
            N_("block"),
            ("account", "notice", "appeal_offered"),
            ("notice", "appeal_offered"),
        ),
        Kind(
            "takedown",
            N_("takedown"),
            ("account", "notice", "reason", "claimant", "url"),
            ("reason", "claimant"),
        ),
        Kind(
            "compromise",
            N_("compromise"),
            ("account", "notice"),
            ("notice",),
        ),
        Kind(
            "appeal",
            N_("appeal"),
            (
                "to",
                "channel",
                "ref",
                "status",
                "due",
                "due_basis",
                "extended",
                "promised",
                "calendar",
                "about",
                "text",
            ),
            ("to", "status", "due"),
        ),
        Kind("note", N_("note"), ("text",), ("text",)),
    )
}
