"""``export`` and ``verify``: signed evidence bundles for the police, a platform or a court;
``disclosures`` (what was handed out) and ``checkpoint`` (a checkpoint for a witness)."""

# No `from __future__ import annotations` here: Typer evaluates string annotations at start-up.

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from blockwatch.cli.common import (
    IdOption,
    KindOption,
    PlatformOption,
    SinceOption,
    TsaRootOption,
    UntilOption,
    emit_json,
    open_vault,
    safe,
    state,
)
from blockwatch.i18n import METAVAR, _, ngettext


def register(app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("verify")(verify)
    app.command("disclosures")(disclosures)
    app.command("checkpoint")(checkpoint)


def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(metavar="OUT.zip", help="Where to write the bundle.")],
    kind: KindOption = None,
    platform: PlatformOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    incident_id: IdOption = None,
    case: Annotated[
        str | None,
        typer.Option("--case", metavar="NAME", help="Case name for the report and bag-info.txt."),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", metavar=METAVAR, help="Language of the report and VERIFY file."),
    ] = None,
    no_attachments: Annotated[
        bool,
        typer.Option("--no-attachments", help="List attachments by hash only, without the files."),
    ] = False,
    at_time: Annotated[
        str | None,
        typer.Option(
            "--at-time",
            metavar="WHEN",
            help="Export time to record (for a reproducible bundle) [default: now].",
        ),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="WHOM",
            help="Who the bundle is for, kept in the vault's record of disclosures.",
        ),
    ] = None,
    with_disclosures: Annotated[
        bool,
        typer.Option(
            "--with-disclosures",
            help="List in the bundle and its report the earlier exports of these incidents "
            "(to whom, when, which bundle): the recipient learns of them.",
        ),
    ] = False,
    include_profile: Annotated[
        bool,
        typer.Option(
            "--include-profile",
            help="Carry your details ('blockwatch profile') in data/profile.json, signed with "
            "the rest: the recipient sees your ИИН, address and phone.",
        ),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists.")] = False,
) -> None:
    """Export a signed evidence bundle that anyone can verify with openssl and sha256sum.

    Every export is recorded in the ledger (what, to whom, when, the bundle's SHA-256): see
    'blockwatch disclosures'."""
    from blockwatch import incidents, inputs, logbook
    from blockwatch.bundle.writer import ExportOptions, check_target, export_bundle
    from blockwatch.env import check_language
    from blockwatch.errors import InputError

    st = state(ctx)
    language = lang or st.lang
    check_language(language, "--lang", InputError)
    incidents.check_kinds(kind or ())
    check_target(out, force)  # a mistake costs no passphrase
    inputs.check_times(st.env, since, until, at_time)
    if to is not None and not 0 < len(to.strip()) <= 200:
        raise InputError(
            _("--to must name the recipient in 1 to 200 characters"),
            hint=_("e.g. --to 'Police of Almaty, Bostandyk district'"),
        )
    with open_vault(st) as v:
        where = logbook.selection(
            v, kinds=kind, platform=platform, since=since, until=until, ids=incident_id
        )
        options = ExportOptions(
            where=where,
            case=case,
            lang=language,
            attachments=not no_attachments,
            at_time=logbook.read_time(v, at_time, allow_future=True) if at_time else None,
            to=to,
            disclosures=with_disclosures,
            profile=include_profile,
        )
        with st.status(_("Writing the bundle…")):
            result = export_bundle(v, out, options, force=force)
    st.say(
        _("Wrote {path}: {incidents}, {files}, {size} bytes.").format(
            path=result.path,
            size=result.size,
            incidents=ngettext("{n} incident", "{n} incidents", result.incidents).format(
                n=result.incidents
            ),
            files=ngettext("{n} file", "{n} files", result.attachments).format(
                n=result.attachments
            ),
        )
    )
    st.say(_("Bundle SHA-256:     {sha256}").format(sha256=result.sha256))
    st.say(_("Signer fingerprint: {fingerprint}").format(fingerprint=result.fingerprint))
    st.say(_("Give the recipient the fingerprint by another channel (in person or by phone)."))
    st.say(_("The export is recorded in the vault: see 'blockwatch disclosures'."))


def verify(
    ctx: typer.Context,
    bundle: Annotated[Path, typer.Argument(metavar="BUNDLE.zip", help="The bundle to check.")],
    fingerprint: Annotated[
        str | None,
        typer.Option(
            "--fingerprint",
            metavar="FP",
            help="The signer's fingerprint, as given to you out of band.",
        ),
    ] = None,
    witness: Annotated[
        list[Path] | None,
        typer.Option(
            "--witness",
            metavar="FILE",
            help="A checkpoint the journalist gave you earlier ('blockwatch checkpoint'): "
            "check that the ledger still extends it. Repeatable.",
        ),
    ] = None,
    witness_key: Annotated[
        list[str] | None,
        typer.Option(
            "--witness-key",
            metavar="KEY",
            help="A witness you trust ('blockwatch witness cosign' printed its key): check "
            "the cosignatures by it that the bundle carries. Repeatable.",
        ),
    ] = None,
    tsa_root: TsaRootOption = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check a bundle: every file, the signature, the ledger proofs. Needs no vault."""
    from blockwatch import ledger, timestamps, when
    from blockwatch.bundle.verify import CHECKS, REPORT_CHECK, BundleInvalid, verify_bundle

    st = state(ctx)
    held = [(str(path), _read_checkpoint(path)) for path in witness or ()]
    roots = timestamps.read_roots(tsa_root or ())
    keys = [
        ledger.verifier_key_option(text, ledger.COSIGNER_KEY, "--witness-key")
        for text in witness_key or ()
    ]
    try:
        with st.status(_("Verifying…")) as status:
            result = verify_bundle(
                bundle,
                fingerprint,
                progress=lambda what: status(_("Checking: {what}…").format(what=what)),
                witnesses=held,
                tsa_roots=roots,
                witness_keys=keys,
            )
    except BundleInvalid as e:
        if json_:
            emit_json(
                {
                    "valid": False,
                    "failed_check": e.check,
                    "file": e.file,
                    "error": e.message,
                    "checks": [
                        {"number": n, "check": c, "passed": n < e.check}
                        for n, c in enumerate(CHECKS, 1)
                    ],
                }
            )
        raise
    pinned = fingerprint is not None
    if json_:
        emit_json(
            {
                "valid": True,
                "name": result.name,
                "fingerprint": result.fingerprint,
                "fingerprint_pinned": fingerprint is not None,
                "checkpoint": {"origin": result.checkpoint.origin, "size": result.checkpoint.size},
                "incidents": len(result.incidents),
                "clock_set_back": result.clock_set_back,
                "clock_ahead": result.clock_ahead,
                "timestamps": result.time_stamps,
                "cosignatures": result.cosigned,
                "witnessed": [
                    {"file": label, "size": size, "incidents": _created_before(result, size)}
                    for label, size in result.witnessed
                ],
                "anchors": _anchors(result),
                "checks": [
                    {
                        "number": n,
                        "check": c,
                        "passed": n not in result.not_compared and (n != 6 or pinned),
                        **(
                            {"not_compared": result.not_compared[n]}
                            if n in result.not_compared
                            else {"not_compared": "skipped: no --fingerprint given"}
                            if n == 6 and not pinned
                            else {}
                        ),
                    }
                    for n, c in enumerate(CHECKS, 1)
                ],
            }
        )
        return
    for number, description in enumerate(CHECKS, 1):
        if number in result.not_compared:  # neither passed nor failed: never an "ok"
            st.say(f"-- {number}  {_(description)}: {result.not_compared[number]}")
            continue
        if number == 6 and fingerprint is None:  # nothing was compared: not an "ok"
            st.say(
                f"-- {number}  {_(description)}: "
                + _("skipped: no --fingerprint given; compare the fingerprint below yourself")
            )
            continue
        st.say(f"ok {number}  {_(description)}")
    n = len(result.incidents)
    st.say(
        _("The bundle is intact: {incidents}, signed by {fingerprint}.").format(
            incidents=ngettext("{n} incident", "{n} incidents", n).format(n=n),
            fingerprint=result.fingerprint,
        )
    )
    if 9 in result.not_compared:
        st.say(
            _(
                "Check 9 was done in part: the bundle cannot show that no later change of "
                "these incidents was left out."
            )
        )
    for label, size in result.witnessed:
        ids = _created_before(result, size)
        st.say(
            _(
                "{file}: the ledger's first {size} entries existed when the witness received "
                "this checkpoint; incidents among them: {ids}."
            ).format(file=label, size=size, ids=", ".join(f"#{i}" for i in ids) or "—")
        )
    zone = _zone(result.bag_info.get("Blockwatch-Timezone"))
    for row in result.cosigned:
        st.say(
            _(
                "{witness} cosigned on {when} that the ledger's first {size} entries were the "
                "largest consistent checkpoint it had seen; incidents among them: {ids}."
            ).format(
                witness=safe(row["witness"], oneline=True),
                when=when.spoken(when.parse_instant(row["time"]), zone),
                size=row["size"],
                ids=", ".join(f"#{i}" for i in row["ids"]) or "—",
            )
        )
    for row in result.time_stamps:
        said = _(
            "{file}: {authority} vouched that the ledger's first {size} entries existed on "
            "{when}; incidents among them: {ids}."
        ).format(
            file=row["file"],
            authority=safe(row["authority"], oneline=True),
            size=row["size"],
            when=when.spoken(when.parse_instant(row["gen_time"]), zone),
            ids=", ".join(f"#{i}" for i in row["ids"]) or "—",
        )
        if not row["trusted"]:
            said += " " + _(
                "Its root, {root} (SHA-256 {sha256}), is not one you said you trust."
            ).format(root=safe(row["root"], oneline=True), sha256=row["root_sha256"])
        st.say(said)
    if result.clock_ahead:
        st.say(
            _(
                "Note: entries about incidents {ids} were recorded later than a time stamp that "
                "covers them: the signer's clock ran ahead, and their recorded times may be wrong."
            ).format(ids=", ".join(f"#{i}" for i in result.clock_ahead))
        )
    if result.clock_set_back:
        st.say(
            _(
                "Note: the signer's clock was set back before entries about incidents {ids}: "
                "their recorded times may be wrong."
            ).format(ids=", ".join(f"#{i}" for i in result.clock_set_back))
        )
    if REPORT_CHECK in result.not_compared:
        st.say(
            _("Check {n} was not done: rely on the signed incidents, not on that file.").format(
                n=REPORT_CHECK
            )
        )
    if fingerprint is None:
        st.say(
            _("Make sure this fingerprint is the one the sender gave you in person or by phone.")
        )


def _zone(name: str | None) -> str:
    """The bundle's time zone when it names a known one, else UTC: for the times verify says."""
    from blockwatch import when
    from blockwatch.errors import InputError

    try:
        when.zone(name or "UTC")
    except (InputError, ValueError):
        return "UTC"
    return name or "UTC"


def _read_checkpoint(path: Path) -> str:
    """A witness's checkpoint file: a signed note (or a witness's request: its note)."""
    from blockwatch import ledger
    from blockwatch.cli.common import read_checkpoint_text
    from blockwatch.errors import InputError

    try:
        return ledger.parse_request(read_checkpoint_text(str(path))).note
    except ledger.ProofError as e:
        raise InputError(
            _("{path}: {message}").format(path=path, message=e.message),
            hint=_("give the file 'blockwatch checkpoint' printed, as it was received"),
        ) from None


def _anchors(result: Any) -> list[dict[str, Any]]:
    """For each included entry of an incident: the earliest trusted time stamp and the
    earliest witness (checkpoint file or trusted cosignature) that cover it, or None."""
    stamps = sorted(
        (row for row in result.time_stamps if row["trusted"]), key=lambda row: row["gen_time"]
    )
    seen = [(size, label, None) for label, size in result.witnessed] + [
        (row["size"], row["witness"], row["time"]) for row in result.cosigned
    ]
    rows = []
    for view in result.incidents:
        for seq in [view["seq"], *(change["seq"] for change in view["amended"])]:
            stamp = next((row for row in stamps if seq < row["size"]), None)
            witness = min(
                (w for w in seen if seq < w[0]), default=None, key=lambda w: (w[0], w[2] or "")
            )
            rows.append(
                {
                    "incident": view["id"],
                    "seq": seq,
                    "time_stamp": None
                    if stamp is None
                    else {"time": stamp["gen_time"], "authority": stamp["authority"]},
                    "witness": None
                    if witness is None
                    else {"by": witness[1], "size": witness[0], "time": witness[2]},
                }
            )
    return rows


def _created_before(result: Any, size: int) -> list[int]:
    """The included incidents whose creating entry lies in the first ``size`` entries."""
    return sorted(v["id"] for v in result.incidents if v["seq"] < size)


def checkpoint(
    ctx: typer.Context,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="WHOM",
            help="Who keeps it (a lawyer, a colleague), kept in the vault's record.",
        ),
    ] = None,
    since: Annotated[
        int | None,
        typer.Option(
            "--since",
            metavar="SIZE",
            help="The size of the checkpoint the witness already holds: add the proof that "
            "this one extends it [default: the last one given to the same --to].",
        ),
    ] = None,
    cosigned: Annotated[
        Path | None,
        typer.Option(
            "--cosigned",
            metavar="FILE",
            help="Instead: store the cosignature a witness returned ('blockwatch witness "
            "cosign'), so that every later bundle carries it.",
        ),
    ] = None,
    witness_key: Annotated[
        str | None,
        typer.Option(
            "--witness-key",
            metavar="KEY",
            help="With --cosigned: the witness's key, as 'blockwatch witness cosign' printed it.",
        ),
    ] = None,
) -> None:
    """Print the vault's signed checkpoint for a witness to keep.

    Send it to your lawyer or a colleague by any channel. Every bundle you export later proves
    to them, with 'blockwatch verify --witness FILE', that nothing recorded before this moment
    was changed or removed. Giving it out is recorded in the ledger. A witness with blockwatch
    keeps it with 'blockwatch witness add' and can return a cosignature: store it with
    --cosigned."""
    from blockwatch import when
    from blockwatch.errors import InputError

    st = state(ctx)
    if cosigned is not None:
        if witness_key is None:
            raise InputError(
                _("--cosigned needs --witness-key"),
                hint=_("give the witness key that 'blockwatch witness cosign' printed"),
            )
        text = _read_checkpoint(cosigned)
        with open_vault(st) as v:
            point, at = v.record_cosignature(text, witness_key)
            zone = v.settings.timezone
        st.say(
            _(
                "Stored the witness's cosignature of {at}: the ledger's first {size} entries. "
                "Every bundle you export from now on carries it."
            ).format(at=when.spoken(when.from_posix(at), zone), size=point.size)
        )
        return
    if to is not None and not 0 < len(to.strip()) <= 200:
        raise InputError(
            _("--to must name the recipient in 1 to 200 characters"),
            hint=_("e.g. --to 'Police of Almaty, Bostandyk district'"),
        )
    with open_vault(st) as v:
        note = v.share_checkpoint(" ".join(to.split()) if to else None, since)
    sys.stdout.write(note)
    sys.stderr.write(
        _(
            "Keep this text exactly as it is: the witness saves it to a file and later "
            "checks bundles with 'blockwatch verify BUNDLE --witness FILE'."
        )
        + "\n"
    )


def disclosures(
    ctx: typer.Context,
    json_: Annotated[bool, typer.Option("--json", help="Print them as JSON.")] = False,
) -> None:
    """List the bundles exported from this vault: when, for whom, which incidents."""
    from blockwatch import when
    from blockwatch.vault.store import ENTRY_BUNDLE_EXPORTED

    st = state(ctx)
    with open_vault(st) as v:
        found = list(v.entries_of_type(ENTRY_BUNDLE_EXPORTED))
        ids = v.ids_of(uid for _seq, _at, body in found for uid in body["incidents"])
        zone = v.settings.timezone
    rows = [
        {
            "seq": seq,
            "recorded_at": recorded_at,
            "to": body.get("to"),
            "bundle": body["bundle"],
            "selection": body.get("selection"),
            "incidents": sorted(ids[u] for u in body["incidents"] if u in ids),
        }
        for seq, recorded_at, body in found
    ]
    if json_:
        emit_json(rows)
        return
    if not rows:
        st.say(_("No bundle has been exported from this vault."))
        return
    for r in rows:
        line = (
            _("{when}: {file} for {to}, incidents {ids}")
            if r["to"]
            else _("{when}: {file}, no recipient given, incidents {ids}")
        )
        st.out.print(
            line.format(
                when=when.spoken(when.parse_instant(r["recorded_at"]), zone),
                file=safe(r["bundle"]["file"], oneline=True),
                to=safe(r["to"] or "", oneline=True),
                ids=_spans(r["incidents"]),
            ),
            highlight=False,
            markup=False,
        )
        st.out.print(
            "    " + _("SHA-256 {sha256}").format(sha256=r["bundle"]["sha256"]),
            highlight=False,
            markup=False,
        )


def _spans(ids: list[int]) -> str:
    """1, 2, 3, 5, 7, 8 -> "1-3, 5, 7-8"."""
    parts: list[list[int]] = []
    for n in ids:
        if parts and parts[-1][1] == n - 1:
            parts[-1][1] = n
        else:
            parts.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in parts) or "—"
