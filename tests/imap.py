"""A real IMAP server for the tests: Debian's Dovecot (dovecot-imapd),
started on a free loopback port with a configuration of its own in a
temporary folder (password file, maildirs, runtime files), and stopped at
the end. Tests put messages in with IMAP APPEND, as a mail server would.

Skipped, saying so, when /usr/sbin/dovecot is missing.
"""

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

DOVECOT = Path("/usr/sbin/dovecot")
MISSING = "Dovecot is not installed: apt-get install dovecot-imapd (the inbound mailbox tests need a real IMAP server)"
USER, PASSWORD = "lobbytracker@zaanstad.nl", "mailbox-wachtwoord-2026"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
{ssl}
# Plain passwords over loopback only: the server listens nowhere else.
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = {mail_uid}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
mail_location = maildir:{root}/mail/%n
{capability}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/mail/%n
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def accounts() -> dict:
    """Who Dovecot's processes run as. As root: its login processes may not
    be root (dovenull, from the package, else nobody), nor may the mail
    processes (nobody). Otherwise everything runs as the current user."""
    if os.getuid() != 0:
        me = pwd.getpwuid(os.getuid())
        return {"internal_user": me.pw_name, "internal_group": me.pw_name, "login_user": me.pw_name,
                "mail_uid": me.pw_uid, "mail_gid": me.pw_gid}
    nobody = pwd.getpwnam("nobody")
    try:
        login_user = pwd.getpwnam("dovenull").pw_name
    except KeyError:
        login_user = nobody.pw_name
    return {"internal_user": "root", "internal_group": "root", "login_user": login_user,
            "mail_uid": nobody.pw_uid, "mail_gid": nobody.pw_gid}


class Dovecot:
    """One Dovecot server with one mailbox account (USER, PASSWORD)."""

    def __init__(self, capabilities: str | None = None, tls: bool = False):
        # Not under pytest's tmp_path: its folders are private to the test's
        # user, and Dovecot's unprivileged processes must reach theirs.
        self.root = Path(tempfile.mkdtemp(prefix="lobbytracker-dovecot-"))
        self.root.chmod(0o755)
        self.users = accounts()
        self.capabilities = capabilities
        self.process = None
        self.port = self.tls_port = None
        self.tls = tls
        if tls:
            self.certificate = self.root / "cert.pem"
            write_self_signed_certificate(self.certificate, self.root / "key.pem")
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        for folder in ("run", "state", "mail"):
            (self.root / folder).mkdir()
        os.chown(self.root / "mail", self.users["mail_uid"], self.users["mail_gid"])

    def settings(self, security: str = "none") -> dict:
        """The app's IMAP_* settings for this server."""
        return {"IMAP_HOST": "127.0.0.1", "IMAP_PORT": self.tls_port if security == "ssl" else self.port,
                "IMAP_USER": USER, "IMAP_PASSWORD": PASSWORD, "IMAP_SECURITY": security}

    def start(self) -> None:
        for _attempt in range(3):
            self.port = self.port or free_port()
            self.tls_port = (self.tls_port or free_port()) if self.tls else 0
            capability = f"imap_capability = {self.capabilities}" if self.capabilities else ""
            ssl = (f"ssl = yes\nssl_cert = <{self.certificate}\nssl_key = <{self.root / 'key.pem'}" if self.tls
                   else "ssl = no")
            config = self.root / "dovecot.conf"
            config.write_text(CONFIG.format(root=self.root, port=self.port, tls_port=self.tls_port, ssl=ssl,
                                            capability=capability, **self.users))
            # Configuration errors go to stderr, before the log file is open.
            with open(self.root / "stderr.log", "ab") as stderr:
                self.process = subprocess.Popen([str(DOVECOT), "-F", "-c", str(config)],
                                                stdout=subprocess.DEVNULL, stderr=stderr)
            if self._wait_until_listening():
                return
            self.stop()
            self.port = self.tls_port = None  # another process took a port: try others
        raise RuntimeError(f"Dovecot did not start: {self.log()}")

    def _wait_until_listening(self, timeout: float = 15.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with imaplib.IMAP4("127.0.0.1", self.port, timeout=2) as probe:
                    return probe.welcome.startswith(b"* OK")
            except (OSError, imaplib.IMAP4.error):
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in (self.root / "stderr.log",
                                                                      self.root / "dovecot.log") if path.exists())

    # As a mail client would.

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def append(self, message: bytes, folder: str = "INBOX") -> None:
        with self.client() as client:
            status, data = client.append(folder, None, None, message)
            assert status == "OK", data

    def messages(self, folder: str = "INBOX") -> list[bytes]:
        """Every message in the folder (none when it does not exist)."""
        with self.client() as client:
            status, _ = client.select(f'"{folder}"', readonly=True)
            if status != "OK":
                return []
            _, data = client.uid("SEARCH", "ALL")
            found = []
            for uid in data[0].split():
                _, fetched = client.uid("FETCH", uid, "(BODY.PEEK[])")
                found.append(next(item[1] for item in fetched if isinstance(item, tuple)))
            return found

    def folders(self) -> set[str]:
        with self.client() as client:
            _, data = client.list()
            return {line.decode().rsplit(" ", 1)[-1].strip('"') for line in data if line}


def write_self_signed_certificate(certificate: Path, key: Path) -> None:
    """A certificate for 127.0.0.1 that no CA signed: trusted only where a test says so."""
    import ipaddress
    from datetime import datetime, timedelta, timezone

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(timezone.utc)
    made = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(private.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(private, hashes.SHA256()))
    certificate.write_bytes(made.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))


def start_dovecot(capabilities: str | None = None, tls: bool = False) -> Dovecot:
    if not DOVECOT.exists():
        pytest.skip(MISSING)
    server = Dovecot(capabilities, tls)
    try:
        server.start()
    except BaseException:
        server.remove()
        raise
    return server


@pytest.fixture
def dovecot():
    """A fresh Dovecot with an empty mailbox, for one test."""
    server = start_dovecot()
    yield server
    server.remove()
