"""What the generative backend will make for an episode, and what that costs: shots, prompts, call counts.

Shots are the animatic's: the episode's storyboard (agent.domain.Storyboard, issue 13 — the request's, or the
offline writer's), timed by the animatic's timeline (voiced or read), so the final pass cuts exactly where the
approved animatic did.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.ports import RenderRequest
from agent.services.spend import LineItem
from integrations.gemini.veo import VEO_SECONDS, clip_seconds
from integrations.generative.settings import GenerativeSettings

PROMPTS = Path(__file__).parent / "prompts"
CAMERA_WORDS = {"static": "Locked-off camera", "push-in": "Slow push-in", "pull-out": "Slow pull-out",
                "pan": "Gentle pan", "handheld": "Subtle handheld movement"}


@dataclass(frozen=True)
class ShotPlan:
    """One shot to generate."""

    name: str  # "shot01" …: the key the assembly and the report use (the animatic's window names)
    characters: tuple[str, ...]  # who is in frame and has a locked photo: each must be recognisably themselves
    location: str | None
    shot_type: str
    action: str
    camera: str
    duration: float


def shot_plans(timed: list[Any], locked: set[str]) -> list[ShotPlan]:
    """A plan per timed storyboard shot (the animatic's timeline); `locked`: characters with reference photos."""
    plans = []
    for item in timed:
        shot = item.shot
        said = " ".join(f'{c.speaker} says "{c.text}"' for c in item.cues)
        action = " ".join(part for part in (shot.action, said) if part) or f"{shot.type.value} shot"
        plans.append(ShotPlan(f"shot{shot.number:02d}", tuple(n for n in shot.names if n in locked),
                              shot.location, shot.type.value, action, shot.camera.value, item.duration))
    return plans


def keyframe_prompt(request: RenderRequest, shot: ShotPlan, references: int, has_location: bool) -> str:
    """The keyframe prompt (prompts/keyframe.md) for one shot."""
    palette = request.look.palette
    return (PROMPTS / "keyframe.md").read_text().format(
        season_title=request.season_title or request.script.title, shot_type=shot.shot_type,
        action=shot.action.strip(), characters=", ".join(shot.characters) or "as the action needs",
        identity_line=(f"Each person must be exactly the same person as in their reference photo (the first "
                       f"{references} image{'s' if references > 1 else ''}, in the order named): same face, age "
                       "and hair." if references else ""),
        location_line=("The setting is exactly the place in the last reference image." if has_location
                       else "Setting: where the scene takes place, plausible and uncluttered."),
        background=palette.background, primary=palette.primary, accent=palette.accent,
        framing=str(request.look.framing))


def motion_prompt(shot: ShotPlan) -> str:
    """The Veo prompt (prompts/motion.md) for one shot."""
    return (PROMPTS / "motion.md").read_text().format(camera=CAMERA_WORDS.get(shot.camera, "Slow push-in"),
                                                      action=shot.action.strip())


def chunks(duration: float) -> list[int]:
    """Veo calls for a shot: 8 s pieces, then the shortest accepted length for the rest (each is cut to fit)."""
    pieces, left = [], duration
    while left > 1e-6:
        pieces.append(clip_seconds(min(left, VEO_SECONDS[-1])))
        left -= VEO_SECONDS[-1]
    return pieces


def line_items(episodes: list[dict[str, Any]], cfg: GenerativeSettings) -> list[LineItem]:
    """The spend estimate's line items for episodes given as {"shots": [seconds…], "lines": n}.

    Keyframes: one per shot, plus the regeneration reserve. Veo: the seconds actually requested (calls of 4/6/8 s),
    plus the reserve; without Veo, none. Speech: one TTS call per line when the voice is paid.
    """
    reserve = 1 + cfg.regeneration_reserve
    shots = sum(len(e["shots"]) for e in episodes)
    items = [LineItem(kind="keyframe", label=f"keyframes ({cfg.image_model})", units=math.ceil(shots * reserve),
                      unit="image", unit_usd=cfg.keyframe_usd, seconds_per_unit=cfg.keyframe_seconds)]
    if cfg.uses_veo:
        seconds = sum(sum(chunks(s)) for e in episodes for s in e["shots"])
        price = cfg.veo_audio_usd_per_second if cfg.dialogue == "veo" else cfg.veo_usd_per_second
        items.append(LineItem(kind="veo", label=f"video seconds ({cfg.veo_model})", units=math.ceil(seconds * reserve),
                              unit="second", unit_usd=price, seconds_per_unit=cfg.veo_seconds_per_second))
    lines = sum(int(e.get("lines", 0)) for e in episodes)
    if lines and cfg.dialogue == "voice" and cfg.key:
        items.append(LineItem(kind="tts", label="spoken lines (Gemini TTS)", units=lines, unit="line",
                              unit_usd=cfg.tts_usd_per_line, seconds_per_unit=cfg.tts_seconds))
    return items


def season_line_items(episode_count: int, episode_seconds: float, cfg: GenerativeSettings,
                      shot_seconds: float = 6.0, lines_per_episode: int = 12) -> list[LineItem]:
    """An estimate before any storyboard exists: episodes of equal shots (the storyboard's 6–14 shots)."""
    per_episode = max(1, round(episode_seconds / shot_seconds))
    episode = {"shots": [episode_seconds / per_episode] * per_episode, "lines": lines_per_episode}
    return line_items([episode] * episode_count, cfg)
