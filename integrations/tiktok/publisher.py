"""The TikTok publisher: one PublishPackage → one TikTok post (direct) or inbox draft, exactly once per key.

The publish_id is saved (with its upload URL) before the upload starts — in the publication ledger row when run by the
sweep (tools/publish_ledger.PublicationState, so any worker can resume), in JSON files when run standalone. A retry after a crash looks that publish_id
up first: still waiting for bytes → upload to the same URL; processing or done → just poll; failed or the URL expired
→ only then initialise again. So a crash between init and upload costs no second post and no extra init call.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent.ports import PublishPackage, PublishResult
from integrations.tiktok.client import (
    DEFAULT_CHUNK,
    FAILED,
    PUBLISH_COMPLETE,
    SEND_TO_USER_INBOX,
    CreatorInfo,
    TikTokClient,
    TikTokError,
    plan_chunks,
)
from integrations.tiktok.mp4 import mp4_duration_s
from integrations.tiktok.settings import TikTokSettings
from integrations.tiktok.state import JsonFileState, PublishState

SELF_ONLY = "SELF_ONLY"
# TikTok's answers when a creator or an unaudited app hit a posting cap (direct) or the pending-share cap (inbox)
DIRECT_LIMIT_CODES = frozenset({"spam_risk_too_many_posts", "reached_active_user_cap"})
INBOX_LIMIT_CODES = frozenset({"spam_risk_too_many_pending_share"})
INIT_PER_MINUTE = 6
UPLOAD_URL_TTL_S = 55 * 60  # TikTok's upload URLs live an hour; leave a margin
TITLE_LIMIT = 2200


class TikTokPublisher:
    """Posts through the Content Posting API. Unaudited apps may only post SELF_ONLY (DESIGN §4), so that is the
    default; an audited app gets `privacy_level` when the creator's account offers it."""

    name = "tiktok"

    def __init__(self, client: TikTokClient, state: PublishState, *, mode: str = "direct", audited: bool = False,
                 privacy_level: str = "PUBLIC_TO_EVERYONE", brand_organic: bool = True, brand_content: bool = False,
                 chunk_size: int = DEFAULT_CHUNK, poll_interval_s: float = 3.0, poll_timeout_s: float = 600.0,
                 clock: Callable[[], float] = time.time, inbox_fallback: bool = True, posts_per_day: int = 15,
                 pending_inbox_per_day: int = 5) -> None:
        if mode not in ("direct", "inbox"):
            raise ValueError("mode is 'direct' (post now) or 'inbox' (draft the creator finishes in the app)")
        self.client, self.state, self.mode, self.audited = client, state, mode, audited
        self.privacy_level, self.brand_organic, self.brand_content = privacy_level, brand_organic, brand_content
        self.chunk_size, self.poll_interval_s, self.poll_timeout_s = chunk_size, poll_interval_s, poll_timeout_s
        self.clock, self.inbox_fallback = clock, inbox_fallback
        self.posts_per_day, self.pending_inbox_per_day = posts_per_day, pending_inbox_per_day

    @staticmethod
    def _done(mode: str) -> frozenset[str]:
        """The statuses that end a post in this mode (an inbox draft is done once it reaches the inbox)."""
        return frozenset({PUBLISH_COMPLETE} if mode == "direct" else {SEND_TO_USER_INBOX, PUBLISH_COMPLETE})

    def limits(self) -> dict[str, Any]:
        """What the scheduler must plan around (tools/publish_plan.py): configuration plus creator_info now.

        creator_info may fail (expired token): the plan then says so instead of guessing the duration limit.
        """
        found: dict[str, Any] = {"mode": self.mode, "private_only": not self.audited,
                                 "posts_per_day": self.posts_per_day, "init_per_minute": INIT_PER_MINUTE,
                                 "pending_inbox_per_day": self.pending_inbox_per_day,
                                 "ai_label_field": "post_info.is_aigc"}
        try:
            creator = self.client.creator_info()
        except TikTokError as exc:
            found["problem"] = str(exc)
        else:
            found.update(max_duration_s=creator.max_video_post_duration_sec, account=f"@{creator.username}")
        return found

    def choose_privacy(self, creator: CreatorInfo) -> str:
        """SELF_ONLY unless audited; never a level the account doesn't offer; branded content can't be private."""
        wanted = self.privacy_level if self.audited else SELF_ONLY
        if wanted not in creator.privacy_level_options:
            raise TikTokError("privacy_level_unavailable", f"'{wanted}' is not offered for @{creator.username} "
                              f"(options: {', '.join(creator.privacy_level_options) or 'none'})")
        if wanted == SELF_ONLY and self.brand_content:
            raise TikTokError("brand_content_private", "branded content cannot be posted SELF_ONLY; get the app "
                              "audited or use brand_organic for the brand's own account")
        return wanted

    def post_info(self, package: PublishPackage, creator: CreatorInfo) -> dict[str, Any]:
        """post_info for a direct post, respecting the creator's own interaction settings."""
        title = " ".join([package.caption, *package.hashtags]).strip()
        return {"title": title[:TITLE_LIMIT], "privacy_level": self.choose_privacy(creator),
                "disable_comment": creator.comment_disabled, "disable_duet": creator.duet_disabled,
                "disable_stitch": creator.stitch_disabled, "video_cover_timestamp_ms": 1000,
                "brand_content_toggle": self.brand_content, "brand_organic_toggle": self.brand_organic,
                "is_aigc": bool(getattr(package, "ai_generated", True))}  # TikTok's AI-generated content label

    def publish(self, package: PublishPackage) -> PublishResult:
        """Post once per idempotency key; a repeat returns the first result, a retry resumes where it stopped."""
        key = package.idempotency_key
        record = self.state.get(key) or {}
        if record.get("final"):
            return self._result(record)
        publish_id = self._resume(key, record, package.video_path)
        if publish_id is None:
            record = self._start(key, package)
            publish_id = record["publish_id"]
        record = {**(self.state.get(key) or record), "publish_id": publish_id}
        status = self.client.wait_for(publish_id, self._done(record.get("mode", self.mode)),
                                      interval_s=self.poll_interval_s, timeout_s=self.poll_timeout_s)
        if status.status == FAILED:
            self.state.put(key, {**record, "failed": status.fail_reason or "unknown"})
            raise TikTokError("publish_failed", f"{publish_id}: {status.fail_reason or 'no reason given'}")
        record.update(final=status.status, post_ids=status.post_ids)
        self.state.put(key, record)
        return self._result(record)

    def _resume(self, key: str, record: dict[str, Any], video: Path) -> str | None:
        """Carry on with a saved publish_id if TikTok still has it; None means 'initialise a new one'."""
        publish_id = record.get("publish_id")
        if not publish_id or record.get("failed"):
            return None
        status = self.client.fetch_status(publish_id)
        if status.status == FAILED:
            return None
        if status.status != "PROCESSING_UPLOAD":
            return str(publish_id)  # TikTok has the bytes: only polling is left
        if self.clock() - float(record.get("initialised_at", 0)) > UPLOAD_URL_TTL_S:
            return None
        self.client.upload(record["upload_url"], video, plan_chunks(video.stat().st_size, self.chunk_size))
        self.state.put(key, {**record, "uploaded": True})
        return str(publish_id)

    def _start(self, key: str, package: PublishPackage) -> dict[str, Any]:
        """creator_info → init → save the publish_id → upload. The save comes before the bytes, on purpose.

        A direct post refused for a posting cap becomes an inbox draft (the creator finishes it in the app); an inbox
        refused for its pending-share cap, or a video longer than the account may post, goes to the outbox instead
        (TikTokError.fallback) — a clear "post this by hand" beats an episode that silently never airs.
        """
        video = Path(package.video_path)
        plan = plan_chunks(video.stat().st_size, self.chunk_size)
        creator = self.client.creator_info()
        duration, limit = mp4_duration_s(video), creator.max_video_post_duration_sec
        if duration is not None and limit and duration > limit:
            raise TikTokError("duration_over_limit", f"the episode runs {duration:.0f} s but @{creator.username} "
                              f"may post at most {limit} s through the API", fallback="outbox")
        mode, fell_back_from = self.mode, None
        if mode == "direct":
            try:
                publish_id, upload_url = self.client.init_direct_post(self.post_info(package, creator), plan)
            except TikTokError as exc:
                if exc.code not in DIRECT_LIMIT_CODES or not self.inbox_fallback:
                    raise
                mode, fell_back_from = "inbox", exc.code
        if mode == "inbox":
            try:
                publish_id, upload_url = self.client.init_inbox_upload(plan)
            except TikTokError as exc:
                if exc.code not in INBOX_LIMIT_CODES:
                    raise
                raise TikTokError(exc.code, f"{exc.message or 'too many pending inbox drafts'}"
                                  + (f" (after {fell_back_from})" if fell_back_from else ""), exc.log_id,
                                  exc.http_status, fallback="outbox") from exc
        record = {"publish_id": publish_id, "upload_url": upload_url, "initialised_at": self.clock(),
                  "username": creator.username, "mode": mode, "uploaded": False, "fell_back_from": fell_back_from}
        self.state.put(key, record)
        self.client.upload(upload_url, video, plan)
        record["uploaded"] = True
        self.state.put(key, record)
        return record

    def _result(self, record: dict[str, Any]) -> PublishResult:
        """Where the post is: its public URL when TikTok gave a post id, else the publish_id."""
        post_ids, username, publish_id = record.get("post_ids") or [], record.get("username"), record["publish_id"]
        if post_ids and username:
            return PublishResult(external_id=post_ids[0], location=f"https://www.tiktok.com/@{username}/video/"
                                 f"{post_ids[0]}")
        kind = "inbox" if record.get("final") == SEND_TO_USER_INBOX else "publish"
        why = record.get("fell_back_from")
        note = (f" (an inbox draft for @{username} — TikTok refused a direct post: {why}; finish it in the app)"
                if why else "")
        return PublishResult(external_id=publish_id, location=f"tiktok:{kind}/{publish_id}{note}")


def from_settings(*, publish_state: PublishState | None = None, cliffhanger_home: Path | str | None = None,
                  **values: Any) -> TikTokPublisher:
    """Plug-in factory (entry point `tiktok`): needs TIKTOK_ACCESS_TOKEN (see TikTokSettings).

    publish_ids are remembered in `publish_state` — the composition root passes the database-backed ledger state so
    any worker can resume — or, standalone, in JSON files under <home>/tiktok-state.
    """
    cfg = TikTokSettings.from_values(values)
    token = cfg.access_token.get_secret_value() if cfg.access_token else ""
    if not token:
        raise ValueError("the tiktok publisher needs TIKTOK_ACCESS_TOKEN (a user token with video.publish)")
    if publish_state is None:
        state_dir = cfg.state_dir or Path(cliffhanger_home or ".cliffhanger") / "tiktok-state"
        publish_state = JsonFileState(state_dir)
    return TikTokPublisher(TikTokClient(token, base_url=cfg.api_base_url), publish_state,
                           mode=cfg.mode, audited=cfg.audited, privacy_level=cfg.privacy_level,
                           inbox_fallback=cfg.inbox_fallback, posts_per_day=cfg.posts_per_day,
                           pending_inbox_per_day=cfg.pending_inbox_per_day)
