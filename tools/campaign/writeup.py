"""Write-up: a short blog/newsletter post for one episode, in Markdown and HTML, in the Persona Brief's voice.

Both formats are rendered from one list of blocks, so they can never say different things, and every block passes
the Persona Brief gate first. The post tells the episode's set-up and escalation and names the product moment, but
never its cliffhanger.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from agent.domain import EpisodeScript, PersonaBrief
from tools.campaign.asset import WRITEUP, AssetOutput, check_copy

# Openers keyed by a word of the bible's voice; the first voice word we know picks the register.
OPENERS: dict[str, str] = {
    "wry": "Well. Nobody saw this one coming — except, maybe, you.",
    "witty": "Pour something good; this one moves fast.",
    "warm": "Pull up a chair — here's what happened this time.",
    "suspense": "Lights low. Phone face down. Here's where we are.",
    "cosy": "Blanket, mug, this episode: the perfect evening.",
    "bold": "No warm-up. Straight in.",
    "playful": "Plot twist incoming (sort of).",
}
DEFAULT_OPENER = "Here's what happened in the latest episode."


@dataclass(frozen=True)
class Block:
    """A heading, an emphasised line or a paragraph."""

    kind: str  # "h1" | "em" | "p"
    text: str


def opener(bible: PersonaBrief) -> str:
    """The first line, chosen by the bible's voice (so a wry brand sounds wry and a warm one warm)."""
    voice = bible.voice.lower()
    return next((line for word, line in OPENERS.items() if word in voice), DEFAULT_OPENER)


def blocks(script: EpisodeScript, bible: PersonaBrief, *, season_title: str, brand: str, product: str,
           day_label: str | None, extra: str = "") -> list[Block]:
    """The post's content, cliffhanger-free; `extra` is a line a reviewer asked for (closing paragraph)."""
    vocabulary = [w for w in bible.vocabulary if w.strip()]
    flavour = f" It is, in a word, {vocabulary[script.number % len(vocabulary)]}." if vocabulary else ""
    when = f"Ep {script.number} is out {day_label}." if day_label else f"Ep {script.number} is out now."
    return [
        Block("h1", f"Ep {script.number}: {script.title}"),
        Block("em", f"{season_title} — a mini-drama from {brand}" if brand else season_title),
        Block("p", f"{opener(bible)} {script.cold_open}"),
        Block("p", f"{script.beat}{flavour}"),
        Block("p", f"And yes, {product} is right in the middle of it: {script.product_moment}" if product
              else script.product_moment),
        Block("p", f"How does it end? We're not telling. {when} "
                   "Follow along so you don't miss the next one."),
        *([Block("p", extra)] if extra.strip() else []),
    ]


def to_markdown(content: list[Block]) -> str:
    """Markdown: `# ` heading, `*…*` emphasis, blank-line paragraphs."""
    out = []
    for block in content:
        out.append({"h1": f"# {block.text}", "em": f"*{block.text}*"}.get(block.kind, block.text))
    return "\n\n".join(out) + "\n"


def to_html(content: list[Block], title: str) -> str:
    """A small standalone HTML page (escaped: script text never becomes markup)."""
    body = []
    for block in content:
        text = html.escape(block.text)
        body.append({"h1": f"<h1>{text}</h1>", "em": f"<p><em>{text}</em></p>"}.get(block.kind, f"<p>{text}</p>"))
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n")


def make_writeup(script: EpisodeScript, bible: PersonaBrief, *, season_title: str, brand: str, product: str,
                 day_label: str | None, out_dir: Path, stem: str, extra: str = "") -> AssetOutput:
    """Write `{stem}.md` and `{stem}.html`; the Markdown is also the asset's inline copy."""
    out = AssetOutput(WRITEUP, [], "")
    checked = [Block(b.kind, out.absorb(check_copy(b.text, bible, f"write-up {b.kind}")))
               for b in blocks(script, bible, season_title=season_title, brand=brand, product=product,
                               day_label=day_label, extra=extra)]
    markdown = to_markdown(checked)
    out_dir.mkdir(parents=True, exist_ok=True)
    md_path, html_path = out_dir / f"{stem}.md", out_dir / f"{stem}.html"
    md_path.write_text(markdown, encoding="utf-8")
    html_path.write_text(to_html(checked, checked[0].text), encoding="utf-8")
    out.files += [md_path, html_path]
    out.text = markdown
    out.meta = {"words": len(markdown.split())}
    return out
