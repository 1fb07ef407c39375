"""Look-locking: show a preview frame, take palette tweaks, lock an immutable look version, start production."""

from __future__ import annotations

import re

from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt
from pydantic import ValidationError

from agent.context import TurnContext
from agent.domain import LeadLock, LookSpec
from agent.graph.nodes.common import ask_again, handle_common, say
from agent.graph.state import SeasonState
from agent.ports import Intent
from agent.services import seasons
from agent.services.production import plan_renders, report_progress
from agent.store.models import Season

COLOUR_SETTING = re.compile(r"\b(background|primary|accent|text)\b[^#]{0,20}(#[0-9a-fA-F]{3,8})", re.I)


def show_look(ctx: TurnContext, season_id: int, look: LookSpec) -> None:
    """Render and upload a preview frame of the look with the locked lead."""
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        lead = LeadLock.model_validate(season.lead) if season.lead else None
    out = ctx.app.settings.artifacts_dir / f"season-{season_id}" / "look-preview.png"
    path = ctx.app.make_preview(look, lead, out)
    ctx.app.channel.upload(ctx.thread, path, title="Look preview")
    p = look.palette
    say(ctx, f"*The look* — background {p.background}, primary {p.primary}, accent {p.accent}, text {p.text}; "
             f"font {look.font}; {look.caption_style.value} captions; {look.framing.value} framing.\n"
             "Say *lock it* to lock this look, or change a colour (e.g. \"background #101820\").")


def look_stage(state: SeasonState, runtime: Runtime[TurnContext]) -> Command:
    """Tweak or lock the look; locking queues the whole season's renders."""
    text: str = interrupt({"stage": "look"})
    ctx = runtime.context
    interp = ctx.app.brain.interpret(text, "look")
    handled = handle_common(ctx, dict(state), text, interp, "look")
    if handled is not None:
        return handled
    season_id = state["season_id"]
    draft = LookSpec.model_validate(state.get("look_draft") or {})
    settings_found = COLOUR_SETTING.findall(text)
    if settings_found:
        palette = draft.palette.model_dump()
        palette.update({name.lower(): value for name, value in settings_found})
        try:
            draft = draft.model_copy(update={"palette": type(draft.palette).model_validate(palette)})
        except ValidationError as error:
            say(ctx, "That colour doesn't work: " + "; ".join(e["msg"].removeprefix("Value error, ")
                                                               for e in error.errors()))
            return Command(goto="look")
        show_look(ctx, season_id, draft)
        return Command(goto="look", update={"look_draft": draft.model_dump(mode="json")})
    if interp.intent != Intent.PROCEED:
        return ask_again(ctx, "look", "Say *lock it* to lock the look, or give me a colour to change.")
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        look = seasons.lock_look(session, season, draft, ctx.user_id)
        version = look.version
    render_ids = plan_renders(ctx.app.store, season_id)
    say(ctx, f":lock: Look v{version} locked. Rendering {len(render_ids)} episodes on the workers — "
             "each one lands here for review as it finishes.")
    report_progress(ctx.app.store, season_id, ctx.app.channel)
    for render_id in render_ids:
        ctx.app.enqueue_render(render_id)
    return Command(goto="review", update={"stage": "review"})
