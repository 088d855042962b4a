"""Sending mail: real SMTP when MAIL_SERVER is set, otherwise .eml files in
the instance folder that a beheerder can read in the app."""

import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from flask import current_app

from ..database import utcnow
from .models import OutboxMessage

MAIL_FOLDER = "mail"


class MailError(Exception):
    """The mail server could not be reached or refused the message."""


def build_email(row: OutboxMessage) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = row.subject
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = row.to_address
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = row.message_id
    message["Content-Language"] = "nl"
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    return message


def mail_folder() -> Path:
    return Path(current_app.instance_path) / MAIL_FOLDER


class FileTransport:
    """Development: each message becomes an .eml file."""

    def __enter__(self):
        mail_folder().mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc):
        return False

    def send(self, message: EmailMessage) -> None:
        name = re.sub(r"[^A-Za-z0-9.@_-]", "", message["Message-ID"]) + ".eml"
        (mail_folder() / name).write_bytes(bytes(message))


class SMTPTransport:
    """One connection for a batch of messages."""

    def __init__(self, config):
        self.config = config
        self.connection = None

    def __enter__(self):
        config = self.config
        try:
            if config["MAIL_USE_SSL"]:
                self.connection = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30,
                                                   context=ssl.create_default_context())
            else:
                self.connection = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
                if config["MAIL_USE_TLS"]:
                    self.connection.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                self.connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"{config['MAIL_SERVER']}:{config['MAIL_PORT']}: {error}") from error
        return self

    def __exit__(self, *exc):
        try:
            self.connection.quit()
        except (OSError, smtplib.SMTPException):
            self.connection.close()
        return False

    def send(self, message: EmailMessage) -> None:
        try:
            self.connection.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(str(error)) from error


def transport():
    config = current_app.config
    return SMTPTransport(config) if config.get("MAIL_SERVER") else FileTransport()


def stored_mails() -> list[Path]:
    folder = mail_folder()
    return sorted(folder.glob("*.eml"), key=lambda path: path.stat().st_mtime, reverse=True) if folder.exists() else []
