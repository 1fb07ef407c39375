"""Look-stage handlers: look changes (words and uploaded logo/font files), lock, and a change of lead.

All the look changes of one message are applied to one draft; `finish` checks its contrast once and shows one
preview, so an unreadable combination is refused as a whole and the look on screen is always lockable.
"""

from __future__ import annotations

from agent.domain import LookSpec
from agent.graph.actions.step import Handler, Result, Step
from agent.services.looks import LookError, apply_text_changes, check_contrast, suggest_text_colour
from agent.understanding.actions import Action, ChangeLead

UNREADABLE = ("I couldn't read that as a look change: colours must be hex codes for a named part (e.g. "
              "\"background #101820\", \"accent #E4572E\"), captions *box* or *outline*, framing *center* or "
              "*thirds*, or upload a PNG/SVG logo or a TTF/OTF font. The look is unchanged")


def _draft(step: Step) -> LookSpec:
    if "look" not in step.scratch:
        step.scratch["look"] = LookSpec.model_validate(step.state.get("look_draft") or {})
        step.scratch["look_changes"] = []
    return step.scratch["look"]


def change(step: Step, action: Action) -> Result:
    """Apply the clause's look change (and, once per message, the attached files)."""
    from agent.graph.nodes.look import apply_uploads

    look = _draft(step)
    try:
        uploaded: list[str] = []
        if not step.scratch.get("uploads_read"):
            step.scratch["uploads_read"] = True
            look, uploaded = apply_uploads(step.ctx, step.season_id, look)
        look, described = apply_text_changes(look, action.clause)
    except LookError as error:
        return Result(refused=f"I can't use that: {error}. The look is unchanged")
    if not (uploaded or described):
        return Result(refused=UNREADABLE)
    step.scratch["look"] = look
    step.scratch["look_changes"] += uploaded + described
    return Result(note="changed the look: " + ", ".join(uploaded + described))


def finish(step: Step) -> Result | None:
    """Check the changed look's contrast and show its preview (or refuse it whole, with a fix)."""
    from agent.graph.nodes.look import show_look

    changes = step.scratch.get("look_changes")
    if not changes:
        return None
    step.scratch["look_changes"] = []
    look: LookSpec = step.scratch["look"]
    contrast = check_contrast(look.palette)
    if not contrast.passes:
        fix = suggest_text_colour(look.palette.background)
        step.scratch["look"] = LookSpec.model_validate(step.state.get("look_draft") or {})
        step.scratch["look_refused"] = True
        return Result(line=f"That would make captions hard to read — {contrast.line()}. Try \"text {fix}\" with that "
                           "background, or a darker/lighter background. The look is unchanged.")
    from agent.graph.nodes.common import say

    say(step.ctx, "Updated: " + ", ".join(changes) + ".")
    show_look(step.ctx, step.season_id, look)
    return Result(update={"look_draft": look.model_dump(mode="json")})


def lock(step: Step, action: Action) -> Result:
    """Lock the look (with this message's changes) and queue the renders."""
    from agent.graph.nodes.look import lock_look

    if step.scratch.get("look_refused"):
        return Result(refused="I didn't lock the look: the change in this message was refused — fix it, then say "
                              "*lock it*")
    command = lock_look(step.ctx, step.season_id, _draft(step))
    goto = command.goto if isinstance(command.goto, str) else None
    return Result(said=True, note="locked the look and queued the renders", goto=goto,
                  update=dict(command.update or {}))


def change_lead(step: Step, action: Action) -> Result:
    """"actually go with Elena": re-lock the lead and rename them in the script."""
    from agent.graph.nodes.cast import change_lead as relock

    lead = action if isinstance(action, ChangeLead) else ChangeLead(clause=action.clause)
    relock(step.ctx, step.state, lead)
    return Result(said=True, note="changed the lead")


HANDLERS: dict[str, Handler] = {"look_change": change, "proceed": lock, "defer": lock, "change_lead": change_lead}
