"""Slack mrkdwn → HTML, for the thread page (what the marketer would have seen, formatting included).

Covers what our bot writes: *bold*, _italic_, ~strike~, `code`, ```pre```, <url|text> links, <@U…> mentions
(→ names), <#C…|name>, <!here>, :emoji:, "> " quotes, "•"/"-" bullet lists and newlines. Everything else is
escaped, so a message can never inject markup into the page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

EMOJI = {
    "+1": "👍", "thumbsup": "👍", "-1": "👎", "thumbsdown": "👎", "eyes": "👀", "tada": "🎉",
    "white_check_mark": "✅", "heavy_check_mark": "✔️", "x": "❌", "clapper": "🎬", "movie_camera": "🎥",
    "film_frames": "🎞️", "sparkles": "✨", "fire": "🔥", "heart": "❤️", "warning": "⚠️", "rocket": "🚀",
    "hourglass_flowing_sand": "⏳", "hourglass": "⌛", "calendar": "📅", "spiral_calendar_pad": "🗓️",
    "pencil2": "✏️", "memo": "📝", "art": "🎨", "bulb": "💡", "lipstick": "💄", "star": "⭐", "wave": "👋",
    "clap": "👏", "raised_hands": "🙌", "thinking_face": "🤔", "robot_face": "🤖", "lock": "🔒",
    "performing_arts": "🎭", "scroll": "📜", "package": "📦", "loudspeaker": "📢", "mega": "📣",
    "arrows_counterclockwise": "🔄", "no_entry": "⛔", "hourglass_done": "⌛", "red_circle": "🔴",
    "large_green_circle": "🟢", "bar_chart": "📊", "link": "🔗", "email": "📧", "camera": "📷",
}
SKIN_TONES = {"2": "🏻", "3": "🏼", "4": "🏽", "5": "🏾", "6": "🏿"}

_TOKEN = re.compile(r"```(.+?)```|`([^`\n]+)`|<([^<>\n]+)>", re.DOTALL)
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")
_EMOJI = re.compile(r":([a-z0-9_+\-]+)(?:::skin-tone-([2-6]))?:")
_BULLET = re.compile(r"^\s*(?:•|◦|▪|-|\*)\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")

UserNames = Callable[[str], str]


def emoji(name: str) -> str:
    """The character for a reaction/emoji name (``+1::skin-tone-3`` keeps its tone); ``:name:`` if unknown."""
    base, _, tone = name.partition("::skin-tone-")
    char = EMOJI.get(base)
    if char is None:
        return f":{name}:"
    return char + SKIN_TONES.get(tone, "")


def _link(inner: str, names: UserNames) -> str:
    """One ``<…>`` construct: mention, channel, special mention or URL."""
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return f'<span class="mention" data-user="{html.escape(target[1:])}">@{html.escape(names(target[1:]))}</span>'
    if target.startswith("#"):
        return f'<span class="mention channel">#{html.escape(label or target[1:])}</span>'
    if target.startswith("!"):
        word = target[1:].split("^")[0]
        return f'<span class="mention special">@{html.escape(label or word)}</span>'
    url = html.unescape(target)
    if not re.match(r"^(https?|mailto|file):", url):
        return html.escape(f"<{html.unescape(inner)}>")
    text = html.escape(html.unescape(label)) if label else html.escape(url)
    return f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener">{text}</a>'


def _inline(text: str) -> str:
    """Bold/italic/strike/emoji on already-escaped text."""
    text = _BOLD.sub(r"<b>\1</b>", text)
    text = _ITALIC.sub(r"<i>\1</i>", text)
    text = _STRIKE.sub(r"<s>\1</s>", text)
    return _EMOJI.sub(lambda m: emoji(m.group(1) + (f"::skin-tone-{m.group(2)}" if m.group(2) else "")), text)


def _blocks_of_lines(text: str) -> str:
    """Group lines into bullet lists, numbered lists and quotes; plain lines are joined with <br>."""
    out: list[str] = []
    mode: str | None = None
    prev_plain = False
    for line in text.split("\n"):
        item = _BULLET.match(line) or _NUMBERED.match(line)
        quote = line.startswith("&gt; ") or line == "&gt;"
        kind = ("ul" if _BULLET.match(line) else "ol") if item else "blockquote" if quote else None
        if kind != mode:
            if mode:
                out.append(f"</{mode}>")
            if kind:
                out.append(f"<{kind}>")
            mode = kind
        if item:
            out.append(f"<li>{item.group(1)}</li>")
        elif quote:
            out.append(f"<div>{line[5:]}</div>")
        else:
            if prev_plain:
                out.append("<br>")
            out.append(line)
        prev_plain = kind is None
    if mode:
        out.append(f"</{mode}>")
    return "".join(out)


def mrkdwn_to_html(text: str, names: UserNames | None = None) -> str:
    """Render Slack mrkdwn as safe HTML; ``names`` maps a user id to a display name for mentions."""
    resolve = names or (lambda user_id: user_id)
    saved: list[str] = []

    def protect(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            saved.append(f"<pre>{html.escape(html.unescape(match.group(1).strip(chr(10))))}</pre>")
        elif match.group(2) is not None:
            saved.append(f"<code>{html.escape(html.unescape(match.group(2)))}</code>")
        else:
            saved.append(_link(match.group(3), resolve))
        return f"\x00{len(saved) - 1}\x00"

    shielded = _TOKEN.sub(protect, text)
    escaped = html.escape(html.unescape(shielded), quote=False)
    rendered = _blocks_of_lines(_inline(escaped))
    return re.sub(r"\x00(\d+)\x00", lambda m: saved[int(m.group(1))], rendered)


def plain_to_html(text: str) -> str:
    """plain_text objects: escaped, emoji names expanded, newlines kept."""
    return _EMOJI.sub(lambda m: emoji(m.group(1)), html.escape(text)).replace("\n", "<br>")
