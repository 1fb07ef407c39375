"""Replies every stage shares: saying something in the thread, the status board, who approves.

Which of them a message asks for is decided by its actions (agent/graph/actions/common.py); approver and quorum
rules stay deterministic in agent.app.approvers — the model never decides who may approve.
"""

from __future__ import annotations

from agent.context import AppContext, TurnContext
from agent.ports import Notice, ThreadRef
from agent.store.models import utcnow
from tools.status import season_view, with_people


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


def who_approves(ctx: TurnContext, season_id: int) -> None:
    """Approvers, their roles and the rule an episode must meet."""
    view = season_view(ctx.app.store, season_id)
    roles = sorted(set(view.roles.values()))
    rule = f"each episode needs {view.quorum} approval(s)" + (
        f" including a {' and a '.join(roles)} sign-off" if roles else "")
    ctx.app.channel.say(ctx.thread, with_people(
        lambda mention: f"Approvers for this season: {', '.join(view.approver_label(a, mention) for a in view.approvers)}"
        f" — {rule}."))
