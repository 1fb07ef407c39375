"""Look preview frame: what an episode frame will look like with this look and the locked lead, before locking.

It is a drama frame, as the default renderer draws one: the lead in a two-shot in a location painted in the
look's palette, holding nothing back from the look (logo, caption style, fonts), at half size for Slack.
"""

from __future__ import annotations

from pathlib import Path

from agent.domain import FramePosition, InFrame, LeadLock, Line, LookSpec, Shot, ShotType
from tools.render.captions import caption_image
from tools.render.cast import _is_offline_portrait
from tools.render.compose import compose_shot
from tools.render.figures import Appearance, character_seed, wardrobe
from tools.render.layers import load_portrait
from tools.render.layout import caption_centre, caption_max_width
from tools.render.scenes import paint_location

PREVIEW_WIDTH, PREVIEW_HEIGHT = 540, 960  # half size: plenty for a Slack preview, 4× cheaper


def make_look_preview(look: LookSpec, lead: LeadLock | None, out_path: Path) -> Path:
    """A two-shot of the lead and a sample character in the café, with a sample caption, in the look."""
    width, height = PREVIEW_WIDTH, PREVIEW_HEIGHT
    name = lead.name if lead else "Lead"
    face = None
    if lead is not None and Path(lead.portrait_path).exists() and not _is_offline_portrait(
            lead.portrait_path, lead.name, lead.seed):
        face = load_portrait(Path(lead.portrait_path))
    cast = {name: Appearance(name, lead.seed if lead else 1, wardrobe(look, 0), face),
            "Rival": Appearance("Rival", character_seed("Rival"), wardrobe(look, 1))}
    shot = Shot(number=1, type=ShotType.TWO_SHOT, location="cafe", speaker=name, duration_s=1.0,
                characters=[InFrame(name=name, position=FramePosition.LEFT),
                            InFrame(name="Rival", position=FramePosition.RIGHT)])
    frame = compose_shot(shot, look, paint_location("cafe", look, width, height), cast, None, width, height,
                         0).image.convert("RGBA")
    line = Line(speaker=name, text="This is how every caption will look.")
    caption = caption_image(look, line.speaker, line.text, caption_max_width(width), True, width / 1080)
    cx, cy = caption_centre(width, height)
    frame.alpha_composite(caption, (max(0, cx - caption.width // 2), max(0, cy - caption.height // 2)))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    frame.convert("RGB").save(out_path)
    return out_path
