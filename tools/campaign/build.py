"""One entry point for the campaign service: `generate(kind, inputs)` runs the right generator on plain inputs.

The service reads everything from the database once into `CampaignInputs` (scripts, the locked look and lead, the
bible, the approved episode file, the release day) and hands it here, so a job is a pure function of its inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from agent.domain import EpisodeScript, LeadLock, Line, LookSpec, PersonaBrief, Storyboard
from tools.campaign.asset import BTS, CAROUSEL, QUOTE, TEASER, WRITEUP, AssetOutput
from tools.campaign.bts import make_bts
from tools.campaign.carousel import make_carousel
from tools.campaign.quote import make_quote
from tools.campaign.teaser import make_teaser
from tools.campaign.writeup import make_writeup
from tools.render.layers import load_portrait


@dataclass
class CampaignInputs:
    """Everything one asset job needs, read once from the database."""

    number: int
    scripts: list[EpisodeScript]  # the season's scripts as approved; generators use only what they may
    look: LookSpec
    lead: LeadLock
    bible: PersonaBrief
    out_dir: Path
    version: int = 1
    season_title: str = ""
    brand: str = ""
    product: str = ""
    episode_count: int = 0
    video_path: Path | None = None
    day: str | None = None
    quote_line: Line | None = None
    teaser_source: str = "cold_open"
    extra_line: str = ""
    preset: str = "veryfast"
    options: dict[str, str] = field(default_factory=dict)
    windows: dict[str, list[float]] | None = None  # where the episode's shots are, as its render reported (animatic)
    storyboard: Storyboard | None = None  # the shots that render used (which lines a cut shows)

    @property
    def script(self) -> EpisodeScript:
        """The episode's own (approved) script."""
        return next(s for s in self.scripts if s.number == self.number)

    def stem(self, kind: str) -> str:
        """File stem: ep05_quote_v2 (versions never overwrite each other: an approval points at one file)."""
        return f"ep{self.number:02d}_{kind}_v{self.version}"


def generate(kind: str, inputs: CampaignInputs) -> AssetOutput:
    """Run the generator for `kind`; raises ValueError for an unknown kind or missing inputs."""
    inputs.out_dir.mkdir(parents=True, exist_ok=True)
    script, bible, look = inputs.script, inputs.bible, inputs.look
    if kind == TEASER:
        if inputs.video_path is None:
            raise ValueError("the teaser is cut from the approved episode file, and there is none")
        return make_teaser(inputs.video_path, script, look, bible, day=inputs.day, source=inputs.teaser_source,
                           out_path=inputs.out_dir / f"{inputs.stem(kind)}.mp4", preset=inputs.preset,
                           windows=inputs.windows, storyboard=inputs.storyboard)
    if kind == CAROUSEL:
        return make_carousel(inputs.scripts, inputs.number, look, load_portrait(Path(inputs.lead.portrait_path)),
                             bible, inputs.season_title, inputs.out_dir, inputs.stem(kind))
    if kind == QUOTE:
        return make_quote(script, look, load_portrait(Path(inputs.lead.portrait_path)), bible, inputs.lead.name,
                          inputs.season_title, inputs.out_dir / f"{inputs.stem(kind)}.png", inputs.quote_line)
    if kind == WRITEUP:
        return make_writeup(script, bible, season_title=inputs.season_title, brand=inputs.brand,
                            product=inputs.product, day_label=inputs.day, out_dir=inputs.out_dir,
                            stem=inputs.stem(kind), extra=inputs.extra_line)
    if kind == BTS:
        return make_bts(script, look, bible, season_title=inputs.season_title, brand=inputs.brand,
                        lead_name=inputs.lead.name, episode_count=inputs.episode_count or len(inputs.scripts),
                        extra=inputs.extra_line)
    raise ValueError(f"unknown campaign asset kind '{kind}'")
