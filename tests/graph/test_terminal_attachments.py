"""`cliffhanger chat` turns typed paths of existing logo/font/portrait files into attachments."""

from __future__ import annotations

from pathlib import Path

from integrations.terminal import split_attachments


def test_existing_paths_become_files_and_leave_the_text(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text("<svg/>")
    spaced = tmp_path / "my font.ttf"
    spaced.write_bytes(b"x")
    text, files = split_attachments(f"here's our logo {logo} and '{spaced}'")
    assert files == [logo, spaced] and text == "here's our logo and"
    assert split_attachments("background #101820") == ("background #101820", [])
    assert split_attachments(f"see {tmp_path / 'missing.png'}")[1] == []
    assert split_attachments("it's the 'best") == ("it's the 'best", [])


def test_terminal_prints_replies_literally() -> None:
    """Replies carry square brackets ("[offline draft]") that rich would otherwise eat as markup."""
    from rich.console import Console

    from agent.ports import ThreadRef
    from integrations.terminal import TerminalChannel

    console = Console(record=True, width=200)
    TerminalChannel(console).say(ThreadRef(channel_id="t", thread_ts="1"), "*[offline draft] Lumen* [/]")
    assert "*[offline draft] Lumen* [/]" in console.export_text()
