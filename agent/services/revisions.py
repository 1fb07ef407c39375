"""What a change request re-runs: its scope (script, look/shot, voice), the plan told to people, the re-render.

Scope is decided by keywords, deterministically, so the same note always re-runs the same work and the reply can
say what will be redone (and about how long it takes) before anything starts. When a note touches several scopes
the widest wins: a re-written script is re-rendered and re-voiced anyway.

A look or voice change keeps the script, so the render inputs (script × look × lead) hash the same as the render
being replaced and the cache would hand back the old file. A requested re-render is a new attempt: its input hash
carries a revision salt (the episode's render count), which makes it a new Render row that needs a fresh approval.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from agent.domain import EpisodeStatus, LeadLock
from agent.services.seasons import SeasonError, current_look, latest_script
from agent.store.db import Store
from agent.store.models import Render, Season


class ChangeScope(StrEnum):
    """How much of an episode a change request re-runs (widest first)."""

    SCRIPT = "script"  # re-write, then re-render (and re-voice)
    LOOK = "look"  # same script, re-render (colour, framing, logo, font, shot)
    VOICE = "voice"  # same script and picture, re-voice


KEYWORDS: dict[ChangeScope, tuple[str, ...]] = {
    ChangeScope.SCRIPT: (
        "darker", "lighter", "funnier", "sadder", "scarier", "line", "lines", "dialogue", "ending", "story",
        "plot", "scene", "beat", "cliffhanger", "cold open", "hook", "twist", "joke", "script", "rewrite", "words",
        "character", "tone", "product moment", "mention", "shorter", "longer", "pacing",
    ),
    ChangeScope.LOOK: (
        "colour", "color", "colours", "colors", "palette", "framing", "frame", "framed", "logo", "font", "fonts",
        "shot", "shots", "crop", "cropped", "zoom", "caption", "captions", "subtitle", "subtitles", "background",
        "brightness", "contrast", "blurry", "blur", "visual", "visuals", "look", "title card", "thumbnail", "cover",
    ),
    ChangeScope.VOICE: (
        "voice", "voices", "accent", "louder", "quieter", "softer", "volume", "pronounce", "pronunciation",
        "narrator", "narration", "voiceover", "voice-over", "audio", "sound", "mumbled", "speaks", "speaking",
    ),
}
PATTERNS = {scope: re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
            for scope, words in KEYWORDS.items()}

REWRITE_S = 5  # the brain's rewrite (offline: instant; Gemini: a few seconds)
POST_S = 5  # upload + card
RENDER_X_REALTIME = 0.4  # local renderer on 2 cores (DESIGN.md §5: 0.2–0.4× realtime)
VOICE_X_REALTIME = 0.15  # offline voice + re-mux


@dataclass(frozen=True)
class ScopeReading:
    """A note's scope and the words that decided it (shown so people can see why)."""

    scope: ChangeScope
    matched: tuple[str, ...]


@dataclass(frozen=True)
class RedoPlan:
    """What will be redone for one episode and about how long it takes, said before anything re-runs."""

    scope: ChangeScope
    episode: int
    eta_s: int

    @property
    def what(self) -> str:
        """The redo in words."""
        return {
            ChangeScope.SCRIPT: f"re-write Ep {self.episode}'s script, then re-render and re-voice it",
            ChangeScope.LOOK: f"re-render Ep {self.episode} with the same script (look/shot change only)",
            ChangeScope.VOICE: f"re-voice Ep {self.episode} only — same script, same picture",
        }[self.scope]

    def announce(self) -> str:
        """The reply that precedes the re-run."""
        label = {ChangeScope.SCRIPT: "script", ChangeScope.LOOK: "look/shot", ChangeScope.VOICE: "voice"}[self.scope]
        return (f":hammer_and_wrench: *{label.capitalize()} change* on Ep {self.episode}: I'll {self.what}. "
                f"About {self.eta_s} s; the new version gets its own card and needs a fresh approval.")


def classify_scope(note: str) -> ScopeReading:
    """The widest scope any keyword of the note names; a note naming none is a script change (the safe default)."""
    for scope in ChangeScope:  # declaration order = widest first
        found = tuple(dict.fromkeys(m.lower() for m in PATTERNS[scope].findall(note)))
        if found:
            return ScopeReading(scope, found)
    return ScopeReading(ChangeScope.SCRIPT, ())


def redo_plan(scope: ChangeScope, episode: int, duration_s: float) -> RedoPlan:
    """About how long the redo takes for an episode of `duration_s` seconds."""
    render = duration_s * RENDER_X_REALTIME
    eta = {
        ChangeScope.SCRIPT: REWRITE_S + render + POST_S,
        ChangeScope.LOOK: render + POST_S,
        # the local renderer has no voice-only stage yet: a re-voice re-runs the (salted) render, so say so in time
        ChangeScope.VOICE: max(duration_s * VOICE_X_REALTIME, render) + POST_S,
    }[scope]
    return RedoPlan(scope=scope, episode=episode, eta_s=max(5, round(eta)))


def salted_hash(base_hash: str, revision: int) -> str:
    """The input hash of a requested re-render: same inputs, new attempt → a different key (no cache hit)."""
    return hashlib.sha256(f"{base_hash}:revision:{revision}".encode()).hexdigest()


def plan_rerender(store: Store, season_id: int, number: int) -> int:
    """Queue a new render of episode `number` from its current script and look, even if nothing changed.

    Returns the new render id. The caller enqueues it. Mirrors production.plan_renders' preconditions.
    """
    from agent.services.production import render_input_hash

    with store.session() as session:
        season = session.get(Season, season_id)
        if season is None or not season.lead:
            raise SeasonError("Cast and lock a lead before rendering.")
        look = current_look(session, season)
        if look is None:
            raise SeasonError("Lock the look before rendering.")
        episode = next((e for e in season.episodes if e.number == number), None)
        if episode is None:
            raise SeasonError(f"There is no Ep {number} in this season.")
        if episode.status == EpisodeStatus.PUBLISHED:
            raise SeasonError(f"Ep {number} is already published.")
        version, _script = latest_script(episode)
        lead = LeadLock.model_validate(season.lead)
        base = render_input_hash(version.script, look.content_hash, lead.portrait_hash)
        render = Render(episode=episode, script_version_id=version.id, look_id=look.id,
                        input_hash=salted_hash(base, len(episode.renders)))
        session.add(render)
        episode.status = EpisodeStatus.RENDERING
        session.flush()
        return render.id
