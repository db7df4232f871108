"""``witness add`` and ``witness cosign``: keeping another journalist's checkpoints, and
cosigning them (C2SP tlog-witness and tlog-cosignature v1)."""

# No `from __future__ import annotations` here: Typer evaluates string annotations at start-up.

import sys
from typing import Annotated

import typer

from blockwatch.cli.common import group, open_vault, read_checkpoint_text, safe, state
from blockwatch.i18n import _


def register(app: typer.Typer) -> None:
    witness = group("Keep other journalists' checkpoints, and cosign them.")
    witness.command("add")(add)
    witness.command("cosign")(cosign)
    app.add_typer(witness, name="witness")


def add(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            metavar="FILE|-",
            help="The checkpoint she sent ('blockwatch checkpoint'), or - to paste it.",
        ),
    ],
    key: Annotated[
        str | None,
        typer.Option(
            "--key",
            metavar="KEY",
            help="Her verifier key, from 'blockwatch key show' on her computer: needed the "
            "first time only. Compare its fingerprint with her by phone or in person.",
        ),
    ] = None,
) -> None:
    """Keep a journalist's checkpoint as her witness, in your own vault.

    Checks her signature, and that it extends the checkpoint of hers you already hold: one
    from a vault rolled back or rewritten is refused. Later bundles of hers prove to you,
    with 'blockwatch verify BUNDLE --witness FILE', that nothing before it was changed."""
    from blockwatch import ledger
    from blockwatch.errors import InputError
    from blockwatch.vault import witness

    st = state(ctx)
    text = read_checkpoint_text(source)
    try:
        request = ledger.parse_request(text)
    except ledger.ProofError as e:
        raise InputError(
            e.message, hint=_("give the text 'blockwatch checkpoint' printed, as it was received")
        ) from None
    with open_vault(st) as v:
        point, before = witness.add(v, request, key)
    origin = safe(request.note.split("\n", 1)[0], oneline=True)
    if before is None:
        st.say(
            _("Keeping the checkpoint of {origin}: its first {size} entries.").format(
                origin=origin, size=point.size
            )
        )
    else:
        st.say(
            _(
                "Keeping the checkpoint of {origin}: {size} entries, extending the {before} "
                "you held."
            ).format(origin=origin, size=point.size, before=before)
        )
    st.say(_("Return a cosignature with 'blockwatch witness cosign'."))


def cosign(
    ctx: typer.Context,
    origin: Annotated[
        str | None,
        typer.Argument(
            metavar="[LOG]", help="Whose checkpoint (its first line), when you witness several."
        ),
    ] = None,
) -> None:
    """Cosign the latest checkpoint you keep of a journalist's log, for her to store.

    Prints the checkpoint with your cosignature (C2SP tlog-cosignature v1): send it back to
    her, with the witness key printed below, for 'blockwatch checkpoint --cosigned FILE
    --witness-key KEY'. Your cosignature says that at this moment it was the largest
    consistent checkpoint of hers you had seen."""
    from blockwatch.vault import witness

    st = state(ctx)
    with open_vault(st) as v:
        note, witness_key = witness.cosign(v, origin)
    sys.stdout.write(note)
    sys.stderr.write(
        _("Your witness key (she needs it, and so does whoever checks her bundles): {key}").format(
            key=witness_key
        )
        + "\n"
    )
