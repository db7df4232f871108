"""RFC 3161 time stamps, exactly (issue 20: the mutants of ``timestamps.py`` that the behaviour
tests of ``test_timestamps.py`` let through).

A refusal, a certificate file that is not one, a token over its cap, the signer's name when
the token carries no certificate: each is said in the reader's words, word for word.  Tokens
come from a real authority (``openssl ts -reply``, tests/tsa.py)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
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
from blockwatch.errors import InputError

from .tsa import Authority, _key, _pem, authority, serve, tsa

__all__ = ["authority", "tsa"]  # the fixtures, used by name

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


def test_an_unreadable_certificate_beside_a_token_is_said_to_be_one(authority: Authority) -> None:
    token = authority.reply(_query(b"a checkpoint").as_bytes())
    with pytest.raises(timestamps.StampError) as bad:
        timestamps.check(token, b"a checkpoint", [authority.root], chain=[b"not a certificate"])
    assert str(bad.value) == "a certificate in the token cannot be read"


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


# --------------------------------------------------------------------------- roots given


def test_every_root_file_given_is_read_and_each_of_its_certificates_kept(
    authority: Authority, tmp_path: Path
) -> None:
    other = Authority(tmp_path / "other", name="Other TSA")
    both = tmp_path / "both.pem"
    both.write_bytes(_pem(authority.root) + _pem(other.tsa))
    roots = timestamps.read_roots([authority.root_pem, both])
    assert roots == [authority.root, authority.root, other.tsa]
    assert timestamps.read_roots([]) == []


def test_a_root_file_at_its_cap_is_read_and_one_byte_over_is_refused(
    authority: Authority, tmp_path: Path
) -> None:
    pem = _pem(authority.root)
    padding = b"\n" * (timestamps.MAX_ROOT_FILE_BYTES - len(pem))
    at_cap = tmp_path / "at-cap.pem"
    at_cap.write_bytes(pem + padding)
    assert at_cap.stat().st_size == timestamps.MAX_ROOT_FILE_BYTES
    assert timestamps.read_roots([at_cap]) == [authority.root]
    over = tmp_path / "over.pem"
    over.write_bytes(pem + padding + b"\n")
    with pytest.raises(InputError) as refused:
        timestamps.read_roots([over])
    assert refused.value.message == f"{over} holds no PEM certificate"
    assert refused.value.hint == (
        "give the authority's root certificate in PEM form (-----BEGIN CERTIFICATE)"
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_root_file_without_end_is_read_no_further_than_its_cap() -> None:
    """Never read whole: a file that does not end (a device, a pipe) costs its cap."""
    with pytest.raises(InputError) as refused:
        timestamps.read_roots([Path("/dev/zero")])
    assert refused.value.message == "/dev/zero holds no PEM certificate"


def test_a_root_file_that_cannot_be_read_is_named_with_the_reason(tmp_path: Path) -> None:
    missing = tmp_path / "missing.pem"
    with pytest.raises(InputError) as refused:
        timestamps.read_roots([missing])
    assert refused.value.message == f"cannot read {missing}: No such file or directory"
    assert refused.value.hint is None


# --------------------------------------------------------------------------- asking


def test_a_request_asks_for_a_sha_256_stamp_with_a_nonce_and_the_certificates(
    authority: Authority,
) -> None:
    with serve(authority.reply) as server:
        stamp = timestamps.request(server.url, b"a checkpoint", [authority.root])
    assert server.headers[0]["Content-Type"] == "application/timestamp-query"
    (query,) = server.queries
    said = subprocess.run(
        ["openssl", "ts", "-query", "-in", "/dev/stdin", "-text"],
        input=query,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "Hash Algorithm: sha256" in said
    assert "Certificate required: yes" in said
    assert "Nonce: 0x" in said
    digest = hashlib.sha256(b"a checkpoint").hexdigest()
    imprint = "".join(re.findall(r"^\s*[0-9a-f]{4} - ((?:[0-9a-f]{2}[ -]?)+)", said, re.M))
    assert imprint.replace(" ", "").replace("-", "") == digest
    assert stamp.tsa == server.url
    assert stamp.root == authority.root.public_bytes(Encoding.DER)
    assert stamp.chain == (authority.tsa.public_bytes(Encoding.DER),)  # the root kept apart
    assert stamp.authority == "Test TSA"
    assert abs((stamp.gen_time - datetime.now(UTC)).total_seconds()) < 600
    assert stamp.gen_time.tzinfo is UTC


def test_a_reply_at_its_cap_is_read_and_one_byte_over_is_refused_unread(
    authority: Authority,
) -> None:
    for size, said in [
        (timestamps.MAX_REPLY_BYTES, "not an RFC 3161 time-stamp reply"),
        (timestamps.MAX_REPLY_BYTES + 1, "the reply is larger than 65536 bytes"),
    ]:
        with (
            serve(lambda query, size=size: b"\x00" * size) as server,  # type: ignore[misc]
            pytest.raises(timestamps.StampError) as refused,
        ):
            timestamps.request(server.url, b"a checkpoint", [authority.root])
        assert str(refused.value) == said


def test_an_authority_that_answers_with_an_error_is_unreachable(authority: Authority) -> None:
    with (
        serve(authority.reply, status=503) as server,
        pytest.raises(timestamps.Unreachable) as down,
    ):
        timestamps.request(server.url, b"a checkpoint", [authority.root])
    assert str(down.value) == "Service Unavailable"


def test_an_authority_that_does_not_answer_in_time_is_unreachable(
    authority: Authority, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request waits TIMEOUT_SECONDS for an answer, not for ever (here 0.3 s, against an
    authority that answers after 3 s: without the time-out, its answer is read and refused)."""

    def slow(query: bytes) -> bytes:
        time.sleep(3)
        return b"\x00"

    monkeypatch.setattr(timestamps, "TIMEOUT_SECONDS", 0.3)
    with serve(slow) as server, pytest.raises(timestamps.Unreachable) as late:
        timestamps.request(server.url, b"a checkpoint", [authority.root])
    assert str(late.value) == "timed out"


def test_a_stamp_checked_outside_a_request_names_no_address(authority: Authority) -> None:
    token = authority.reply(_query(b"a checkpoint").as_bytes())
    assert timestamps.check(token, b"a checkpoint", [authority.root]).tsa == ""


def test_a_reply_to_another_request_is_refused_by_its_nonce(authority: Authority) -> None:
    earlier = authority.reply(_query(b"a checkpoint").as_bytes())  # the same data, asked before
    with (
        serve(lambda query: earlier) as server,
        pytest.raises(timestamps.StampError) as replayed,
    ):
        timestamps.request(server.url, b"a checkpoint", [authority.root])
    assert str(replayed.value) == "it answers another request (nonce mismatch)"


def test_a_root_of_the_same_name_that_does_not_verify_does_not_hide_the_one_that_does(
    authority: Authority, tsa: str, tmp_path: Path
) -> None:
    stamp = timestamps.request(tsa, b"a checkpoint", [authority.root])
    namesake = Authority(tmp_path / "namesake")  # "Test TSA Root" too, another key
    assert namesake.root.subject == authority.root.subject
    again = timestamps.check(stamp.token, b"a checkpoint", [namesake.root, authority.root])
    assert again.root == stamp.root
    with pytest.raises(timestamps.StampError) as alone:
        timestamps.check(stamp.token, b"a checkpoint", [namesake.root])
    assert str(alone.value) == (
        "its signature or certificate chain does not verify (a changed signature, an "
        "untrusted or expired certificate)"
    )
    with pytest.raises(timestamps.StampError) as none:
        timestamps.check(stamp.token, b"a checkpoint", timestamps.default_roots())
    assert str(none.value) == "its certificates do not lead to a trusted root"


# --------------------------------------------------------------------------- the path of trust


@pytest.fixture(scope="module")
def forger(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    """A key holder's own "authority": a root and a TSA certificate she made herself."""
    return Authority(tmp_path_factory.mktemp("forger"), name="Forged TSA")


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(Encoding.DER)


@pytest.mark.parametrize(
    "carried",
    [
        ["forger's root"],
        ["forger's root", "authority's TSA"],
        ["authority's TSA", "forger's root"],
        ["forger's root", "authority's root"],
        ["forger's TSA", "forger's root", "authority's TSA"],
    ],
)
def test_a_forger_s_own_root_carried_in_the_chain_does_not_make_her_token_trusted(
    authority: Authority, forger: Authority, carried: list[str]
) -> None:
    """rfc3161_client trusts every certificate it is given as an intermediate.  A bundle's
    chain file is the key holder's to write: with her own root in it, and one of the real
    authority's certificates to make its root a candidate, her token was accepted as vouched
    for by the real root.  Only a path checked up to a trusted root reaches the library."""
    certificates = {
        "forger's root": forger.root,
        "forger's TSA": forger.tsa,
        "authority's TSA": authority.tsa,
        "authority's root": authority.root,
    }
    query = _query(b"a checkpoint")
    token = forger.reply(query.as_bytes())
    chain = [_der(certificates[name]) for name in carried]
    with pytest.raises(timestamps.StampError) as refused:
        timestamps.check(token, b"a checkpoint", [authority.root], chain=chain)
    assert str(refused.value) == (
        "its signature or certificate chain does not verify (a changed signature, an "
        "untrusted or expired certificate)"
    )
    stamp = timestamps.check(token, b"a checkpoint", [forger.root], chain=chain)
    assert stamp.root == _der(forger.root)  # her own root: what verify names as untrusted


def test_an_intermediate_the_token_leaves_out_is_taken_from_the_chain_given(
    tmp_path: Path,
) -> None:
    """A bundle's chain file may supply the certificates between the signer and the root;
    the stamp keeps the path it verified, signer first, without the root."""
    chained = Authority(tmp_path / "chained", name="Chained TSA", intermediate=True)
    config = chained.where / "ts.cnf"
    config.write_text(re.sub(r"certs = .*\n", "", config.read_text()))  # the signer's alone
    token = chained.reply(_query(b"a checkpoint").as_bytes())
    with pytest.raises(timestamps.StampError) as alone:
        timestamps.check(token, b"a checkpoint", [chained.root])
    assert str(alone.value) == "its certificates do not lead to a trusted root"
    stamp = timestamps.check(token, b"a checkpoint", [chained.root], chain=[_der(chained.middle)])
    assert stamp.chain == (_der(chained.tsa), _der(chained.middle))
    assert stamp.root == _der(chained.root)


def test_a_token_without_the_certificate_that_signed_it_is_refused(authority: Authority) -> None:
    token = authority.reply(_query(b"a checkpoint", certificates=False).as_bytes())
    with pytest.raises(timestamps.StampError) as refused:
        timestamps.check(token, b"a checkpoint", [authority.root])
    assert str(refused.value) == "the token does not carry the certificate that signed it"
    stamp = timestamps.check(token, b"a checkpoint", [authority.root], chain=[_der(authority.tsa)])
    assert stamp.chain == (_der(authority.tsa),)


def test_a_second_certificate_claiming_to_be_the_signer_is_refused(
    authority: Authority, forger: Authority
) -> None:
    """Another certificate with the signer's issuer and serial number (here: the forger's,
    renamed) makes the signer ambiguous: refused rather than guessed."""
    from cryptography.hazmat.primitives import hashes as h

    token = authority.reply(_query(b"a checkpoint").as_bytes())
    twin = (
        x509.CertificateBuilder()
        .subject_name(authority.tsa.subject)
        .issuer_name(authority.tsa.issuer)
        .public_key(forger.tsa_key.public_key())
        .serial_number(authority.tsa.serial_number)
        .not_valid_before(authority.tsa.not_valid_before_utc)
        .not_valid_after(authority.tsa.not_valid_after_utc)
        .sign(forger.tsa_key, h.SHA256())
    )
    with pytest.raises(timestamps.StampError) as refused:
        timestamps.check(token, b"a checkpoint", [authority.root], chain=[_der(twin)])
    assert str(refused.value) == "two certificates claim to have signed the token"


_STAMPING = x509.oid.ExtendedKeyUsageOID.TIME_STAMPING


@pytest.mark.parametrize(
    ("usage", "critical"),
    [
        (None, True),  # no extended key usage at all
        (x509.ExtendedKeyUsage([_STAMPING]), False),
        (x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.CODE_SIGNING]), True),
        (x509.ExtendedKeyUsage([_STAMPING, x509.oid.ExtendedKeyUsageOID.CODE_SIGNING]), True),
    ],
    ids=["none", "not critical", "code signing", "time stamping and code signing"],
)
def test_a_signer_without_the_critical_time_stamping_usage_alone_has_no_path(
    authority: Authority, usage: x509.ExtendedKeyUsage | None, critical: bool
) -> None:
    """RFC 3161 2.3, as ``openssl ts -verify`` reads it: one key usage, timeStamping, marked
    critical.  (openssl will not sign with another certificate: the path is checked alone.)"""
    builder = (
        x509.CertificateBuilder()
        .subject_name(authority.tsa.subject)
        .issuer_name(authority.root.subject)
        .public_key(_key().public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(authority.tsa.not_valid_before_utc)
        .not_valid_after(authority.tsa.not_valid_after_utc)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    )
    if usage is not None:
        builder = builder.add_extension(usage, critical=critical)
    signer = builder.sign(authority.root_key, hashes.SHA256())
    with pytest.raises(timestamps.StampError) as refused:
        timestamps._path(signer, [], [authority.root], datetime.now(UTC))
    assert str(refused.value) == "the signer's certificate is not one for time stamping"
    path = timestamps._path(authority.tsa, [], [authority.root], datetime.now(UTC))
    assert path == [authority.tsa, authority.root]


def _issued(
    subject: str, issuer: x509.Certificate, key, *, ca: bool, usage: x509.KeyUsage | None = None
) -> tuple[x509.Certificate, object]:  # type: ignore[no-untyped-def]
    """A certificate ``issuer`` (with its ``key``) signed: a CA, or a TSA's signer."""
    own = _key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer.subject)
        .public_key(own.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(issuer.not_valid_before_utc)
        .not_valid_after(issuer.not_valid_after_utc)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if usage is not None:
        builder = builder.add_extension(usage, critical=True)
    if not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return builder.sign(key, hashes.SHA256()), own


def _ca_usage(*, key_cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def test_only_a_ca_that_may_sign_certificates_issues_a_certificate_in_the_path(
    authority: Authority,
) -> None:
    """The authority's own signer is no CA: a certificate its key signs leads nowhere; nor
    does one a CA signed whose key usage does not let it sign certificates."""
    now = datetime.now(UTC)
    below, _ = _issued("Below the signer", authority.tsa, authority.tsa_key, ca=False)
    with pytest.raises(timestamps.StampError) as refused:
        timestamps._path(below, [authority.tsa], [authority.root], now)
    assert "does not verify" in str(refused.value)
    for signs in (False, True):
        usage = _ca_usage(key_cert_sign=signs)
        middle, key = _issued("Middle", authority.root, authority.root_key, ca=True, usage=usage)
        signer, _ = _issued("Signer", middle, key, ca=False)
        if signs:
            assert timestamps._path(signer, [middle], [authority.root], now) == [
                signer,
                middle,
                authority.root,
            ]
        else:
            with pytest.raises(timestamps.StampError):
                timestamps._path(signer, [middle], [authority.root], now)


def _split(tlv: bytes) -> tuple[int, bytes]:
    """One DER value: its tag and its content."""
    size, start = tlv[1], 2
    if size & 0x80:
        start += size & 0x7F
        size = int.from_bytes(tlv[2:start], "big")
    return tlv[0], tlv[start : start + size]


def _join(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def _children(content: bytes) -> list[bytes]:
    values, at = [], 0
    while at < len(content):
        tag, inner = _split(content[at:])
        whole = len(_join(tag, inner))
        values.append(content[at : at + whole])
        at += whole
    return values


def _with_signers(token: bytes, count: int) -> bytes:
    """The reply with its one SignerInfo given ``count`` times (RFC 5652: TimeStampResp >
    ContentInfo > [0] > SignedData > signerInfos, its last field)."""
    tag, reply = _split(token)
    status, stamp = _children(reply)
    stamp_tag, stamp_content = _split(stamp)
    kind, wrapped = _children(stamp_content)
    wrap_tag, wrap_content = _split(wrapped)
    (signed,) = _children(wrap_content)
    signed_tag, signed_content = _split(signed)
    fields = _children(signed_content)
    infos_tag, infos = _split(fields[-1])
    (info,) = _children(infos)
    fields[-1] = _join(infos_tag, info * count)
    signed = _join(signed_tag, b"".join(fields))
    stamp = _join(stamp_tag, kind + _join(wrap_tag, signed))
    return _join(tag, status + stamp)


@pytest.mark.parametrize("count", [0, 2])
def test_a_token_signed_by_no_one_or_by_several_is_refused(
    authority: Authority, count: int
) -> None:
    token = authority.reply(_query(b"a checkpoint").as_bytes())
    assert _with_signers(token, 1) == token
    with pytest.raises(timestamps.StampError) as refused:
        timestamps.check(_with_signers(token, count), b"a checkpoint", [authority.root])
    assert str(refused.value) == f"the token has {count} signers, not one"


def test_no_root_at_all_is_no_trusted_root(authority: Authority) -> None:
    token = authority.reply(_query(b"a checkpoint").as_bytes())
    with pytest.raises(timestamps.StampError) as refused:
        timestamps.check(token, b"a checkpoint", [])
    assert str(refused.value) == "its certificates do not lead to a trusted root"
