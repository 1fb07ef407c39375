"""The show bible (Persona Brief) as a versioned contract, and the checks every generated text goes through.

Changing the bible writes a new version (never an overwrite). `check_text` is the one call any writer of copy
(arc, scripts, captions, campaign) uses: banned-word findings plus a tone verdict, to show with the draft — a
banned word is never silently shipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.brain.biblecmd import BibleChange
from agent.brain.lint import Finding, lint_arc, lint_text, scrub_arc
from agent.brain.tone import ToneVerdict, arc_text, judge
from agent.domain import Arc, PersonaBrief
from agent.services.seasons import audit, current_bible, save_bible
from agent.store.models import PersonaBriefVersion, Season


@dataclass
class CopyCheck:
    """What a draft's reader sees next to it: banned words found, and the tone score."""

    findings: list[Finding] = field(default_factory=list)
    tone: ToneVerdict | None = None

    def lines(self) -> list[str]:
        """Readable lines for the thread."""
        out = [f"banned word “{f.word}” in {f.where or 'the text'}" for f in self.findings]
        return out + ([self.tone.line()] if self.tone else [])


def check_text(text: str, bible: PersonaBrief, brain: object, where: str = "") -> CopyCheck:
    """Lint one text (a caption, a campaign line) against the bible and judge its tone."""
    return CopyCheck(findings=lint_text(text, bible, where), tone=judge(brain, text, bible))


def check_arc(arc: Arc, bible: PersonaBrief, brain: object) -> CopyCheck:
    """Lint a whole arc and judge its tone."""
    return CopyCheck(findings=lint_arc(arc, bible), tone=judge(brain, arc_text(arc), bible))


def bible_version(session: Session, season: Season) -> int:
    """The current bible version number (0 = the default bible, never changed)."""
    row = session.scalar(select(PersonaBriefVersion.version).where(PersonaBriefVersion.season_id == season.id)
                         .order_by(PersonaBriefVersion.version.desc()).limit(1))
    return int(row or 0)


def apply_change(bible: PersonaBrief, change: BibleChange) -> PersonaBrief:
    """The bible after a change (pure; the caller saves it as a new version)."""
    banned = [w for w in bible.banned_words if w.lower() not in {a.lower() for a in change.allow}]
    banned += [w for w in change.ban if w.lower() not in {b.lower() for b in banned}]
    vocabulary = list(dict.fromkeys([*bible.vocabulary, *change.vocabulary]))
    return bible.model_copy(update={
        "banned_words": banned, "vocabulary": vocabulary, "voice": change.voice or bible.voice,
        "dos": [*bible.dos, *change.dos], "donts": [*bible.donts, *change.donts],
    })


def change_bible(session: Session, season: Season, change: BibleChange, actor: str) -> tuple[PersonaBrief, int]:
    """Save the changed bible as a new version (audited); returns (bible, version)."""
    bible = apply_change(current_bible(session, season), change)
    version = save_bible(session, season, bible)
    audit(session, season.id, actor, "bible.changed", {"version": version, "ban": change.ban,
                                                       "allow": change.allow, "voice": change.voice})
    return bible, version


def rescrub_arc(arc: Arc, bible: PersonaBrief) -> tuple[Arc, list[int]]:
    """The arc rewritten without newly banned words, and which episodes changed (so nothing banned ships)."""
    fixed = scrub_arc(arc, bible)
    changed = [new.number for old, new in zip(arc.episodes, fixed.episodes) if old != new]
    return fixed, changed


def bible_text(bible: PersonaBrief, version: int) -> str:
    """The bible as the marketer reads it."""
    return "\n".join([
        f"*Show bible v{version}*" + (" (default)" if version == 0 else ""),
        f"• *Voice*: {bible.voice}",
        f"• *Vocabulary*: {', '.join(bible.vocabulary) or '—'}",
        f"• *Banned words*: {', '.join(bible.banned_words) or '—'}",
        f"• *Do*: {'; '.join(bible.dos) or '—'}",
        f"• *Don't*: {'; '.join(bible.donts) or '—'}",
    ])
