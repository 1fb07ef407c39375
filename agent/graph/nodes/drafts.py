"""Drafts shown in the thread always carry their checks: bible lint, format validation, continuity, tone.

One place builds those checks so the arc, a revision, a swap and a rewrite after a brief change all show the same
kind of evidence, whichever brain wrote the text.
"""

from __future__ import annotations

from agent.brain.lint import validate_arc
from agent.context import TurnContext
from agent.domain import Arc, Brief, PersonaBrief
from agent.graph.nodes.common import say
from agent.graph.replies import arc_summary
from agent.services import seasons
from agent.services.bible import check_arc
from agent.services.ledger import lint_scripts
from agent.store.models import Season


def arc_checks(ctx: TurnContext, arc: Arc, brief: Brief, bible: PersonaBrief) -> tuple[list[str], str]:
    """(findings, tone line): banned words, format problems and continuity findings (deduplicated), and tone."""
    judged = bible.model_copy(update={"voice": f"{bible.voice}; {brief.tone}"})  # the judge hears the brief's tone
    copy = check_arc(arc, judged, ctx.app.brain)
    findings = [f"banned word “{f.word}” in {f.where}" for f in copy.findings]
    findings += validate_arc(arc, brief)
    # validate_arc already reports dropped hooks and missing product moments in its own words
    findings += [f for f in lint_scripts(arc, brief) if "drops Ep" not in f and "product moment missing" not in f]
    return findings, copy.tone.line() if copy.tone else ""


def load_season(ctx: TurnContext, season_id: int) -> tuple[Arc | None, Brief | None, PersonaBrief]:
    """The season's current arc, brief and bible (arc/brief None before intake finishes)."""
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        arc = Arc.model_validate(season.arc) if season.arc else None
        brief = Brief.model_validate(season.brief) if season.brief else None
        return arc, brief, seasons.current_bible(session, season)


def present_arc(ctx: TurnContext, season_id: int, brief: Brief, note: str = "arc") -> int:
    """Write and show the arc for a saved brief; returns its version number."""
    _arc, _brief, bible = load_season(ctx, season_id)
    arc = ctx.app.brain.write_arc(brief, bible)
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        version = seasons.save_arc(session, season, arc, note=note, actor=ctx.user_id)
    findings, tone = arc_checks(ctx, arc, brief, bible)
    say(ctx, arc_summary(arc, findings, tone, version))
    ctx.app.channel.offer_choices(ctx.thread, "Next:", [("Looks good — cast the lead (recommended)", "looks good"),
                                                        ("Make episode 1 punchier", "make episode 1 punchier"),
                                                        ("Status", "status?")])
    return version
