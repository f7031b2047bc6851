"""Signatures made by a real third-party tool: the `openssl` command, with Debian's gost
engine (libengine-gost-openssl, installed by `make test`) for ГОСТ Р 34.10-2012 — the
same CMS a CryptoPro user brings. Nothing here is built by the code under test."""
import shutil
import subprocess
from pathlib import Path

import pytest

OPENSSL = shutil.which("openssl")

#: kind → (genpkey arguments, digest option)
KEYS = {
    "gost256": (["-engine", "gost", "-algorithm", "gost2012_256", "-pkeyopt", "paramset:A"], "md_gost12_256"),
    "gost256-tc26a": (["-engine", "gost", "-algorithm", "gost2012_256", "-pkeyopt", "paramset:TCA"], "md_gost12_256"),
    "gost512": (["-engine", "gost", "-algorithm", "gost2012_512", "-pkeyopt", "paramset:A"], "md_gost12_512"),
    "rsa": (["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], "sha256"),
    #: an RSA key signing with RSASSA-PSS padding (`cms -keyopt rsa_padding_mode:pss`)
    "rsa-pss": (["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], "sha256"),
    "ec": (["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], "sha256"),
    "ed25519": (["-algorithm", "ED25519"], "sha512"),
}


def _gost_engine_works() -> bool:
    if OPENSSL is None:
        return False
    result = subprocess.run([OPENSSL, "engine", "gost"], capture_output=True, text=True)
    return result.returncode == 0


GOST_AVAILABLE = _gost_engine_works()
needs_gost = pytest.mark.skipif(
    not GOST_AVAILABLE,
    reason="!!! SKIPPED LOUDLY: OpenSSL's gost engine is missing (apt-get install libengine-gost-openssl; "
           "make test installs it as root) — real ГОСТ signatures are NOT tested in this run",
)


def _run(*args, cwd: Path) -> None:
    result = subprocess.run([OPENSSL, *args], cwd=cwd, capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)}: {result.stderr.decode(errors='replace')}")


def _engine(kind: str) -> list[str]:
    return ["-engine", "gost"] if kind.startswith("gost") else []


class Signer:
    """One key and certificate made by openssl in `folder`."""

    def __init__(self, folder: Path, kind: str, subject: str, *, days: int = 365, issuer: "Signer | None" = None,
                 ca: bool = False):
        self.folder, self.kind = folder, kind
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{kind}-{abs(hash((subject, ca, days))) % 10**8}"
        self.key, self.cert = folder / f"{name}.key", folder / f"{name}.pem"
        genpkey, digest = KEYS[kind]
        _run("genpkey", *genpkey, "-out", str(self.key), cwd=folder)
        digest_opt = [f"-{digest}"] if digest else []
        ext = folder / f"{name}.ext"
        ext.write_text("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n" if ca
                       else "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n")
        if issuer is None:
            _run("req", *_engine(kind), "-x509", "-new", "-key", str(self.key), *digest_opt, "-days", str(days),
                 "-utf8", "-subj", subject, "-extensions", "v3", "-config", str(self._config(ext)),
                 "-out", str(self.cert), cwd=folder)
        else:
            csr = folder / f"{name}.csr"
            _run("req", *_engine(kind), "-new", "-key", str(self.key), *digest_opt, "-utf8", "-subj", subject,
                 "-out", str(csr), cwd=folder)
            issuer_digest = KEYS[issuer.kind][1]
            _run("x509", *_engine(issuer.kind), "-req", "-in", str(csr), "-CA", str(issuer.cert),
                 "-CAkey", str(issuer.key), "-set_serial", str(abs(hash(subject)) % 10**12 + 1), "-days", str(days),
                 *([f"-{issuer_digest}"] if issuer_digest else []), "-extfile", str(ext), "-out", str(self.cert),
                 cwd=folder)

    def _config(self, ext: Path) -> Path:
        config = ext.with_suffix(".cnf")
        config.write_text("[req]\ndistinguished_name=dn\n[dn]\n[v3]\n" + ext.read_text()
                          + "subjectKeyIdentifier=hash\n")
        return config

    def sign(self, document: bytes, *, extra_certs: list["Signer"] = (), no_attributes: bool = False,
             outform: str = "DER") -> bytes:
        """A detached CMS signature of `document`, as `openssl cms -sign` makes it."""
        doc = self.folder / "document.bin"
        doc.write_bytes(document)
        out = self.folder / "document.sig"
        digest = KEYS[self.kind][1]
        args = ["cms", *_engine(self.kind), "-sign", "-binary", "-in", str(doc), "-signer", str(self.cert),
                "-inkey", str(self.key), "-outform", outform, "-out", str(out)]
        if digest:
            args += ["-md", digest]
        if no_attributes:
            args.append("-noattr")
        if self.kind == "rsa-pss":
            args += ["-keyopt", "rsa_padding_mode:pss"]
        if extra_certs:
            bundle = self.folder / "extra.pem"
            bundle.write_bytes(b"".join(c.cert.read_bytes() for c in extra_certs))
            args += ["-certfile", str(bundle)]
        _run(*args, cwd=self.folder)
        return out.read_bytes()

    def certificate_der(self) -> bytes:
        out = self.folder / "cert.der"
        _run("x509", "-in", str(self.cert), "-outform", "DER", "-out", str(out), cwd=self.folder)
        return out.read_bytes()


def subject(*, surname="Туксин", given="Артем Александрович", ogrnip=None, ogrn=None, inn=None, inn_le=None,
            snils=None) -> str:
    """An openssl -subj string with the Russian qualified-certificate identifiers."""
    parts = [f"CN={surname} {given}", f"SN={surname}", f"GN={given}"]
    for oid, value in (("1.2.643.100.5", ogrnip), ("1.2.643.100.1", ogrn), ("1.2.643.3.131.1.1", inn),
                       ("1.2.643.100.4", inn_le), ("1.2.643.100.3", snils)):
        if value:
            parts.append(f"{oid}={value}")
    return "/" + "/".join(parts)
