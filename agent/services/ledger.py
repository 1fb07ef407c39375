"""The continuity ledger: open story threads, who knows what, and each episode's cliffhanger.

Derived from the arc on demand (the arc is the source of truth, so the ledger can never drift from it). A thread
opens with every cliffhanger; the next cold open must pick it up (shared key words); the finale must close what is
held open (pay off the through-line or the first hook). `lint_scripts` turns the ledger into findings that are
shown with every draft and checked again before any render is queued.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from agent.brain.lint import key_words, mentions_product
from agent.domain import Arc, Brief, EpisodeScript

NARRATORS = frozenset({"narrator", "voice-over", "voiceover", "vo", "caption"})


class StoryThread(BaseModel):
    """A question a cliffhanger leaves open, and who has seen it."""

    opened_in: int
    hook: str
    picked_up_in: int | None = None
    knows: list[str] = Field(default_factory=list)


class LedgerEntry(BaseModel):
    """One episode's row: who is in it, who appears for the first time, how it ends."""

    number: int
    title: str
    present: list[str]
    introduced: list[str]
    cliffhanger: str


class Ledger(BaseModel):
    """The season's continuity ledger."""

    episodes: list[LedgerEntry]
    threads: list[StoryThread]
    findings: list[str] = Field(default_factory=list)

    @property
    def open_threads(self) -> list[StoryThread]:
        """Threads nothing has picked up yet (the finale's hook may stay open as a season-2 tease)."""
        return [t for t in self.threads if t.picked_up_in is None]


def _names_in(text: str, names: list[str]) -> list[str]:
    """Cast names mentioned in `text` (whole words)."""
    return [n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)]


def present_in(episode: EpisodeScript, names: list[str]) -> list[str]:
    """Cast members who speak in or are named by the episode's cold open, beat or lines."""
    speakers = [line.speaker for line in episode.lines if line.speaker in names]
    named = _names_in(" ".join([episode.cold_open, episode.beat, *(line.text for line in episode.lines)]), names)
    return list(dict.fromkeys(speakers + named))


def build_ledger(arc: Arc, brief: Brief | None = None) -> Ledger:
    """The ledger of an arc, with its findings (empty findings = continuity holds)."""
    names = [m.name for m in arc.cast]
    entries: list[LedgerEntry] = []
    threads: list[StoryThread] = []
    seen: set[str] = set()
    findings: list[str] = []
    for episode in arc.episodes:
        present = present_in(episode, names)
        introduced = [n for n in present if n not in seen]
        entries.append(LedgerEntry(number=episode.number, title=episode.title, present=present,
                                   introduced=introduced, cliffhanger=episode.cliffhanger))
        findings += _introduction_findings(episode, names, seen | set(introduced))
        for thread in threads:
            if thread.picked_up_in is None and thread.opened_in == episode.number - 1:
                if key_words(thread.hook) & key_words(episode.cold_open):
                    thread.picked_up_in = episode.number
                    thread.knows = list(dict.fromkeys(thread.knows + present))
                else:
                    findings.append(f"Ep {episode.number}'s cold open drops Ep {thread.opened_in}'s cliffhanger "
                                    f"(“{_short(thread.hook)}”) — the unresolved hook must be picked up")
        threads.append(StoryThread(opened_in=episode.number, hook=episode.cliffhanger, knows=present))
        seen.update(present)
        if brief is not None:
            findings += _product_findings(episode, brief)
    findings += _finale_findings(arc)
    return Ledger(episodes=entries, threads=threads, findings=findings)


def _introduction_findings(episode: EpisodeScript, names: list[str], known: set[str]) -> list[str]:
    """Speakers outside the cast, and cast named in the cliffhanger before they were ever on screen."""
    out = []
    strangers = {line.speaker for line in episode.lines
                 if line.speaker not in names and line.speaker.strip().lower() not in NARRATORS}
    for speaker in sorted(strangers):
        out.append(f"Ep {episode.number}: {speaker} speaks but was never introduced (not in the cast)")
    for name in _names_in(episode.cliffhanger, names):
        if name not in known:
            out.append(f"Ep {episode.number}: the cliffhanger relies on {name}, who has not been introduced yet")
    return out


def _product_findings(episode: EpisodeScript, brief: Brief) -> list[str]:
    """The product must have a moment, and be named inside the scene (not only at the end)."""
    if not episode.product_moment.strip():
        return [f"Ep {episode.number}: product moment missing — let {brief.product} do something in the story"]
    story = " ".join([episode.cold_open, episode.beat, *(line.text for line in episode.lines[:-1])])
    if not mentions_product(story, brief):
        return [(f"Ep {episode.number}: {brief.product} is not inside the scene (product moment missing from "
                "the script)")]
    return []


def _finale_findings(arc: Arc) -> list[str]:
    """The last episode closes what is held open: it must touch the through-line or the first hook."""
    if len(arc.episodes) < 2:
        return []
    finale = arc.episodes[-1]
    held = key_words(arc.through_line) | key_words(arc.episodes[0].cliffhanger) | key_words(arc.premise)
    finale_words = key_words(" ".join([finale.beat, finale.product_moment, *(line.text for line in finale.lines)]))
    if not held & finale_words:
        return [(f"Ep {finale.number} (the finale) does not close the threads held open since Ep 1 — pay off "
                "the through-line")]
    return []


def _short(text: str, limit: int = 70) -> str:
    """A hook shortened for a one-line finding."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def lint_scripts(arc: Arc, brief: Brief) -> list[str]:
    """Continuity findings for the whole season (shown with drafts; re-checked before rendering)."""
    return build_ledger(arc, brief).findings


def ledger_text(ledger: Ledger) -> str:
    """The ledger as the marketer reads it in the thread."""
    lines = ["*Continuity ledger*"]
    for entry, thread in zip(ledger.episodes, ledger.threads):
        new = f" · first appearance: {', '.join(entry.introduced)}" if entry.introduced else ""
        picked = (f"picked up in Ep {thread.picked_up_in}" if thread.picked_up_in else
                  ("held open (finale tease)" if entry.number == len(ledger.episodes) else "*dropped*"))
        knows = ", ".join(thread.knows) or "nobody on screen"
        lines.append(f"• *Ep {entry.number}* {entry.title}{new}\n   cliffhanger: “{_short(entry.cliffhanger, 90)}” "
                     f"— {picked}; who knows: {knows}")
    lines.append("*Findings*: " + ("none — every hook is picked up ✓" if not ledger.findings
                                   else "\n• " + "\n• ".join(ledger.findings)))
    return "\n".join(lines)
