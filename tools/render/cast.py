"""Who is who on screen: every speaking character gets an appearance (and the lead keeps its locked portrait).

The lead is the primary identity: its figure is drawn from the same traits as its locked offline portrait (name
and seed), or, when the locked portrait is a photograph, wears that photograph's face. The script may still call
the lead by the arc's name (the cast's `lead` role) while the lock carries the chosen candidate's name; both names
map to the lead's appearance. Supporting characters get a seed from their name (the same face in every episode)
and wardrobe colours from the look, distinct from the lead's; a CharacterLock in the request overrides both.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

from agent.brain.storyboard import is_narrator
from agent.domain import CharacterLock, LookSpec
from agent.ports import RenderRequest
from tools.portrait import render_portrait
from tools.render.figures import Appearance, character_seed, wardrobe
from tools.render.layers import load_portrait


@lru_cache(maxsize=16)
def _is_offline_portrait(path: str, name: str, seed: int) -> bool:
    """True when the locked portrait is the offline drawing of (name, seed): then the traits are its face."""
    try:
        locked = np.asarray(load_portrait(Path(path)).resize((128, 128)), dtype=np.int16)
    except ValueError:
        return False
    drawn = np.asarray(render_portrait(name, seed, size=256).resize((128, 128)), dtype=np.int16)
    return float(np.abs(locked - drawn).mean()) < 6.0


def lead_key(request: RenderRequest) -> str:
    """The name the script uses for the lead (the lock's name if it speaks, else the arc's lead role)."""
    speakers = [ln.speaker for ln in request.script.lines if not is_narrator(ln.speaker)]
    if request.lead.name in speakers or not speakers:
        return request.lead.name
    role = next((c.name for c in request.cast if c.role.lower() == "lead"), None)
    if role and role in speakers:
        return role
    return max(dict.fromkeys(speakers), key=speakers.count)


def build_cast(request: RenderRequest, names: list[str]) -> dict[str, Appearance]:
    """name → Appearance for the lead and everyone in `names` (in order of appearance)."""
    look: LookSpec = request.look
    lead = request.lead
    key = lead_key(request)
    face: Image.Image | None = None
    if not _is_offline_portrait(lead.portrait_path, lead.name, lead.seed):
        face = load_portrait(Path(lead.portrait_path))
    cast = {key: Appearance(lead.name, lead.seed, wardrobe(look, 0), face)}
    cast[lead.name] = cast[key]
    locks: dict[str, CharacterLock] = {c.name: c for c in request.characters}
    # the season's order, not this episode's: the same character gets the same wardrobe and face in every episode
    season = [c.name for c in request.cast if c.name not in cast] + sorted(
        n for n in set(names) if n not in cast and n not in {c.name for c in request.cast})
    for index, name in enumerate(season, 1):
        if is_narrator(name):
            continue
        lock = locks.get(name)
        seed = lock.seed if lock and lock.seed else character_seed(name)
        colours = lock.wardrobe if lock and lock.wardrobe else wardrobe(look, index)
        cast[name] = _distinct(Appearance(name, seed, colours), list(cast.values()))
    return cast


def _distinct(candidate: Appearance, others: list[Appearance]) -> Appearance:
    """Bump the seed until the face differs from everyone already cast (hair colour and style, skin)."""
    def signature(a: Appearance) -> tuple:
        t = a.traits()
        return (t["hair"], t["hair_style"], t["skin"])

    taken = {signature(o) for o in others}
    seed = candidate.seed
    for _ in range(32):
        trial = Appearance(candidate.name, seed, candidate.colours, candidate.face)
        t = trial.traits()
        if signature(trial) not in taken and all(t["hair"] != o.traits()["hair"] or t["skin"] != o.traits()["skin"]
                                                 for o in others):
            return trial
        seed += 1
    return Appearance(candidate.name, seed, candidate.colours, candidate.face)
