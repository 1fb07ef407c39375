"""Pydantic models at the boundaries: what a season is made of, validated once where it enters.

Validation messages are written for marketers (they are shown in the thread), so each names the field, the allowed
range and a suggestion.
"""

from __future__ import annotations

import re
from datetime import date, time
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator, model_validator

WORDS_PER_SECOND = 2.5
CARD_SECONDS = 2.0  # title card + end card overhead added to spoken time
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

MIN_EPISODES, MAX_EPISODES = 8, 12
MIN_EPISODE_SECONDS, MAX_EPISODE_SECONDS = 15, 120


class SeasonStatus(StrEnum):
    """Where a season is in production (DESIGN.md §3)."""

    ARC = "ARC"
    CASTING = "CASTING"
    LOOK = "LOOK"
    PRODUCING = "PRODUCING"
    REVIEW = "REVIEW"
    SCHEDULED = "SCHEDULED"
    PUBLISHING = "PUBLISHING"
    COMPLETE = "COMPLETE"


class EpisodeStatus(StrEnum):
    """Where one episode is (DESIGN.md §3)."""

    SCRIPTED = "SCRIPTED"
    RENDERING = "RENDERING"
    RENDERED = "RENDERED"
    IN_REVIEW = "IN_REVIEW"
    APPROVED = "APPROVED"
    CHANGES_REQUESTED = "CHANGES_REQUESTED"
    SCHEDULED = "SCHEDULED"
    PUBLISHED = "PUBLISHED"
    FAILED = "FAILED"


class Destination(StrEnum):
    """Drama Center (native episodes) or Minis Center (in-app series) or both."""

    DRAMA_CENTER = "drama_center"
    MINIS_CENTER = "minis_center"
    BOTH = "both"


class Unlock(StrEnum):
    """How viewers unlock an episode."""

    FREE = "free"
    PAID = "paid"
    AD = "ad"


class CadenceKind(StrEnum):
    """Shapes of release calendar."""

    DAILY = "daily"
    EVERY_N_DAYS = "every_n_days"
    WEEKLY = "weekly"
    EXPLICIT = "explicit"


class Cadence(BaseModel):
    """A release calendar: when episodes drop, in an IANA time zone."""

    kind: CadenceKind = CadenceKind.DAILY
    every_n_days: int = 1
    weekdays: list[int] = Field(default_factory=list, description="0=Monday … 6=Sunday, for weekly cadences")
    dates: list[date] = Field(default_factory=list, description="explicit release dates")
    release_time: time = time(18, 0)
    timezone: str = "UTC"
    start: date | None = None
    blackout: list[date] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            from agent.understanding.brief import closest_zones

            close = closest_zones(value)
            hint = f"closest IANA zones: {', '.join(close)}" if close else "try e.g. 'America/New_York' or 'UTC'"
            raise ValueError(f"I don't know the time zone '{value}' — {hint}") from exc
        return value

    @field_validator("every_n_days")
    @classmethod
    def _every_range(cls, value: int) -> int:
        if value < 1:
            raise ValueError(f"every {value} days isn't a schedule — say *daily*, or every 2–30 days")
        if value > 30:
            raise ValueError(f"every {value} days is more than a month between episodes — pick 1–30 days")
        return value

    @field_validator("weekdays")
    @classmethod
    def _weekday_range(cls, value: list[int]) -> list[int]:
        if any(d < 0 or d > 6 for d in value):
            raise ValueError("weekdays run 0 (Monday) to 6 (Sunday)")
        return sorted(set(value))


class Brief(BaseModel):
    """The marketer's brief: what the season is for. Ranges follow the TikTok mini-drama format."""

    brand: str = Field(min_length=1)
    product: str = Field(min_length=1)
    audience: str = "young urban professionals"
    goal: str = "awareness"
    tone: str = "warm, witty, a little suspenseful"
    markets: list[str] = Field(default_factory=lambda: ["US"])
    episode_count: int = 10
    episode_length_s: int = 60
    cadence: Cadence = Field(default_factory=Cadence)
    platforms: list[str] = Field(default_factory=lambda: ["tiktok"])
    destination: Destination = Destination.DRAMA_CENTER

    @field_validator("episode_count", mode="before")
    @classmethod
    def _episode_count_readable(cls, value: object) -> object:
        """Negative, zero, fractional and huge counts get their own reason, not a generic range error."""
        from agent.understanding.numbers import describe_bad_count

        if isinstance(value, int | float) and not isinstance(value, bool) and (
                value <= 0 or value != int(value) or value >= 1000):
            raise ValueError(describe_bad_count(float(value), "episodes", MIN_EPISODES, MAX_EPISODES))
        return value

    @field_validator("episode_length_s", mode="before")
    @classmethod
    def _episode_length_readable(cls, value: object) -> object:
        from agent.understanding.numbers import describe_bad_count

        if isinstance(value, int | float) and not isinstance(value, bool) and (value <= 0 or value >= 100000):
            raise ValueError(describe_bad_count(float(value), "seconds", MIN_EPISODE_SECONDS, MAX_EPISODE_SECONDS))
        return value

    @field_validator("episode_count")
    @classmethod
    def _episode_count_range(cls, value: int) -> int:
        if not MIN_EPISODES <= value <= MAX_EPISODES:
            raise ValueError(
                f"a season has {MIN_EPISODES}–{MAX_EPISODES} episodes (you asked for {value}); "
                f"try {MAX_EPISODES if value > MAX_EPISODES else MIN_EPISODES}, or split it into two seasons"
            )
        return value

    @field_validator("episode_length_s")
    @classmethod
    def _episode_length_range(cls, value: int) -> int:
        if not MIN_EPISODE_SECONDS <= value <= MAX_EPISODE_SECONDS:
            raise ValueError(
                f"episodes run {MIN_EPISODE_SECONDS}–{MAX_EPISODE_SECONDS} seconds (you asked for {value} s); "
                "TikTok mini-dramas stay under 2 minutes — try 45 or 60 seconds"
            )
        return value


class PersonaBrief(BaseModel):
    """The show bible: voice and vocabulary every generated text is checked against."""

    voice: str = "warm, quick, a little wry"
    vocabulary: list[str] = Field(default_factory=list)
    banned_words: list[str] = Field(default_factory=list)
    dos: list[str] = Field(default_factory=list)
    donts: list[str] = Field(default_factory=list)


class Line(BaseModel):
    """One spoken line."""

    speaker: str
    text: str


class EpisodeScript(BaseModel):
    """One episode: cold open → one escalating beat → cliffhanger, with the product inside the story."""

    number: int = Field(ge=1)
    title: str
    cold_open: str
    beat: str
    cliffhanger: str
    product_moment: str
    lines: list[Line] = Field(default_factory=list)
    offline_draft: bool = False

    @property
    def word_count(self) -> int:
        """Spoken words (drives the duration estimate and caption timing)."""
        return sum(len(line.text.split()) for line in self.lines)

    @property
    def estimated_duration_s(self) -> float:
        """Spoken time at a natural pace plus card overhead."""
        return round(self.word_count / WORDS_PER_SECOND + CARD_SECONDS * 2, 1)


class CastMember(BaseModel):
    """A character in the season."""

    name: str
    role: str
    description: str = ""


class Arc(BaseModel):
    """The season arc (show bible's story half)."""

    title: str
    premise: str
    logline: str
    through_line: str
    cast: list[CastMember]
    episodes: list[EpisodeScript]
    offline_draft: bool = False

    @model_validator(mode="after")
    def _numbered_in_order(self) -> Arc:
        numbers = [ep.number for ep in self.episodes]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"episodes must be numbered 1..{len(numbers)} in order, got {numbers}")
        return self


class CaptionStyle(StrEnum):
    """How captions sit on the frame."""

    BOX = "box"
    OUTLINE = "outline"


class Framing(StrEnum):
    """Where the lead sits in the frame."""

    CENTER = "center"
    THIRDS = "thirds"


class Palette(BaseModel):
    """The locked palette (hex #RRGGBB)."""

    background: str = "#14121F"
    primary: str = "#F2C14E"
    accent: str = "#E4572E"
    text: str = "#FFFFFF"

    @field_validator("background", "primary", "accent", "text")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not HEX_COLOUR.match(value):
            raise ValueError(f"'{value}' is not a colour like #1A2B3C")
        return value.upper()


class LookSpec(BaseModel):
    """The brand look; locked once into an immutable version every render references."""

    palette: Palette = Field(default_factory=Palette)
    font: str = "DejaVuSans-Bold"
    caption_style: CaptionStyle = CaptionStyle.BOX
    framing: Framing = Framing.CENTER
    logo_text: str | None = None
    logo_path: str | None = None


class LeadLock(BaseModel):
    """The locked primary identity: the same person in every episode."""

    persona_id: int
    name: str
    portrait_path: str
    portrait_hash: str
    seed: int
    voice: str = "none"


# --- Storyboard (issue 13): an episode as shots, stored with its script version ("shots" in the script JSON) ---


class ShotType(StrEnum):
    """How a shot frames its subject (drives where the renderer places characters and how big)."""

    ESTABLISHING = "establishing"
    WIDE = "wide"
    TWO_SHOT = "two-shot"
    SINGLE = "single"
    CLOSE_UP = "close-up"
    OVER_THE_SHOULDER = "over-the-shoulder"
    INSERT = "insert"
    PRODUCT_HERO = "product-hero"
    REACTION = "reaction"


class CameraMove(StrEnum):
    """What the camera does during the shot."""

    STATIC = "static"
    PUSH_IN = "push-in"
    PULL_OUT = "pull-out"
    PAN = "pan"
    HANDHELD = "handheld"


class FramePosition(StrEnum):
    """Where a character stands in the frame; FOREGROUND is the over-the-shoulder back-of-head position."""

    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"
    FOREGROUND = "foreground"


class InFrame(BaseModel):
    """One character visible in a shot, and where."""

    name: str
    position: FramePosition = FramePosition.CENTER


class Shot(BaseModel):
    """One shot of an episode's storyboard."""

    number: int = Field(ge=1)
    type: ShotType
    location: str = Field(description="location key, e.g. 'cafe' (one of the season's locations)")
    characters: list[InFrame] = Field(default_factory=list)
    speaker: str = Field(default="", description="whose shot it is (the one the camera favours)")
    lines: list[Line] = Field(default_factory=list, description="what is said over this shot, in order")
    voice_over: bool = Field(default=False, description="the lines are heard from off screen (narration, V.O.)")
    action: str = ""
    camera: CameraMove = CameraMove.STATIC
    duration_s: float = Field(gt=0)
    cue: str = Field(default="", description="music/SFX cue: 'music: tense', 'sfx: door', 'sting' …")
    product: bool = False  # the product is visible (insert, hero, or in a character's hand)

    @property
    def names(self) -> list[str]:
        """Names of the characters in frame."""
        return [c.name for c in self.characters]


class Storyboard(BaseModel):
    """An episode's shot list (6–14 shots), versioned with its script."""

    episode: int = Field(ge=1)
    length_s: float = Field(gt=0, description="the episode length the shot durations add up to")
    shots: list[Shot]
    offline_draft: bool = False

    @property
    def total_s(self) -> float:
        """Sum of the shot durations."""
        return round(sum(s.duration_s for s in self.shots), 3)


class LocationKind(StrEnum):
    """The kinds of place the offline location painter can draw."""

    CAFE = "cafe"
    OFFICE = "office"
    APARTMENT = "apartment"
    STREET_NIGHT = "street-night"
    SHOP = "shop"
    GYM = "gym"
    LOBBY = "lobby"


class LocationLock(BaseModel):
    """A season location with its locked reference image (the lock is the image's content hash)."""

    key: str
    kind: LocationKind
    name: str
    image_path: str = ""
    image_hash: str = ""


class CharacterLock(BaseModel):
    """A speaking character's locked appearance reference, wardrobe and voice."""

    name: str
    role: str = "support"
    image_path: str = ""
    image_hash: str = ""
    seed: int = 0
    voice: str = "none"
    wardrobe: list[str] = Field(default_factory=list, description="hex colours from the locked look")
