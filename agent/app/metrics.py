"""Metrics back in the thread: "how are we doing?", the weekly digest (and its off switch), the periodic pull.

The figures themselves are pulled and read by agent.services.metrics; this is the use-case side, so the Slack
thread, the terminal and the periodic job get the same answer: a `FiguresShown` event (the funnel's sentences and
its chart PNG) that the one follow-up step says and uploads. The digest's switch and its last sending are audit
entries (`digest.off` / `digest.on` / `digest.sent`), so who turned it off, and when, is on record with everything
else, and no table is needed for a yes/no.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from agent.app.events import Event, FiguresShown, Said
from agent.app.followups import deliver, prepare
from agent.context import AppContext
from agent.ports import Notice, Tone
from agent.services.metrics import MetricsSource, PullReport, how_are_we_doing, pull_metrics, weekly_digest
from agent.services.seasons import audit
from agent.store.models import AuditEntry, Episode, PostMetric, Publication, Slot, utcnow
from tools.funnel import render_funnel
from tools.publish_ledger import as_utc

HOW_ARE_WE_DOING = re.compile(
    r"\bhow\s*(?:'s|\s+is|\s+are|\s+did)\s+(?:we|it|the\s+(?:season|show|series|drama|episodes?))\s+"
    r"(?:doing|going|performing|do)\b|\b(?:show|send|give)\s+(?:me\s+|us\s+)?(?:the\s+)?"
    r"(?:numbers|figures|metrics|funnel|stats)\b|^\s*(?:numbers|figures|metrics|funnel|stats)\s*\??\s*$",
    re.IGNORECASE)
DIGEST_OFF = re.compile(r"\b(?:stop|turn\s+off|switch\s+off|pause|mute|disable|cancel|no\s+more)\b[^.?!]*"
                        r"\bdigests?\b|\bdigests?\s+off\b", re.IGNORECASE)
DIGEST_ON = re.compile(r"\b(?:start|turn\s+on|switch\s+on|resume|restart|enable)\b[^.?!]*\bdigests?\b"
                       r"|\bdigests?\s+(?:back\s+)?on\b", re.IGNORECASE)
WEEK = timedelta(days=7)


def _finish(app: AppContext, events: list[Event]) -> list[Event]:
    with app.store.session() as session:
        delivery = prepare(session, events)
    deliver(app, delivery)
    return delivery.events


def _out_dir(app: AppContext, season_id: int) -> Path:
    return app.settings.artifacts_dir / f"season-{season_id}"


def answer(app: AppContext, *, season_id: int, actor: str, now: datetime | None = None) -> list[Event]:
    """"How are we doing?": the season funnel per platform (views per episode, drop-off, best and worst) + PNG,
    as of the latest reading (which episodes are still "fresh" is judged against when the figures were read)."""
    found = how_are_we_doing(app.store, season_id, _out_dir(app, season_id),
                             now=now or latest_reading(app, season_id), platforms=measured(app, season_id))
    with app.store.session() as session:
        audit(session, season_id, actor, "metrics.asked", {"has_figures": found.png is not None})
    text = found.text if found.png is not None else (
        found.text + "\nFigures come back once episodes are out: I read each platform's numbers every hour.")
    return _finish(app, [FiguresShown(season_id, Notice(template="{text}", values={"text": text}), found.png,
                                      "Season funnel")])


def measured(app: AppContext, season_id: int) -> list[str] | None:
    """The platforms with figures for this season (an outbox or a webhook has none to show); None before any."""
    with app.store.session() as session:
        found = sorted(set(session.scalars(select(PostMetric.platform).join(
            Publication, Publication.id == PostMetric.publication_id).join(Slot, Slot.id == Publication.slot_id)
            .join(Episode, Episode.id == Slot.episode_id).where(Episode.season_id == season_id))))
    return found or None


def latest_reading(app: AppContext, season_id: int) -> datetime | None:
    """When the season's figures were last read (None before the first pull)."""
    with app.store.session() as session:
        moment = session.scalar(select(func.max(PostMetric.captured_at)).join(
            Publication, Publication.id == PostMetric.publication_id).join(Slot, Slot.id == Publication.slot_id)
            .join(Episode, Episode.id == Slot.episode_id).where(Episode.season_id == season_id))
    return as_utc(moment) if moment else None


def digest_enabled(app: AppContext, season_id: int) -> bool:
    """The weekly digest is on unless the latest switch in the audit trail says off."""
    with app.store.session() as session:
        last = session.scalars(select(AuditEntry.action).where(
            AuditEntry.season_id == season_id, AuditEntry.action.in_(("digest.off", "digest.on")))
            .order_by(AuditEntry.id.desc())).first()
    return last != "digest.off"


def set_weekly_digest(app: AppContext, *, season_id: int, actor: str, on: bool) -> list[Event]:
    """The marketer's switch: anyone in the thread may turn the digest off or on (it only stops a report)."""
    with app.store.session() as session:
        audit(session, season_id, actor, "digest.on" if on else "digest.off", {})
    words = ("Weekly digest on: every seven days I'll post the season funnel here. Say *stop the weekly digest* "
             "to turn it off." if on else
             "Weekly digest off — {who} turned it off. Ask *how are we doing?* any time, or say *start the weekly "
             "digest* to have it back.")
    return _finish(app, [Said(season_id, Notice(template=words, users={"who": actor} if not on else {},
                                                 tone=Tone.SUCCESS))])


def _last_sent(app: AppContext, season_id: int) -> datetime | None:
    with app.store.session() as session:
        moment = session.scalars(select(AuditEntry.at).where(
            AuditEntry.season_id == season_id, AuditEntry.action == "digest.sent")
            .order_by(AuditEntry.id.desc())).first()
    return as_utc(moment) if moment else None


def _first_published(app: AppContext) -> dict[int, datetime]:
    """Seasons with something published, and when their first publication went out."""
    with app.store.session() as session:
        rows = session.execute(
            select(Episode.season_id, Publication.published_at).join(Slot, Slot.episode_id == Episode.id)
            .join(Publication, Publication.slot_id == Slot.id)
            .where(Publication.status == "PUBLISHED", Publication.published_at.is_not(None))).all()
    first: dict[int, datetime] = {}
    for season_id, published in rows:
        at = as_utc(published)
        first[season_id] = min(first.get(season_id, at), at)
    return first


def send_weekly_digests(app: AppContext, now: datetime | None = None) -> list[Event]:
    """Post the digest into each season's thread a week after its first release, then every seven days — unless
    the marketer turned it off. Safe to run every hour: `digest.sent` in the audit trail says when it last went."""
    moment = as_utc(now or utcnow())
    events: list[Event] = []
    for season_id, first in sorted(_first_published(app).items()):
        last = _last_sent(app, season_id)
        if (last or first) > moment - WEEK or not digest_enabled(app, season_id):
            continue
        digest = weekly_digest(app.store, season_id, now=moment)
        if platforms := measured(app, season_id):  # only where figures come from
            digest.funnel.platforms = [f for f in digest.funnel.platforms if f.platform in platforms]
            digest.gained = {p: n for p, n in digest.gained.items() if p in platforms}
        png = (render_funnel(digest.funnel, _out_dir(app, season_id) / f"digest-{moment:%Y%m%d}.png")
               if digest.funnel.has_figures else None)
        with app.store.session() as session:
            session.add(AuditEntry(season_id=season_id, actor="agent", action="digest.sent", at=moment,
                                   detail={"gained": digest.gained}))
        text = digest.to_text() + "\n(Say *stop the weekly digest* to turn it off.)"
        events.append(FiguresShown(season_id, Notice(template="{text}", values={"text": text}), png,
                                   "Weekly digest"))
    return _finish(app, events) if events else []


def metrics_tick(app: AppContext, sources: Mapping[str, MetricsSource], now: datetime | None = None) -> PullReport:
    """The periodic job: pull every published post's figures, then send the digests that are due."""
    moment = now or utcnow()
    report = pull_metrics(app.store, sources, now=moment)
    send_weekly_digests(app, moment)
    return report

