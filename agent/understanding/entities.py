"""Brief entities from prose: brand, product, audience and tone, the way marketers actually write them.

"We'd love a season for Lumen Coffee, our new cold-brew can", "we're Aster and we make oat bars for climbers",
"Borealis here, our hero product is the Borealis parka", bullet lists, "brand is x, product is y", lower case and
non-English names. The text is cut into segments (lines, sentences, semicolons), each segment is read for a labelled
value first ("product = …", "who: …", "Brand — …") and then for the cue phrases marketers use around a brand
("we're …", "… here", "for <Name>, our …"), a product ("our hero product is …", "we sell …", "promote our …",
"… by <Brand>") and an audience ("aimed at …", "for <people>", "to <people>"). Typos in the key words
("epsiodes", "seson") are corrected first against a small vocabulary.

Numbers, cadence and dates stay with agent.brain.briefparse / agent.understanding.numbers; this module only finds
the words. Values are returned as written (trimmed of "our"/"the"), never invented: a field that is not there is
simply absent, so intake asks for it.
"""

from __future__ import annotations

import difflib
import re

KEYWORDS = ("episodes", "episode", "seconds", "minutes", "product", "brand", "audience", "season", "series",
            "targeting", "target", "aimed", "tone", "weekly", "daily")
LABELS = {
    "brand": ("brand name", "brand", "company", "client", "business", "who we are"),
    "product": ("hero product", "product", "what we're selling", "what we are selling", "selling", "offer",
                "offering", "item"),
    "audience": ("target audience", "audience", "target", "who", "for whom", "demographic", "customers"),
    "tone": ("tone", "mood", "vibe", "style", "genre", "feel"),
}
SEP = r"\s*(?::|=|—|–|\s-\s|\bis\b|\bare\b|\bwould\s+be\b)\s*"
NAME_WORD = r"[A-ZÀ-ÖØ-Þ0-9][\w'’&.+-]*"
# A capitalised name of up to five words, joined by spaces, "&", "and" is excluded on purpose ("Aster and we …").
NAME = rf"{NAME_WORD}(?:\s+(?:&\s+)?{NAME_WORD}){{0,4}}|[\w][\w'’+-]*(?:\s*&\s*[\w'’+-]+)?"
END = (r"(?=\s*(?:[,.;!?()\n]|$|\s[-—–]\s|\s(?:and|but|so|who|which|that)\s+(?:we|i|our|they|it|the)\b|\s(?:here|wants?|"
       r"would|is|are|has|needs?|launch(?:es|ing)?)\b))")
PRODUCT_END = (r"(?=\s*(?:[,;!?()\n]|\.(?:\s|$)|$|\s[-—–]\s|\s(?:for|to|aimed|targeting|targeted|audience|and\s+we|"
               r"and\s+want|we\s+want|with\s+a|in\s+a|as\s+a|,)\b))")
AUDIENCE_END = r"(?=\s*(?:[,;:!?()\n]|\.(?:\s|$)|$|\s[-—–]\s|\s(?:with|in\s+a|and\s+we|we|please|pls|plz|—)\b))"
BRAND_CUES = [
    (rf"(?i:\b(?:we\s*'?re|we\s+are|we\s+at|i\s*'?m\s+with|i\s+am\s+with|i\s+work\s+(?:for|at)|i\s+run\s+\w+\s+at|"
    rf"we\s+represent|i\s*'?m\s+from|this\s+is|(?:a|small|the)\s+brand\s+called|brand\s*'?s\s+called|"
    rf"company\s+called|our\s+company,?|brand\s+called)\s+(?:a\s+(?:small\s+)?brand\s+called\s+)?)(?P<v>{NAME}){END}"),
    rf"(?:^|[.!]\s+|,\s*|\b(?i:hi|hello|hey|ciao|ahoj|hola|bonjour)[!,.]?\s+)(?P<v>{NAME})\s+here\b",
    (rf"\b(?i:season|series|show|drama|mini-?drama|campaign|brief)\s+for\s+(?P<v>{NAME})(?=\s*(?:[,:—–-]|\babout\b|"
    rf"\bwith\b|$))"),
    rf"\b(?:by|from)\s+(?P<v>{NAME_WORD}(?:\s+{NAME_WORD}){{0,3}})(?=\s*(?:[,.;!?]|$|\s(?:to|for)\b))",
    rf"^\s*(?P<v>{NAME_WORD}(?:\s+(?:&\s+)?{NAME_WORD}){{0,3}})\s+(?:is\s+launching|wants|would\s+like|is\s+looking)",
]
PRODUCT_CUES = [
    rf"\b(?:(?:our|the)\s+)?(?:hero\s+|main\s+|new\s+)?product\s+(?:is|=|:|—|would\s+be)\s+(?P<v>.+?){PRODUCT_END}",
    rf"\b(?:called|named)\s+(?P<v>{NAME_WORD}(?:\s+{NAME_WORD}){{0,3}}){PRODUCT_END}",
    (rf"\b(?:we\s+(?:make|sell|do|offer|brew|bake|build|run)|we\s*'?re\s+(?:selling|pushing|launching)|pushing\s+our|"
    rf"promot(?:e|ing)|feature|featuring|advertise|advertising|showcase|launching|about\s+our|push)\s+"
    rf"(?:our\s+|the\s+|a\s+|an\s+)?(?P<v>.+?){PRODUCT_END}"),
    rf"(?:^|,\s*|\bfor\s+{NAME},?\s+)\bour\s+(?P<v>.+?){PRODUCT_END}",
]
AUDIENCE_CUES = [
    (rf"\b(?:aimed\s+at|targeting|targeted\s+at|for\s+an?\s+audience\s+of|to\s+reach|reach|speak\s+to|"
    rf"audience(?:\s+is|\s+of|\s*:)?|target\s+(?:is|audience\s+is|:))\s+(?P<v>.+?){AUDIENCE_END}"),
    (rf"\b(?:to|for)\s+(?P<v>(?!(?:a|an|the|our|us|me|you|it|this|that|episodes?|\d)\b)[\w-]+(?:\s+[\w'-]+){{0,4}}?)"
    rf"{AUDIENCE_END}"),
]
NOT_AUDIENCE = re.compile(
    r"^(?:\d|one|two|three|eight|nine|ten|eleven|twelve|each|every|daily|weekly|mini|season|series|show|drama|"
    r"holiday$|promote|make|do|get|reach|feature|advertise|launch|push|help|see|be|have|go|work|with|about|"
    r"tiktok|instagram|youtube|drama\s+center|minis)\b", re.IGNORECASE)
TONE_WORDS = (
    "romance", "romantic", "rom-com", "romcom", "comedy", "comedic", "funny", "hilarious", "witty", "mystery",
    "mysterious", "thriller", "suspense", "suspenseful", "noir", "cozy", "cosy", "heartwarming", "wholesome",
    "family", "workplace", "office", "telenovela", "melodrama", "dramatic", "soap", "dark", "playful", "quirky",
    "sweet", "spooky", "whodunit", "sitcom", "feel-good", "uplifting", "emotional", "edgy", "gritty", "warm",
)
TONE = re.compile(r"\b(?:(?:" + "|".join(TONE_WORDS) + r")[\w-]*)(?:\s+(?:energy|vibes?|feel|style|drama|story|"
                  r"comedy|romance|mystery|thriller))?\b", re.IGNORECASE)
GREETING = re.compile(r"(?i)^(?:hi|hello|hey|ciao|ahoj|hola|bonjour|thanks|ok|okay|yes|no|brand|product)$")
STRIP_LEAD = re.compile(r"^(?:our|the|a|an|my|their|your)\s+", re.IGNORECASE)
SEGMENTS = re.compile(r"\n+|;\s*|(?<=[.!?])\s+(?=[A-Za-zÀ-ÿ-])")


def fix_typos(text: str) -> str:
    """Correct misspelt key words ("epsiodes", "seson", "secounds") so the patterns below can read them."""
    def repl(match: re.Match[str]) -> str:
        word = match.group(0)
        lowered = word.lower()
        if lowered in KEYWORDS or len(lowered) < 5:
            return word
        close = difflib.get_close_matches(lowered, KEYWORDS, n=1, cutoff=0.8)
        return close[0] if close else word

    text = re.sub(r"\bseson\b", "season", text, flags=re.IGNORECASE)
    return re.sub(r"\b[a-z]{5,}\b", repl, text)


def _clean(value: str) -> str:
    """Trim quotes, leading articles/possessives and trailing punctuation from a found value."""
    value = value.strip().strip("\"'“”‘’*_").strip()
    value = re.sub(r"[\s,.;:!?]+$", "", value)
    return STRIP_LEAD.sub("", value).strip()


def _labelled(segment: str) -> dict[str, str]:
    """`label SEP value` inside one segment ("- product = the Trek backpack", "Brand — Óptica Luz")."""
    found: dict[str, str] = {}
    names = sorted(((alias, field) for field, aliases in LABELS.items() for alias in aliases),
                   key=lambda pair: len(pair[0]), reverse=True)
    alternation = "|".join(re.escape(alias) for alias, _field in names)
    pattern = re.compile(rf"(?:^|(?<=[\s,:(]))(?P<label>{alternation}){SEP}(?P<v>.+?)"
                         rf"(?=\s*(?:,\s*(?:{alternation}){SEP}|[,;\n]|\.(?:\s|$)|$|\s+and\s+(?:we|i|our|the)\b))", re.IGNORECASE)
    lookup = {alias: field for alias, field in names}
    for match in pattern.finditer(segment):
        field = lookup[match.group("label").lower()]
        value = _clean(match.group("v"))
        if value and field not in found and not (field == "audience" and match.group("label").lower() == "who"
                                                 and value.lower().startswith(("we", "i "))):
            found[field] = value
    bare = re.match(rf"^\s*[-•*]?\s*(?i:brand)\s+(?P<v>{NAME_WORD}(?:\s+{NAME_WORD}){{0,3}})\s*$", segment)
    if bare and "brand" not in found:
        found["brand"] = _clean(bare.group("v"))
    return found


def _first(patterns: list[str], segment: str, flags: int = 0) -> str | None:
    for pattern in patterns:
        match = re.search(pattern, segment, flags)
        if match and _clean(match.group("v")):
            return _clean(match.group("v"))
    return None


def extract_tone(text: str) -> str | None:
    """Genre and mood words in the text ("workplace comedy", "telenovela energy") joined; None when there are none."""
    found = [m.group(0).strip().lower() for m in TONE.finditer(text)]
    kept = [t for t in dict.fromkeys(found) if not any(t != o and t in o for o in found)]
    return ", ".join(kept) if kept else None


def _split_maker(value: str) -> tuple[str | None, str]:
    """"Drift headphones" after "we make": a capitalised name then lower-case words → (brand, product)."""
    match = re.match(rf"^({NAME_WORD}(?:\s+{NAME_WORD}){{0,2}})\s+([a-z].+)$", value)
    if match:
        return match.group(1), match.group(2)
    return None, value


def extract_entities(text: str) -> dict[str, str]:
    """Brand, product, audience and tone found in `text` (only the ones that are there)."""
    text = fix_typos(text)
    segments = [s.strip(" -•*\t") for s in SEGMENTS.split(text) if s and s.strip(" -•*\t")]
    result: dict[str, str] = {}
    for segment in segments:
        for field, value in _labelled(segment).items():
            result.setdefault(field, value)
    for segment in segments:
        if "brand" not in result:
            brand = _first(BRAND_CUES, segment)
            if brand and not re.match(r"(?i)^(?:the|a|an|our|we|i|you|hi|hello|hey)$", brand):
                result["brand"] = brand
        if "product" not in result:
            maker = re.search(r"\bwe\s+make\s+(?P<v>.+?)" + PRODUCT_END, segment, re.IGNORECASE)
            if maker and "brand" not in result:
                brand, product = _split_maker(_clean(maker.group("v")))
                if brand:
                    result["brand"], result["product"] = brand, _clean(product)
            product = _first(PRODUCT_CUES, segment, re.IGNORECASE)
            if product and "product" not in result and product.lower() != result.get("brand", "").lower():
                by = re.match(rf"^(.+?)\s+(?:by|from)\s+({NAME_WORD}.*)$", product)
                result["product"] = _clean(by.group(1)) if by else product
    for segment in segments:
        if "audience" in result:
            break
        # the bare "for …/to …" cue only inside a brief (a brand or product named too): "a flight to Paris" is none
        for pattern in AUDIENCE_CUES if ("brand" in result or "product" in result) else AUDIENCE_CUES[:1]:
            for match in re.finditer(pattern, segment, re.IGNORECASE):
                value = _clean(match.group("v"))
                known = {result.get("brand", "").lower(), result.get("product", "").lower()}
                if value and value.lower() not in known and not NOT_AUDIENCE.match(value) \
                        and not re.search(r"\b(?:episodes?|seconds?|minutes?)\b", value, re.IGNORECASE):
                    result["audience"] = value
                    break
            if "audience" in result:
                break
    if "brand" not in result and segments:  # a first segment that is only a name: "Vela Insurance."
        only = re.fullmatch(rf"(?P<v>{NAME_WORD}(?:\s+{NAME_WORD}){{0,3}})[.!]?", segments[0])
        if only and not GREETING.match(only.group("v")):
            result["brand"] = _clean(only.group("v"))
    if "tone" not in result and (tone := extract_tone(text)):
        result["tone"] = tone
    return result
