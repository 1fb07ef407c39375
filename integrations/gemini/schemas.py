"""What Gemini is asked to return (sent as responseJsonSchema), kept apart from the domain models.

Why separate models: the wire shapes leave out fields the model must not set (offline_draft) and make every brief
field optional (the model fills only what the marketer said); the brain converts them into domain objects.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from agent.domain import CastMember, Line
from agent.ports import PersonaDraft


class CadenceFields(BaseModel):
    """Release calendar parts the message states."""

    kind: Literal["daily", "every_n_days", "weekly", "explicit"] | None = None
    every_n_days: int | None = None
    weekdays: list[int] | None = Field(default=None, description="0=Monday … 6=Sunday")
    release_time: str | None = Field(default=None, description="24-hour HH:MM")
    timezone: str | None = Field(default=None, description="IANA zone, e.g. America/New_York")


class BriefFields(BaseModel):
    """Brief fields the message states; null for anything it does not."""

    brand: str | None = None
    product: str | None = None
    audience: str | None = None
    goal: str | None = None
    tone: str | None = None
    markets: list[str] | None = None
    episode_count: int | None = None
    episode_length_s: int | None = Field(default=None, description="seconds per episode")
    cadence: CadenceFields | None = None
    platforms: list[str] | None = None
    destination: Literal["drama_center", "minis_center", "both"] | None = None


class EpisodeDraft(BaseModel):
    """One episode as the model writes it."""

    number: int
    title: str
    cold_open: str
    beat: str
    cliffhanger: str
    product_moment: str
    lines: list[Line]


class ArcDraft(BaseModel):
    """A season as the model writes it."""

    title: str
    premise: str
    logline: str
    through_line: str
    cast: list[CastMember]
    episodes: list[EpisodeDraft]


class CastDrafts(BaseModel):
    """Lead candidates."""

    candidates: list[PersonaDraft]


class RouteDraft(BaseModel):
    """The model's reading of one message."""

    intent: Literal["proceed", "revise", "undo", "status", "help", "start_over", "who_approves", "schedule",
                    "answer", "unknown"]
    episode: int | None = None
    note: str = ""
    choice: int | None = None


class ToneDraft(BaseModel):
    """The tone judge's verdict."""

    score: int = Field(ge=1, le=5)
    verdict: str
    notes: list[str] = Field(default_factory=list)
