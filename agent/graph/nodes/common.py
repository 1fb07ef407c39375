"""Off-script handling shared by every stage: status, help, who approves, add approver, start over, unknown."""

from __future__ import annotations

import re

from langgraph.types import Command

from agent.context import TurnContext
from agent.graph.replies import HELP
from agent.ports import Intent, Interpretation
from agent.services import seasons
from agent.store.models import Season
from tools.status import season_view

ADD_APPROVER = re.compile(r"\badd\s+<@([A-Z0-9_]+)(?:\|[^>]*)?>\s+as\s+(?:an?\s+)?(?:(\w+)\s+)?approver", re.I)
QUORUM = re.compile(r"\bquorum\s+(?:of\s+|to\s+)?(\d+)", re.I)


def say(ctx: TurnContext, text: str) -> None:
    """Reply in the season's thread."""
    ctx.app.channel.say(ctx.thread, text)


def handle_common(ctx: TurnContext, state: dict, text: str, interp: Interpretation, here: str) -> Command | None:
    """Answer off-script messages without leaving the stage; None when the stage should handle the message."""
    season_id = state["season_id"]
    if match := ADD_APPROVER.search(text):
        user, role = match.group(1), match.group(2)
        with ctx.app.store.session() as session:
            season = session.get(Season, season_id)
            assert season is not None
            added = seasons.add_approver(session, season, user, ctx.user_id, role=role)
        say(ctx, f"<@{user}> is now an approver{f' ({role})' if role else ''}." if added
            else f"<@{user}> was already an approver.")
        return Command(goto=here)
    if match := QUORUM.search(text):
        quorum = int(match.group(1))
        with ctx.app.store.session() as session:
            season = session.get(Season, season_id)
            assert season is not None
            if quorum < 1 or quorum > len(season.approvers):
                say(ctx, f"A quorum must be between 1 and the number of approvers ({len(season.approvers)}).")
            else:
                season.quorum = quorum
                seasons.audit(session, season_id, ctx.user_id, "quorum.set", {"quorum": quorum})
                say(ctx, f"Each episode now needs {quorum} approval(s).")
        return Command(goto=here)
    if interp.intent == Intent.STATUS:
        say(ctx, season_view(ctx.app.store, season_id).to_text())
        return Command(goto=here)
    if interp.intent == Intent.HELP:
        say(ctx, HELP)
        return Command(goto=here)
    if interp.intent == Intent.WHO_APPROVES:
        view = season_view(ctx.app.store, season_id)
        names = ", ".join(f"<@{a}>" for a in view.approvers)
        say(ctx, f"Approvers for this season: {names} — each episode needs {view.quorum} :+1:.")
        return Command(goto=here)
    if interp.intent == Intent.START_OVER:
        with ctx.app.store.session() as session:
            season = session.get(Season, season_id)
            assert season is not None
            if season.status not in ("ARC", "CASTING", "LOOK"):
                say(ctx, "Production has started, so I can't wipe this season — start a new thread for a new one.")
                return Command(goto=here)
            season.brief = None
            season.arc = None
            season.lead = None
            seasons.audit(session, season_id, ctx.user_id, "season.start_over", {})
        say(ctx, "Fresh start. Tell me the brief: brand, product, audience, episode count and length.")
        return Command(goto="intake", update={"stage": "brief", "brief_draft": {}, "arc_history": []})
    return None


def ask_again(ctx: TurnContext, here: str, hint: str) -> Command:
    """The 'unknown' branch: ask again rather than guess."""
    say(ctx, f"I'm not sure what you'd like me to do. {hint} (Say *help* for the steps.)")
    return Command(goto=here)
