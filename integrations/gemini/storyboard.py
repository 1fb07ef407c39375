"""Storyboards from Gemini (issue 13 §1): the shot list through structured output, held to the offline format.

The model answers straight into the domain's `Storyboard` model (the same one the offline writer fills and the
renderer reads), then `validate_storyboard` — the same validator — judges it. A storyboard that breaks the format
gets one repair request carrying the validator's findings; if the repair still breaks it, or Gemini cannot be
reached, the deterministic storyboard takes its place and the log says why. A render never stalls on a shot list.

With a `cache_dir`, a storyboard Gemini wrote is kept under the hash of what it was asked (model, prompts, script,
lead, locations, length): re-rendering the same script version (a new look, a retried job) draws the same shots,
as a video backend must for the same request. A fallback is not kept, so the next render asks Gemini again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from pydantic import ValidationError

from agent.brain.errors import BrainError
from agent.brain.storyboard import LOCATION_NAMES, MAX_SHOTS, MIN_SHOTS, validate_storyboard, write_storyboard
from agent.domain import CameraMove, EpisodeScript, FramePosition, LocationKind, ShotType, Storyboard
from integrations.gemini.client import GeminiClient

log = logging.getLogger(__name__)


class GeminiStoryboards:
    """The StoryboardWriter port on a GeminiClient (prompts/storyboard.md, prompts/storyboard_fix.md)."""

    def __init__(self, client: GeminiClient, cache_dir: Path | None = None) -> None:
        """Share the brain's client: same model, retries, prompt library and key handling."""
        self.client = client
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None

    def write_storyboard(self, script: EpisodeScript, lead: str, locations: list[str],
                         length_s: float | None = None) -> Storyboard:
        """Gemini's shot list when it holds the format (after at most one repair), else the offline one."""
        fallback = write_storyboard(script, lead, locations, length_s)
        target = round(length_s or fallback.length_s, 2)  # the model must fit the length the renderer aims at
        keys = locations or sorted({s.location for s in fallback.shots})
        values = self._values(script, lead, keys, target)
        cached = self._cached(values)
        if cached is not None and cached.is_file():
            try:
                return Storyboard.model_validate_json(cached.read_text(encoding="utf-8"))
            except (OSError, ValidationError):  # a damaged cache entry: ask again and overwrite it
                log.warning("cached storyboard %s is unreadable; asking Gemini again", cached.name)
        board = self._ask(script, keys, target, values)
        if board is None:
            return fallback
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            part = cached.with_name(f".{cached.name}.part")
            part.write_text(board.model_dump_json(), encoding="utf-8")
            part.replace(cached)
        return board

    def _cached(self, values: dict[str, object]) -> Path | None:
        """Where a storyboard for exactly this question is kept (None: no cache)."""
        if self.cache_dir is None:
            return None
        prompts = [self.client.prompts.load(name) for name in ("storyboard", "storyboard_fix")]
        spec = json.dumps({"model": self.client.model, "prompts": prompts, "values": values}, sort_keys=True,
                          default=str)
        return self.cache_dir / f"ep{values['number']:02d}-{hashlib.sha256(spec.encode()).hexdigest()[:24]}.json"

    def _ask(self, script: EpisodeScript, keys: list[str], target: float, values: dict[str, object]
             ) -> Storyboard | None:
        """The model's storyboard if it holds the format (one repair round), else None with the reason logged."""
        try:
            board = self._fit(self.client.structured(self.client.prompts.render("storyboard", **values), Storyboard),
                              script, target)
            problems = validate_storyboard(board, script, keys)
            if problems:
                log.info("Gemini storyboard for ep %d breaks the format (%s); asking for one fix", script.number,
                         "; ".join(problems))
                prompt = self.client.prompts.render(
                    "storyboard_fix", problems="\n".join(f"- {p}" for p in problems),
                    storyboard=board.model_dump_json(exclude={"offline_draft"}), **values)
                board = self._fit(self.client.structured(prompt, Storyboard), script, target)
                problems = validate_storyboard(board, script, keys)
        except BrainError as error:  # a rejected key included: the render goes on with the offline shots
            log.warning("Gemini storyboard for ep %d failed (%s); using the offline storyboard", script.number, error)
            return None
        if problems:
            log.warning("Gemini storyboard for ep %d still breaks the format after a fix (%s); using the offline "
                        "storyboard", script.number, "; ".join(problems))
            return None
        return board

    @staticmethod
    def _values(script: EpisodeScript, lead: str, locations: list[str], length_s: float) -> dict[str, object]:
        """Everything storyboard.md and storyboard_fix.md need."""
        named = ", ".join(f"{k} ({LOCATION_NAMES[LocationKind(k)]})" if k in set(LocationKind) else k
                          for k in locations)
        return {"number": script.number, "title": script.title, "lead": lead, "locations": named,
                "length_s": length_s, "min_shots": MIN_SHOTS, "max_shots": MAX_SHOTS,
                "shot_types": ", ".join(t.value for t in ShotType), "positions": ", ".join(p.value for p in
                                                                                           FramePosition),
                "camera_moves": ", ".join(c.value for c in CameraMove),
                "product": script.product_moment or "the product", "product_moment": script.product_moment or
                "(none in this episode)", "cliffhanger": script.cliffhanger,
                "script": script.model_dump_json(exclude={"offline_draft"})}

    @staticmethod
    def _fit(board: Storyboard, script: EpisodeScript, length_s: float) -> Storyboard:
        """The model's board as this episode's: its number, the target length (the validator then checks the
        durations against the length asked for, not one the model made up) and shots numbered in order."""
        shots = [s.model_copy(update={"number": i}) for i, s in enumerate(board.shots, 1)]
        return Storyboard(episode=script.number, length_s=length_s, shots=shots, offline_draft=False)
