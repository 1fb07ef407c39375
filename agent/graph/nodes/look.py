"""Look-locking: show a preview frame, take palette/caption/framing/font/logo changes, lock an immutable version.

Changes that would make captions unreadable (WCAG AA) or that name a file the renderer can't use are refused with
the reason and a suggestion, so the draft on screen is always lockable. Locking re-checks the preconditions in the
database (a locked lead), lints the scripts against the continuity ledger, then queues the season's renders.
"""

from __future__ import annotations

from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from agent.context import TurnContext
from agent.domain import Arc, Brief, LeadLock, LookSpec
from agent.graph.nodes.common import ask_again, say
from agent.graph.routing import off_script
from agent.graph.state import SeasonState, files_of
from agent.ports import Intent
from agent.services import seasons
from agent.services.ledger import lint_scripts
from agent.services.looks import (
    FONT_EXTS,
    LOGO_EXTS,
    LookError,
    apply_text_changes,
    check_contrast,
    look_text,
    suggest_text_colour,
    validate_font_upload,
    validate_logo_upload,
)
from agent.services.production import plan_renders, report_progress
from agent.services.render_inputs import share_look
from agent.services.seasons import SeasonError
from agent.store.models import Season
from agent.understanding.actions import ChangeLead
from agent.understanding.understand import understand_with
from agent.uploads import content_suffix


def show_look(ctx: TurnContext, season_id: int, look: LookSpec) -> None:
    """Render and upload a preview frame of the look with the locked lead, then describe it with its contrast."""
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        lead = LeadLock.model_validate(season.lead) if season.lead else None
    out = ctx.app.settings.artifacts_dir / f"season-{season_id}" / "look-preview.png"
    path = ctx.app.make_preview(look, lead, out)
    ctx.app.channel.upload(ctx.thread, path, title="Look preview")
    say(ctx, look_text(look, check_contrast(look.palette)) + "\n"
             "Say *lock it* to lock this look, or change it (e.g. \"background #101820\", \"outline captions\", "
             "\"thirds framing\", \"logo text: LUMEN\", or upload a PNG/SVG logo or a TTF/OTF font).")


def _apply_uploads(ctx: TurnContext, season_id: int, look: LookSpec) -> tuple[LookSpec, list[str]]:
    """Attached logo (PNG/SVG) and font (TTF/OTF) files, validated and stored by content hash."""
    folder = ctx.app.settings.artifacts_dir / f"season-{season_id}" / "brand"
    changes: list[str] = []
    for path in files_of(ctx):
        suffix = content_suffix(path) or path.suffix.lower()  # the bytes decide, not the name (agent/uploads.py)
        if suffix in LOGO_EXTS:
            look = look.model_copy(update={"logo_path": str(validate_logo_upload(path, folder))})
            changes.append(f"logo {path.name}")
        elif suffix in FONT_EXTS:
            look = look.model_copy(update={"font": str(validate_font_upload(path, folder))})
            changes.append(f"font {path.name}")
        else:
            raise LookError(f"“{path.name}” is neither a logo (PNG/SVG) nor a font (TTF/OTF)")
    return look, changes


def look_stage(state: SeasonState, runtime: Runtime[TurnContext]) -> Command:
    """Tweak or lock the look; locking queues the whole season's renders."""
    text: str = interrupt({"stage": "look"})
    ctx = runtime.context
    season_id = state["season_id"]
    draft = LookSpec.model_validate(state.get("look_draft") or {})
    try:
        changed, uploaded = _apply_uploads(ctx, season_id, draft)
        changed, described = apply_text_changes(changed, text)
    except LookError as error:
        say(ctx, f"I can't use that: {error}. The look is unchanged.")
        return Command(goto="look")
    if uploaded or described:
        contrast = check_contrast(changed.palette)
        if not contrast.passes:
            fix = suggest_text_colour(changed.palette.background)
            say(ctx, f"That would make captions hard to read — {contrast.line()}. Try \"text {fix}\" with that "
                     "background, or a darker/lighter background. The look is unchanged.")
            return Command(goto="look")
        say(ctx, "Updated: " + ", ".join(uploaded + described) + ".")
        show_look(ctx, season_id, changed)
        return Command(goto="look", update={"look_draft": changed.model_dump(mode="json")})
    interp = ctx.app.brain.interpret(text, "look")
    handled = off_script(ctx, dict(state), text, interp, "look")
    if handled is not None:
        return handled
    if interp.intent != Intent.PROCEED:
        from agent.graph.nodes.apply import not_done_line
        from agent.graph.nodes.cast import change_lead  # cast imports this module (show_look)

        actions = understand_with(ctx.app.brain, text, "look")
        lead = next((a for a in actions if isinstance(a, ChangeLead)), None)
        if lead is not None and change_lead(ctx, dict(state), lead):
            return Command(goto="look")
        if any(a.kind == "look_change" for a in actions):  # a look change I could not read: say why, with examples
            say(ctx, "I couldn't read that as a look change: colours must be hex codes for a named part (e.g. "
                     "\"background #101820\", \"accent #E4572E\"), captions *box* or *outline*, framing *center* or "
                     "*thirds*, or upload a PNG/SVG logo or a TTF/OTF font. The look is unchanged.")
            return Command(goto="look")
        if refused := not_done_line([a for a in actions if a.kind == "out_of_scope"], "look"):
            say(ctx, refused + "\nSay *lock it* to lock the look, or tell me what to change.")
            return Command(goto="look")
        return ask_again(ctx, "look", "Say *lock it* to lock the look, or tell me what to change.")
    return _lock(ctx, season_id, draft)


def _lock(ctx: TurnContext, season_id: int, draft: LookSpec) -> Command:
    """Lock the look (immutable version), lint the scripts against the ledger, queue the renders."""
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        if not season.lead:
            say(ctx, "Lock a lead first — the look is previewed with them, and renders need both.")
            return Command(goto="look")
        shared = share_look(ctx.app.artifacts, draft, season_id)  # uploaded logo/font reachable by every worker
        look = seasons.lock_look(session, season, shared, ctx.user_id)
        version = look.version
        arc = Arc.model_validate(season.arc) if season.arc else None
        brief = Brief.model_validate(season.brief) if season.brief else None
        findings = lint_scripts(arc, brief) if arc and brief else []
        if findings:
            seasons.audit(session, season_id, ctx.user_id, "continuity.findings", {"findings": findings})
    try:
        render_ids = plan_renders(ctx.app.store, season_id)
    except SeasonError as error:
        say(ctx, f"Look v{version} is locked, but I can't render yet: {error}")
        return Command(goto="look")
    checks = ("\nContinuity check before rendering: all hooks picked up, everyone introduced, the product in every "
              "episode ✓" if not findings else
              "\nContinuity check before rendering found:\n• " + "\n• ".join(findings))
    say(ctx, f":lock: Look v{version} locked. Rendering {len(render_ids)} episodes on the workers — "
             f"each one lands here for review as it finishes.{checks}")
    report_progress(ctx.app.store, season_id, ctx.app.channel)
    for render_id in render_ids:
        ctx.app.enqueue_render(render_id)
    return Command(goto="review", update={"stage": "review"})
