"""Deterministic season writer for the offline brain: the same brief always gives the same season.

Everything is derived from a SHA-256 of the brief (never the process's random state), so a test, a demo and a
marketer re-running the same brief all see the same draft. Episode lines are sized to the brief's episode length
using the domain's own duration estimate, so the draft renders at roughly the length asked for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from agent.brain.genres import DEFAULT_GENRE, Genre, genre_for, product_kind
from agent.brain.lint import scrub_arc
from agent.brain.story_templates import (
    CONFIDANT_NAMES,
    ESCALATION,
    FIRST_NAMES,
    INTERJECTIONS,
    PAYOFF,
    RIVAL_NAMES,
    SHARED_FILLERS,
    TEMPLATES,
    Situation,
    StoryTemplate,
)
from agent.domain import (
    CARD_SECONDS,
    MAX_EPISODE_SECONDS,
    WORDS_PER_SECOND,
    Arc,
    Brief,
    CastMember,
    EpisodeScript,
    Line,
    PersonaBrief,
)

OFFLINE_LABEL = "[offline draft]"
NARRATOR = "Narrator"
OPENERS = ("Honestly,", "Look,", "Listen,", "Okay,", "Wait,", "And yet,")
FIT_TOLERANCE = 0.05  # aim well inside the ±15% the validator allows


@dataclass(frozen=True)
class Cast:
    """The three names every template needs."""

    lead: str
    rival: str
    confidant: str


def digest(*parts: str) -> int:
    """A stable integer from text (Python's hash() is salted per process, so it would break determinism)."""
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:8], "big")


def pick_template(brief: Brief) -> StoryTemplate:
    """Different brands get different worlds; the same brief always the same one."""
    return TEMPLATES[digest(brief.brand, brief.product, brief.audience, brief.tone) % len(TEMPLATES)]


def cast_names(brand: str) -> Cast:
    """Names derived from the brand alone, so a revised brief keeps the same characters."""
    seed = digest(brand.lower().strip())
    return Cast(FIRST_NAMES[seed % len(FIRST_NAMES)], RIVAL_NAMES[(seed >> 8) % len(RIVAL_NAMES)],
                CONFIDANT_NAMES[(seed >> 16) % len(CONFIDANT_NAMES)])


def target_words(episode_length_s: int) -> float:
    """Spoken words that make `EpisodeScript.estimated_duration_s` equal the asked length."""
    return max(episode_length_s - 2 * CARD_SECONDS, 1) * WORDS_PER_SECOND


def words(text: str) -> int:
    """Word count, the way the domain counts it."""
    return len(text.split())


def situations_for(count: int) -> list[Situation]:
    """count−1 escalation steps spread evenly over the skeleton (hook and final trap always kept), then the payoff."""
    steps = count - 1
    last = len(ESCALATION) - 1
    indices = [round(i * last / (steps - 1)) for i in range(steps)] if steps > 1 else [0]
    return [ESCALATION[i] for i in indices] + [PAYOFF]


def filler_lines(template: StoryTemplate, values: dict[str, str], names: Cast, offset: int,
                 genre: Genre | None = None) -> list[Line]:
    """The genre's lines first, then the template's and the shared ones, rotated by `offset` so neighbouring
    episodes don't pad identically."""
    own = genre.lines if genre else ()
    pool = [Line(speaker=getattr(names, role), text=text.format(**values)) for role, text in own]
    rest = [Line(speaker=getattr(names, role), text=text.format(**values))
            for role, text in template.fillers + SHARED_FILLERS]
    k = offset % len(rest)
    j = offset % len(pool) if pool else 0
    return pool[j:] + pool[:j] + rest[k:] + rest[:k]


def unique_interjections(names: Cast) -> list[Line]:
    """Short lines to tune an episode's length, each usable once a season ("Wait.", "Wait, Noor.", …)."""
    speakers = [names.lead, names.rival, names.confidant]
    out = [Line(speaker=speakers[i % 3], text=t) for i, t in enumerate(INTERJECTIONS)]
    for k, (speaker, addressee) in enumerate(((names.lead, names.rival), (names.rival, names.lead),
                                              (names.confidant, names.lead), (names.lead, names.confidant))):
        out += [Line(speaker=speaker, text=f"{t.rstrip('.?!')}, {addressee}{t[-1]}")
                for t in INTERJECTIONS[k % 2::2]]
    return out


def combined_lines(fillers: list[Line]) -> list[Line]:
    """More once-only lines when a long season has used up the plain ones: "Honestly, …", "Look, …"."""
    return [Line(speaker=line.speaker, text=f"{opener} {line.text[0].lower()}{line.text[1:]}")
            for opener in OPENERS for line in fillers if line.text[:1].isalpha() and not line.text.startswith("I ")]


def fit_lines(opening: Line, product: Line, beat: Line, cliff: Line, fillers: list[Line], names: Cast,
              goal: float, used: set[str] | None = None) -> list[Line]:
    """Opening, product line, padding, beat line, cliffhanger line — as many as fit `goal` words (±5%).

    The product and cliffhanger lines are always kept (the product must act in the scene, the episode must end
    open); the opening and beat lines come next; filler and short interjections tune the length.
    """
    high = min(goal * (1 + FIT_TOLERANCE), target_words(MAX_EPISODE_SECONDS) - 1)  # never over the format's cap
    low = min(goal * (1 - FIT_TOLERANCE), high)
    total = words(product.text) + words(cliff.text)
    chosen: dict[str, bool] = {}
    for key, line in (("opening", opening), ("beat", beat)):
        chosen[key] = total + words(line.text) <= high
        total += words(line.text) if chosen[key] else 0
    used = used if used is not None else set()
    middle: list[Line] = []
    paired = [Line(speaker=a.speaker, text=f"{a.text} {b.text}") for a in fillers for b in fillers
              if a.speaker == b.speaker and a.text != b.text]  # the long seasons' reserve
    for line in [*fillers, *combined_lines(fillers), *paired, *unique_interjections(names)]:  # none said twice
        if total >= low:
            break
        if line.text not in used and total + words(line.text) <= high:
            middle.append(line)
            used.add(line.text)
            total += words(line.text)
    return ([opening] if chosen["opening"] else []) + [product] + middle + ([beat] if chosen["beat"] else []) + [cliff]


def write_episode(number: int, situation: Situation, previous: EpisodeScript | None, values: dict[str, str],
                  names: Cast, template: StoryTemplate, brief: Brief, *, title: str | None = None,
                  genre: Genre | None = None, moment: str | None = None,
                  used: set[str] | None = None) -> EpisodeScript:
    """One episode: cold open (picking up the last cliffhanger), one beat, product in the scene, cliffhanger.

    `moment` replaces the skeleton's product moment when the product is not a thing you can hold (an app, a
    service, a place): it is said by the narrator and is the episode's product moment.
    """
    opening = situation.open_action.format(**values)
    cold_open = opening if previous is None else (
        f"Last time: {previous.cliffhanger} Now: {opening}")
    product_moment = moment.format(**values) if moment else situation.product_moment.format(**values)
    product_line = (Line(speaker=NARRATOR, text=product_moment) if moment else
                    Line(speaker=names.lead, text=situation.product_line.format(**values)))
    lines = fit_lines(
        opening=Line(speaker=NARRATOR, text=opening),
        product=product_line,
        beat=Line(speaker=names.rival, text=situation.beat_line.format(**values)),
        cliff=Line(speaker=names.rival if number % 3 else names.confidant, text=situation.cliff_line.format(**values)),
        fillers=filler_lines(template, values, names, offset=number, genre=genre),
        names=names,
        goal=target_words(brief.episode_length_s),
        used=used,
    )
    return EpisodeScript(number=number, title=title or situation.title, cold_open=cold_open,
                         beat=situation.beat.format(**values), cliffhanger=situation.cliffhanger.format(**values),
                         product_moment=product_moment, lines=lines, offline_draft=True)


def season_titles(genre: Genre, count: int, seed: int) -> list[str]:
    """Episode titles from the genre, ordered by the brief (the finale keeps the genre's last title)."""
    body = list(genre.titles[:-1])
    if genre.key != "mystery":  # the mystery titles follow the skeleton's beats, in order
        rotation = seed % len(body)
        body = body[rotation:] + body[:rotation]
    picked = body[:count - 1] if count - 1 <= len(body) else body
    return [*picked, genre.titles[-1]]


def write_season(brief: Brief, bible: PersonaBrief) -> Arc:
    """The whole offline season for a brief, scrubbed of the bible's banned words."""
    template = pick_template(brief)
    names = cast_names(brief.brand)
    genre = genre_for(brief.tone)
    kind = product_kind(brief.product)
    seed = digest(brief.brand, brief.product, brief.audience, brief.tone)
    values = {"lead": names.lead, "rival": names.rival, "confidant": names.confidant,
              "product": _product_phrase(brief.product), "brand": brief.brand, "audience": _product_phrase(brief.audience),
              "place": template.place, "secret": template.secret, "threat": template.threat, "use": kind.use}
    titles = season_titles(genre, brief.episode_count, seed)
    moments = list(kind.moments)
    if moments:
        shift = seed % len(moments)
        moments = moments[shift:] + moments[:shift]
    used: set[str] = set()
    episodes: list[EpisodeScript] = []
    for number, situation in enumerate(situations_for(brief.episode_count), start=1):
        previous = episodes[-1] if episodes else None
        episodes.append(write_episode(
            number, situation, previous, values, names, template, brief, genre=genre, used=used,
            title=titles[number - 1] if number - 1 < len(titles) else None,
            moment=moments[(number - 1) % len(moments)] if moments else None))
    series = template.title if genre.key == DEFAULT_GENRE else genre.series[seed % len(genre.series)]
    arc = Arc(
        title=f"{OFFLINE_LABEL} {brief.brand}: {series}",
        premise=f"{OFFLINE_LABEL} {template.premise.format(**values)} A {genre.key} season. Tone: {brief.tone}.",
        logline=f"{names.lead} vs. {names.rival} at {template.place} — and {brief.product} is in every scene.",
        through_line=template.through_line.format(**values),
        cast=[CastMember(name=names.lead, role="lead", description=template.lead_role),
              CastMember(name=names.rival, role="rival", description=template.rival_role),
              CastMember(name=names.confidant, role="confidant", description=template.confidant_role)],
        episodes=episodes,
        offline_draft=True,
    )
    return scrub_arc(arc, bible)


def _product_phrase(product: str) -> str:
    """The product as it reads mid-sentence: "the Lumen cold-brew can" → "Lumen cold-brew can"."""
    for article in ("the ", "a ", "an ", "our ", "my "):
        if product.lower().startswith(article):
            return product[len(article):]
    return product
