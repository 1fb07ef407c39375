"""Email publisher against a real SMTP server (aiosmtpd) on localhost."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from agent.ports import PublishPackage
from integrations.email import KEY_HEADER, EmailPublisher
from integrations.publishers import make_publishers


class Inbox:
    """aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def package(tmp_path: Path, cover: bool = True) -> PublishPackage:
    video = tmp_path / "v.mp4"
    video.write_bytes(b"mp4")
    cover_path = tmp_path / "cover.png"
    cover_path.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    return PublishPackage(
        season_id=2, season_title="Midnight Latte", episode_number=4, episode_title="Steam & Secrets",
        video_path=video, cover_path=cover_path if cover else None, caption="Who took the last oat latte?",
        hashtags=["#BeanThere", "#minidrama"], unlock="ad", destination="drama_center",
        publish_at="2026-12-04T23:00:00+00:00", approvals=[], idempotency_key="slot8:email")


def test_announcement_with_inline_cover_and_link(smtp: tuple[Inbox, int], tmp_path: Path) -> None:
    inbox, port = smtp
    publisher = EmailPublisher("127.0.0.1", port, "studio@beanthere.test", ["fans@beanthere.test"],
                               video_url_template="https://cdn.beanthere.test/s{season_id}/ep{episode}.mp4")
    result = publisher.publish(package(tmp_path))
    [(rcpts, message)] = inbox.messages
    assert rcpts == ["fans@beanthere.test"]
    assert message["Subject"] == "New episode: Midnight Latte — Episode 4: Steam & Secrets"
    assert message[KEY_HEADER] == "slot8:email" and message["Message-ID"] == result.external_id
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "https://cdn.beanthere.test/s2/ep4.mp4" in text and "https://cdn.beanthere.test/s2/ep4.mp4" in html
    assert "Watch an ad to unlock" in text and "Steam &amp; Secrets" in html
    [image] = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert image.get_content() == b"\x89PNG\r\n\x1a\nfake"
    assert f"cid:{image['Content-ID'].strip('<>')}" in html
    assert image.get_content_disposition() == "inline"


def test_same_key_same_message_id_and_no_cover(smtp: tuple[Inbox, int], tmp_path: Path) -> None:
    inbox, port = smtp
    [publisher] = make_publishers(["email"], smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                                  smtp_sender="studio@beanthere.test", email_recipients="a@x.test, b@x.test")
    first = publisher.publish(package(tmp_path, cover=False))
    second = publisher.publish(package(tmp_path, cover=False))
    assert first == second
    assert sorted(inbox.messages[0][0]) == ["a@x.test", "b@x.test"]
    message = inbox.messages[0][1]
    assert not [p for p in message.walk() if p.get_content_maintype() == "image"]
    assert (tmp_path / "v.mp4").resolve().as_uri() in message.get_body(preferencelist=("plain",)).get_content()
