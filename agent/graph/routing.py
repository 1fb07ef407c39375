"""Where each stage listens, and two answers any stage gives: a show-bible change and the continuity ledger.

Which message gets them is decided by its actions (agent/graph/actions/); nothing in here can approve, schedule or
publish — those are decided by the database through the review services.
"""

from __future__ import annotations

from agent.brain.biblecmd import parse_bible_change
from agent.context import TurnContext
from agent.domain import Arc, Brief
from agent.graph.nodes.common import say
from agent.services import bible as bible_service
from agent.services import seasons
from agent.services.ledger import build_ledger, ledger_text
from agent.store.models import Season

# Where each stage's conversation waits (graph node names are stable: the demo and the Slack layer rely on them).
STAGE_NODES = {"brief": "intake", "arc": "arc", "cast": "cast", "look": "look", "review": "review"}


def handle_bible(ctx: TurnContext, season_id: int, text: str) -> bool:
    """A bible change or "show the bible": save a new version, re-check (and clean) the current arc, tell."""
    change = parse_bible_change(text)
    if change is None:
        return False
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        if change.show:
            say(ctx, bible_service.bible_text(seasons.current_bible(session, season),
                                              bible_service.bible_version(session, season)))
            return True
        bible, version = bible_service.change_bible(session, season, change, ctx.user_id)
        arc = Arc.model_validate(season.arc) if season.arc else None
        note = ""
        if arc is not None:
            fixed, changed = bible_service.rescrub_arc(arc, bible)
            if changed:
                arc_version = seasons.save_arc(session, season, fixed, note=f"bible v{version}", actor=ctx.user_id)
                words = ", ".join(f"“{w}”" for w in change.ban)
                note = (f"\nI rewrote Ep {', '.join(map(str, changed))} so the arc no longer uses {words} "
                        f"(now arc v{arc_version}; *what changed* shows it).")
            elif arc is not None and change.ban:
                note = "\nThe current arc already avoids those words."
    tone = ""
    if arc is not None and (change.voice or change.vocabulary or change.donts):
        tone = "\n" + bible_service.check_arc(arc, bible, ctx.app.brain).lines()[-1]
    say(ctx, f"Show bible updated (v{version}).\n{bible_service.bible_text(bible, version)}{note}{tone}")
    return True


def show_ledger(ctx: TurnContext, season_id: int) -> None:
    """The continuity ledger of the current arc (or why there is none yet)."""
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        arc = Arc.model_validate(season.arc) if season.arc else None
        brief = Brief.model_validate(season.brief) if season.brief else None
    if arc is None:
        say(ctx, "The continuity ledger starts with the arc — tell me the brief first.")
    else:
        say(ctx, ledger_text(build_ledger(arc, brief)))
