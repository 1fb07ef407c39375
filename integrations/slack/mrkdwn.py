"""Markdown (what models write) → Slack mrkdwn (what Slack renders).

Slack does not render CommonMark: `**bold**` shows its asterisks, `[text](url)` stays literal and `# Heading` is a
line with a hash. Every text the bot says goes through `to_mrkdwn`, so the brain can write ordinary Markdown.

The conversion is idempotent on text that is already mrkdwn: our own messages use `*bold*` (Slack's bold) and
`<url|text>` links, so a single-asterisk span is left alone (never read as Markdown italic) and Slack's `<…>` tokens
pass through untouched. Code (fenced or inline) is never rewritten, only its fence's language tag dropped — Slack
shows it verbatim.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.DOTALL | re.MULTILINE)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_SLACK_TOKEN = re.compile(r"<(?:[@#!][^<>\s][^<>]*|(?:https?|mailto):[^<>\s|]+(?:\|[^<>]*)?)>")
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s|]+)>")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
_SETEXT = re.compile(r"^(?P<text>[^\n]+)\n[ \t]*(?:=+|-{2,})[ \t]*$", re.MULTILINE)
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_BULLET = re.compile(r"^(?P<indent>[ \t]*)[-*+][ \t]+(?=\S)", re.MULTILINE)
_TASK = re.compile(r"^(?P<lead>[ \t]*• )\[(?P<mark>[ xX])\][ \t]+", re.MULTILINE)
_RULE = re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$", re.MULTILINE)
_AMP = re.compile(r"&(?!(?:amp|lt|gt);)")
# The bot never broadcasts: @channel/@here/@everyone and user-group pings are shown as plain words, whoever wrote them.
_BROADCAST = re.compile(r"<!(channel|here|everyone)(?:\|[^<>]*)?>|<!subteam\^[^<>|]*(?:\|([^<>]*))?>")


def to_mrkdwn(text: str) -> str:
    """Convert Markdown to Slack mrkdwn, leaving code, Slack tokens and existing mrkdwn as they are."""
    saved: list[str] = []
    text = _BROADCAST.sub(lambda m: f"@{m.group(1)}" if m.group(1) else (m.group(2) or "@team"), text)

    def keep(value: str) -> str:
        saved.append(value)
        return f"\x00{len(saved) - 1}\x00"

    text = _FENCE.sub(lambda m: keep(f"```\n{m.group(2).rstrip(chr(10))}\n```"), text)
    text = _INLINE_CODE.sub(lambda m: keep(m.group(0)), text)
    text = _SLACK_TOKEN.sub(lambda m: keep(m.group(0)), text)
    def restore(value: str) -> str:
        while "\x00" in value:  # a kept span can hold another (a link label with code); restore until none is left
            value = re.sub(r"\x00(\d+)\x00", lambda m: saved[int(m.group(1))], value)
        return value

    text = _IMAGE.sub(lambda m: keep(_slack_link(m.group(2), restore(m.group(1)))), text)
    text = _LINK.sub(lambda m: keep(_slack_link(m.group(2), restore(m.group(1)))), text)
    text = _AUTOLINK.sub(lambda m: keep(f"<{m.group(1)}>"), text)
    text = _escape(text)
    text = _RULE.sub("", text)
    text = _SETEXT.sub(lambda m: _heading(m.group("text")), text)
    text = _HEADING.sub(lambda m: _heading(m.group(1)), text)
    text = _BULLET.sub(_bullet, text)
    text = _TASK.sub(lambda m: m.group("lead") + ("☑ " if m.group("mark").lower() == "x" else "☐ "), text)
    text = _BOLD.sub(lambda m: f"*{m.group(1) or m.group(2)}*", text)
    text = _STRIKE.sub(lambda m: f"~{m.group(1)}~", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return restore(text).strip("\n")


def _slack_link(url: str, label: str) -> str:
    """`<url|label>`; the label's own markup characters are dropped (Slack shows them literally inside a link)."""
    clean = _escape(label.replace("|", "¦").replace("**", "").replace("`", "")).strip()
    return f"<{url}|{clean}>" if clean else f"<{url}>"


def _heading(text: str) -> str:
    """A heading becomes a bold line (Slack has no headings); inner bold markers would close it early."""
    inner = text.replace("**", "").replace("__", "").strip().strip("*").strip()
    return f"*{inner}*" if inner else ""


def _bullet(match: re.Match[str]) -> str:
    """`-`/`*`/`+` items become `•`, nested ones `◦`, indented by level (Slack keeps leading spaces)."""
    depth = len(match.group("indent").expandtabs(4)) // 2
    return ("    " * min(depth, 3)) + ("◦ " if depth else "• ")


def _escape(text: str) -> str:
    """Slack's three control characters, outside the tokens we kept (`>` at a line start is a quote: left)."""
    text = _AMP.sub("&amp;", text)
    text = text.replace("<", "&lt;")
    return re.sub(r"(?<!^)(?<!\n)>", "&gt;", text)
