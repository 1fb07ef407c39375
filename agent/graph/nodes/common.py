"""Off-script handling shared by every stage: status, help, approvers and quorum, audit, start over, unknown.

Approver and quorum changes are deterministic (regexes on the message, rules in agent.services.approvals): the
model never decides who may approve. After a rule change the episode states are re-derived and the affected cards
updated, so "quorum 2" visibly puts an episode approved by one person back in review.
"""

from __future__ import annotations

import re

from langgraph.types import Command

from agent.app import metrics
from agent.context import AppContext, TurnContext
from agent.graph.replies import HELP
from agent.ports import Intent, Interpretation, Notice, ThreadRef
from agent.store.models import Season, utcnow
from tools.status import audit_text, season_view, with_people

AUDIT = re.compile(r"^\s*audit\b|\baudit\s+(?:trail|log)\b|\bwho\s+(?:has\s+)?approved\b|\bshow\s+(?:me\s+)?(?:the\s+)?"
                   r"audit", re.IGNORECASE)
EPISODE = re.compile(r"\b(?:ep(?:isode)?\.?\s*)#?(\d{1,2})\b", re.IGNORECASE)


def say(ctx: TurnContext, text: str | Notice) -> None:
    """Reply in the season's thread."""
    ctx.app.channel.say(ctx.thread, text)


def post_status(app: AppContext, thread: ThreadRef, season_id: int) -> None:
    """The status answer: Block Kit (per-episode state, who still approves, next drop, blockers) + the board PNG.

    The channel renders the status view its own way (Block Kit in Slack, text in a terminal).
    """
    from tools.board import render_board

    view = season_view(app.store, season_id)
    board = render_board(view, app.settings.artifacts_dir / f"season-{season_id}" /
                         f"board-{utcnow():%Y%m%d-%H%M%S-%f}.png")
    app.channel.post_status(thread, view, board)  # the channel renders the view (Block Kit in Slack)
    if any(ep.status in ("APPROVED", "SCHEDULED", "PUBLISHED") for ep in view.episodes):
        from agent.services.campaign_chat import campaign_status

        app.channel.say(thread, campaign_status(app.store, season_id))


def change_approvers(ctx: TurnContext, season_id: int, text: str) -> bool:
    """"add @dana as (legal) approver", "remove @dana as approver", "quorum 2" — the use case in agent.app (creator
    or approvers only); False when the message is none of them."""
    from agent.app.approvers import change_rules

    return change_rules(ctx.app, season_id=season_id, actor=ctx.user_id, text=text) is not None


def who_approves(ctx: TurnContext, season_id: int) -> None:
    """Approvers, their roles and the rule an episode must meet."""
    view = season_view(ctx.app.store, season_id)
    roles = sorted(set(view.roles.values()))
    rule = f"each episode needs {view.quorum} approval(s)" + (
        f" including a {' and a '.join(roles)} sign-off" if roles else "")
    ctx.app.channel.say(ctx.thread, with_people(
        lambda mention: f"Approvers for this season: {', '.join(view.approver_label(a, mention) for a in view.approvers)}"
        f" — {rule}."))


CANCEL_RENDERS = re.compile(r"\b(cancel|stop)\s+(the\s+)?(render(s|ing)?|batch)\b", re.IGNORECASE)
RENDER_AGAIN = re.compile(r"\b(render|re-?render)\s+(it\s+|them\s+)?again\b", re.IGNORECASE)


def handle_common(ctx: TurnContext, state: dict, text: str, interp: Interpretation, here: str) -> Command | None:
    """Answer off-script messages without leaving the stage; None when the stage should handle the message."""
    season_id = state["season_id"]
    if change_approvers(ctx, season_id, text):
        return Command(goto=here)
    if AUDIT.search(text):
        match = EPISODE.search(text)
        say(ctx, audit_text(ctx.app.store, season_id, int(match.group(1)) if match else None))
        return Command(goto=here)
    if metrics.handle_text(ctx.app, season_id=season_id, actor=ctx.user_id, text=text) is not None:
        return Command(goto=here)  # "how are we doing?" (funnel chart), "stop the weekly digest" (issue 15)
    if interp.intent == Intent.STATUS:
        post_status(ctx.app, ctx.thread, season_id)
        return Command(goto=here)
    if CANCEL_RENDERS.search(text):
        from agent.app.production import cancel_rendering

        cancel_rendering(ctx.app, season_id=season_id, actor=ctx.user_id)
        return Command(goto=here)
    if RENDER_AGAIN.search(text) and here == "review":
        from agent.app.production import render_again

        render_again(ctx.app, season_id=season_id, actor=ctx.user_id)
        return Command(goto=here)
    if interp.intent == Intent.HELP:
        say(ctx, HELP)
        return Command(goto=here)
    if interp.intent == Intent.WHO_APPROVES:
        who_approves(ctx, season_id)
        return Command(goto=here)
    if interp.intent == Intent.START_OVER:
        from agent.services import seasons

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
