"""A domain notice (`agent.ports.Notice`) written in Slack's own syntax: mentions as `<@U…>`, tones as emoji, user
text escaped so it can never become a mention, a channel ping or a link."""

from __future__ import annotations

from agent.ports import Notice, Tone

TONE_EMOJI = {
    Tone.PLAIN: "",
    Tone.SUCCESS: ":white_check_mark:",
    Tone.CELEBRATE: ":tada:",
    Tone.WARNING: ":warning:",
    Tone.CALENDAR: ":calendar:",
    Tone.RELEASE: ":raising_hand:",
    Tone.PROGRESS: ":hourglass_flowing_sand:",
    Tone.DONE: ":clapper:",
    Tone.CAMPAIGN: ":loudspeaker:",
    Tone.REMINDER: ":alarm_clock:",
    Tone.BATCH: ":ballot_box_with_check:",
}


def escape(text: str) -> str:
    """Slack's three control characters (`&`, `<`, `>`), so user text is shown as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(user_id: str) -> str:
    """A Slack user mention."""
    return f"<@{user_id}>"


def notice_text(notice: Notice | str) -> str:
    """The notice as Slack text (mrkdwn); a plain string is passed through (conversational replies)."""
    if isinstance(notice, str):
        return notice
    text = notice.render(mention, escape)
    mark = TONE_EMOJI.get(notice.tone, "")
    return f"{mark} {text}" if mark else text
