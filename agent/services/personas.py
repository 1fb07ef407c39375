"""The workspace's persona pool: create, list, describe, and add uploaded portraits; one pool per Slack team.

A persona is a reusable identity (portrait, seed, voice). Seasons lock one as their lead; the pool outlives the
season, so a brand can reuse a lead across seasons. Portraits come from the configured portrait maker (Gemini
image generation when keyed, the offline generator otherwise) or from a file the marketer uploads.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.context import AppContext
from agent.store.models import Persona
from agent.uploads import UploadError, save_portrait
from agent.uploads import inspect as inspect_upload

CREATE = re.compile(r"^\s*(?:create|add|make|new)\s+(?:a\s+)?(?:new\s+)?persona\s+(?:named\s+|called\s+)?"
                    r"(?P<name>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?)\s*(?:[:,—-]\s*(?P<description>.+))?$",
                    re.IGNORECASE | re.DOTALL)
LIST = re.compile(r"^\s*(?:list|show)\s+(?:me\s+)?(?:the\s+|our\s+|all\s+)?(?:personas?|pool|persona\s+pool|cast\s+pool)"
                  r"\b|^\s*who(?:'s| is)\s+in\s+the\s+pool", re.IGNORECASE)
DESCRIBE = re.compile(r"^\s*(?:describe|tell\s+me\s+about|who\s+is|more\s+about)\s+(?:persona\s+|number\s+|#)?"
                      r"(?P<who>[\w'-]+)\s*\??\s*$", re.IGNORECASE)
IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".webp")
MIN_PORTRAIT_PX = 256


class PersonaError(ValueError):
    """A pool request that cannot be done; the message says why and what to do."""


@dataclass
class PersonaView:
    """What the thread shows about one persona."""

    id: int
    name: str
    description: str
    portrait_path: str
    portrait_hash: str
    seed: int
    voice: str


def stable_seed(text: str) -> int:
    """A seed derived from text, so the same persona always gets the same portrait."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def view(persona: Persona) -> PersonaView:
    """A detached copy for replies (sessions close before the thread is written)."""
    return PersonaView(persona.id, persona.name, persona.description, persona.portrait_path, persona.portrait_hash,
                       persona.seed, persona.voice)


def pool(session: Session, team_id: str) -> list[Persona]:
    """The team's personas, oldest first."""
    return list(session.scalars(select(Persona).where(Persona.team_id == team_id).order_by(Persona.id)))


def find(session: Session, team_id: str, who: str) -> Persona | None:
    """A persona by name (case-insensitive) or by pool position ("2")."""
    members = pool(session, team_id)
    if who.isdigit():
        index = int(who) - 1
        return members[index] if 0 <= index < len(members) else None
    return next((p for p in members if p.name.lower() == who.lower()), None)


def draw_portrait(app: AppContext, name: str, seed: int, path: Path, description: str) -> Path:
    """Ask the configured portrait maker; makers that read a description (Gemini) get it."""
    maker = app.make_portrait
    if getattr(maker, "accepts_description", False):
        return maker(name, seed, path, description=description)  # type: ignore[call-arg]
    return maker(name, seed, path)


def create(session: Session, app: AppContext, team_id: str, name: str, description: str, voice: str = "none"
           ) -> Persona:
    """A new pool member with a generated portrait (or the existing one of that name: names are unique per team)."""
    from tools.portrait import image_hash

    existing = find(session, team_id, name)
    if existing is not None:
        return existing
    seed = stable_seed(f"{team_id}:{name}")
    path = draw_portrait(app, name, seed, app.settings.artifacts_dir / "portraits" / f"{seed}.png", description)
    persona = Persona(team_id=team_id, name=name, description=description or f"{name}.", portrait_path=str(path),
                      portrait_hash=image_hash(path), seed=seed, voice=voice)
    session.add(persona)
    session.flush()
    return persona


def validate_portrait(path: Path) -> tuple[int, int]:
    """An uploaded portrait must be a real image (by content, agent/uploads.py: size and pixel limits) of usable
    size; returns its size."""
    try:
        size = inspect_upload(path, {"image"}, "portrait").size or (0, 0)
    except UploadError as exc:
        raise PersonaError(str(exc)) from None
    if min(size) < MIN_PORTRAIT_PX:
        raise PersonaError(f"“{path.name}” is {size[0]}×{size[1]} px — a portrait needs at least "
                           f"{MIN_PORTRAIT_PX} px on each side (1024 px looks best)")
    return size


def from_upload(session: Session, app: AppContext, team_id: str, name: str, path: Path, description: str = ""
                ) -> Persona:
    """A pool member whose portrait is the uploaded file (copied, normalised to PNG, hashed for the lock)."""
    from tools.portrait import image_hash

    validate_portrait(path)
    if find(session, team_id, name) is not None:
        raise PersonaError(f"There is already a persona called {name} — give the new one another name")
    seed = stable_seed(f"{team_id}:{name}:upload")
    target = app.settings.artifacts_dir / "portraits" / f"upload-{seed}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    save_portrait(path, target)  # downscaled: renders never reload a huge bitmap
    persona = Persona(team_id=team_id, name=name, description=description or f"{name} (uploaded portrait).",
                      portrait_path=str(target), portrait_hash=image_hash(target), seed=seed, voice="none")
    session.add(persona)
    session.flush()
    return persona


def pool_text(members: list[PersonaView], offered: list[int]) -> str:
    """The pool as a list, marking who is on offer for this season's lead."""
    if not members:
        return "The persona pool is empty. Say e.g. “create persona Ada: early 30s, red coat, calm” or upload a portrait."
    lines = [f"*Persona pool* ({len(members)}):"]
    for member in members:
        mark = f" — option *{offered.index(member.id) + 1}*" if member.id in offered else ""
        lines.append(f"• *{member.name}*{mark}: {member.description[:120]}")
    return "\n".join(lines)


def describe_text(member: PersonaView) -> str:
    """One persona in full."""
    return (f"*{member.name}* — {member.description}\nvoice: {member.voice}; seed {member.seed}; "
            f"portrait {Path(member.portrait_path).name} (hash {member.portrait_hash[:10]}…)")

