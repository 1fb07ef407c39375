"""The spend gate and the two passes at the use-case level, against the Gemini/Veo stand-ins (issue 14).

Keyed path: every animatic approved → the estimate is posted unasked → a bystander's approval is refused privately
→ an approver's is recorded → final renders queued → the final render runs (keyframes, face-lock) → its card says
"Final render" with the identity figures and the spend → it must be approved again before it can be published.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from agent.app import spend as spend_app
from agent.app import votes
from agent.domain import EpisodeStatus, LeadLock
from agent.ports import RenderRequest
from agent.services import final_pass, spend
from agent.services.production import plan_renders, run_render
from agent.store.models import Episode, Render, Season, SpendEstimate
from integrations.gemini.keyframes import GeminiKeyframes
from integrations.gemini.veo import vertex_client
from integrations.generative.backend import GenerativeBackend
from integrations.generative.settings import GenerativeSettings
from tests.app.conftest import APPROVER, BYSTANDER, Harness, build_season, text_of
from tests.fakes.veo_server import FakeVeo

skimage = pytest.importorskip("skimage")
ASTRONAUT = Path(skimage.__file__).parent / "data" / "astronaut.png"


class SmallFrames:
    """The real generative backend, asked for small, short frames (the test's render budget), nothing else."""

    def __init__(self, inner: GenerativeBackend) -> None:
        self.inner, self.name = inner, inner.name

    @property
    def season_budget_usd(self) -> float:
        return self.inner.season_budget_usd

    def _small(self, request: RenderRequest) -> RenderRequest:
        return request.model_copy(update={"width": 288, "height": 512, "fps": 10, "preset": "ultrafast"})

    def render(self, request: RenderRequest) -> Any:
        return self.inner.render(self._small(request))

    def estimate_items(self, requests: list[RenderRequest]) -> list[spend.LineItem]:
        return self.inner.estimate_items([self._small(r) for r in requests])


@pytest.fixture
def fake():
    with FakeVeo(size=(288, 512)) as server:
        yield server


def generative(store, fake: FakeVeo, budget: float = 400.0) -> SmallFrames:
    cfg = GenerativeSettings(GOOGLE_CLOUD_PROJECT="proj-1", VERTEX_BASE_URL=fake.base_url,
                             VERTEX_ACCESS_TOKEN=fake.token, motion="camera", max_candidates=2,
                             season_budget_usd=budget)
    client = vertex_client("proj-1", "us-central1", base_url=fake.base_url, access_token=fake.token)
    return SmallFrames(GenerativeBackend(cfg, store, GeminiKeyframes(client, sleep=lambda s: None), None))


def season_with_photo_lead(harness: Harness, tmp_path: Path, episodes: int = 1) -> int:
    """A season in review whose lead is locked to a real face photograph (the face-lock's reference)."""
    built = build_season(harness.app.store, tmp_path, episodes=episodes)
    portrait = tmp_path / "maya.png"
    Image.open(ASTRONAUT).convert("RGB").save(portrait)
    with harness.app.store.session() as session:
        season = session.get_one(Season, built.season_id)
        season.lead = LeadLock(persona_id=1, name="Maya", portrait_path=str(portrait), portrait_hash="abc",
                               seed=1).model_dump(mode="json")
    return built.season_id


def approve_all(harness: Harness, season_id: int, episodes: int) -> None:
    for number in range(1, episodes + 1):
        votes.vote_on_episode(harness.app, season_id=season_id, number=number, user_id=APPROVER, approve=True,
                              via="button")


def final_render_queued(harness: Harness, tmp_path: Path, fake: FakeVeo) -> tuple[int, SmallFrames, int, int]:
    """One approved animatic, its estimate approved by an approver: (season, backend, estimate, queued final render)."""
    season_id = season_with_photo_lead(harness, tmp_path)
    backend = generative(harness.app.store, fake)
    harness.app.final_backend = lambda: backend
    approve_all(harness, season_id, 1)
    (view,) = harness.channel.of("ask_spend")
    spend_app.decide(harness.app, actor=APPROVER, approve=True, estimate_id=view.estimate_id)
    (render_id,) = harness.renders
    return season_id, backend, view.estimate_id, render_id


def latest(store, season_id: int, number: int) -> Render:
    with store.session() as session:
        render = session.scalars(select(Render).join(Episode).where(
            Episode.season_id == season_id, Episode.number == number).order_by(Render.id.desc())).first()
        session.expunge(render)
        return render


def test_parsing_of_the_thread_words():
    assert spend_app.parse_episodes("final render ep 1-8") == list(range(1, 9))
    assert spend_app.parse_episodes("make the final render") is None
    assert spend_app.APPROVE.search("approve spend") and not spend_app.APPROVE.search("approve 4-6")
    assert spend_app.CANCEL.search("cancel the spend") and not spend_app.CANCEL.search("cancel the render")
    assert spend_app.FINAL.search("Final render for episodes 1, 2 and 3")
    assert not spend_app.FINAL.search("Ep 3: in the final cut make it darker")  # a note, not a request to pay


def test_without_a_final_backend_the_thread_is_told_what_is_missing(harness, tmp_path):
    season_id = season_with_photo_lead(harness, tmp_path)
    assert spend.status_line(harness.app.store, season_id) is None  # no estimate yet: status says nothing
    assert spend_app.handle_text(harness.app, season_id=season_id, user_id=APPROVER, text="make the final render")
    assert "GOOGLE_CLOUD_PROJECT" in harness.channel.said()[-1]
    assert harness.channel.of("ask_spend") == []


def test_final_render_waits_for_an_approved_animatic_unless_final_directly(harness, tmp_path, fake):
    season_id = season_with_photo_lead(harness, tmp_path, episodes=2)
    harness.app.final_backend = lambda: generative(harness.app.store, fake)
    spend_app.handle_text(harness.app, season_id=season_id, user_id=APPROVER, text="final render ep 1-2")
    assert "isn't approved yet" in harness.channel.said()[-1] and harness.channel.of("ask_spend") == []

    spend_app.handle_text(harness.app, season_id=season_id, user_id=BYSTANDER, text="final directly")
    assert harness.channel.of("notify_user")[-1][0] == BYSTANDER  # only the creator or an approver
    spend_app.handle_text(harness.app, season_id=season_id, user_id=APPROVER, text="final directly")
    spend_app.handle_text(harness.app, season_id=season_id, user_id=APPROVER, text="final render ep 1-2")
    (view,) = harness.channel.of("ask_spend")
    assert view.episodes == [1, 2] and view.amount_usd > 0 and view.status == spend.PENDING
    assert harness.renders == []  # nothing queued, nothing spent, until an approver approves


def test_budget_exceeded_is_said_in_the_thread(harness, tmp_path, fake):
    season_id = season_with_photo_lead(harness, tmp_path)
    harness.app.final_backend = lambda: generative(harness.app.store, fake, budget=0.01)
    approve_all(harness, season_id, 1)  # all animatics approved: the estimate is tried unasked
    assert harness.channel.of("ask_spend") == []
    assert any("budget is $0.01" in text for text in harness.channel.said())


def test_cancel_after_approval_drops_queued_finals_and_the_animatic_stays_the_cut(harness, tmp_path, fake):
    season_id = season_with_photo_lead(harness, tmp_path, episodes=2)
    harness.app.final_backend = lambda: generative(harness.app.store, fake)
    approve_all(harness, season_id, 2)
    (view,) = harness.channel.of("ask_spend")
    spend_app.decide(harness.app, actor=APPROVER, approve=True, estimate_id=view.estimate_id)
    assert len(harness.renders) == 2 and all(final_pass.is_final(latest(harness.app.store, season_id, n))
                                             for n in (1, 2))
    assert plan_renders(harness.app.store, season_id) == []  # a final of the same inputs is a current cut

    spend_app.handle_text(harness.app, season_id=season_id, user_id=APPROVER, text="cancel spend")
    assert "nothing more is spent" in harness.channel.said()[-1] and "Ep 1–2 keep" in harness.channel.said()[-1]
    with harness.app.store.session() as session:
        statuses = [e.status for e in session.scalars(select(Episode).where(Episode.season_id == season_id))]
    assert statuses == [EpisodeStatus.APPROVED, EpisodeStatus.APPROVED]
    assert not final_pass.is_final(latest(harness.app.store, season_id, 1))  # the approved animatic again


def test_a_final_render_whose_spend_was_cancelled_mid_season_spends_nothing(harness, tmp_path, fake, settings):
    season_id, backend, estimate_id, render_id = final_render_queued(harness, tmp_path, fake)
    spend.cancel(harness.app.store, estimate_id, APPROVER)  # cancelled after the job was queued
    outcome = run_render(harness.app.store, render_id, backend=backend, continuity=lambda r, o: {},
                         artifacts_dir=settings.artifacts_dir, channel=harness.channel,
                         final_backend=harness.app.final_backend)
    assert outcome == "cancelled" and fake.requests_to(":generateContent") == []
    assert "final render stopped" in harness.channel.said()[-1]
    assert not final_pass.is_final(latest(harness.app.store, season_id, 1))


@pytest.mark.slow
def test_keyed_path_spend_approved_final_render_card_and_second_approval(harness, tmp_path, fake, settings):
    from agent.bootstrap import continuity_report
    from tools.publish_package import check_approval

    store = harness.app.store
    season_id = season_with_photo_lead(harness, tmp_path)
    harness.app.final_backend = lambda: generative(store, fake)
    approve_all(harness, season_id, 1)  # the animatic approved → the estimate is posted without being asked
    (view,) = harness.channel.of("ask_spend")
    assert view.episodes == [1] and view.items and view.amount_usd > 0

    spend_app.decide(harness.app, actor=BYSTANDER, approve=True, estimate_id=view.estimate_id)
    user, told = harness.channel.of("notify_user")[-1]
    assert user == BYSTANDER and "approvers" in text_of(told) and harness.renders == []
    with store.session() as session:
        assert session.get_one(SpendEstimate, view.estimate_id).status == spend.PENDING

    spend_app.decide(harness.app, actor=APPROVER, approve=True, estimate_id=view.estimate_id)
    ts, decided = harness.channel.of("update_spend")[-1]
    assert decided.status == spend.APPROVED and decided.decided_by == APPROVER
    (render_id,) = harness.renders
    with store.session() as session:
        assert session.get_one(SpendEstimate, view.estimate_id).message_ts == ts  # recorded before rendering

    assert run_render(store, render_id, backend=harness.app.final_backend(), continuity=continuity_report,
                      artifacts_dir=settings.artifacts_dir, preset="ultrafast", channel=harness.channel,
                      artifacts=harness.app.artifacts, final_backend=harness.app.final_backend) == "done"
    card = harness.channel.of("post_for_review")[-1]
    assert card.render_id == render_id and card.pass_label == "Final render"
    assert card.identity_lines and card.identity_lines[0].startswith("Maya: identity distance 0.")
    assert not card.identity_flagged and card.spend_usd and card.spend_usd > 0
    assert spend.season_spend(store, season_id, 400).spent_usd == pytest.approx(card.spend_usd, abs=0.01)
    assert spend.spent_on(store, view.estimate_id) == pytest.approx(card.spend_usd, abs=0.01)
    with store.session() as session:  # the spend rows point at the render they paid for
        from agent.store.models import SpendRecord

        assert {r.render_id for r in session.scalars(select(SpendRecord))} == {render_id}
        episode = session.scalar(select(Episode).where(Episode.season_id == season_id))
        check = check_approval(session, episode)
        assert check.render.id == render_id and not check.approved  # the final cut needs its own approval

    votes.vote_on_episode(harness.app, season_id=season_id, number=1, user_id=APPROVER, approve=True, via="button")
    with store.session() as session:
        episode = session.scalar(select(Episode).where(Episode.season_id == season_id))
        check = check_approval(session, episode)
        assert check.approved and check.render.id == render_id  # the final cut is what gets published
    assert len(harness.channel.of("ask_spend")) == 1  # all approved again: nothing left to estimate
    line = spend.status_line(store, season_id)
    assert line is not None and f"${card.spend_usd:,.2f} spent of ${view.amount_usd:,.2f} approved" in line


def test_without_keys_the_thread_hears_why_only_when_someone_asks(harness, tmp_path):
    from agent.settings import Settings
    from integrations.generative.factory import final_backend_factory

    season_id = season_with_photo_lead(harness, tmp_path)
    harness.app.final_backend = final_backend_factory(Settings(CLIFFHANGER_HOME=tmp_path, GOOGLE_API_KEY=None),
                                                      harness.app.store)
    with harness.app.store.session() as session:
        session.get_one(Season, season_id).final_directly = True  # eligible: the backend is really asked
    assert spend_app.ask_final(harness.app, season_id=season_id, actor="cliffhanger", auto=True) == []
    assert harness.channel.said() == []  # the unasked estimate, nothing configured: nobody is bothered
    spend_app.handle_text(harness.app, season_id=season_id, user_id=APPROVER, text="make the final render")
    said = harness.channel.said()[-1]
    assert "isn't set up here" in said and "GOOGLE_API_KEY" in said and harness.channel.of("ask_spend") == []


def test_a_worker_without_the_final_backend_drops_the_final_render_and_says_so(harness, tmp_path, fake, settings):
    season_id, backend, _estimate, render_id = final_render_queued(harness, tmp_path, fake)
    outcome = run_render(harness.app.store, render_id, backend=backend, continuity=lambda r, o: {},
                         artifacts_dir=settings.artifacts_dir, channel=harness.channel)  # no final_backend wired
    assert outcome == "cancelled" and "isn't set up here" in harness.channel.said()[-1]
    assert not final_pass.is_final(latest(harness.app.store, season_id, 1))
