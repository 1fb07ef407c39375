"""The email publisher: a newsletter-style "new episode" announcement over SMTP (smtplib).

HTML with the cover inline (multipart/related, cid:) and a plain-text alternative, both carrying the link to watch.
The Message-ID is derived from the idempotency key, so if a crash makes the sweep send twice, mail systems and
archives that dedupe on Message-ID see one message.
"""

from __future__ import annotations

import hashlib
import html
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr

from agent.plugins import PluginSettings
from agent.ports import PublishPackage, PublishResult

KEY_HEADER = "X-Cliffhanger-Idempotency-Key"


class EmailPublisher:
    """Sends one announcement per published episode to a fixed list (a newsletter list address, usually)."""

    name = "email"

    def __init__(self, host: str, port: int, sender: str, recipients: Sequence[str], *,
                 username: str | None = None, password: str | None = None, starttls: bool = False,
                 use_ssl: bool = False, video_url_template: str | None = None, timeout_s: float = 30.0) -> None:
        if not recipients:
            raise ValueError("the email publisher needs at least one recipient")
        self.host, self.port, self.sender, self.recipients = host, port, sender, list(recipients)
        self._username, self._password, self.starttls, self.use_ssl = username, password, starttls, use_ssl
        self.video_url_template, self.timeout_s = video_url_template, timeout_s

    def message_id(self, package: PublishPackage) -> str:
        """Deterministic per idempotency key (see module docstring)."""
        digest = hashlib.sha256(package.idempotency_key.encode()).hexdigest()[:32]
        return f"<{digest}@cliffhanger.invalid>"

    def video_url(self, package: PublishPackage) -> str:
        """Where readers watch: the configured template (e.g. a CDN or the TikTok post), else the file itself."""
        if self.video_url_template:
            return self.video_url_template.format(season_id=package.season_id, episode=package.episode_number,
                                                  key=package.idempotency_key)
        return Path(package.video_path).resolve().as_uri()

    def build(self, package: PublishPackage) -> EmailMessage:
        """The announcement: subject, text part, HTML part with the cover inline."""
        link, tags = self.video_url(package), " ".join(package.hashtags)
        heading = f"{package.season_title} — Episode {package.episode_number}: {package.episode_title}"
        message = EmailMessage()
        message["Subject"] = f"New episode: {heading}"
        message["From"], message["To"] = self.sender, ", ".join(self.recipients)
        message["Date"], message["Message-ID"] = formatdate(localtime=False), self.message_id(package)
        message[KEY_HEADER] = package.idempotency_key
        unlock = {"free": "Free to watch", "paid": "Unlock in the app", "ad": "Watch an ad to unlock"}.get(
            package.unlock, package.unlock)
        message.set_content(f"{heading}\n\n{package.caption}\n\n{unlock}: {link}\n\n{tags}\n")
        cover = Path(package.cover_path) if package.cover_path else None
        has_cover = cover is not None and cover.exists()
        cid = f"cover-{self.message_id(package)[1:17]}"
        picture = (f'<p><a href="{html.escape(link)}"><img src="cid:{cid}" alt="{html.escape(package.episode_title)}"'
                   f' width="270" style="border-radius:12px"></a></p>') if has_cover else ""
        message.add_alternative(
            f"<html><body style=\"font-family:sans-serif\"><h2>{html.escape(heading)}</h2>{picture}"
            f"<p>{html.escape(package.caption)}</p>"
            f'<p><a href="{html.escape(link)}" style="font-weight:bold">{html.escape(unlock)} →</a></p>'
            f"<p style=\"color:#777\">{html.escape(tags)}</p></body></html>", subtype="html")
        if has_cover and cover is not None:
            html_part = message.get_payload()[1]  # type: ignore[index]
            html_part.add_related(cover.read_bytes(), maintype="image", subtype="png", cid=f"<{cid}>",
                                  filename="cover.png", disposition="inline")
        return message

    def publish(self, package: PublishPackage) -> PublishResult:
        """Send the announcement; SMTP refusals raise smtplib errors, which the sweep records as a failure."""
        message = self.build(package)
        smtp_class = smtplib.SMTP_SSL if self.use_ssl else smtplib.SMTP
        with smtp_class(self.host, self.port, timeout=self.timeout_s) as smtp:
            if self.starttls and not self.use_ssl:
                smtp.starttls(context=ssl.create_default_context())
            if self._username:
                smtp.login(self._username, self._password or "")
            refused = smtp.send_message(message, from_addr=self.sender, to_addrs=self.recipients)
        if len(refused) == len(self.recipients):
            raise smtplib.SMTPRecipientsRefused(refused)
        return PublishResult(external_id=message["Message-ID"], location=f"mailto:{','.join(self.recipients)}")


class EmailSettings(PluginSettings):
    """The email publisher's own settings (SMTP_* and EMAIL_* in the environment)."""

    smtp_host: str | None = Field(default=None, description="SMTP server host.")
    smtp_port: int = Field(default=587, description="SMTP server port.")
    smtp_sender: str | None = Field(default=None, description="From: address.")
    smtp_username: str | None = Field(default=None, description="SMTP login.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_starttls: bool = Field(default=True, description="Upgrade with STARTTLS.")
    smtp_ssl: bool = Field(default=False, description="Implicit TLS (port 465).")
    email_recipients: str | None = Field(default=None, description="Comma-separated announcement recipients.")
    email_video_url_template: str | None = Field(
        default=None,
        description="Watch link in the email, e.g. https://cdn.example/s{season_id}/ep{episode}.mp4.")


def from_settings(**values: Any) -> EmailPublisher:
    """Plug-in factory (entry point `email`): SMTP_HOST, SMTP_SENDER and EMAIL_RECIPIENTS (comma-separated)."""
    cfg = EmailSettings.from_values(values)
    recipients = (cfg.email_recipients or "").split(",")
    if not cfg.smtp_host or not cfg.smtp_sender:
        raise ValueError("the email publisher needs smtp_host and smtp_sender")
    password = cfg.smtp_password.get_secret_value() if cfg.smtp_password else None
    recipients = [r.strip() for r in recipients if r.strip()]
    return EmailPublisher(cfg.smtp_host, cfg.smtp_port, cfg.smtp_sender, recipients,
                          username=cfg.smtp_username, password=password, starttls=cfg.smtp_starttls,
                          use_ssl=cfg.smtp_ssl, video_url_template=cfg.email_video_url_template)
