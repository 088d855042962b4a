"""Password hashing (Argon2id) and the list of passwords too common to allow.

New hashes are Argon2id through argon2-cffi, with its defaults (RFC 9106's
low-memory profile) unless the app's configuration sets
PASSWORD_HASH_TIME_COST, PASSWORD_HASH_MEMORY_COST (KiB) or
PASSWORD_HASH_PARALLELISM; the test configuration sets cheap ones. Hashes
Werkzeug made before (scrypt:, pbkdf2:) still verify, and are replaced at the
next login.
"""

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app, has_app_context
from werkzeug.security import check_password_hash

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")
ARGON2_PREFIX = "$argon2"

SETTINGS = {"time_cost": "PASSWORD_HASH_TIME_COST", "memory_cost": "PASSWORD_HASH_MEMORY_COST",
            "parallelism": "PASSWORD_HASH_PARALLELISM"}


@lru_cache(maxsize=8)
def _hasher(time_cost: int | None, memory_cost: int | None, parallelism: int | None) -> PasswordHasher:
    given = {"time_cost": time_cost, "memory_cost": memory_cost, "parallelism": parallelism}
    return PasswordHasher(**{name: value for name, value in given.items() if value is not None})


def hasher() -> PasswordHasher:
    """The hasher for the current app's settings (argon2-cffi's defaults without them)."""
    config = current_app.config if has_app_context() else {}
    return _hasher(*(int(config[key]) if config.get(key) else None for key in SETTINGS.values()))


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches the stored hash, Argon2 or Werkzeug's."""
    if not stored:
        return False
    if stored.startswith(ARGON2_PREFIX):
        try:
            return hasher().verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
    try:
        return check_password_hash(stored, password)
    except ValueError:  # an unknown method or a damaged hash
        return False


def needs_rehash(stored: str | None) -> bool:
    """Whether a hash that just verified should be made again: a Werkzeug
    hash, or an Argon2 one with other parameters than the current ones."""
    if not stored:
        return False
    if not stored.startswith(ARGON2_PREFIX):
        return True
    try:
        return hasher().check_needs_rehash(stored)
    except InvalidHashError:
        return True


@lru_cache(maxsize=8)
def _dummy_hash(hasher_: PasswordHasher) -> str:
    return hasher_.hash("no account has this password: it only costs time")


def waste_verification(password: str) -> None:
    """Costs what checking a real account's password costs, for an e-mail
    address without one: the answer's timing must not tell which exist."""
    current = hasher()
    try:
        current.verify(_dummy_hash(current), password)
    except VerificationError:
        pass


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def is_common(password: str) -> bool:
    """Whether the password is on the list of common passwords, in any case."""
    return password.strip().lower() in common_passwords()
