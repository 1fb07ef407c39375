"""Checks every generated text against the show bible and the season format, whichever brain wrote it.

Two kinds of check: `lint_*`/`scrub` enforce the bible's banned words (word-boundary, case-insensitive, so "free"
is caught but "freedom" is not), and `validate_arc` states, in marketer-readable sentences, where an arc breaks the
mini-drama format (count, length, cliffhangers, continuity, product inside the story). Brains call these before
they hand an arc back; the graph can show the problems in the thread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.domain import MAX_EPISODES, MIN_EPISODES, Arc, Brief, EpisodeScript, PersonaBrief

DURATION_TOLERANCE = 0.15
MAX_EPISODE_SECONDS = 120

# Neutral stand-ins for words brand bibles commonly ban; anything else falls back to a generic word.
ALTERNATIVES: dict[str, str] = {
    "cheap": "affordable", "free": "included", "guarantee": "promise", "guaranteed": "promised",
    "cure": "help", "cures": "helps", "best": "favourite", "kill": "stop", "killed": "stopped",
    "killer": "standout", "hate": "dislike", "dead": "still", "die": "fade", "blood": "ink", "drunk": "giddy",
    "sexy": "striking", "diet": "routine", "miracle": "surprise", "addictive": "irresistible",
    "crazy": "wild", "insane": "unreal", "stupid": "silly", "damn": "darn", "hell": "heck", "fat": "full",
    "ugly": "plain", "poison": "trouble", "gun": "phone", "weapon": "tool", "drug": "remedy",
    "unhealthy": "indulgent", "sugar": "sweetness", "caffeine": "lift", "energy": "spark",
}
FALLBACKS = ("that", "this one", "something")

STOPWORDS = frozenset(
    ["the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "from", "by", "is", "are", "was", "were", "be", "been", "it", "its", "this", "that", "these", "those", "as", "into", "onto", "over", "under", "than", "then", "just", "not", "no", "yes", "you", "your", "our", "we", "they", "them", "their", "his", "her", "him", "she", "he", "i", "me", "my", "what", "who", "why", "how", "when", "where", "which", "whose", "will", "would", "can", "could", "should", "must", "have", "has", "had", "do", "does", "did", "so", "if", "now", "still", "only", "even", "also", "very", "all", "any", "every", "one", "two", "some", "more", "most", "less", "least", "there", "here", "out", "up", "down", "off", "about", "after", "before", "again", "back", "ever", "never"]
)
RESOLUTION_MARKERS = (
    "happily ever after", "the end.", "all is well", "everything is fine", "problem solved", "case closed",
    "and they lived", "all sorted", "mystery solved", "finally at peace", "no more secrets",
)
HOOK_WORDS = frozenset(
    ["who", "what", "why", "how", "where", "whose", "which", "unless", "until", "before", "someone", "somebody", "something", "behind", "gone", "missing", "knows", "knew", "watching", "waiting", "secret", "secrets", "door", "footsteps", "lights", "shadow", "message", "call", "unknown", "suddenly", "except", "but", "still", "yet", "wrong"]
)


@dataclass(frozen=True)
class Finding:
    """One banned word found in one text: what, where in the string, and (for arcs) which field."""

    word: str
    start: int
    end: int
    where: str = ""

    def __str__(self) -> str:
        """Readable in the thread: 'episode 3 beat: "cheap" (12–17)'."""
        prefix = f"{self.where}: " if self.where else ""
        return f'{prefix}"{self.word}" ({self.start}–{self.end})'


def _banned_pattern(word: str) -> re.Pattern[str]:
    """Word-boundary, case-insensitive; a multi-word phrase matches across any whitespace."""
    parts = [re.escape(p) for p in word.strip().split()]
    return re.compile(r"(?<![\w-])" + r"\s+".join(parts) + r"(?![\w-])", re.IGNORECASE)


def lint_text(text: str, bible: PersonaBrief, where: str = "") -> list[Finding]:
    """Every occurrence of a banned word in `text`, in order of position."""
    findings: list[Finding] = []
    for word in bible.banned_words:
        if not word.strip():
            continue
        for match in _banned_pattern(word).finditer(text):
            findings.append(Finding(word=match.group(0), start=match.start(), end=match.end(), where=where))
    return sorted(findings, key=lambda f: (f.start, f.end))


def arc_texts(arc: Arc) -> list[tuple[str, str]]:
    """(where, text) for every text an arc shows an audience or a marketer."""
    texts = [("title", arc.title), ("premise", arc.premise), ("logline", arc.logline),
             ("through-line", arc.through_line)]
    for member in arc.cast:
        texts += [(f"cast {member.role}", member.name), (f"cast {member.role} description", member.description)]
    for episode in arc.episodes:
        texts += episode_texts(episode)
    return texts


def episode_texts(episode: EpisodeScript) -> list[tuple[str, str]]:
    """(where, text) for every text of one episode."""
    label = f"episode {episode.number}"
    texts = [(f"{label} {name}", getattr(episode, name))
             for name in ("title", "cold_open", "beat", "cliffhanger", "product_moment")]
    texts += [(f"{label} line {i + 1}", line.text) for i, line in enumerate(episode.lines)]
    return texts


def lint_arc(arc: Arc, bible: PersonaBrief) -> list[Finding]:
    """Banned words anywhere in the arc, each labelled with the field it sits in."""
    return [f for where, text in arc_texts(arc) for f in lint_text(text, bible, where)]


def _replacement(word: str, bible: PersonaBrief) -> str:
    """A neutral alternative that is not itself banned, with the original's capitalisation."""
    banned = {w.lower().strip() for w in bible.banned_words}
    candidates = [ALTERNATIVES.get(word.lower(), ""), *FALLBACKS]
    choice = next((c for c in candidates if c and c not in banned), "")
    if word[:1].isupper() and choice:
        choice = choice[0].upper() + choice[1:]
    return choice


def scrub(text: str, bible: PersonaBrief) -> str:
    """`text` with every banned word swapped for a neutral alternative (idempotent; spacing tidied)."""
    for word in sorted(bible.banned_words, key=len, reverse=True):
        if word.strip():
            text = _banned_pattern(word).sub(lambda m: _replacement(m.group(0), bible), text)
    return re.sub(r"  +", " ", text)


def scrub_episode(episode: EpisodeScript, bible: PersonaBrief) -> EpisodeScript:
    """A copy of the episode with every text scrubbed."""
    data = episode.model_dump()
    for name in ("title", "cold_open", "beat", "cliffhanger", "product_moment"):
        data[name] = scrub(data[name], bible)
    for line in data["lines"]:
        line["text"] = scrub(line["text"], bible)
        line["speaker"] = scrub(line["speaker"], bible)
    return EpisodeScript.model_validate(data)


def scrub_arc(arc: Arc, bible: PersonaBrief) -> Arc:
    """A copy of the arc with every text scrubbed."""
    data = arc.model_dump()
    for name in ("title", "premise", "logline", "through_line"):
        data[name] = scrub(data[name], bible)
    for member in data["cast"]:
        member["name"] = scrub(member["name"], bible)
        member["description"] = scrub(member["description"], bible)
    data["episodes"] = [scrub_episode(ep, bible).model_dump() for ep in arc.episodes]
    return Arc.model_validate(data)


def key_words(text: str) -> set[str]:
    """Content words (≥ 4 letters, no stop words), lower-cased: what "picks up the cliffhanger" is measured on."""
    return {w for w in re.findall(r"[a-z][a-z'-]{3,}", text.lower()) if w not in STOPWORDS}


def product_terms(brief: Brief) -> list[str]:
    """Ways the product may be named in a scene: the product as written (without an article), and without the brand."""
    product = re.sub(r"^(the|a|an|our|my|their)\s+", "", brief.product.strip(), flags=re.IGNORECASE)
    terms = [product]
    brand_words = {w.lower() for w in brief.brand.split()}
    core = " ".join(w for w in product.split() if w.lower() not in brand_words)
    if core and core.lower() != product.lower() and (len(core.split()) > 1 or len(core) >= 5):
        terms.append(core)
    return terms


def mentions_product(text: str, brief: Brief) -> bool:
    """True when the product is named in `text` (word-boundary, case-insensitive)."""
    return any(re.search(r"(?<![\w-])" + re.escape(t) + r"(?![\w-])", text, re.IGNORECASE)
               for t in product_terms(brief))


def is_unresolved(cliffhanger: str) -> bool:
    """A cliffhanger leaves a question or a threat open: no resolution phrase, and a question/dash/hook word."""
    text = cliffhanger.strip()
    lowered = text.lower()
    if not text or any(marker in lowered for marker in RESOLUTION_MARKERS):
        return False
    if text.endswith(("?", "…", "...", "—", "-", "!")):
        return True
    return bool(set(re.findall(r"[a-z]+", lowered)) & HOOK_WORDS)


def validate_arc(arc: Arc, brief: Brief) -> list[str]:
    """Where the arc breaks the mini-drama format, one sentence per problem (empty list = fits)."""
    problems: list[str] = []
    count = len(arc.episodes)
    if count != brief.episode_count:
        problems.append(f"the arc has {count} episodes but the brief asks for {brief.episode_count}")
    if not MIN_EPISODES <= count <= MAX_EPISODES:
        problems.append(f"a season has {MIN_EPISODES}–{MAX_EPISODES} episodes, this arc has {count}")
    target = brief.episode_length_s
    low, high = target * (1 - DURATION_TOLERANCE), target * (1 + DURATION_TOLERANCE)
    previous: EpisodeScript | None = None
    for episode in arc.episodes:
        label = f"episode {episode.number}"
        duration = episode.estimated_duration_s
        if not low <= duration <= high:
            problems.append(f"{label} runs about {duration:.0f} s; the brief asks for {target} s (±15%)")
        if duration >= MAX_EPISODE_SECONDS:
            problems.append(f"{label} runs {duration:.0f} s; TikTok mini-drama episodes stay under 2 minutes")
        last = episode.number == count
        if not episode.cliffhanger.strip():
            problems.append(f"{label} has no cliffhanger")
        elif not last and not is_unresolved(episode.cliffhanger):
            problems.append(f"{label}'s cliffhanger resolves things; end on an open question or threat")
        if previous is not None and not key_words(previous.cliffhanger) & key_words(episode.cold_open):
            problems.append(f"{label}'s cold open does not pick up episode {previous.number}'s cliffhanger")
        problems += _product_problems(episode, brief)
        previous = episode
    return problems


def _product_problems(episode: EpisodeScript, brief: Brief) -> list[str]:
    """The product must act inside the scene: a product moment, and a mention before the final line."""
    label = f"episode {episode.number}"
    if not episode.product_moment.strip():
        return [f"{label} has no product moment; let {brief.product} do something in the story"]
    story = " ".join([episode.cold_open, episode.beat, *(line.text for line in episode.lines[:-1])])
    if not mentions_product(story, brief):
        return [f"{label} names {brief.product} only at the end (or not at all); put it inside the scene"]
    return []
