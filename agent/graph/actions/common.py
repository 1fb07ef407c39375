"""Handlers every stage shares: status, figures, help, approvers and audit, start over, history, continuity, the
persona pool, renders, the show bible, questions about the format, greetings, out of scope and unclear.

Each validates, applies through the existing use case (agent.app, agent.services) and returns what it did or why
not. Their deterministic parsers (approver rules, bible changes, history requests) read the arguments; the decision
to call them was made by the action.
"""

from __future__ import annotations

from agent.app import metrics
from agent.graph.actions.reply import EXAMPLES, not_here
from agent.graph.actions.step import Handler, Result, Step, from_command, short
from agent.graph.nodes.common import post_status, say, who_approves
from agent.graph.replies import HELP
from agent.store.models import Season
from agent.understanding.actions import Action, Audit, Figures, Render
from agent.understanding.readers import figures_reading, render_reading

GREETINGS = {
    "brief": "Hi! Tell me about the season — brand, product, audience, how many episodes (8–12) and how long "
             "(15–120 s); anything you leave out I'll decide and tell you. For example: _We're Lumen Coffee and we "
             "make a cold-brew can for night-shift nurses — 8 episodes of 40 seconds, cosy romance._",
    "arc": "Hi! The arc is drafted above.",
    "cast": "Hi! The lead candidates are above.",
    "look": "Hi! The look preview is above.",
    "review": "Hi! The episodes are in review above.",
}


def status(step: Step, action: Action) -> Result:
    """The status board (Block Kit in Slack, text in a terminal)."""
    post_status(step.ctx.app, step.ctx.thread, step.season_id)
    return Result(said=True, note="posted the status")


def figures(step: Step, action: Action) -> Result:
    """"How are we doing?" (the funnel and its chart), or the weekly digest switched off/on."""
    digest = action.digest if isinstance(action, Figures) else None
    if digest is None and (read := figures_reading(action.clause)) is not None:
        digest = read.digest
    app, actor = step.ctx.app, step.ctx.user_id
    if digest is not None:
        metrics.set_weekly_digest(app, season_id=step.season_id, actor=actor, on=digest == "on")
        return Result(said=True, note=f"turned the weekly digest {digest}")
    metrics.answer(app, season_id=step.season_id, actor=actor)
    return Result(said=True, note="posted the figures")


def help_(step: Step, action: Action) -> Result:
    """How this works."""
    return Result(line=HELP)


def approvers(step: Step, action: Action) -> Result:
    """A rule change ("add @dana as legal approver", "quorum 2") through agent.app.approvers, or who approves."""
    from agent.app.approvers import change_rules, is_rule_change

    if is_rule_change(action.clause):
        change_rules(step.ctx.app, season_id=step.season_id, actor=step.ctx.user_id, text=action.clause)
        return Result(said=True, note="changed the approval rules")
    who_approves(step.ctx, step.season_id)
    return Result(said=True, note="listed the approvers")


def audit(step: Step, action: Action) -> Result:
    """The audit trail (one episode's when named)."""
    from agent.understanding.readers import EPISODE
    from tools.status import audit_text

    episode = action.episode if isinstance(action, Audit) else None
    if episode is None and (match := EPISODE.search(action.clause)):
        episode = int(match.group(1))
    say(step.ctx, audit_text(step.ctx.app.store, step.season_id, episode))
    return Result(said=True, note="posted the audit trail")


def start_over(step: Step, action: Action) -> Result:
    """Wipe brief, arc and lead — only before production starts (the season row keeps its audit trail)."""
    from agent.services import seasons

    if step.stage == "brief" and any(a.kind == "set_brief" for a in step.scratch.get("actions", [])):
        return Result(note="started a new season with this brief")  # "New season! We're Lumen …" is a brief
    with step.ctx.app.store.session() as session:
        season = session.get_one(Season, step.season_id)
        if season.status not in ("ARC", "CASTING", "LOOK"):
            return Result(refused="production has started, so I can't wipe this season — start a new thread for a "
                                  "new one")
        season.brief = None
        season.arc = None
        season.lead = None
        seasons.audit(session, step.season_id, step.ctx.user_id, "season.start_over", {})
    return Result(line="Fresh start. Tell me the brief: brand, product, audience, episode count and length.",
                  goto="intake", update={"stage": "brief", "brief_draft": {}, "arc_history": [], "asked": [],
                                         "last_ask": "", "cast_ids": []})


def diff(step: Step, action: Action) -> Result:
    """Versions, "diff v1 v2", "what changed", "show changes to ep 3", "show ep 3", "show the arc"."""
    from agent.graph.nodes.history import handle_history

    if handle_history(step.ctx, step.season_id, action.clause):
        return Result(said=True, note="showed the arc history")
    return Result(refused="I couldn't tell which versions to compare — say *what changed*, *versions*, "
                          "*diff v1 v2* or *show changes to ep 3*")


def continuity(step: Step, action: Action) -> Result:
    """The continuity ledger of the current arc."""
    from agent.graph.routing import show_ledger

    show_ledger(step.ctx, step.season_id)
    return Result(said=True, note="showed the continuity ledger")


def persona_pool(step: Step, action: Action) -> Result:
    """List, describe or create personas (an uploaded portrait at casting joins the options)."""
    from agent.graph.nodes.pool import handle_pool

    handled = handle_pool(step.ctx, step.state, action.clause, step.node)
    if handled is None:
        return Result(refused="I couldn't tell what to do with the persona pool — say *list personas*, "
                              "*describe 2* or *create persona Ada: …*")
    result = from_command(handled, note="updated the persona pool")
    result.goto = None
    return result


def render(step: Step, action: Action) -> Result:
    """Render again (review) or cancel the renders in flight, through agent.app.production."""
    from agent.app.production import cancel_rendering, render_again

    what = action.what if isinstance(action, Render) and action.what else None
    if what is None:
        read = render_reading(action.clause)
        what = read.what if read is not None else "again"
    if what == "cancel":
        cancel_rendering(step.ctx.app, season_id=step.season_id, actor=step.ctx.user_id)
        return Result(said=True, note="cancelled the renders in flight")
    if step.stage != "review":
        return Result(refused="nothing has been rendered yet — renders start when you lock the look")
    render_again(step.ctx.app, season_id=step.season_id, actor=step.ctx.user_id)
    return Result(said=True, note="asked for the season to be rendered again")


def bible(step: Step, action: Action) -> Result:
    """A show-bible change or "show the bible" (parse_bible_change reads it)."""
    from agent.graph.routing import handle_bible

    if handle_bible(step.ctx, step.season_id, action.clause):
        return Result(said=True, note=f"updated the show bible ({short(action.clause)})"
                      if action.kind == "bible_change" else "showed the show bible")
    return Result(refused="I couldn't read that as a show-bible rule — say e.g. \"never say 'cheap'\", "
                          "\"voice: dry and witty\" or \"show the bible\"")


def question(step: Step, action: Action) -> Result:
    """A question about the format, answered from prompts/format_faq.md."""
    from agent.brain.faq import answer

    if reply := answer(action.clause) or answer(action.clause.rstrip(".!") + "?"):
        return Result(line=reply)
    return Result(refused="I don't have a good answer to that one — I can answer questions about the format "
                          "(episode lengths, destinations, markets, approvals); say *help* for the steps")


def greeting(step: Step, action: Action) -> Result:
    """Hello: where we are and what to say next (beside other requests, "thx! looks good", nothing to add)."""
    if step.scratch.get("greeted") or any(a.kind != "greeting" for a in step.scratch.get("actions", [])):
        return Result(said=True)
    step.scratch["greeted"] = True
    example = "" if step.stage == "brief" else f" {EXAMPLES.get(step.stage, '')}"
    return Result(line=f"{GREETINGS.get(step.stage, 'Hi!')}{example}")


def out_of_scope(step: Step, action: Action) -> Result:
    """Not something this agent does: the reason."""
    return Result(refused=getattr(action, "reason", "") or "that is not something I can do here")


def unclear(step: Step, action: Action) -> Result:
    """A clause nobody could read with confidence."""
    return Result(refused="I couldn't tell what you meant")


def passthrough(step: Step, action: Action) -> Result:
    """An action this stage does not take (its label names it), or an unknown label: why not."""
    label = getattr(action, "label", "")
    if label in HANDLERS and label not in ("passthrough", "unclear"):
        return HANDLERS[label](step, action)
    return not_here(step, action)


HANDLERS: dict[str, Handler] = {
    "status": status, "figures": figures, "help": help_, "approvers": approvers, "audit": audit,
    "start_over": start_over, "diff": diff, "continuity": continuity, "persona_pool": persona_pool,
    "render": render, "bible_change": bible, "bible_show": bible, "question": question, "greeting": greeting,
    "out_of_scope": out_of_scope, "unclear": unclear, "passthrough": passthrough,
}
