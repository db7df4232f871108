"""A local RFC 3161 time-stamping authority for the tests: a root CA and a TSA certificate made
with ``cryptography`` (the TSA's with the critical timeStamping extended key usage), replies
signed by ``openssl ts -reply``, served over HTTP on 127.0.0.1.  Nothing leaves the machine."""

from __future__ import annotations

import datetime as dt
import http.server
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = dt.datetime.now(dt.UTC)


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "blockwatch tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


_CA_USAGE = x509.KeyUsage(
    digital_signature=False,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=True,
    crl_sign=True,
    encipher_only=False,
    decipher_only=False,
)


@dataclass
class Authority:
    """A root, and a TSA certificate it issued; ``reply`` signs a query with openssl."""

    where: Path
    name: str = "Test TSA"
    expired: bool = False  # the TSA certificate's validity ended yesterday
    critical_eku: bool = True
    intermediate: bool = False  # the TSA certificate issued by an intermediate CA, not the root
    root_key: ec.EllipticCurvePrivateKey = field(default_factory=_key)
    tsa_key: ec.EllipticCurvePrivateKey = field(default_factory=_key)

    def __post_init__(self) -> None:
        self.where.mkdir(parents=True, exist_ok=True)
        day = dt.timedelta(days=1)
        root_name = _name(f"{self.name} Root")
        self.root = (
            x509.CertificateBuilder()
            .subject_name(root_name)
            .issuer_name(root_name)
            .public_key(self.root_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - 30 * day)
            .not_valid_after(NOW + 3650 * day)
            .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
            .add_extension(_CA_USAGE, critical=True)
            .sign(self.root_key, hashes.SHA256())
        )
        issuer_name, issuer_key = root_name, self.root_key
        chain = b""
        if self.intermediate:
            issuer_name, issuer_key = _name(f"{self.name} Intermediate"), _key()
            self.middle = (
                x509.CertificateBuilder()
                .subject_name(issuer_name)
                .issuer_name(root_name)
                .public_key(issuer_key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(NOW - 30 * day)
                .not_valid_after(NOW + 1825 * day)
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(_CA_USAGE, critical=True)
                .add_extension(  # as the public authorities' own TimeStamping CAs
                    x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=False
                )
                .sign(self.root_key, hashes.SHA256())
            )
            chain = _pem(self.middle)
        self.tsa = (
            x509.CertificateBuilder()
            .subject_name(_name(self.name))
            .issuer_name(issuer_name)
            .public_key(self.tsa_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - 30 * day)
            .not_valid_after(NOW - day if self.expired else NOW + 365 * day)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                critical=self.critical_eku,
            )
            .sign(issuer_key, hashes.SHA256())
        )
        self.root_pem = self.where / "root.pem"
        self.root_pem.write_bytes(_pem(self.root))
        (self.where / "tsa.pem").write_bytes(_pem(self.tsa))
        (self.where / "chain.pem").write_bytes(chain)  # what the reply carries besides the TSA's
        (self.where / "tsa.key").write_bytes(
            self.tsa_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        (self.where / "serial").write_text("01\n")
        (self.where / "ts.cnf").write_text(
            "[ tsa ]\n"
            "default_tsa = here\n"
            "[ here ]\n"
            f"serial = {self.where / 'serial'}\n"
            "crypto_device = builtin\n"
            f"signer_cert = {self.where / 'tsa.pem'}\n"
            f"signer_key = {self.where / 'tsa.key'}\n"
            "signer_digest = sha256\n"
            "default_policy = 1.3.6.1.4.1.99999.1\n"
            "digests = sha256, sha384, sha512\n"
            "accuracy = secs:1\n"
            "ordering = yes\n"
            "tsa_name = yes\n"
            "ess_cert_id_alg = sha256\n"
            + (f"certs = {self.where / 'chain.pem'}\n" if self.intermediate else "")
        )

    def reply(self, query: bytes) -> bytes:
        done = subprocess.run(
            [
                "openssl",
                "ts",
                "-reply",
                "-queryfile",
                "/dev/stdin",
                "-config",
                str(self.where / "ts.cnf"),
                "-out",
                "/dev/stdout",
            ],
            input=query,
            capture_output=True,
            check=True,
        )
        return done.stdout


@dataclass
class Server:
    url: str
    queries: list[bytes]
    headers: list[dict[str, str]]  # each query's HTTP headers


@contextmanager
def serve(answer: Callable[[bytes], bytes], status: int = 200) -> Iterator[Server]:
    """An HTTP time-stamping service on 127.0.0.1 answering each POSTed query with
    ``answer(query)`` (and ``status``)."""
    queries: list[bytes] = []
    headers: list[dict[str, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = self.rfile.read(int(self.headers["Content-Length"]))
            queries.append(query)
            headers.append(dict(self.headers))
            body = answer(query)
            self.send_response(status)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}/tsr", queries, headers)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    """A time-stamping authority of the tests' own, one per test module."""
    return Authority(tmp_path_factory.mktemp("tsa"))


@pytest.fixture
def tsa(authority: Authority) -> Iterator[str]:
    """The address it answers at, for one test."""
    with serve(authority.reply) as server:
        yield server.url
