"""Arc history in conversation: "versions", "diff v1 v2", "show changes to ep 3", "what changed", "show ep 3".

Reads the versions the database keeps (agent.services.arcs); nothing here changes the season.
"""

from __future__ import annotations

import re

from agent.brain.briefparse import to_number
from agent.context import TurnContext
from agent.domain import Arc
from agent.graph.nodes.common import say
from agent.graph.replies import arc_summary, episode_line
from agent.services import arcs

DIFF = re.compile(r"\b(?:diff|compare)\s+v?(\d+)(?:\s*(?:and|to|vs\.?|with|,|→|->)?\s*v?(\d+))?\b", re.IGNORECASE)
EP = r"(?:ep(?:isode)?\.?\s*#?\s*)(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
CHANGES_TO = re.compile(rf"\b(?:show\s+)?(?:the\s+)?(?:changes|diff|what\s+changed)\s+(?:to|in|for|on)\s+{EP}\b", re.IGNORECASE)
WHAT_CHANGED = re.compile(r"^\s*(?:what\s+changed|show\s+(?:the\s+)?changes|show\s+(?:the\s+)?diff|diff)\s*\??\s*$",
                          re.IGNORECASE)
VERSIONS = re.compile(r"^\s*(?:(?:show|list)\s+(?:the\s+)?)?(?:versions|version\s+history|history|arc\s+history)"
                      r"\s*\??\s*$", re.IGNORECASE)
SHOW_EP = re.compile(rf"^\s*(?:show|read|see)\s+(?:me\s+)?{EP}\s*$", re.IGNORECASE)
SHOW_ARC = re.compile(r"^\s*(?:show|see|read)\s+(?:me\s+)?(?:the\s+)?(?:arc|season|draft|whole\s+arc)\s*$", re.IGNORECASE)


def _number(token: str) -> int:
    """'3' or 'three' → 3."""
    value = to_number(token)
    return int(value) if value is not None else 0


def is_history_request(text: str) -> bool:
    """"diff v1 v2", "what changed", "versions", "show ep 3", "show the arc" (the diff action's argument reader)."""
    return any(p.search(text) for p in (DIFF, CHANGES_TO, WHAT_CHANGED, VERSIONS, SHOW_EP, SHOW_ARC))


def handle_history(ctx: TurnContext, season_id: int, text: str) -> bool:
    """Answer a history question; False when the message is not one."""
    if not is_history_request(text):
        return False
    with ctx.app.store.session() as session:
        rows = arcs.versions(session, season_id)
        data = [(r.version, r.note, Arc.model_validate(r.arc)) for r in rows]
        pair = None
        if match := CHANGES_TO.search(text):
            pair = arcs.last_change_to_episode(session, season_id, _number(match.group(1)))
    if not data:
        say(ctx, "There is no arc yet — tell me the brief first.")
        return True
    by_version = {v: arc for v, _note, arc in data}
    latest_version, _note, latest = data[-1]
    if VERSIONS.search(text):
        lines = [f"• v{v} — {note or 'arc'}" for v, note, _arc in data]
        say(ctx, "*Arc versions* (newest last):\n" + "\n".join(lines) + "\nSay *diff v1 v2* to compare two.")
    elif match := DIFF.search(text):
        a, b = int(match.group(1)), int(match.group(2) or latest_version)
        if a not in by_version or b not in by_version:
            say(ctx, f"The arc has versions v1–v{latest_version}; which two should I compare?")
        else:
            changes = arcs.diff_arcs(by_version[a], by_version[b])
            say(ctx, f"*Changes v{a} → v{b}*\n" + ("\n".join(changes) if changes else "• no differences"))
    elif match := CHANGES_TO.search(text):
        number = _number(match.group(1))
        if not 1 <= number <= len(latest.episodes):
            say(ctx, f"This season has episodes 1–{len(latest.episodes)}.")
        elif pair is None:
            say(ctx, f"Ep {number} hasn't changed since v1.")
        else:
            changes = arcs.diff_arcs(by_version[pair[0]], by_version[pair[1]], only_episode=number)
            say(ctx, f"*Ep {number}: v{pair[0]} → v{pair[1]}*\n" + "\n".join(changes))
    elif WHAT_CHANGED.search(text):
        if len(data) < 2:
            say(ctx, "This is the first version of the arc — nothing has changed yet.")
        else:
            previous = data[-2][0]
            changes = arcs.diff_arcs(by_version[previous], latest)
            say(ctx, f"*Changes v{previous} → v{latest_version}*\n" + ("\n".join(changes) or "• no differences"))
    elif match := SHOW_EP.search(text):
        number = _number(match.group(1))
        if 1 <= number <= len(latest.episodes):
            episode = latest.episodes[number - 1]
            lines = "\n".join(f"   {line.speaker}: {line.text}" for line in episode.lines)
            say(ctx, f"{episode_line(episode)}\n{lines}")
        else:
            say(ctx, f"This season has episodes 1–{len(latest.episodes)}.")
    else:
        say(ctx, arc_summary(latest, [], None, latest_version))
    return True
