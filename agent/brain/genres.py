"""Tone-driven genres and product kinds for the offline writer (data plus two small readers).

The brief's tone picks a genre (romance, comedy, mystery/thriller, workplace, family/heartwarming, telenovela):
the genre supplies the episode titles, lines the characters say, and the marker words the offline tone judge looks
for, so a romance brief reads as a romance and a judge can tell when it does not. The product's kind (a drink, an
app, a service, a garment, a place, food, or any other object) decides how the product enters a scene: nobody
"hides the evidence in a sealed savings app".
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Genre:
    """A genre's words: how to spot it in a tone, its titles and lines, and the markers a judge counts."""

    key: str
    cues: tuple[str, ...]
    titles: tuple[str, ...]
    lines: tuple[tuple[str, str], ...]  # (role, text) with {lead} {rival} {confidant} {product}
    markers: tuple[str, ...]
    series: tuple[str, ...]


GENRES: tuple[Genre, ...] = (
    Genre("romance", ("romance", "romantic", "rom-com", "romcom", "love", "swoon", "date"),
          ("Meet Cute", "Second Glance", "The Almost Kiss", "Mixed Signals", "Jealous Hearts", "The Ex Returns",
           "Confessions", "Rainy Night", "Cold Feet", "The Grand Gesture", "Say It Back", "Forever, Maybe"),
          (("lead", "Why does my heart do that when you walk in?"), ("confidant", "You're blushing. Admit it."),
           ("rival", "He used to look at me like that."), ("lead", "Stay. Just five more minutes."),
           ("confidant", "Love makes everyone brave and a little bit stupid."),
           ("lead", "I wasn't going to fall for anyone this year."),
           ("rival", "Romance is lovely until somebody gets hurt."), ("lead", "Tell me this means something.")),
          ("love", "heart", "kiss", "date", "blush", "fall for", "romance", "feelings"),
          ("Love, Unscripted", "Hearts on Shift", "Falling Slowly")),
    Genre("comedy", ("comedy", "comedic", "funny", "hilarious", "sitcom", "playful", "silly", "humor",
                     "humour", "laugh"),
          ("The Mix-Up", "Wrong Room", "Awkward Silence", "The Big Misunderstanding", "Plan B (Worse)",
           "Total Disaster", "Nobody Panic", "The Cover Story", "It Gets Sillier", "Caught Red-Handed",
           "The Speech", "Happily Chaotic"),
          (("lead", "This is fine. Everything is completely fine."), ("confidant", "I am laughing with you. Mostly."),
           ("rival", "Did you just trip over nothing? Again?"), ("lead", "In my defence, it was a very loud sneeze."),
           ("confidant", "That is the worst plan I have ever heard. I'm in."),
           ("lead", "Okay, new rule: nobody touches anything."),
           ("rival", "I'm not saying it's your fault. I'm just saying it's entirely your fault."),
           ("confidant", "We are never telling anyone about this.")),
          ("laugh", "joke", "ridiculous", "silly", "funny", "awkward", "oops", "fine"),
          ("Totally Fine", "The Mix-Up Club", "Oops, All Drama")),
    Genre("mystery", ("mystery", "mysterious", "thriller", "suspense", "suspenseful", "noir", "whodunit", "dark",
                      "crime", "detective", "spooky"),
          ("The Message", "The Warning", "First Move", "False Lead", "Cracks", "Stolen", "Exposed", "The Tape",
           "Turned", "All Is Lost", "The Trap", "The Reveal"),
          (("lead", "Somebody was here before me. The chair is still warm."),
           ("confidant", "Don't trust anyone tonight. Not even me."),
           ("rival", "Curious people end up in very small rooms."), ("lead", "The clock stopped at the same minute."),
           ("confidant", "Whoever did this wanted you to find it."), ("lead", "Three doors, and one of them lies."),
           ("rival", "Evidence has a way of disappearing."), ("lead", "I know what I saw.")),
          ("secret", "clue", "evidence", "who", "lie", "hidden", "truth", "watching"),
          ("After Dark", "The Quiet Witness", "Nobody Saw It")),
    Genre("workplace", ("workplace", "office", "corporate", "startup", "coworking", "co-working", "boss"),
          ("Day One", "The Meeting", "Reply All", "Deadline", "The Promotion", "Office Politics", "The Audit",
           "Overtime", "The Pitch", "Layoffs", "The Offsite", "Quarter End"),
          (("lead", "Per my last email, I am losing my mind."), ("rival", "Let's circle back after you've failed."),
           ("confidant", "Coffee first. Then we fight the spreadsheet."),
           ("lead", "Who booked a meeting about the meeting?"),
           ("rival", "The boss loves initiative. Mine, specifically."),
           ("confidant", "Nobody reads the minutes. That's our advantage."),
           ("lead", "I did not spend three years here to be cc'd."), ("rival", "Your desk is by the printer now.")),
          ("meeting", "boss", "deadline", "email", "desk", "promotion", "office", "team"),
          ("Nine to Five", "Reply All", "The Open Plan")),
    Genre("family", ("family", "heartwarming", "wholesome", "feel-good", "uplifting", "kids", "parents", "home",
                     "heart-warming"),
          ("Home Again", "The Old Recipe", "Sunday Dinner", "The Photo Album", "Growing Pains", "The Secret Visit",
           "Little Victories", "The Argument", "Saying Sorry", "The Surprise", "All Together", "Full House"),
          (("confidant", "You look just like your mother when you frown."),
           ("lead", "We used to do this every Sunday, remember?"),
           ("rival", "Some of us stayed and did the hard part."), ("lead", "I miss the noise this house used to make."),
           ("confidant", "Hugs first. Questions after."), ("lead", "Family is the people who show up."),
           ("rival", "You can't fix years with one dinner."), ("confidant", "Put the kettle on. This will take a while.")),
          ("home", "family", "hug", "together", "mum", "dad", "kids", "love"),
          ("Home for Now", "The Kitchen Table", "All of Us")),
    Genre("telenovela", ("telenovela", "novela", "melodrama", "soap", "dramatic", "passion", "scandal"),
          ("The Betrayal", "Twin Secrets", "The Forbidden Letter", "A Slap at the Wedding", "The Lost Heir",
           "Revenge Is Sweet", "The Other Woman", "The Confession", "Blood Is Thicker", "The Fortune",
           "Unmasked", "Till Death"),
          (("rival", "You stole my life and my husband in one summer!"), ("lead", "How dare you come back here?"),
           ("confidant", "Señora, there is something you must know about your birth."),
           ("lead", "I will never forgive you. Never!"), ("rival", "Darling, I was born for scandal."),
           ("confidant", "The whole hacienda is whispering your name."),
           ("lead", "Swear it on your mother's grave."), ("rival", "Cry all you want. The fortune is mine.")),
          ("betray", "fortune", "scandal", "never", "swear", "heir", "revenge", "forgive"),
          ("Passion and Lies", "The Heiress", "Corazón Roto")),
)
DEFAULT_GENRE = "mystery"


@dataclass(frozen=True)
class ProductKind:
    """How a kind of product lives in a scene: the verb of using it, and moments that fit it."""

    key: str
    cues: tuple[str, ...]
    use: str
    moments: tuple[str, ...]  # {lead} {confidant} {rival} {product}; one per episode, never repeated


KINDS: tuple[ProductKind, ...] = (
    ProductKind("app", ("app", "software", "platform", "savings", "account", "bank", "card", "subscription",
                        "game", "website", "tool"), "Open",
                ("{lead} checks the {product} and sees a notification that changes everything.",
                 "{confidant} sets {lead} up on the {product} in thirty seconds flat.",
                 "A reminder from the {product} pops up at exactly the wrong moment.",
                 "{lead} uses the {product} to prove where the money really went.",
                 "{rival} pretends not to know what the {product} is, then asks for the login.",
                 "The {product} history shows a timestamp nobody can explain.",
                 "{lead} shares a screen from the {product} with the whole room.",
                 "{confidant} finds the answer in the {product} while everyone else argues.",
                 "{lead} taps the {product} once and the plan is back on track.",
                 "A streak in the {product} is the only thing that kept {lead} going.",
                 "{rival} finally downloads the {product} — too late to help.",
                 "The {product} sends a final, perfectly timed message.")),
    ProductKind("service", ("insurance", "service", "delivery", "membership", "memberships", "plan", "pass",
                            "passes", "class", "classes", "lessons", "course", "route", "flight", "deal"), "Book",
                ("{lead} books the {product} on a whim, and the first call goes better than expected.",
                 "{confidant} swears by the {product}: it saved {confidant} last winter.",
                 "The {product} shows up right on time, and {rival} notices.",
                 "{lead} calls the {product} helpline and a calm voice talks {lead} through it.",
                 "{rival} mocks the {product} — until {rival} needs it.",
                 "A confirmation from the {product} proves {lead} was telling the truth.",
                 "{lead} gives {confidant} a {product} voucher as an apology.",
                 "The {product} team fixes in an hour what {rival} broke in a week.",
                 "{lead} renews the {product} without a second thought.",
                 "{confidant} recommends the {product} to a stranger, unprompted.",
                 "Thanks to the {product}, {lead} makes it to the one meeting that matters.",
                 "The {product} is the reason {lead} can finally breathe.")),
    ProductKind("place", ("hotel", "restaurant", "café", "cafe", "bar", "gym", "space", "studio", "shop", "store",
                          "spa", "resort", "venue"), "Meet at",
                ("{lead} walks into {product} for the first time and stops in the doorway.",
                 "{confidant} books a quiet table at {product} so they can talk.",
                 "{rival} is already at {product}, in {lead}'s favourite spot.",
                 "The staff at {product} remember {lead}'s name.",
                 "{lead} finds a hidden corner of {product} nobody else knows about.",
                 "A chance meeting at {product} changes the plan.",
                 "{lead} and {confidant} watch the sunset from {product}.",
                 "{rival} makes a scene at {product}, and the whole room turns.",
                 "{lead} returns to {product} alone, to think.",
                 "The best conversation of the season happens at {product}.",
                 "{confidant} throws a surprise for {lead} at {product}.",
                 "Everyone ends up at {product}, exactly where it started.")),
    ProductKind("garment", ("jacket", "parka", "coat", "shoe", "shoes", "sneaker", "sneakers", "runner", "boots",
                            "beanie", "hat", "dress", "shirt", "jumper", "sweater", "glasses", "backpack", "bag",
                            "scarf", "socks", "jeans", "watch"), "Put on",
                ()),
    ProductKind("drink", ("coffee", "tea", "latte", "brew", "soda", "water", "juice", "beer", "lager", "wine",
                          "rosé", "drink", "milk", "smoothie", "espresso", "matcha", "can"), "Drink",
                ()),
    ProductKind("food", ("bar", "bars", "snack", "cereal", "gelato", "ice cream", "ramen", "noodles", "honey",
                         "chocolate", "bread", "kit", "meal", "food", "bowl", "bowls", "cookies", "pizza"), "Eat",
                ()),
)
OTHER = ProductKind("object", (), "Take", ())


def genre_for(tone: str) -> Genre:
    """The genre a tone asks for (its first cue word in the tone wins); mystery when nothing matches."""
    lowered = tone.lower()
    best: tuple[int, Genre] | None = None
    for genre in GENRES:
        for cue in genre.cues:
            match = re.search(rf"\b{re.escape(cue)}", lowered)
            if match and (best is None or match.start() < best[0]):
                best = (match.start(), genre)
    return best[1] if best else next(g for g in GENRES if g.key == DEFAULT_GENRE)


def genres_named(text: str) -> list[Genre]:
    """Every genre a text (a voice or tone) names."""
    lowered = text.lower()
    return [g for g in GENRES if any(re.search(rf"\b{re.escape(c)}", lowered) for c in g.cues)]


def product_kind(product: str) -> ProductKind:
    """What kind of thing the product is, from its last matching word (the head noun usually comes last)."""
    lowered = product.lower()
    found: tuple[int, ProductKind] | None = None
    for kind in KINDS:
        for cue in kind.cues:
            for match in re.finditer(rf"\b{re.escape(cue)}\b", lowered):
                if found is None or match.start() > found[0]:
                    found = (match.start(), kind)
    return found[1] if found else OTHER
