"""The persona pool in conversation: "list personas", "describe 2", "create persona Ada: …", uploaded portraits.

Any stage may look at or grow the pool; at casting, a new persona joins the options offered for the lead.
"""

from __future__ import annotations

from pathlib import Path

from langgraph.types import Command

from agent.context import TurnContext
from agent.graph.nodes.common import say
from agent.graph.state import files_of
from agent.services import personas
from agent.services.personas import PersonaError
from agent.store.models import Season
from agent.uploads import content_suffix


def _team(ctx: TurnContext, season_id: int) -> str:
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        return season.team_id


def offer_line(view: personas.PersonaView, index: int) -> str:
    """How an option is listed for the lead."""
    return f"*{index}. {view.name}* — {view.description}"


def handle_pool(ctx: TurnContext, state: dict, text: str, here: str) -> Command | None:
    """Pool commands; None when the message is not one."""
    offered = list(state.get("cast_ids") or [])
    team = _team(ctx, state["season_id"])
    if personas.LIST.search(text):
        with ctx.app.store.session() as session:
            members = [personas.view(p) for p in personas.pool(session, team)]
        say(ctx, personas.pool_text(members, offered))
        return Command(goto=here)
    if match := personas.DESCRIBE.match(text):
        who = match["who"]
        with ctx.app.store.session() as session:
            if who.isdigit() and offered and 1 <= int(who) <= len(offered):
                from agent.store.models import Persona

                found = session.get(Persona, offered[int(who) - 1])
            else:
                found = personas.find(session, team, who)
            member = personas.view(found) if found else None
        if member is None:
            return None  # "who is …?" about something else: let the stage or the FAQ answer
        say(ctx, personas.describe_text(member))
        ctx.app.channel.upload(ctx.thread, Path(member.portrait_path), title=member.name)
        return Command(goto=here)
    uploads = [f for f in files_of(ctx) if (content_suffix(f) or f.suffix.lower()) in personas.IMAGE_EXTS]
    match = personas.CREATE.match(text)
    if match is None and not (uploads and here == "cast"):
        return None
    name = (match["name"] if match else "").strip() or _name_from_upload_text(text)
    if not name:
        say(ctx, "What should I call this persona? Say e.g. “new persona Ada” with the portrait attached.")
        return Command(goto=here)
    description = (match["description"] or "").strip() if match else ""
    try:
        with ctx.app.store.session() as session:
            persona = (personas.from_upload(session, ctx.app, team, name, uploads[0], description) if uploads
                       else personas.create(session, ctx.app, team, name, description))
            member = personas.view(persona)
    except PersonaError as error:
        say(ctx, f"I can't add that persona: {error}")
        return Command(goto=here)
    ctx.app.channel.upload(ctx.thread, Path(member.portrait_path), title=member.name)
    source = "your uploaded portrait" if uploads else "a generated portrait"
    if here == "cast" and member.id not in offered:
        offered.append(member.id)
        say(ctx, f"Added *{member.name}* to the pool with {source} — option *{len(offered)}*. "
                 f"Reply with the number to lock your lead.")
        return Command(goto=here, update={"cast_ids": offered})
    say(ctx, f"Added *{member.name}* to the pool with {source}.")
    return Command(goto=here)


def _name_from_upload_text(text: str) -> str:
    """"use this as Ada" / "this is Ada" / "Ada" with an attached portrait → "Ada"."""
    import re

    match = re.search(r"\b(?:as|is|called|named)\s+([A-Z][\w'-]+)", text) or re.fullmatch(r"\s*([A-Z][\w'-]+)\s*",
                                                                                          text)
    return match.group(1) if match else ""
