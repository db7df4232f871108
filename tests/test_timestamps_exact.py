"""RFC 3161 time stamps, exactly (issue 20: the mutants of ``timestamps.py`` that the behaviour
tests of ``test_timestamps.py`` let through).

A refusal, a certificate file that is not one, a token over its cap, the signer's name when
the token carries no certificate: each is said in the reader's words, word for word.  Tokens
come from a real authority (``openssl ts -reply``, tests/tsa.py)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding

from blockwatch import timestamps

from .tsa import Authority, _key, _pem, authority

__all__ = ["authority"]  # the fixture, used by name

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


def _query(message: bytes, *, certificates: bool = True):  # type: ignore[no-untyped-def]
    from rfc3161_client import HashAlgorithm, TimestampRequestBuilder

    return (
        TimestampRequestBuilder()
        .data(message)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=certificates)
        .build()
    )


def test_an_authority_that_refuses_is_said_to_refuse(tmp_path: Path) -> None:
    """A refusal (here: the authority accepts no SHA-256) carries a status and no signed data;
    it was reported as an unreadable certificate."""
    refusing = Authority(tmp_path / "refusing")
    config = refusing.where / "ts.cnf"
    config.write_text(config.read_text().replace("digests = sha256, sha384,", "digests ="))
    query = _query(b"a checkpoint")
    reply = refusing.reply(query.as_bytes())
    with pytest.raises(timestamps.StampError) as refused:
        timestamps.check(reply, b"a checkpoint", [refusing.root], nonce=query.nonce)
    assert str(refused.value) == "the authority refused the request"


@pytest.mark.parametrize(
    ("reason", "said"),
    [  # the reasons rfc3161_client's verifier gives (rfc3161_client/verify.py)
        ("Mismatch between messages", "it vouches for other data than this checkpoint"),
        ("Nonce mismatch", "it answers another request (nonce mismatch)"),
        (
            "Error while verifying certificates: expired",
            "its signature or certificate chain does not verify (a changed signature, an "
            "untrusted or expired certificate)",
        ),
        (
            "The EKU extension is not critical.",
            "the signer's certificate is not one for time stamping",
        ),
        (
            "The certificate does not contain the critical EKU extension.",
            "the signer's certificate is not one for time stamping",
        ),
        ("Policy ID mismatch", "Policy ID mismatch"),  # no words of ours: passed on as it is
    ],
)
def test_each_reason_of_the_verifier_is_said_in_the_reader_s_words(reason: str, said: str) -> None:
    assert timestamps._describe(reason) == said


def test_a_certificate_file_is_read_up_to_its_cap(authority: Authority) -> None:
    pem = _pem(authority.root)
    assert (
        len(timestamps.read_pem(pem * timestamps.MAX_CERTIFICATES)) == timestamps.MAX_CERTIFICATES
    )
    with pytest.raises(timestamps.StampError) as over:
        timestamps.read_pem(pem * (timestamps.MAX_CERTIFICATES + 1))
    assert str(over.value) == "the token carries too many certificates"
    with pytest.raises(timestamps.StampError) as none:
        timestamps.read_pem(b"-----BEGIN NOTHING-----\n")
    assert str(none.value) == "a certificate file holds no PEM certificate"


def test_an_unreadable_certificate_is_said_to_be_one(authority: Authority) -> None:
    der = authority.root.public_bytes(Encoding.DER)
    assert timestamps.load_certificate(der) == authority.root
    with pytest.raises(timestamps.StampError) as bad:
        timestamps.load_certificate(der[:40])
    assert str(bad.value) == "a certificate cannot be read"


def test_the_signer_is_named_from_the_token_or_unknown_without_its_certificate(
    authority: Authority,
) -> None:
    with_certificate = authority.reply(_query(b"m").as_bytes())
    assert timestamps.signer_name(with_certificate) == "Test TSA"
    without = authority.reply(_query(b"m", certificates=False).as_bytes())
    assert timestamps.signer_name(without) == "?"


def _bare(attribute: x509.NameAttribute) -> x509.Certificate:
    """A self-signed certificate with one name attribute and no extension: short, so that a
    set of certificates sorted by their DER bytes puts it first."""
    key = _key()
    name = x509.Name([attribute])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(datetime(2026, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2027, 1, 1, tzinfo=UTC))
        .sign(key, hashes.SHA256())
    )


def test_the_signer_is_the_certificate_its_signer_info_names_not_any_other(
    tmp_path: Path,
) -> None:
    """Tokens carrying their root too: the library gives the certificates as a set, in no
    order, so over twenty authorities the signer is not always the first one read."""
    for attempt in range(20):
        carrying = Authority(tmp_path / str(attempt))
        config = carrying.where / "ts.cnf"
        config.write_text(config.read_text() + f"certs = {carrying.root_pem}\n")
        token = carrying.reply(_query(b"m").as_bytes())
        assert timestamps.signer_name(token) == "Test TSA"


def test_a_certificate_without_a_common_name_is_named_by_its_whole_name() -> None:
    cert = _bare(x509.NameAttribute(x509.oid.NameOID.ORGANIZATION_NAME, "Only An Org"))
    assert timestamps.certificate_name(cert) == "O=Only An Org"


@pytest.fixture
def almaty_local_time() -> Iterator[None]:
    """The process's local zone set to Almaty (UTC+5), and put back."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Almaty"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_an_authority_s_time_is_written_in_utc_whatever_the_local_zone(
    almaty_local_time: None,
) -> None:
    moment = datetime(2026, 7, 3, 20, 41, 5, tzinfo=ZoneInfo("Asia/Almaty"))
    assert timestamps.utc_text(moment) == "2026-07-03T15:41:05Z"
