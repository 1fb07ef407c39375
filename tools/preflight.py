"""Preflight: before anything is booked, check a season against each destination's own rules, and say so.

Pure: it takes plain facts (each episode's duration, frame, caption, hashtags) and, per platform, the limits its
publisher reports (`limits()`, duck-typed as in tools/publish_plan.py — no adapter is imported here) laid over the
platform rules below. It returns a `PreflightView` (pydantic) the thread can show; `to_text()` is the plain-text
form every review channel can print. Checks, per platform: duration and aspect limits, quota left, the
AI-generated-content disclosure (TikTok's AIGC label, YouTube's synthetic-media flag), caption and hashtag lengths,
and "Part N" numbering where the platform has no series.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field

Level = Literal["ok", "note", "warn", "block"]
VERTICAL = 9 / 16
MARK = {"ok": "✓", "note": "·", "warn": "!", "block": "✗"}

# What each platform allows, as published (checked 2026-12). A publisher's limits() overrides these per account.
RULES: dict[str, dict[str, Any]] = {
    "tiktok": {"label": "TikTok", "max_duration_s": 600, "min_duration_s": 3, "aspect": "9:16",
               "caption_limit": 2200, "hashtag_limit": None, "series": None,
               "ai_label_field": "post_info.is_aigc"},
    "youtube": {"label": "YouTube Shorts", "max_duration_s": 180, "min_duration_s": 1, "aspect": "9:16",
                "landscape_allowed": False, "caption_limit": 5000, "title_limit": 100, "hashtag_limit": 60,
                "series": "playlist", "ai_label_field": "status.containsSyntheticMedia"},
    "instagram": {"label": "Instagram Reels", "max_duration_s": 900, "min_duration_s": 3, "aspect": "9:16",
                  "caption_limit": 2200, "hashtag_limit": 30, "series": None, "ai_label_field": None,
                  "part_label": True},
    "facebook": {"label": "Facebook Reels", "max_duration_s": 90, "min_duration_s": 3, "aspect": "9:16",
                 "landscape_allowed": False, "caption_limit": 2200, "hashtag_limit": 30, "series": None,
                 "ai_label_field": None, "part_label": True},
    "linkedin": {"label": "LinkedIn", "max_duration_s": 1800, "min_duration_s": 3, "aspect": "9:16",
                 "caption_limit": 3000, "hashtag_limit": None, "series": None, "ai_label_field": None,
                 "part_label": True},
}


class EpisodeFacts(BaseModel):
    """What preflight needs to know about one episode (from its latest approved render and its package)."""

    number: int
    title: str = ""
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    caption: str = ""
    hashtags: list[str] = Field(default_factory=list)
    ai_generated: bool = True


class Check(BaseModel):
    """One finding: what was checked, how it came out, in a sentence for the thread."""

    topic: str  # duration | aspect | quota | disclosure | caption | hashtags | numbering | account
    level: Level
    message: str


class PlatformPreflight(BaseModel):
    """Everything preflight found for one destination."""

    platform: str
    label: str
    checks: list[Check] = Field(default_factory=list)
    quota_left: int | None = None
    example_caption: str = ""

    @property
    def blocked(self) -> bool:
        """True when something must change before booking (an episode the platform would refuse)."""
        return any(c.level == "block" for c in self.checks)

    @property
    def warnings(self) -> int:
        """How many findings need a look."""
        return sum(1 for c in self.checks if c.level in ("warn", "block"))


class PreflightView(BaseModel):
    """The season's preflight across destinations — a domain view; channels render it."""

    season_title: str
    episode_count: int
    platforms: list[PlatformPreflight]

    @property
    def blocked(self) -> bool:
        """True when any destination would refuse an episode as it stands."""
        return any(p.blocked for p in self.platforms)

    def to_text(self) -> str:
        """Plain text, one block per destination (no channel-specific markup)."""
        lines = [f"Preflight for “{self.season_title}” ({self.episode_count} episodes)"]
        for platform in self.platforms:
            state = "needs changes" if platform.blocked else (
                f"{platform.warnings} thing(s) to look at" if platform.warnings else "ready")
            quota = f" · quota left: {platform.quota_left}" if platform.quota_left is not None else ""
            lines.append(f"\n{platform.label} — {state}{quota}")
            lines += [f"  {MARK[c.level]} {c.message}" for c in platform.checks]
            if platform.example_caption:
                lines.append(f"  Ep 1 caption there: “{platform.example_caption[:140]}”")
        return "\n".join(lines)


def part_label(number: int, count: int | None) -> str:
    """'Part 3/10' — the same words the Reels publishers put in front of the caption."""
    return f"Part {number}/{count}" if count else f"Part {number}"


def collect_limits(publishers: Mapping[str, object]) -> dict[str, dict[str, Any]]:
    """Each publisher's limits() (when it has one); a failure to ask becomes a 'problem' the view shows."""
    found: dict[str, dict[str, Any]] = {}
    for name, publisher in publishers.items():
        probe = getattr(publisher, "limits", None)
        if not callable(probe):
            found[name] = {}
            continue
        try:
            found[name] = dict(probe())
        except Exception as exc:  # noqa: BLE001 — a platform that cannot be asked is a finding, not a crash
            found[name] = {"problem": f"{type(exc).__name__}: {exc}"}
    return found


def _numbered(caption: str, number: int) -> bool:
    return re.search(rf"\b(part|ep\.?|episode)\s*{number}\b", caption, re.IGNORECASE) is not None


def _duration(rules: Mapping[str, Any], label: str, episodes: list[EpisodeFacts]) -> list[Check]:
    cap, floor = rules.get("max_duration_s"), rules.get("min_duration_s") or 0
    out = [Check(topic="duration", level="block", message=f"Ep {e.number} runs {e.duration_s:.0f} s; {label} takes "
                 f"at most {cap} s — trim it or leave {label} out for this episode")
           for e in episodes if cap and e.duration_s is not None and e.duration_s > cap]
    out += [Check(topic="duration", level="block", message=f"Ep {e.number} runs {e.duration_s:.1f} s; {label} needs "
                  f"at least {floor} s") for e in episodes if e.duration_s is not None and e.duration_s < floor]
    unknown = [e.number for e in episodes if e.duration_s is None]
    if unknown:
        out.append(Check(topic="duration", level="warn", message=f"no finished render yet for Ep "
                         f"{', '.join(map(str, unknown))}: their length is checked once rendered"))
    if not out and cap:
        longest = max((e.duration_s or 0 for e in episodes), default=0)
        out.append(Check(topic="duration", level="ok", message=f"every episode within {cap} s (longest "
                         f"{longest:.0f} s)"))
    return out


def _aspect(rules: Mapping[str, Any], label: str, episodes: list[EpisodeFacts]) -> list[Check]:
    out = []
    for e in episodes:
        if not e.width or not e.height:
            continue
        ratio = e.width / e.height
        if ratio > 1 and not rules.get("landscape_allowed", True):
            out.append(Check(topic="aspect", level="block", message=f"Ep {e.number} is landscape ({e.width}×"
                             f"{e.height}); {label} takes vertical video only"))
        elif abs(ratio - VERTICAL) > 0.01:
            out.append(Check(topic="aspect", level="warn", message=f"Ep {e.number} is {e.width}×{e.height}, not "
                             f"9:16: {label} will letterbox or crop it"))
    if not out and any(e.width for e in episodes):
        out.append(Check(topic="aspect", level="ok", message="9:16 vertical, as the feed expects"))
    return out


def _quota(limits: Mapping[str, Any], label: str, booking: int) -> list[Check]:
    if limits.get("problem"):
        return [Check(topic="quota", level="warn", message=f"I couldn't ask {label} what's left today "
                      f"({limits['problem']}); the checks use the published limits")]
    left = limits.get("quota_left")
    if left is None:
        daily = limits.get("posts_per_day")
        return [Check(topic="quota", level="note", message=f"{label} allows {daily} posts a day through the API; "
                      "it doesn't say how many are left")] if daily else []
    if left < 1:
        return [Check(topic="quota", level="warn", message=f"{label}'s quota for today is used up: the first "
                      "release waits until it resets")]
    if left < booking:
        return [Check(topic="quota", level="warn", message=f"only {left} upload(s) left today on {label} for "
                      f"{booking} episodes: spread releases over days")]
    return [Check(topic="quota", level="ok", message=f"{left} upload(s) left today")]


def _disclosure(rules: Mapping[str, Any], limits: Mapping[str, Any], label: str,
                episodes: list[EpisodeFacts]) -> list[Check]:
    if not any(e.ai_generated for e in episodes):
        return [Check(topic="disclosure", level="ok", message="nothing AI-generated to disclose")]
    field = rules.get("ai_label_field")
    if field is None:
        return [Check(topic="disclosure", level="note", message=f"{label} has no API field for its AI label: say "
                      "it in the caption, or the platform may label it from the file's metadata")]
    if limits.get("ai_label_field") == field:
        return [Check(topic="disclosure", level="ok", message=f"AI-generated content declared ({field})")]
    return [Check(topic="disclosure", level="warn", message=f"the episodes are AI-generated but the {label} "
                  f"publisher doesn't set {field} yet: turn the label on in the app before going public")]


def _caption(rules: Mapping[str, Any], label: str, episodes: list[EpisodeFacts], captions: dict[int, str]) -> list[
        Check]:
    out: list[Check] = []
    limit, tag_limit = rules.get("caption_limit"), rules.get("hashtag_limit")
    for e in episodes:
        text = captions[e.number]
        if limit and len(text) > limit:
            out.append(Check(topic="caption", level="warn", message=f"Ep {e.number}'s caption is {len(text)} "
                             f"characters; {label} keeps {limit}, the rest is cut"))
        if tag_limit and len(e.hashtags) > tag_limit:
            out.append(Check(topic="hashtags", level="warn", message=f"Ep {e.number} has {len(e.hashtags)} "
                             f"hashtags; {label} takes {tag_limit}"))
    if not out:
        longest = max((len(c) for c in captions.values()), default=0)
        out.append(Check(topic="caption", level="ok", message=f"captions fit (longest {longest}"
                         + (f" of {limit}" if limit else "") + " characters)"))
    return out


def _numbering(rules: Mapping[str, Any], label: str, episodes: list[EpisodeFacts]) -> list[Check]:
    series = rules.get("series")
    if series:
        return [Check(topic="numbering", level="ok", message=f"episodes go into one season {series}, in order")]
    if rules.get("part_label"):
        return [Check(topic="numbering", level="ok", message=f"{label} has no series: each caption starts with "
                      f"“{part_label(1, len(episodes))}”, “{part_label(2, len(episodes))}”…")]
    missing = [e.number for e in episodes if not _numbered(e.caption, e.number)]
    if missing:
        return [Check(topic="numbering", level="warn", message=f"{label} has no series through the API and the "
                      f"captions of Ep {', '.join(map(str, missing))} don't say which part they are: add “Part N”")]
    return [Check(topic="numbering", level="ok", message=f"{label} has no series: captions carry the episode "
                  "number")]


def _caption_there(rules: Mapping[str, Any], e: EpisodeFacts, count: int) -> str:
    body = " ".join(filter(None, [e.caption, " ".join(e.hashtags)]))
    if rules.get("part_label"):
        body = f"{part_label(e.number, count)} · {body}"
    return body


def preflight(season_title: str, episodes: Iterable[EpisodeFacts], platforms: Iterable[str],
              limits: Mapping[str, Mapping[str, Any]] | None = None) -> PreflightView:
    """Check every episode against every destination; limits (from `collect_limits`) override the rules."""
    eps = sorted(episodes, key=lambda e: e.number)
    views = []
    for platform in dict.fromkeys(platforms):
        reported = dict((limits or {}).get(platform) or {})
        rules = {**RULES.get(platform, {"label": platform.title()}),
                 **{k: v for k, v in reported.items() if v is not None and k != "ai_label_field"}}
        label = str(rules.get("label", platform))
        captions = {e.number: _caption_there(rules, e, len(eps)) for e in eps}
        checks = [*_duration(rules, label, eps), *_aspect(rules, label, eps),
                  *_quota(reported, label, len(eps)), *_disclosure(rules, reported, label, eps),
                  *_caption(rules, label, eps, captions), *_numbering(rules, label, eps)]
        if reported.get("private_only"):
            checks.append(Check(topic="account", level="warn", message=f"the {label} app is not audited yet: posts "
                                "go up private until it is"))
        views.append(PlatformPreflight(platform=platform, label=label, checks=checks,
                                       quota_left=reported.get("quota_left"),
                                       example_caption=captions[eps[0].number] if eps else ""))
    return PreflightView(season_title=season_title, episode_count=len(eps), platforms=views)
