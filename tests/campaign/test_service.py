"""The campaign service against a real store: planning, one job per asset, the review gate, exactly-once publishing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from agent.app.votes import record_reaction
from agent.artifacts import LocalArtifactStore
from agent.brain.offline import OfflineBrain
from agent.context import AppContext
from agent.domain import PersonaBrief
from agent.ports import Publisher
from agent.services.campaign import latest_assets, plan_campaign, run_campaign_asset
from agent.services.campaign_chat import campaign_command
from agent.services.campaign_publish import publish_campaign_due
from agent.settings import Settings
from agent.store.db import Store
from agent.store.models import (
    Episode,
    PersonaBriefVersion,
    Publication,
    Render,
    ReviewMessage,
    Slot,
)
from integrations.campaign_outbox import CampaignOutboxPublisher
from tests.campaign.conftest import APPROVER, OTHER, RecordingChannel

RELEASE = datetime(2026, 12, 4, 23, 0, tzinfo=UTC)


def run_all(store: Store, ids: list[int], tmp_path: Path, channel: RecordingChannel) -> None:
    """What the workers would do with the enqueued ids."""
    for asset_id in ids:
        run_campaign_asset(store, asset_id, artifacts_dir=tmp_path / "artifacts", channel=channel)


def produce(store: Store, season_id: int, tmp_path: Path, channel: RecordingChannel,
            episodes: set[int] | None = None) -> list[int]:
    """Plan the season's campaign and run the jobs of `episodes` (all when None; fewer keeps tests quick)."""
    ids = plan_campaign(store, season_id)
    with store.session() as s:
        wanted = [i for i in ids if episodes is None
                  or s.get_one(Episode, s.get_one(Render, i).episode_id).number in episodes]
    run_all(store, wanted, tmp_path, channel)
    return ids


def message_ts(store: Store, episode_number: int) -> str:
    with store.session() as s:
        return s.scalars(select(ReviewMessage.message_ts).join(Render, Render.id == ReviewMessage.render_id)
                         .join(Episode, Episode.id == Render.episode_id)
                         .where(Episode.number == episode_number, Render.kind != "episode")
                         .order_by(ReviewMessage.id)).first()


def _no_images(*_: object) -> Path:
    raise AssertionError("a vote draws no images")


def app_of(store: Store, channel: RecordingChannel, queued: list[int] | None = None,
           publishers: dict[str, Publisher] | None = None) -> AppContext:
    """The application context the Slack listeners and the worker hand their use cases, on the test's store."""
    home = Path(str(store.engine.url.database)).parent  # the test store's data dir
    enqueue = (queued if queued is not None else []).append
    return AppContext(settings=Settings(CLIFFHANGER_HOME=home), store=store, brain=OfflineBrain(), channel=channel,
                      enqueue_render=enqueue, make_portrait=_no_images, make_preview=_no_images,
                      artifacts=LocalArtifactStore(home / "artifacts"), publishers=publishers or {},
                      enqueue_campaign=enqueue)


def react(store: Store, channel: RecordingChannel, ts: str, user: str = APPROVER, reaction: str = "+1",
          added: bool = True) -> list[int]:
    """A reaction on a review message through the use case the Slack listener calls; returns what it enqueued."""
    queued: list[int] = []
    record_reaction(app_of(store, channel, queued), channel_id="C_DRAMA", ts=ts, user_id=user, reaction=reaction,
                    added=added)
    return queued


def approve(store: Store, channel: RecordingChannel, ts: str, user: str = APPROVER) -> list[int]:
    return react(store, channel, ts, user)


def slot(store: Store, episode_number: int, at: datetime = RELEASE) -> None:
    with store.session() as s:
        episode = s.scalar(select(Episode).where(Episode.number == episode_number))
        s.add(Slot(episode_id=episode.id, publish_at=at, platform="outbox"))


def test_approved_episodes_get_one_message_each_and_planning_is_idempotent(
        store: Store, season_id: int, tmp_path: Path, channel: RecordingChannel) -> None:
    ids = produce(store, season_id, tmp_path, channel, {1, 2})
    assert len(ids) == 5 * 4, "episodes 1–5 are approved; unscheduled, so no teaser yet (it names the day)"
    assert plan_campaign(store, season_id) == []
    assert [c.episode_number for c in channel.campaigns] == [1, 2], "one message per episode"
    assert {i.kind for i in channel.campaigns[0].items} == {"carousel", "quote", "writeup", "bts"}
    assert run_campaign_asset(store, ids[0], artifacts_dir=tmp_path) == "skipped", "a job runs once"
    slot(store, 2)
    teaser = plan_campaign(store, season_id)
    assert len(teaser) == 1, "once the slot is known, the teaser is planned"


def test_reactions_follow_the_approver_rules(store: Store, season_id: int, tmp_path: Path,
                                             channel: RecordingChannel) -> None:
    produce(store, season_id, tmp_path, channel, {1})
    ts = message_ts(store, 1)
    approve(store, channel, ts, user=OTHER)
    assert channel.private and "only this season's approvers" in channel.private[-1][1]
    approve(store, channel, ts)
    with store.session() as s:
        from agent.services.campaign_review import is_asset_approved

        episode = s.scalar(select(Episode).where(Episode.number == 1))
        assert all(is_asset_approved(s, a) for a in latest_assets(s, episode.id).values())
    assert channel.updates and "approved by" in channel.updates[-1][1] and "U_ARJUN" in channel.updates[-1][1]


def test_change_request_on_a_quote_graphic_regenerates_only_that_asset(
        store: Store, season_id: int, tmp_path: Path, channel: RecordingChannel) -> None:
    produce(store, season_id, tmp_path, channel, {3})
    approve(store, channel, message_ts(store, 3))
    with store.session() as s:
        episode_id = s.scalar(select(Episode.id).where(Episode.number == 3))
        before = {k: (a.id, a.version) for k, a in latest_assets(s, episode_id).items()}
    queued: list[int] = []
    assert campaign_command(store, channel, queued.append, season_id=season_id, user_id=APPROVER,
                            text="Ep 3 quote: use “Put it back. Now.”")
    assert len(queued) == 1
    run_all(store, queued, tmp_path, channel)
    with store.session() as s:
        after = {k: (a.id, a.version) for k, a in latest_assets(s, episode_id).items()}
        quote = s.get_one(Render, after["quote"][0])
        assert quote.meta["line"] == "Put it back. Now." and quote.files[0].endswith("_v2.png")
    assert after["quote"][1] == 2
    assert {k: v for k, v in after.items() if k != "quote"} == {k: v for k, v in before.items() if k != "quote"}
    reposted = channel.campaigns[-1]
    assert reposted.episode_number == 3 and [i.kind for i in reposted.items] == ["quote"]
    assert reposted.items[0].state == "IN_REVIEW", "a regenerated asset needs a fresh approval"


def test_publishes_approved_due_assets_once_and_holds_the_rest(
        store: Store, season_id: int, tmp_path: Path, channel: RecordingChannel) -> None:
    slot(store, 1)
    slot(store, 2)
    produce(store, season_id, tmp_path, channel, {1, 2})
    approve(store, channel, message_ts(store, 1))  # episode 2's campaign stays unapproved
    publishers = {"outbox": CampaignOutboxPublisher(tmp_path / "outbox")}
    early = publish_campaign_due(store, publishers, RELEASE - timedelta(hours=23))
    assert early.published == 1, "only the teaser goes out a day before release"
    on_release = publish_campaign_due(store, publishers, RELEASE + timedelta(minutes=1))
    assert on_release.published == 2  # quote + write-up
    again = publish_campaign_due(store, publishers, RELEASE + timedelta(minutes=1))
    assert again.published == 0 and again.held == on_release.held
    later = publish_campaign_due(store, publishers, RELEASE + timedelta(days=3))
    assert later.published == 2  # behind the scenes + recap
    with store.session() as s:
        assert s.scalar(select(func.count(Publication.id)).where(Publication.slot_id.is_(None))) == 5
    folder = tmp_path / "outbox" / f"season-{season_id}" / "campaign" / "ep01-carousel"
    assert len(list(folder.glob("*.png"))) >= 4 and (folder / "metadata.json").exists()
    assert any("Holding the Ep 2" in m.plain for m in on_release.messages)
    assert not list((tmp_path / "outbox" / f"season-{season_id}" / "campaign").glob("ep02-*"))


def test_an_asset_with_a_banned_word_is_flagged_and_never_published(
        store: Store, season_id: int, tmp_path: Path, channel: RecordingChannel) -> None:
    slot(store, 1)
    produce(store, season_id, tmp_path, channel, {1})
    approve(store, channel, message_ts(store, 1))
    with store.session() as s:  # the brand bans a word the approved copy uses, after approval
        s.add(PersonaBriefVersion(season_id=season_id, version=2,
                                  spec=PersonaBrief(banned_words=["cheap", "lighthouse"]).model_dump(mode="json")))
    publishers = {"outbox": CampaignOutboxPublisher(tmp_path / "outbox")}
    result = publish_campaign_due(store, publishers, RELEASE + timedelta(days=3))
    with store.session() as s:
        episode_id = s.scalar(select(Episode.id).where(Episode.number == 1))
        current = latest_assets(s, episode_id)
        published = set(s.scalars(select(Render.kind).join(Publication, Publication.render_id == Render.id)
                                  .where(Publication.status == "PUBLISHED", Render.kind != "episode")))
    flagged = {k for k, a in current.items() if a.status == "FLAGGED"}
    assert flagged and not flagged & published
    assert all("lighthouse" in " ".join(current[k].lint["remaining"]).lower() for k in flagged)
    assert any("flagged by the Persona Brief" in m.plain for m in result.messages)


@pytest.mark.parametrize("text, expected", [
    ("teaser 12 hours before, recap 3 days after", {"teaser": -12.0, "carousel": 72.0}),
    ("quote graphic on release", {"quote": 0.0}),
])
def test_marketer_changes_the_plan_in_conversation(store: Store, season_id: int, channel: RecordingChannel,
                                                   text: str, expected: dict[str, float]) -> None:
    from agent.services.campaign_chat import parse_plan
    from agent.services.campaign_publish import campaign_offsets

    assert parse_plan(text) == expected
    assert campaign_command(store, channel, lambda _i: None, season_id=season_id, user_id=APPROVER, text=text)
    with store.session() as s:
        offsets = campaign_offsets(s, season_id)
    assert all(offsets[k] == v for k, v in expected.items())
    assert not campaign_command(store, channel, lambda _i: None, season_id=season_id, user_id=APPROVER,
                                text="make episode 2 darker")


def test_thumbs_down_asks_which_asset_and_removing_thumbs_up_withdraws(
        store: Store, season_id: int, tmp_path: Path, channel: RecordingChannel) -> None:
    produce(store, season_id, tmp_path, channel, {1})
    ts = message_ts(store, 1)
    approve(store, channel, ts)
    react(store, channel, ts, reaction="-1")
    assert "Ep 1 quote" in channel.said[-1]
    react(store, channel, ts, reaction="+1::skin-tone-3", added=False)
    with store.session() as s:
        from agent.services.campaign_review import is_asset_approved

        episode = s.scalar(select(Episode).where(Episode.number == 1))
        assert not any(is_asset_approved(s, a) for a in latest_assets(s, episode.id).values())
    said = len(channel.said)
    assert react(store, channel, "9.9") == [] and len(channel.said) == said, "not a review message: nothing happens"


class BrokenPublisher:
    """A platform that keeps answering 502 (and echoes the token it was sent, as some do)."""

    name = "outbox"

    def __init__(self) -> None:
        self.calls = 0

    def publish(self, package):  # type: ignore[no-untyped-def]
        self.calls += 1
        raise RuntimeError("upstream 502 for token xoxb-1234567890-abcdefghij")


def test_a_campaign_asset_that_keeps_failing_gives_up_and_says_so_once(
        store: Store, season_id: int, tmp_path: Path, channel: RecordingChannel) -> None:
    from agent.sweep import publish_sweep

    slot(store, 1)
    produce(store, season_id, tmp_path, channel, {1})
    approve(store, channel, message_ts(store, 1))
    broken = BrokenPublisher()
    start = RELEASE + timedelta(minutes=1)

    def quote_news(at: datetime) -> list[tuple[str, str]]:
        result = publish_sweep(store, publishers={}, campaign_publishers={"outbox": broken}, now=at)
        return [(m.kind, m.plain) for m in result.messages if "quote" in m.plain]

    first = quote_news(start)
    assert [k for k, _ in first] == ["failed"] and "attempt 1 of 3" in first[0][1] and "I'll retry" in first[0][1]
    assert quote_news(start + timedelta(seconds=30)) == [], "waits for its backoff"
    assert [k for k, _ in quote_news(start + timedelta(minutes=1))] == ["failed"]
    last = quote_news(start + timedelta(minutes=3))
    assert [k for k, _ in last] == ["gave_up"] and "gave up after 3 attempts" in last[0][1]
    assert "I'll retry" not in last[0][1] and "xoxb-1234567890" not in last[0][1]
    assert quote_news(start + timedelta(hours=1)) == [], "given up is said once, not every minute"
    with store.session() as s:
        rows = s.execute(select(Publication.status, Publication.error, Publication.attempts).join(
            Render, Render.id == Publication.render_id).where(Render.kind == "quote")).all()
    assert [(status, attempts) for status, _e, attempts in rows] == [("GAVE_UP", 3)]
    assert "xoxb-1234567890" not in rows[0][1] and "REDACTED" in rows[0][1], "ledger errors are redacted"


def test_one_sweep_publishes_episodes_and_campaign_assets(
        store: Store, season_id: int, tmp_path: Path, channel: RecordingChannel) -> None:
    from agent.app.releases import publish_due
    from integrations.outbox import OutboxPublisher

    slot(store, 1)
    produce(store, season_id, tmp_path, channel, {1})
    approve(store, channel, message_ts(store, 1))
    app = app_of(store, channel, publishers={"outbox": OutboxPublisher(tmp_path / "outbox")})
    result = publish_due(app, RELEASE + timedelta(minutes=1),  # the worker's sweep (Runtime.publish_due)
                         {"outbox": CampaignOutboxPublisher(tmp_path / "outbox")}).result
    assert result.published == 1, "episode 1 went out on its slot"
    assert result.campaign_published == 3, "teaser, quote and write-up are due by release"
    with store.session() as s:
        kinds = sorted(s.scalars(select(Render.kind).join(Publication, Publication.render_id == Render.id)
                                 .where(Publication.status == "PUBLISHED")))
    assert kinds == ["episode", "quote", "teaser", "writeup"]
    assert sum("Published" in text for text in channel.said) == 4, "every publication was told in the thread"
