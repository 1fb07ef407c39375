"""Look preview frame: what an episode frame will look like with this look and the locked lead, before locking."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from agent.domain import EpisodeScript, LeadLock, Line, LookSpec
from tools.render.captions import caption_image
from tools.render.layers import load_portrait, shot_still
from tools.render.layout import caption_centre, caption_max_width

PREVIEW_WIDTH, PREVIEW_HEIGHT = 540, 960  # half size: plenty for a Slack preview, 4× cheaper


def make_look_preview(look: LookSpec, lead: LeadLock | None, out_path: Path) -> Path:
    """A still of the beat shot with a sample caption, in the look's palette, fonts, caption style and framing."""
    width, height = PREVIEW_WIDTH, PREVIEW_HEIGHT
    if lead is not None and Path(lead.portrait_path).exists():
        portrait = load_portrait(Path(lead.portrait_path))
    else:
        portrait = Image.new("RGB", (512, 512), look.palette.primary)
    frame = shot_still(look, portrait, "beat", width, height, 0).convert("RGBA")
    speaker = lead.name if lead else "Lead"
    sample = EpisodeScript(number=1, title="Preview", cold_open="", beat="", cliffhanger="", product_moment="",
                           lines=[Line(speaker=speaker, text="This is how every caption will look.")])
    line = sample.lines[0]
    caption = caption_image(look, line.speaker, line.text, caption_max_width(width), True, width / 1080)
    cx, cy = caption_centre(width, height)
    frame.alpha_composite(caption, (max(0, cx - caption.width // 2), max(0, cy - caption.height // 2)))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    frame.convert("RGB").save(out_path)
    return out_path
