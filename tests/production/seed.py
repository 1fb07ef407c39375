"""Build a locked season straight through the services (no conversation): brief, arc, lead, look."""

from __future__ import annotations

from pathlib import Path

from agent.brain.offline import OfflineBrain
from agent.domain import Brief, LookSpec, Palette, PersonaBrief
from agent.services import seasons
from agent.store.db import Store
from agent.store.models import Persona
from tools.portrait import generate_portrait, image_hash


def locked_season(store: Store, artifacts: Path, *, episodes: int = 8, seconds: int = 15,
                  look: LookSpec | None = None, thread_ts: str = "1.0") -> int:
    """A season ready to render; returns its id."""
    brief = Brief(brand="Lumen Coffee", product="Night Brew can", episode_count=episodes, episode_length_s=seconds)
    arc = OfflineBrain().write_arc(brief, PersonaBrief())
    portrait = generate_portrait("Noor", 11, artifacts / "noor.png")
    with store.session() as session:
        season = seasons.get_or_create_season(session, team_id="T", channel_id="C", thread_ts=thread_ts,
                                              created_by="U_MARKETER")
        seasons.save_brief(session, season, brief)
        seasons.save_arc(session, season, arc)
        persona = Persona(team_id="T", name="Noor", portrait_path=str(portrait), portrait_hash=image_hash(portrait),
                          seed=11)
        session.add(persona)
        session.flush()
        seasons.lock_lead(session, season, persona, "U_MARKETER")
        seasons.lock_look(session, season, look or LookSpec(palette=Palette(), logo_text="LUMEN"), "U_MARKETER")
        return season.id
