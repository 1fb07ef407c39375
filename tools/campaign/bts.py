"""Behind-the-scenes caption: how the episode was made — the arc beat it was built around and the product moment.

Short enough for a TikTok or Instagram caption (2,200 characters), in the brand's voice, through the Persona Brief
gate like every other piece of copy.
"""

from __future__ import annotations

from agent.domain import EpisodeScript, LookSpec, PersonaBrief
from tools.campaign.asset import BTS, AssetOutput, check_copy
from tools.hashtags import hashtag

CAPTION_LIMIT = 2200


def make_bts(script: EpisodeScript, look: LookSpec, bible: PersonaBrief, *, season_title: str, brand: str,
             lead_name: str, episode_count: int, extra: str = "") -> AssetOutput:
    """The caption text (no file: it is posted inline and published as caption.txt); `extra` is a reviewer's line."""
    out = AssetOutput(BTS, [], "")
    lead = lead_name or "our lead"
    parts = [
        f"Behind the scenes of Ep {script.number} of {episode_count}: “{script.title}”.",
        f"The beat we built it around: {script.beat}",
        f"The product moment, written into the scene rather than bolted on: {script.product_moment}",
        (f"Same lead ({lead}), same locked look — {look.palette.primary} on {look.palette.background}, "
        f"{look.font} — in every episode, so the season feels like one show."),
        *([extra] if extra.strip() else []),
    ]
    tags = " ".join(t for t in (hashtag(brand), hashtag(season_title), "#BehindTheScenes", "#minidrama") if t)
    text = "\n\n".join(out.absorb(check_copy(p, bible, f"bts {i + 1}")) for i, p in enumerate(parts))
    out.text = f"{text}\n\n{out.absorb(check_copy(tags, bible, 'bts hashtags'))}"[:CAPTION_LIMIT]
    out.meta = {"chars": len(out.text)}
    return out
