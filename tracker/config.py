"""Default settings; `instance/config.py` and the environment override them."""

import os
import secrets
from pathlib import Path

DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "BABEL_DEFAULT_LOCALE": "nl",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "SEED_FILE": str(Path(__file__).parent / "seed" / "zaanstad-2022-2026.yaml"),
    "MUNICIPALITY": "Zaanstad",
    "THEME_CSS": "css/theme-zaanstad.css",
    "BASE_URL": "http://127.0.0.1:5000",
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_DEFAULT_SENDER": "Lobbytracker <lobbytracker@zaanstad.nl>",
    "SCHEDULER_ENABLED": True,
    # Single sign-on (OpenID Connect); off while OIDC_ISSUER is empty.
    "OIDC_ISSUER": None,
    "OIDC_CLIENT_ID": None,
    "OIDC_CLIENT_SECRET": None,
    "OIDC_SCOPES": "openid email profile",
    "OIDC_GROUPS_CLAIM": "groups",
    "OIDC_ROLE_GROUPS": None,
    # Sessions end after this many minutes without a request.
    "SESSION_IDLE_MINUTES": 30,
    # Login throttling (Flask-Limiter): failed logins per e-mail address and
    # client address, per e-mail address, and per client address.
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_STRATEGY": "moving-window",
    "RATELIMIT_KEY_PREFIX": "lobbytracker",
    "LOGIN_LIMITS_ACCOUNT_ADDRESS": "5 per minute;10 per 15 minutes",
    "LOGIN_LIMITS_ACCOUNT": "20 per hour",
    "LOGIN_LIMITS_ADDRESS": "30 per minute;100 per hour",
    # Wrong current passwords on the change-password page, per user.
    "PASSWORD_CHANGE_LIMITS": "5 per 15 minutes",
    # Proxies in front of the app that set X-Forwarded-For (0: none).
    "TRUSTED_PROXIES": 0,
    # AVG: contacts without a contactmoment for this many years are listed for review.
    "RETENTION_YEARS": 5,
    # The inbound mailbox (tracker/capture/mailbox.py); off while IMAP_HOST is empty.
    # IMAP_SECURITY: ssl (port 993), starttls (port 143) or none, which is
    # refused for any host but a loopback address (127.0.0.1, ::1, localhost).
    "IMAP_HOST": None,
    "IMAP_PORT": None,
    "IMAP_USER": None,
    "IMAP_PASSWORD": None,
    "IMAP_SECURITY": "ssl",
    "IMAP_FOLDER": "INBOX",
    "IMAP_DONE_FOLDER": "Verwerkt",
    "IMAP_REJECTED_FOLDER": "Geweigerd",
    # The address colleagues forward or BCC to, shown on the home page.
    "IMAP_ADDRESS": None,
}



def flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Settings that may come from the environment, with how to read them.
ENVIRONMENT = {
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "SEED_FILE": str,
    "MUNICIPALITY": str,
    "THEME_CSS": str,
    "SESSION_COOKIE_SECURE": flag,
    "BASE_URL": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_USE_TLS": flag,
    "MAIL_USE_SSL": flag,
    "MAIL_DEFAULT_SENDER": str,
    "SCHEDULER_ENABLED": flag,
    "OIDC_ISSUER": str,
    "OIDC_CLIENT_ID": str,
    "OIDC_CLIENT_SECRET": str,
    "OIDC_SCOPES": str,
    "OIDC_GROUPS_CLAIM": str,
    "OIDC_ROLE_GROUPS": str,
    "SESSION_IDLE_MINUTES": int,
    "RATELIMIT_ENABLED": flag,
    "RATELIMIT_STORAGE_URI": str,
    "TRUSTED_PROXIES": int,
    "RETENTION_YEARS": int,
    "IMAP_HOST": str,
    "IMAP_PORT": int,
    "IMAP_USER": str,
    "IMAP_PASSWORD": str,
    "IMAP_SECURITY": str,
    "IMAP_FOLDER": str,
    "IMAP_DONE_FOLDER": str,
    "IMAP_REJECTED_FOLDER": str,
    "IMAP_ADDRESS": str,
}


def from_environment(environ=os.environ):
    """The settings the environment sets, converted to their types; fails
    fast, naming the variable, when one cannot be read."""
    settings = {}
    for name, read in ENVIRONMENT.items():
        if environ.get(name):
            try:
                settings[name] = read(environ[name])
            except ValueError as error:
                raise RuntimeError(f"environment variable {name} is not valid: {error}") from error
    return settings


def database_uri(url: str | None, instance_path: str) -> str:
    """The SQLAlchemy URL: `DATABASE_URL`, or SQLite in the instance folder.

    PostgreSQL URLs are pointed at psycopg 3, whatever driver they name.
    """
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "lobbytracker.sqlite")
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_secret_key(instance_path: str) -> str:
    """A secret key generated once into the instance folder and kept there."""
    path = Path(instance_path) / "secret_key"
    try:
        # O_EXCL: of several workers starting at once, one writes the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()
