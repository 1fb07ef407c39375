"""The offline storyboard writer: an episode script → 6–14 shots, deterministic, plus the format validator.

A script says who speaks and what happens; a storyboard says what the viewer sees while it is said. The writer
cuts on line boundaries (one shot per speaker turn), opens on a face with a line or action inside the first
3 seconds, moves to a second location at the escalation, gives the product its own moment (in a hand, then an
insert), and ends on a close-up of the cliffhanger with a sting. Same script in → same shots out, so an
unchanged episode re-renders to the same file. When keyed, Gemini writes its own (the StoryboardWriter port,
wired by the composition root); `validate_storyboard` holds either to the same format rules, and this writer is
the fallback when Gemini's answer still breaks them after one repair.
"""

from __future__ import annotations

import re

from pydantic import ValidationError

from agent.domain import (
    WORDS_PER_SECOND,
    Arc,
    Brief,
    CameraMove,
    EpisodeScript,
    FramePosition,
    InFrame,
    Line,
    LocationKind,
    LocationLock,
    Shot,
    ShotType,
    Storyboard,
)

MIN_SHOTS, MAX_SHOTS = 6, 14
HOOK_SECONDS = 3.0
LENGTH_TOLERANCE = 0.05
LINE_GAP_S = 0.25
REACTION_S, INSERT_S, ESTABLISH_S = 1.2, 1.8, 1.6
NARRATORS = {"", "narrator", "v.o.", "vo", "voice", "voiceover", "voice-over"}
PRODUCT_TYPES = {ShotType.INSERT, ShotType.PRODUCT_HERO}

# what a script says → where it happens (first match wins per phrase; counts rank the season's locations)
LOCATION_WORDS: dict[LocationKind, tuple[str, ...]] = {
    LocationKind.CAFE: ("café", "cafe", "coffee", "espresso", "latte", "barista", "brunch", "bakery", "tea"),
    LocationKind.OFFICE: ("office", "desk", "meeting", "boardroom", "investor", "launch", "deadline", "code",
                          "login", "team", "boss", "startup", "pitch", "laptop", "client"),
    LocationKind.APARTMENT: ("apartment", "flat", "home", "kitchen", "bedroom", "couch", "sofa", "sleep", "bed",
                             "roommate", "morning", "night in"),
    LocationKind.STREET_NIGHT: ("street", "night", "alley", "outside", "car", "taxi", "rain", "city", "walk",
                                "midnight", "rooftop"),
    LocationKind.SHOP: ("shop", "store", "boutique", "counter", "shelf", "shelves", "checkout", "market",
                        "customer", "sale"),
    LocationKind.GYM: ("gym", "workout", "running", "training", "yoga", "locker", "fitness", "sweat", "coach"),
    LocationKind.LOBBY: ("lobby", "hotel", "elevator", "reception", "front desk", "hallway", "gala", "party"),
}
LOCATION_NAMES: dict[LocationKind, str] = {
    LocationKind.CAFE: "the café", LocationKind.OFFICE: "the office", LocationKind.APARTMENT: "the apartment",
    LocationKind.STREET_NIGHT: "the street at night", LocationKind.SHOP: "the shop", LocationKind.GYM: "the gym",
    LocationKind.LOBBY: "the lobby",
}
DEFAULT_LOCATIONS = (LocationKind.OFFICE, LocationKind.APARTMENT, LocationKind.STREET_NIGHT)


def is_narrator(speaker: str) -> bool:
    """Narration is heard, never seen."""
    return speaker.strip().lower() in NARRATORS


def _hits(text: str, word: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE))


def choose_locations(texts: list[str], minimum: int = 2, maximum: int = 5) -> list[LocationKind]:
    """The season's locations (2–5), ranked by how often the script's words point at each kind of place."""
    blob = " ".join(texts)
    scores = {kind: sum(_hits(blob, w) for w in words) for kind, words in LOCATION_WORDS.items()}
    ranked = [k for k, n in sorted(scores.items(), key=lambda kv: (-kv[1], list(LocationKind).index(kv[0])))
              if n > 0][:maximum]
    for kind in DEFAULT_LOCATIONS:
        if len(ranked) >= minimum:
            break
        if kind not in ranked:
            ranked.append(kind)
    return ranked


def episode_locations(script: EpisodeScript, season: list[str]) -> tuple[str, str]:
    """Where this episode opens and where it escalates: the two season locations its own text favours most."""
    texts = [script.cold_open]
    later = [script.beat, script.cliffhanger]
    kinds = [k.value for k in LocationKind]
    keys = [k for k in season if k in kinds] or list(season)

    def score(key: str, parts: list[str]) -> int:
        words = LOCATION_WORDS.get(LocationKind(key), ()) if key in kinds else (key,)
        return sum(_hits(" ".join(parts), w) for w in words)

    rotate = script.number % len(keys)
    order = keys[rotate:] + keys[:rotate]  # ties rotate by episode, so a season does not sit in one room
    first = max(order, key=lambda k: score(k, texts))
    rest = [k for k in order if k != first] or [first]
    second = max(rest, key=lambda k: score(k, later))
    return first, second


def _speaking_time(lines: list[Line]) -> float:
    return sum(max(1.0, len(line.text.split()) / WORDS_PER_SECOND) + LINE_GAP_S for line in lines)


def _product_line(lines: list[Line], script: EpisodeScript) -> int | None:
    """The line that touches the product moment (shares its longest words), if any."""
    words = {w.lower() for w in re.findall(r"[\w'’-]{5,}", script.product_moment)}
    best, best_n = None, 0
    for i, line in enumerate(lines):
        n = len(words & {w.lower() for w in re.findall(r"[\w'’-]{5,}", line.text)})
        if n > best_n:
            best, best_n = i, n
    return best if best_n >= 2 else None


def _turns(lines: list[Line]) -> list[list[Line]]:
    """Consecutive lines of one speaker form one turn: a cut on every change of speaker."""
    turns: list[list[Line]] = []
    for line in lines:
        if turns and turns[-1][0].speaker.strip().lower() == line.speaker.strip().lower():
            turns[-1].append(line)
        else:
            turns.append([line])
    return turns


def write_storyboard(script: EpisodeScript, lead: str, locations: list[str], length_s: float | None = None
                     ) -> Storyboard:
    """Shots for one episode (offline, deterministic); `locations` are the season's location keys."""
    lines = list(script.lines) or [Line(speaker="", text=t) for t in (script.cold_open, script.beat,
                                                                       script.cliffhanger)]
    people = list(dict.fromkeys(ln.speaker for ln in lines if not is_narrator(ln.speaker)))
    lead_name = lead if lead else (people[0] if people else "Lead")
    if lead_name not in people:
        people.insert(0, lead_name)
    first_loc, second_loc = episode_locations(script, locations or [LocationKind.OFFICE.value])
    turns = _turns(lines)
    product_at = _product_line(lines, script)
    split = max(1, round(len(turns) * 0.45))
    shots: list[Shot] = []
    previous = ""
    seen = 0
    for t, turn in enumerate(turns):
        speaker = turn[0].speaker
        holds_product = product_at is not None and seen <= product_at < seen + len(turn)
        seen += len(turn)
        loc = first_loc if t < split else second_loc
        last = t == len(turns) - 1
        narr = is_narrator(speaker)
        face = lead_name if narr else speaker
        other = previous if previous and previous != face else next((p for p in people if p != face), "")
        if t == 0:
            kind, camera = (ShotType.ESTABLISHING if narr else ShotType.SINGLE), CameraMove.PUSH_IN
            frame = [InFrame(name=face, position=FramePosition.CENTER)]
            action, cue = script.cold_open, "music: in"
        elif last:
            kind, camera, cue = ShotType.CLOSE_UP, CameraMove.PUSH_IN, "sting"
            frame, action = [InFrame(name=face, position=FramePosition.CENTER)], script.cliffhanger
        elif t == split and second_loc != first_loc:
            kind, camera, cue = ShotType.WIDE, CameraMove.PAN, "sfx: room tone"
            frame = [InFrame(name=face, position=FramePosition.LEFT)]
            if other:
                frame.append(InFrame(name=other, position=FramePosition.RIGHT))
            action = script.beat
        elif narr:
            kind, camera, cue, action = ShotType.WIDE, CameraMove.PAN, "", ""
            frame = [InFrame(name=face, position=FramePosition.CENTER)]
        elif other and t % 3 == 1:
            kind, camera, cue, action = ShotType.OVER_THE_SHOULDER, CameraMove.STATIC, "", ""
            frame = [InFrame(name=other, position=FramePosition.FOREGROUND),
                     InFrame(name=face, position=FramePosition.RIGHT)]
        elif other and t % 3 == 2:
            kind, camera, cue, action = ShotType.TWO_SHOT, CameraMove.HANDHELD, "", ""
            frame = [InFrame(name=face, position=FramePosition.LEFT),
                     InFrame(name=other, position=FramePosition.RIGHT)]
        else:
            kind, camera, cue, action = ShotType.SINGLE, CameraMove.STATIC, "", ""
            frame = [InFrame(name=face, position=FramePosition.CENTER)]
        shots.append(Shot(number=1, type=kind, location=loc, characters=frame, speaker=face, lines=turn,
                          voice_over=narr, action=action, camera=camera, duration_s=_speaking_time(turn),
                          cue=cue, product=holds_product and kind not in (ShotType.ESTABLISHING, ShotType.WIDE)))
        if holds_product and not last:
            shots.append(Shot(number=1, type=ShotType.INSERT, location=loc, action=script.product_moment,
                              camera=CameraMove.STATIC, duration_s=INSERT_S, cue="sfx: shimmer", product=True))
        elif not narr and not last and speaker != lead_name and t == len(turns) - 2 and len(shots) < MAX_SHOTS - 1:
            shots.append(Shot(number=1, type=ShotType.REACTION, location=loc,
                              characters=[InFrame(name=lead_name, position=FramePosition.CENTER)],
                              speaker=lead_name, action=f"{lead_name} takes it in", duration_s=REACTION_S,
                              camera=CameraMove.STATIC, cue="music: tension"))
        previous = face
    shots = _fit_count(shots, script, lead_name, first_loc)
    return _finish(script.number, shots, length_s)


def _fit_count(shots: list[Shot], script: EpisodeScript, lead: str, loc: str) -> list[Shot]:
    """6–14 shots: fold neighbouring dialogue into two-shots when long, add beats of silence when short."""
    if script.product_moment and not any(s.product for s in shots):
        at = max(1, len(shots) // 2)
        shots.insert(at, Shot(number=1, type=ShotType.PRODUCT_HERO, location=shots[at - 1].location,
                              action=script.product_moment, camera=CameraMove.PUSH_IN, duration_s=INSERT_S,
                              cue="sfx: shimmer", product=True))
    while len(shots) > MAX_SHOTS:
        i = next((k for k in range(1, len(shots) - 2) if shots[k].lines and shots[k + 1].lines
                  and not shots[k].product and not shots[k + 1].product
                  and shots[k].location == shots[k + 1].location), None)
        if i is None:
            break
        a, b = shots[i], shots[i + 1]
        names = list(dict.fromkeys([*a.names, *b.names]))[:2]
        frame = [InFrame(name=n, position=p) for n, p in zip(names, (FramePosition.LEFT, FramePosition.RIGHT),
                                                                    strict=False)]
        shots[i:i + 2] = [a.model_copy(update={"type": ShotType.TWO_SHOT, "characters": frame,
                                               "lines": [*a.lines, *b.lines], "voice_over": a.voice_over
                                               and b.voice_over, "duration_s": a.duration_s + b.duration_s})]
    extras = [Shot(number=1, type=ShotType.ESTABLISHING, location=loc, action=script.cold_open,
                   characters=[InFrame(name=lead, position=FramePosition.CENTER)], duration_s=ESTABLISH_S,
                   camera=CameraMove.PAN, cue="music: in")]
    while len(shots) < MIN_SHOTS:
        if extras and len(shots) >= 1 and shots[0].type != ShotType.ESTABLISHING:
            shots.insert(0, extras.pop())
            continue
        at = max(1, len(shots) - 1)
        shots.insert(at, Shot(number=1, type=ShotType.REACTION, location=shots[at - 1].location,
                              characters=[InFrame(name=lead, position=FramePosition.CENTER)], speaker=lead,
                              action=f"{lead} takes it in", camera=CameraMove.STATIC, duration_s=REACTION_S,
                              cue="music: tension"))
    return shots


def _finish(episode: int, shots: list[Shot], length_s: float | None) -> Storyboard:
    """Number the shots and stretch them to the episode length (never below the time their lines need)."""
    need = sum(s.duration_s for s in shots)
    factor = max(1.0, (length_s or need) / need)
    shots = [s.model_copy(update={"number": i, "duration_s": round(s.duration_s * factor, 2)})
             for i, s in enumerate(shots, 1)]
    return Storyboard(episode=episode, length_s=round(sum(s.duration_s for s in shots), 2), shots=shots,
                      offline_draft=True)


def validate_storyboard(board: Storyboard, script: EpisodeScript | None = None,
                        locations: list[str] | None = None) -> list[str]:
    """Format problems, each a sentence a marketer can act on; an empty list means the storyboard holds.

    `locations` (the season's location keys), when given, also holds every shot to those places: a model-written
    storyboard must not invent a set the season has no locked image for.
    """
    problems: list[str] = []
    shots = board.shots
    if not MIN_SHOTS <= len(shots) <= MAX_SHOTS:
        problems.append(f"episode {board.episode} has {len(shots)} shots; a drama episode needs "
                        f"{MIN_SHOTS}–{MAX_SHOTS}")
    if not shots:
        return problems
    t, hooked = 0.0, False
    for shot in shots:
        if t >= HOOK_SECONDS:
            break
        if shot.characters and (shot.lines or shot.action):
            hooked = True
            break
        t += shot.duration_s
    if not hooked:
        problems.append("no face with a line or action in the first 3 seconds (the hook)")
    last = shots[-1]
    if "sting" not in last.cue.lower():
        problems.append(f"the last shot (shot {last.number}) must carry the cliffhanger sting")
    if script is not None:
        ends = {script.cliffhanger.strip()} | ({script.lines[-1].text.strip()} if script.lines else set())
        said = {ln.text.strip() for ln in last.lines} | {last.action.strip()}
        if not ends & said:
            problems.append(f"the episode must end on the cliffhanger shot, but shot {last.number} is not it")
        if script.product_moment.strip() and not any(s.product and (s.type in PRODUCT_TYPES or s.characters)
                                                     for s in shots):
            problems.append("the product never appears: add an insert, a product-hero shot or put it in a hand")
    for shot in shots:
        inside = {n.strip().lower() for n in shot.names}
        for line in shot.lines:
            if not shot.voice_over and not is_narrator(line.speaker) and line.speaker.strip().lower() not in inside:
                problems.append(f"shot {shot.number}: {line.speaker} speaks but is not in frame (mark it V.O.)")
    if locations:
        for shot in shots:
            if shot.location not in locations:
                problems.append(f"shot {shot.number}: location {shot.location!r} is not one of the season's "
                                f"({', '.join(locations)})")
    if abs(board.total_s - board.length_s) > LENGTH_TOLERANCE * board.length_s:
        problems.append(f"shots add up to {board.total_s:.1f} s but the episode runs {board.length_s:.1f} s "
                        "(allowed ±5 %)")
    return problems


def attach_storyboard(script_json: dict, board: Storyboard) -> dict:
    """The script JSON with its shots (how a ScriptVersion stores the storyboard: no schema change)."""
    return {**script_json, "shots": board.model_dump(mode="json")}


def storyboard_of(script_json: dict) -> Storyboard | None:
    """The storyboard stored in a script version's JSON, if it has one."""
    raw = script_json.get("shots")
    return Storyboard.model_validate(raw) if raw else None


def episode_texts(episode: EpisodeScript) -> list[str]:
    """The words of an episode that name its places: cold open, beat, cliffhanger and every line."""
    return [episode.cold_open, episode.beat, episode.cliffhanger, *(ln.text for ln in episode.lines)]


def locations_for(texts: list[str]) -> list[LocationLock]:
    """The 2–5 locations these words suggest, as (not yet locked) location locks."""
    return [LocationLock(key=k.value, kind=k, name=LOCATION_NAMES[k]) for k in choose_locations(texts)]


def season_locations(arc: Arc) -> list[LocationLock]:
    """The season's 2–5 locations, chosen once from the whole arc's text (the same places in every episode)."""
    return locations_for([t for ep in arc.episodes for t in episode_texts(ep)])


def drama_fields(brief: dict | None, arc: dict | None, script_json: dict) -> dict:
    """The drama renderer's RenderRequest fields from a season's stored brief, arc and script version JSON.

    The composition of a render request stays in production; this only reads what the season already holds:
    `RenderRequest(..., **drama_fields(season.brief, season.arc, script_row.script))`.
    """
    fields: dict = {"storyboard": storyboard_of(script_json)}
    try:  # a render never fails over these: without them the renderer derives everything from the script
        if brief:
            b = Brief.model_validate(brief)
            fields.update(brand=b.brand, product=b.product, tone=b.tone, episode_length_s=float(b.episode_length_s))
        if arc:
            parsed = Arc.model_validate(arc)
            fields.update(cast=parsed.cast, locations=season_locations(parsed))
    except ValidationError:
        pass
    return fields
