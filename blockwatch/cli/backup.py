"""``backup`` and ``restore``: a second copy of the vault, still encrypted, for the day the
laptop is seized, stolen or broken (vault/backup.py holds the format)."""

# No `from __future__ import annotations` here: Typer evaluates string annotations at start-up.

from pathlib import Path
from typing import Annotated

import typer

from blockwatch.cli.common import State, open_vault, passphrase, state
from blockwatch.i18n import _, ngettext


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)


def backup(
    ctx: typer.Context,
    dest: Annotated[
        Path,
        typer.Argument(
            metavar="DIR",
            help="The backup's folder, e.g. on a USB stick: new, or one an earlier backup of "
            "this vault wrote.",
            show_default=False,
        ),
    ],
    to_recipient: Annotated[
        list[str] | None,
        typer.Option(
            "--to-recipient",
            metavar="AGE-KEY",
            help="Also encrypt the copy to this age public key (age1…) of a colleague or "
            "lawyer who keeps it (repeatable); they need their key and your passphrase.",
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing: check that the backup in DIR is whole, say how far behind "
            "the vault it is, and prove that the vault extends it.",
        ),
    ] = False,
) -> None:
    """Copy the vault, still encrypted, to a folder on another disk.

    The copy is of one moment, even while other commands write. Its passphrase and recovery
    code are the vault's. Run it again to bring the copy up to date: the earlier copy stays
    whole until the new one is complete. Restore with 'blockwatch restore DIR --vault NEW'."""
    st = state(ctx)
    if check:
        _check(st, dest)
        return
    from blockwatch import when
    from blockwatch.vault import backup as backups
    from blockwatch.vault import keyslots
    from blockwatch.vault.schema import SLOTS_NAME

    backups.parse_recipients(to_recipient or [])  # a typo is told before the passphrase
    with open_vault(st) as v:
        with open(st.env.vault_dir / SLOTS_NAME, "rb") as f:
            slots = f.read(keyslots.MAX_FILE_BYTES)
        made = backups.write(
            dest,
            copy_database=v.copy_database,
            keyslots=slots,
            vault_id=v.settings.vault_id,
            origin=v.settings.origin,
            public_key=v.public_key,
            latest=v.latest_checkpoint(),
            made_at=when.utc_stamp(st.env.now()),
            recipients=to_recipient or [],
        )
        v.record_backup(made.manifest.size)
    size = made.manifest.size
    if not made.written:
        st.say(
            _("{path} already holds the vault as it is now ({size} ledger entries).").format(
                path=dest, size=size
            )
        )
        return
    total = sum(s.bytes for s in made.manifest.files.values())
    st.say(
        _("Backed up {size} ledger entries to {path} ({bytes} bytes).").format(
            size=size, path=dest, bytes=total
        )
    )
    if made.manifest.recipients:
        st.say(
            _("Encrypted with the vault's key, and to {recipients}.").format(
                recipients=", ".join(made.manifest.recipients)
            )
        )
    st.say(_("To restore it: blockwatch restore {path} --vault NEW-FOLDER").format(path=dest))


def _check(st: State, dest: Path) -> None:
    from blockwatch import ledger, when
    from blockwatch.errors import VerificationFailed
    from blockwatch.vault import backup as backups

    manifest = backups.require_manifest(
        dest, _("make one with 'blockwatch backup {path}'").format(path=dest)
    )
    backups.check_files(dest, manifest)
    with open_vault(st) as v:
        if manifest.vault_id != v.settings.vault_id or manifest.public_key != v.public_key:
            raise VerificationFailed(
                _("{path} holds the backup of another vault").format(path=dest),
                hint=_("give each vault a folder of its own"),
            )
        zone = v.settings.timezone
        size = v.ledger_size()
        root = ledger.open_checkpoint(v.latest_checkpoint(), v.settings.origin, v.public_key).root
        proof: list[bytes] = []
        if manifest.size < size:
            leaves = [leaf for *_rest, leaf in v.entries()][:size]
            proof = ledger.MerkleTree(leaves).consistency_proof(manifest.size, size)
    made_at = when.spoken(when.parse_instant(manifest.made_at), zone)
    try:
        ledger.verify_consistency(manifest.size, size, manifest.root, root, proof)
    except VerificationFailed:
        raise VerificationFailed(
            _(
                "the backup in {path} ({copy} entries) is not a part of this vault's ledger "
                "({size} entries): one of the two was changed or rolled back"
            ).format(path=dest, copy=manifest.size, size=size),
            hint=_("keep both as they are and run 'blockwatch check'"),
        ) from None
    st.say(
        _("The backup in {path} is whole: {copy} ledger entries, made {when}.").format(
            path=dest, copy=manifest.size, when=made_at
        )
    )
    if manifest.size == size:
        st.say(_("It is up to date."))
        return
    behind = size - manifest.size
    st.say(
        ngettext(
            "It is {n} entry behind the vault ({size}); the vault's ledger extends it "
            "(consistency proof verified): nothing in the copy was changed since.",
            "It is {n} entries behind the vault ({size}); the vault's ledger extends it "
            "(consistency proof verified): nothing in the copy was changed since.",
            behind,
        ).format(n=behind, size=size)
    )
    st.say(_("To bring it up to date: blockwatch backup {path}").format(path=dest))


def restore(
    ctx: typer.Context,
    source: Annotated[
        Path,
        typer.Argument(
            metavar="DIR", help="The folder 'blockwatch backup' wrote.", show_default=False
        ),
    ],
    vault: Annotated[
        Path | None,
        typer.Option(
            "--vault",
            metavar="NEW",
            help="Where to make the vault: a folder that holds none "
            "[default: the vault directory, as for other commands].",
            show_default=False,
        ),
    ] = None,
    identity: Annotated[
        Path | None,
        typer.Option(
            "--identity",
            metavar="FILE",
            help="For a backup encrypted to you: your age identity file (age-keygen -o FILE).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Make a vault again from a backup, and check it.

    Checks every file of the backup against its SHA-256, opens it with the vault's
    passphrase, and runs every check of 'blockwatch check' on it; anything amiss, and nothing
    is left behind. Never overwrites a vault."""
    import dataclasses

    from blockwatch import vault as vaults
    from blockwatch.vault import backup as backups

    st = state(ctx)
    env = dataclasses.replace(st.env, vault_dir=vault) if vault is not None else st.env
    identities = backups.read_identities(identity) if identity is not None else []
    # what can be told before the passphrase is asked
    manifest = backups.require_manifest(source, _("give the folder that 'blockwatch backup' wrote"))
    backups.require_identities(manifest, identities)
    vaults.ensure_absent(env.vault_dir)
    secret = passphrase(st, label=_("Passphrase of the backed-up vault"))
    passed = vaults.restore(env, source, manifest, secret, identities)
    st.say(
        _("Restored {size} ledger entries from {path} into {vault}.").format(
            size=manifest.size, path=source, vault=env.vault_dir
        )
    )
    for number, description in enumerate(passed, 1):
        st.out.print(f"ok {number}  {description}")
    st.out.print(_("The vault is intact."))
