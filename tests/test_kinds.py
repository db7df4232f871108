"""Every incident kind in kinds.KINDS has everything a kind needs (docs/DEVELOPING.md).

A kind added to the table but not to a command, a word, a report label or a summary fails
here, not as a KeyError in ``export`` (the report renders under StrictUndefined).
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from blockwatch import documents, i18n, incidents, kinds, words
from blockwatch.cli import log, timeline
from blockwatch.env import Env

from .conftest import run_cli

KINDS = list(kinds.KINDS)


def test_the_kind_table_is_the_one_source() -> None:
    assert tuple(KINDS) == incidents.KINDS
    assert set(incidents.DETAILS) == set(KINDS)
    assert set(log.COMMANDS) == set(KINDS)
    assert set(incidents.HAS_COUNTERPARTY) <= set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_a_kind_summarises_only_its_own_details(kind: str) -> None:
    spec = kinds.KINDS[kind]
    assert spec.summary and set(spec.summary) <= set(spec.details)


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_name_in_every_language(kind: str, lang: str) -> None:
    assert words.WORDS[kind] == kinds.KINDS[kind].label
    i18n.use(lang)
    name = words.word(kind)
    assert name and (lang == i18n.SOURCE or name != kinds.KINDS[kind].label), (kind, lang)
    assert documents.texts("report", lang)[f"kind_{kind}"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_log_command(kind: str) -> None:
    from blockwatch.cli import build_app

    app = build_app(("log",))
    from typer.main import get_command

    group = get_command(app).commands["log"]  # type: ignore[attr-defined]
    assert kind in group.commands


@pytest.mark.parametrize("kind", KINDS)
def test_a_summary_shows_the_details_it_names(kind: str) -> None:
    sample = {
        "outcome": "missed",
        "direction": "out",
        "duration": 61,
        "text": "Please confirm your account",
        "notice": "This account can no longer use WhatsApp",
        "appeal_offered": False,
        "reason": "copyright",
        "claimant": "a Japanese citizen",
        "to": "police",
        "status": "sent",
        "due": "2026-07-12",
    }
    view = {
        "kind": kind,
        "details": {k: sample[k] for k in kinds.KINDS[kind].summary},
        "note": None,
    }
    line = timeline.summary(view, date(2026, 7, 20))  # type: ignore[arg-type]
    for name in kinds.KINDS[kind].summary:
        shown = {
            "outcome": "missed",
            "direction": "outgoing",
            "duration": "61 s",
            "appeal_offered": "no appeal offered",
            "to": "to police",
            "due": "OVERDUE",
        }.get(name, str(sample[name]))
        assert shown in line, (kind, name, line)


def test_log_note_takes_note_as_its_text(vault_env: Env) -> None:
    """--note, which every other kind has, is the note's text here (issue 14)."""
    done = run_cli(vault_env, "log", "note", "--note", "the landlord called twice")
    assert done.code == 0, done.err
    [view] = json.loads(run_cli(vault_env, "list", "--json").out)
    assert view["details"]["text"] == "the landlord called twice" and view["note"] is None
    both = run_cli(vault_env, "log", "note", "--note", "a", "--text", "b")
    assert both.code == 2 and "give the note once" in both.err
