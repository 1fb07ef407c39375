"""Quote graphic: the episode's best line as a 1080×1080 PNG in the locked look.

The line is picked by a deterministic scorer (the brain may supply its own pick, and the marketer can override it
in conversation); a line carrying a banned word is never preferred, and whatever line is used goes through the
Persona Brief gate before it is drawn.
"""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

from agent.brain.lint import HOOK_WORDS, lint_text
from agent.domain import EpisodeScript, Line, LookSpec, PersonaBrief
from tools.campaign.asset import QUOTE, AssetOutput, check_copy
from tools.campaign.canvas import (
    block_height,
    brand_mark,
    fit_text,
    label,
    label_height,
    lead_card,
    new_canvas,
    rule,
    save_png,
    text_block,
)
from tools.render.fonts import regular_for

SIZE = 1080
MIN_WORDS, MAX_WORDS = 4, 16
SAFE_MARGIN = 54  # px kept clear at the bottom edge (5 %): no text touches a frame edge
QUOTE_SIZES = [84, 74, 66, 58, 50, 44, 38, 34]
CREDIT_SIZES = [34, 30, 26]
RULE_GAP, CREDIT_GAP = 64, 10  # from the line to the speaker (the accent rule sits between), speaker to credit


class QuoteError(ValueError):
    """An override that names no line of the episode; the message lists what can be chosen."""


def score_line(line: Line, lead_name: str, bible: PersonaBrief) -> float:
    """How quotable a line is: short and punchy, a question or a threat, said by the lead, no banned words."""
    words = line.text.split()
    score = 0.0
    if MIN_WORDS <= len(words) <= MAX_WORDS:
        score += 3
    score -= abs(len(words) - 8) * 0.15
    if line.text.rstrip().endswith(("?", "!", "…", "...")):
        score += 1.5
    score += min(2, len(set(re.findall(r"[a-z]+", line.text.lower())) & HOOK_WORDS)) * 0.75
    if lead_name and line.speaker.strip().lower() == lead_name.strip().lower():
        score += 1
    if lint_text(line.text, bible):
        score -= 100
    return score


def pick_line(script: EpisodeScript, bible: PersonaBrief, lead_name: str = "") -> Line:
    """The best line of the episode (ties go to the earlier line, so the pick is stable)."""
    if not script.lines:
        return Line(speaker="", text=script.cold_open)
    ranked = sorted(enumerate(script.lines), key=lambda pair: (-score_line(pair[1], lead_name, bible), pair[0]))
    return ranked[0][1]


def resolve_override(script: EpisodeScript, choice: str) -> Line:
    """A line named by number ("line 2", "2") or by (part of) its text; QuoteError lists the lines otherwise."""
    wanted = choice.strip().strip("\"'“”‘’").strip()
    number = re.fullmatch(r"(?:line\s*)?(\d+)", wanted, re.IGNORECASE)
    if number and 1 <= int(number.group(1)) <= len(script.lines):
        return script.lines[int(number.group(1)) - 1]
    needle = re.sub(r"\s+", " ", wanted.lower())
    for line in script.lines:
        if needle and needle in re.sub(r"\s+", " ", line.text.lower()):
            return line
    options = "; ".join(f"{i + 1}. {line.text}" for i, line in enumerate(script.lines))
    raise QuoteError(f"Ep {script.number} has no line like “{wanted}”. Pick one of: {options}")


def make_quote(script: EpisodeScript, look: LookSpec, portrait: Image.Image, bible: PersonaBrief, lead_name: str,
               season_title: str, out_path: Path, line: Line | None = None) -> AssetOutput:
    """Draw the quote graphic; `line` is the brain's or the marketer's pick, else the scorer's."""
    chosen = line or pick_line(script, bible, lead_name)
    out = AssetOutput(QUOTE, [], "")
    text = out.absorb(check_copy(chosen.text, bible, f"episode {script.number} quote"))
    speaker = out.absorb(check_copy(chosen.speaker, bible, "quote speaker"))
    title = out.absorb(check_copy(f"Ep {script.number} · {script.title}", bible, "quote credit"))
    canvas, draw = new_canvas(look, SIZE, SIZE)
    cx, width = SIZE // 2, int(SIZE * 0.84)
    y = lead_card(canvas, portrait, look, cx, int(SIZE * 0.11), int(SIZE * 0.22))
    y = label(draw, look, "“", cx, y, 150, look.palette.accent, width) - int(SIZE * 0.05)
    who = f"— {speaker}" if speaker else season_title
    credit = f"{title} · {season_title}" if season_title else title
    credit_font, credit_lines = fit_text(credit, regular_for(look.font), CREDIT_SIZES, width, 2)
    # what goes under the line (rule, speaker, credit) is reserved first; the line gets the space that is left
    below = RULE_GAP + label_height(look, who, 44, width) + CREDIT_GAP + block_height(credit_font, len(credit_lines))
    room = SIZE - SAFE_MARGIN - below - y
    y = text_block(draw, look, text, cx, y, width, QUOTE_SIZES, 5, look.palette.text, max_height=room)
    rule(draw, look, cx, y + 24, 90, 10)
    y = label(draw, look, who, cx, y + RULE_GAP, 44, look.palette.primary, width)
    text_block(draw, look, credit, cx, y + CREDIT_GAP, width, CREDIT_SIZES, 2, look.palette.accent, bold=False)
    brand_mark(canvas, look)
    out.files.append(save_png(canvas, out_path))
    out.text = f"“{text}”" + (f" — {speaker}" if speaker else "") + f", {title}"
    out.meta = {"line": chosen.text, "speaker": chosen.speaker, "size": [SIZE, SIZE]}
    return out
