"""Keyword router: a marketer's message at a stage → an Interpretation. "unknown" rather than a guess.

Used as the offline brain's whole understanding and as the Gemini brain's guard: text that tries to steer the agent
("ignore previous instructions…") is UNKNOWN before any model sees it, and a model can never turn it into PROCEED.
Approvals never come from here anyway (the database decides); this only picks the conversation's next step.
"""

from __future__ import annotations

import re

from agent.brain.briefparse import looks_like_brief_info, to_number
from agent.ports import Intent, Interpretation

INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|prompts?|rules?|guard|review|approvals?)\b"
    r"|\bsystem\s+prompt\b|\byou\s+are\s+now\b|\bact\s+as\b|\bjailbreak\b|\bdeveloper\s+mode\b"
    r"|\b(publish|approve|post|release)\s+(everything|all|every\s+episode)\b|\bwithout\s+(review|approval)\b"
    r"|\bskip\s+(the\s+)?(review|approval)",
    re.IGNORECASE | re.DOTALL,
)
NEGATION = re.compile(r"\b(not|don't|dont|do not|no|never|wait|hold|stop|nope|isn't|isnt)\b", re.IGNORECASE)
PROCEED = re.compile(
    r"^(looks?\s+(good|great|fine|perfect)|lgtm|approved?|approve\s+it|lock\s+it(\s+in)?|go(\s+ahead)?|go\s+for\s+it"
    r"|yes|yep|yeah|yup|sure|ok(ay)?|ship\s+it|sounds\s+good|perfect|great|love\s+it|do\s+it|let'?s\s+go"
    r"|next|continue|proceed|confirmed?|all\s+good|good\s+to\s+go|:\+1:|👍|✅)\b",
    re.IGNORECASE,
)
CHOICE_WORDS = {"first": 1, "second": 2, "third": 3, "one": 1, "two": 2, "three": 3}
CHOICE = re.compile(
    r"^(?:(?:option|number|no\.?|candidate|#|pick|choose|go\s+with|lock(?:\s+in)?|take|i'?ll\s+take)\s*)?"
    r"(?:the\s+)?(\d|first|second|third|one|two|three)(?:\s+one)?(?:\s+please)?$",
    re.IGNORECASE,
)
EPISODE = re.compile(r"\b(?:episode|ep\.?|eps?)\s*#?\s*(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten"
                     r"|eleven|twelve)\b", re.IGNORECASE)
REVISE_VERBS = re.compile(
    r"\b(make|change|rewrite|revise|tweak|fix|cut|trim|shorten|lengthen|add|remove|drop|swap|replace|more|less"
    r"|darker|lighter|funnier|shorter|longer|tighter|should|needs?|instead|too)\b",
    re.IGNORECASE,
)
START_OVER = re.compile(r"\b(start\s+(over|again|from\s+scratch)|from\s+scratch|reset|begin\s+again|new\s+season)\b",
                        re.IGNORECASE)
UNDO = re.compile(r"^\s*(undo|revert|go\s+back|take\s+that\s+back|roll\s*back)\b", re.IGNORECASE)
HELP = re.compile(r"^\s*(help|\?|what\s+can\s+you\s+do|how\s+does\s+this\s+work|commands|options\??)\s*[?!.]*\s*$",
                  re.IGNORECASE)
STATUS = re.compile(r"\b(status|where\s+are\s+we|progress|how\s+far|what'?s\s+(left|next|done)|update\s+me)\b",
                    re.IGNORECASE)
WHO_APPROVES = re.compile(r"\b(who\s+(approves|needs\s+to\s+approve|can\s+approve|signs\s+off|has\s+to\s+approve)"
                          r"|approvers?\b)", re.IGNORECASE)
SCHEDULE = re.compile(r"^\s*(schedule|reschedule|release|drop|post)\b|\bschedule\b|\bmove\s+the\s+(release|schedule)",
                      re.IGNORECASE)
FREE_ANSWER_STAGES = frozenset({"brief", "intake"})


def looks_like_injection(text: str) -> bool:
    """Text that tries to instruct the agent rather than talk to it."""
    return bool(INJECTION.search(text))


def _episode_number(text: str) -> int | None:
    """"episode 3", "ep. 3", "ep three" → 3."""
    match = EPISODE.search(text)
    if not match:
        return None
    value = to_number(match.group(1))
    return int(value) if value is not None else None


def _choice(text: str) -> int | None:
    """"2", "option 2", "the second one", "go with 3" → the number chosen."""
    match = CHOICE.match(text.strip().rstrip(".!"))
    if not match:
        return None
    token = match.group(1).lower()
    return int(token) if token.isdigit() else CHOICE_WORDS.get(token)


def route(text: str, stage: str) -> Interpretation:
    """The keyword reading of `text` at `stage`; order matters (undo before "go", revise before "yes")."""
    cleaned = text.strip()
    lowered = cleaned.lower()
    if not cleaned or looks_like_injection(cleaned):
        return Interpretation(intent=Intent.UNKNOWN, note=cleaned)
    if START_OVER.search(lowered):
        return Interpretation(intent=Intent.START_OVER)
    if UNDO.search(lowered):
        return Interpretation(intent=Intent.UNDO)
    if HELP.match(lowered):
        return Interpretation(intent=Intent.HELP)
    if WHO_APPROVES.search(lowered):
        return Interpretation(intent=Intent.WHO_APPROVES)
    if STATUS.search(lowered) and len(lowered.split()) <= 8:
        return Interpretation(intent=Intent.STATUS)
    episode = _episode_number(cleaned)
    if episode is not None and REVISE_VERBS.search(lowered):
        return Interpretation(intent=Intent.REVISE, episode=episode, note=cleaned)
    if SCHEDULE.search(lowered) and stage not in FREE_ANSWER_STAGES:
        return Interpretation(intent=Intent.SCHEDULE, note=cleaned)
    choice = _choice(lowered)
    if choice is not None:
        lock = re.match(r"^\s*(lock|go\s+with|take|i'?ll\s+take)", lowered)
        return Interpretation(intent=Intent.PROCEED if lock else Intent.ANSWER, choice=choice, note=cleaned)
    if PROCEED.match(lowered) and not NEGATION.search(lowered) and len(lowered.split()) <= 8 \
            and not (stage not in FREE_ANSWER_STAGES and looks_like_brief_info(cleaned)):  # "ok then 12 episodes"
        return Interpretation(intent=Intent.PROCEED, note=cleaned)
    if stage in FREE_ANSWER_STAGES and looks_like_brief_info(cleaned):
        return Interpretation(intent=Intent.ANSWER, note=cleaned)
    if REVISE_VERBS.search(lowered) and stage not in FREE_ANSWER_STAGES and len(lowered.split()) >= 2:
        return Interpretation(intent=Intent.REVISE, note=cleaned)
    return Interpretation(intent=Intent.UNKNOWN, note=cleaned)
