"""RFC 3161 time stamps over the ledger's signed checkpoints: a time that does not rest on the
journalist's clock.

``blockwatch timestamp`` sends the SHA-256 of the latest checkpoint note (the exact text
``blockwatch checkpoint`` prints) to one or more time-stamping authorities, checks each reply
(status, nonce, the hash it vouches for, its signature, and the path from the certificate
that signed it up to a trusted root, checked by RFC 5280 path validation at the stamped time
with the critical timeStamping key usage), and records the token in the ledger
(``checkpoint.timestamped``).  A bundle carries every token over a checkpoint its ledger
extends, with the checkpoint, the chain and the root, so that ``openssl ts -verify`` checks it
without blockwatch.

Trusted roots: Mozilla's list (``certifi``), which holds the roots of the default authorities
below, plus any root the user gives (``--tsa-root FILE``).  A token is never trusted for the
root the bundle carries alone: ``verify`` names that root and says whether it is trusted.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from blockwatch.errors import InputError
from blockwatch.i18n import _

# Free public time-stamping authorities whose roots are in Mozilla's list (certifi): the
# default when neither --tsa nor BLOCKWATCH_TSA names one.  Each is asked in turn; every reply
# that verifies is kept.
DEFAULT_AUTHORITIES = (
    "http://timestamp.digicert.com",
    "http://timestamp.sectigo.com",
)
MAX_REPLY_BYTES = 64 * 1024  # a reply is a few KiB: anything above is refused unread
MAX_CERTIFICATES = 16  # in a reply, or in a chain a bundle carries
MAX_ROOT_FILE_BYTES = 1024 * 1024
TIMEOUT_SECONDS = 20.0
# How far the signer's clock may run ahead of an authority's before an entry is flagged: the
# entries a token covers were recorded before the authority signed it.
CLOCK_TOLERANCE_SECONDS = 600


class StampError(Exception):
    """A reply or token that does not verify; ``str()`` says why, for a person."""


class Unreachable(Exception):
    """No reply from an authority (offline, refused, timed out, not HTTP 200)."""


@dataclass(frozen=True)
class Stamp:
    """A verified token: who vouched, for what, when, and the certificates that show it."""

    tsa: str  # the URL it came from
    token: bytes  # the DER TimeStampResp, as received
    gen_time: datetime  # the authority's time, UTC
    chain: tuple[bytes, ...]  # DER certificates from the token: the signer and intermediates
    root: bytes  # DER of the trusted root the chain ends in

    @property
    def authority(self) -> str:
        return signer_name(self.token)

    def body(self, size: int, root_hash: bytes, note: str) -> dict[str, Any]:
        """The ledger entry's body (``checkpoint.timestamped``)."""
        return {
            "size": size,
            "root": base64.b64encode(root_hash).decode(),
            "checkpoint": note,
            "tsa": self.tsa,
            "gen_time": utc_text(self.gen_time),
            "token": base64.b64encode(self.token).decode(),
            "chain": [base64.b64encode(c).decode() for c in self.chain],
            "root_certificate": base64.b64encode(self.root).decode(),
        }


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@lru_cache(maxsize=1)
def _mozilla_roots() -> tuple[Any, ...]:
    import warnings

    import certifi
    from cryptography import x509

    with warnings.catch_warnings():  # one of Mozilla's roots has a non-positive serial number
        warnings.simplefilter("ignore")
        return tuple(x509.load_pem_x509_certificates(Path(certifi.where()).read_bytes()))


def default_roots() -> list[Any]:
    """Mozilla's root certificates (certifi), read once per process."""
    return list(_mozilla_roots())


def der(cert: Any) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    return cert.public_bytes(Encoding.DER)  # type: ignore[no-any-return]


def read_pem(data: bytes) -> list[Any]:
    """The certificates of a PEM file from a bundle; StampError when there is none."""
    from cryptography import x509

    try:
        certs = x509.load_pem_x509_certificates(data)
    except ValueError:
        raise StampError(_("a certificate file holds no PEM certificate")) from None
    if len(certs) > MAX_CERTIFICATES:
        raise StampError(_("the token carries too many certificates"))
    return certs


def load_certificate(der: bytes) -> Any:
    """A DER certificate; StampError when it cannot be read."""
    from cryptography import x509

    try:
        return x509.load_der_x509_certificate(der)
    except ValueError:
        raise StampError(_("a certificate cannot be read")) from None


def read_roots(paths: Iterable[Path]) -> list[Any]:
    """Root certificates from PEM files the user gave (--tsa-root)."""
    from cryptography import x509

    roots = []
    for path in paths:
        try:
            with open(path, "rb") as f:
                data = f.read(MAX_ROOT_FILE_BYTES + 1)
        except OSError as e:
            raise InputError(
                _("cannot read {path}: {reason}").format(path=path, reason=e.strerror)
            ) from None
        try:
            if len(data) > MAX_ROOT_FILE_BYTES:
                raise ValueError
            roots += x509.load_pem_x509_certificates(data)
        except ValueError:
            raise InputError(
                _("{path} holds no PEM certificate").format(path=path),
                hint=_(
                    "give the authority's root certificate in PEM form (-----BEGIN CERTIFICATE)"
                ),
            ) from None
    return roots


def request(url: str, message: bytes, roots: Sequence[Any]) -> Stamp:
    """Ask one authority to stamp ``message``; the verified stamp, or Unreachable/StampError."""
    import urllib.error
    import urllib.request

    from rfc3161_client import HashAlgorithm, TimestampRequestBuilder

    query = (
        TimestampRequestBuilder()
        .data(message)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    http = urllib.request.Request(
        url,
        data=query.as_bytes(),
        headers={"Content-Type": "application/timestamp-query"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(http, timeout=TIMEOUT_SECONDS) as reply:
            data = reply.read(MAX_REPLY_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", None) or e
        raise Unreachable(str(reason)) from None
    if len(data) > MAX_REPLY_BYTES:
        raise StampError(_("the reply is larger than {n} bytes").format(n=MAX_REPLY_BYTES))
    stamp = check(data, message, roots, nonce=query.nonce, tsa=url)
    return stamp


def check(
    token: bytes,
    message: bytes,
    roots: Sequence[Any],
    *,
    nonce: int | None = None,
    tsa: str = "",
    chain: Sequence[bytes] | None = None,
) -> Stamp:
    """Verify a TimeStampResp over ``message`` up to one of ``roots``: granted, the hash it
    vouches for, the signature, every certificate valid at the stamped time, the signer's
    critical timeStamping key usage (and the nonce, when asking).  ``chain``: intermediates
    to use besides the token's own certificates (a bundle's chain file).  Whatever the bytes,
    a Stamp or a StampError: the parsers read fields lazily, and their errors (a Rust panic
    among them, found by fuzzing) surface anywhere."""
    with _malformed():
        return _check(token, message, roots, nonce=nonce, tsa=tsa, chain=chain)


@contextmanager
def _malformed() -> Iterator[None]:
    try:
        yield
    except StampError:
        raise
    except (ValueError, TypeError, OverflowError, IndexError, KeyError, AttributeError) as e:
        raise StampError(
            _("the token is malformed ({kind})").format(kind=type(e).__name__)
        ) from None
    except BaseException as e:  # pyo3's PanicException derives from BaseException
        if type(e).__name__ != "PanicException":
            raise
        raise StampError(_("the token is malformed ({kind})").format(kind="panic")) from None


def _check(
    token: bytes,
    message: bytes,
    roots: Sequence[Any],
    *,
    nonce: int | None,
    tsa: str,
    chain: Sequence[bytes] | None,
) -> Stamp:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from rfc3161_client import PKIStatus, VerificationError, VerifierBuilder

    reply = _decode(token)
    if reply.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        # a refusal carries no signed data: said before its absent certificates are read
        raise StampError(_("the authority refused the request"))
    try:
        embedded = [x509.load_der_x509_certificate(c) for c in reply.signed_data.certificates]
        extra = [x509.load_der_x509_certificate(c) for c in chain or ()]
    except ValueError:
        raise StampError(_("a certificate in the token cannot be read")) from None
    if len(embedded) + len(extra) > MAX_CERTIFICATES:
        raise StampError(_("the token carries too many certificates"))
    certs = list({c.public_bytes(Encoding.DER): c for c in embedded + extra}.values())
    gen_time = reply.tst_info.gen_time.astimezone(UTC)
    leaf = _signer(reply, certs)
    path = _path(leaf, certs, roots, gen_time)
    # rfc3161_client trusts every certificate it is given, intermediates included: it gets
    # only the path checked above, never a certificate the token or a bundle merely carries.
    builder = VerifierBuilder().add_root_certificate(path[-1]).tsa_certificate(leaf)
    for cert in path[:-1]:
        builder = builder.add_intermediate_certificate(cert)
    if nonce is not None:
        builder = builder.nonce(nonce)
    try:
        builder.build().verify_message(reply, message)
    except VerificationError as e:
        raise StampError(_describe(str(e))) from None
    return Stamp(
        tsa=tsa,
        token=token,
        gen_time=gen_time,
        chain=tuple(c.public_bytes(Encoding.DER) for c in path[:-1]),
        root=path[-1].public_bytes(Encoding.DER),
    )


def _signer(reply: Any, certs: Sequence[Any]) -> Any:
    """The one certificate the token's SignerInfo names (issuer and serial number)."""
    infos = list(reply.signed_data.signer_infos)
    if len(infos) != 1:
        raise StampError(_("the token has {n} signers, not one").format(n=len(infos)))
    named = [
        c for c in certs if (c.issuer, c.serial_number) == (infos[0].issuer, infos[0].serial_number)
    ]
    if not named:
        raise StampError(_("the token does not carry the certificate that signed it"))
    if len(named) > 1:
        raise StampError(_("two certificates claim to have signed the token"))
    return named[0]


def _path(leaf: Any, certs: Sequence[Any], roots: Sequence[Any], at: datetime) -> list[Any]:
    """The certificate path from ``leaf``, a certificate for time stamping, through ``certs``
    to one of ``roots``, each valid at the stamped time (cryptography's RFC 5280 path
    validation), every issuer a CA that may sign certificates.  (Not the Web PKI's CA rules:
    they want a TLS client's key usage of every CA, and the authorities' own intermediates
    carry timeStamping.)"""
    from cryptography import x509
    from cryptography.x509.verification import (
        Criticality,
        ExtensionPolicy,
        PolicyBuilder,
        Store,
        VerificationError,
    )

    def signs_certificates(_policy: Any, _cert: Any, usage: Any) -> None:
        if not usage.key_cert_sign:
            raise ValueError

    _stamps_time(leaf)
    if not roots:
        raise StampError(_("its certificates do not lead to a trusted root"))
    issuer = (  # (that it is a CA, within its path length, cryptography checks itself)
        ExtensionPolicy.permit_all()
        .require_present(x509.BasicConstraints, Criticality.AGNOSTIC, None)
        .require_present(x509.KeyUsage, Criticality.AGNOSTIC, signs_certificates)
    )
    verifier = (
        PolicyBuilder()
        .store(Store(list(roots)))
        .time(at)
        .extension_policies(ca_policy=issuer, ee_policy=ExtensionPolicy.permit_all())
        .build_client_verifier()
    )
    try:
        return list(verifier.verify(leaf, [c for c in certs if c is not leaf]).chain)
    except VerificationError as e:
        if "no interior errors" in str(e):  # no candidate issuer at all
            raise StampError(_("its certificates do not lead to a trusted root")) from None
        raise StampError(
            _(
                "its signature or certificate chain does not verify (a changed signature, an "
                "untrusted or expired certificate)"
            )
        ) from None


def _stamps_time(cert: Any) -> None:
    """RFC 3161 2.3: the signer's certificate has one extended key usage, timeStamping, and
    marks it critical."""
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    try:
        usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        usage = None
    if (
        usage is None
        or not usage.critical
        or list(usage.value) != [ExtendedKeyUsageOID.TIME_STAMPING]
    ):
        raise StampError(_("the signer's certificate is not one for time stamping"))


def _decode(token: bytes) -> Any:
    from rfc3161_client import decode_timestamp_response

    try:
        return decode_timestamp_response(token)
    except Exception:
        raise StampError(_("not an RFC 3161 time-stamp reply")) from None


def _describe(reason: str) -> str:
    """The verifier's reason, in the reader's words where we know it."""
    known = {
        "Mismatch between messages": _("it vouches for other data than this checkpoint"),
        "Nonce mismatch": _("it answers another request (nonce mismatch)"),
    }
    for start, said in known.items():
        if reason.startswith(start):
            return said
    if reason.startswith("Error while verifying certificates"):
        return _(
            "its signature or certificate chain does not verify (a changed signature, an "
            "untrusted or expired certificate)"
        )
    if "EKU" in reason:
        return _("the signer's certificate is not one for time stamping")
    return reason


def signer_name(token: bytes) -> str:
    """The common name (else the whole name) of the certificate that signed a token."""
    with _malformed():
        return _signer_name(token)


def _signer_name(token: bytes) -> str:
    from cryptography import x509

    reply = _decode(token)
    certs = [x509.load_der_x509_certificate(der) for der in reply.signed_data.certificates]
    try:
        return certificate_name(_signer(reply, certs))
    except StampError:  # the token carries no certificate its one SignerInfo names
        return "?"


def certificate_name(cert: Any) -> str:
    from cryptography.x509.oid import NameOID

    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def fingerprint(der: bytes) -> str:
    import hashlib

    return hashlib.sha256(der).hexdigest()
