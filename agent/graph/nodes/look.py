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
from agent.graph.actions.dispatch import dispatch
from agent.graph.actions.look import HANDLERS, finish
from agent.graph.actions.reading import read_message
from agent.graph.actions.step import Step
from agent.graph.nodes.common import say
from agent.graph.state import SeasonState, files_of
from agent.services import seasons
from agent.services.ledger import lint_scripts
from agent.services.looks import (
    FONT_EXTS,
    LOGO_EXTS,
    LookError,
    apply_text_changes,
    check_contrast,
    look_text,
    validate_font_upload,
    validate_logo_upload,
)
from agent.services.production import plan_renders, report_progress
from agent.services.render_inputs import share_look
from agent.services.seasons import SeasonError
from agent.store.models import Season
from agent.understanding.actions import ChangeLook
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
    ctx.app.channel.offer_choices(ctx.thread, "Next:", [("Lock it (recommended)", "lock it"),
                                                        ("Outline captions", "outline captions"),
                                                        ("Status", "status?")])


def apply_uploads(ctx: TurnContext, season_id: int, look: LookSpec) -> tuple[LookSpec, list[str]]:
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
    """Tweak or lock the look (locking queues the whole season's renders); every request applied together."""
    text: str = interrupt({"stage": "look"})
    step = Step(ctx=runtime.context, state=dict(state), stage="look", text=text)
    actions = read_message(step.ctx, step.state, text, "look")
    if not any(a.kind == "look_change" for a in actions) and _names_look(step.ctx, text):
        actions = [ChangeLook(clause=text), *[a for a in actions if a.kind not in ("unclear", "passthrough")]]
    return dispatch(step, actions, HANDLERS, finish)


def _names_look(ctx: TurnContext, text: str) -> bool:
    """Files attached, or words the look parser reads ("background #101820"): a look change whatever the
    classifier said about the rest."""
    if files_of(ctx):
        return True
    try:
        return bool(apply_text_changes(LookSpec(), text)[1])
    except LookError:
        return True


def lock_look(ctx: TurnContext, season_id: int, draft: LookSpec) -> Command:
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
