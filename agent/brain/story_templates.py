"""The offline brain's story material: a shared escalation skeleton and a handful of settings to dress it in.

Data, not logic. The skeleton is the mini-drama shape (hook → warnings → betrayals → all-is-lost → payoff), written
once with placeholders; each `StoryTemplate` supplies the world (place, secret, threat) so different briefs get
different seasons. Placeholders: {lead} {rival} {confidant} {product} {brand} {place} {secret} {threat} {audience}.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Situation:
    """One episode's raw material: what opens it, the one escalating beat, the product's part, the cliffhanger."""

    title: str
    open_action: str
    beat: str
    product_moment: str
    product_line: str
    beat_line: str
    cliffhanger: str
    cliff_line: str


@dataclass(frozen=True)
class StoryTemplate:
    """A world for the skeleton: where it happens, what is hidden, who threatens it."""

    key: str
    title: str
    place: str
    secret: str
    threat: str
    premise: str
    through_line: str
    lead_role: str
    rival_role: str
    confidant_role: str
    fillers: tuple[tuple[str, str], ...]


ESCALATION: tuple[Situation, ...] = (
    Situation("The Message", "{lead} finds {secret} at {place}, where nothing should be.",
              "{lead} tries to walk away, but {rival} appears and asks exactly the wrong question.",
              "The {product} is the first clue: a note is tucked under it, in handwriting {lead} knows.",
              "Someone left this note under my {product}. Who does that?",
              "Funny. I was about to ask you the same thing.",
              "And the note is signed with {lead}'s own name?",
              "It's signed... with my name?"),
    Situation("The Warning", "{confidant} finds {lead} staring at the note and goes pale.",
              "{confidant} warns {lead} to drop it; the warning comes far too quickly.",
              "{lead} hands {confidant} a {product}, and in the pause {confidant} lets a name slip.",
              "{use} your {product} and tell me what you're not telling me.",
              "Some doors at {place} stay shut for a reason.",
              "Why does {confidant} already know about {secret}?",
              "How do you know about that?"),
    Situation("First Move", "{rival} makes the first move before {lead} can.",
              "{rival} takes credit for {lead}'s work in front of everyone, then smiles as if it were a favour.",
              "{lead} keeps the evidence inside the {product} packaging, the one place {rival} won't look.",
              "If it's anywhere, it's in the {product} box. Nobody checks there.",
              "You should be thanking me. I'm saving you from yourself.",
              "What did {rival} take from {lead}'s locker while everyone watched?",
              "My locker's open. Who was in my locker?"),
    Situation("False Lead", "{lead} follows the trail to a door marked private.",
              "The trail leads to the wrong person, and {lead} accuses them in front of {threat}.",
              "A receipt for a {product} proves where {lead} really was last night.",
              "This {product} receipt says I was here at midnight. I wasn't.",
              "You just accused the one person who was trying to help you.",
              "If the receipt is fake, who is trying to frame {lead}?",
              "Then who printed this?"),
    Situation("Cracks", "{confidant} goes silent on every call.",
              "{lead} and {confidant} fight for the first time, and {confidant} says something that can't be unsaid.",
              "{lead} leaves a {product} on {confidant}'s doorstep as a peace offering; it comes back unopened.",
              "I left you the {product}. You didn't even open it.",
              "You don't get to make this right with a gift.",
              "Who was {confidant} meeting behind {place} at 3 a.m.?",
              "That's {confidant}'s car. Who are they meeting?"),
    Situation("Stolen", "The thing {lead} hid is gone.",
              "{lead} searches {place} top to bottom while {threat} closes in.",
              "The empty {product} is still there, but the evidence hidden inside it has vanished.",
              "Someone opened my {product} and took what was inside.",
              "Lose something? You look like you lost something.",
              "Only three people knew where it was hidden — which one lied?",
              "Only three of us knew. One of you is lying."),
    Situation("Exposed", "The whole of {place} has heard a rumour about {lead} by morning.",
              "{rival} turns {lead}'s secret into gossip, and {threat} demands an explanation by tonight.",
              "{lead} hands out the {product} to calm the room, and someone in the crowd slips back a second note.",
              "Everyone take one. The {product} helps. Breathe. We'll sort this out.",
              "Tell them. Tell them what you found.",
              "The second note has only one line: 'Check the cameras' — but who is watching them?",
              "Check the cameras? Who's watching the cameras?"),
    Situation("The Tape", "{lead} gets into the camera room at last.",
              "The footage shows {confidant}, not {rival}, carrying {secret} out of {place}.",
              "On the tape, {confidant} uses the {product} to prop the door open — the same one {lead} gave {confidant}.",
              "That's my {product}. You used my {product} to hold the door.",
              "Before you say anything, it's not what it looks like.",
              "Why would {confidant} steal the one thing that could save {lead}?",
              "Why would you do this to me?"),
    Situation("Turned", "{confidant} finally talks, in the stairwell, in a whisper.",
              "{confidant} admits {rival} has been blackmailing {confidant}, and the deadline is tonight.",
              "{confidant} hid the real evidence in a sealed {product}; it's still in the fridge.",
              "The real copy is in a sealed {product}. Back of the fridge. Go.",
              "If you're going to do something, do it now.",
              "The fridge is open and the {product} is gone — who got there first?",
              "It's gone. Someone got here first."),
    Situation("All Is Lost", "{lead} is locked out of {place}.",
              "{threat} takes {rival}'s side, and {lead} has one night to prove what happened.",
              "A delivery of the {product} arrives with {lead}'s name on it — and a key taped to the lid.",
              "A {product} delivery? I didn't order this. There's a key.",
              "Whoever sent that wants you back inside.",
              "Who sent {lead} the key to the one room no one has opened?",
              "Who sent me this?"),
    Situation("The Trap", "{lead} walks back into {place} with a plan.",
              "{lead} and {confidant} set a trap for {rival}, using the rumour as bait.",
              "The trap is a fake stash inside {product} cases — and the bait is taken within the hour.",
              "Leave the {product} cases by the door. Let them take the bait.",
              "You're out of moves. I've already won.",
              "The trap has sprung — but the person caught in it isn't {rival}. Then who is it?",
              "Wait. That's not who I thought it would be."),
)

PAYOFF = Situation(
    "The Reveal", "{lead} stands in front of everyone at {place}, evidence in hand.",
    "{lead} lays out the whole truth about {secret}; {rival}'s story collapses and {threat} finally listens.",
    "The {product} is the proof: the handwriting on it from episode one matches {rival}'s, and the room goes quiet.",
    "Remember the note under my {product}? Compare the handwriting.",
    "You think this ends with me? You have no idea who I work for.",
    "It's over. Then {confidant}'s phone lights up with a number {lead} hasn't seen since the first night.",
    "It's over. It's finally over. ... Aren't you going to answer that?",
)

SHARED_FILLERS: tuple[tuple[str, str], ...] = (
    ("confidant", "You're shaking. When did you last eat something?"),
    ("rival", "Everyone has a price. I'm just curious what yours is."),
    ("lead", "I keep replaying it. Every detail, every second."),
    ("confidant", "Whatever happens next, I'm on your side. Remember that."),
    ("rival", "You should be careful who you trust around here."),
    ("lead", "Something about tonight feels wrong. I can't explain it."),
    ("confidant", "Start from the beginning. Slowly this time."),
    ("rival", "I'd love to stay and chat, but I have somewhere to be."),
)

INTERJECTIONS: tuple[str, ...] = ("Wait.", "Listen.", "Not now.", "Look at me.", "Say it.", "Don't.", "Go.",
                                  "Seriously?", "Tell me.", "Quiet.")

TEMPLATES: tuple[StoryTemplate, ...] = (
    StoryTemplate(
        "after_hours", "After Hours", "the building after midnight", "a drawer of unsigned letters",
        "the night manager",
        "In {place}, {lead} — one of the {audience} — finds {secret} that could end careers, and someone wants it back.",
        "{lead} must find out who wrote the letters before {rival} buries the truth for good.",
        "the night-shift regular who notices everything", "the charming colleague with too many keys",
        "the best friend who always has a spare minute",
        (("lead", "Every night I tell myself I'm just here to do the job."),
         ("confidant", "You always say that, and then you do something brave and stupid."),
         ("rival", "Long shift? You look like you haven't slept in a week."),
         ("lead", "The lights on this floor never flicker. Tonight they flickered twice."),
         ("confidant", "Whatever you found, put it back before anyone sees you."),
         ("rival", "I hear things. People tell me things. It's a gift."),
         ("lead", "Somebody in this building knows more than they're saying."),
         ("confidant", "Keep your voice down. These walls are thinner than you think."))),
    StoryTemplate(
        "inheritance", "The Inheritance", "the old family house", "a will nobody was meant to read",
        "the family lawyer",
        "When {lead} — one of the {audience} — returns to {place}, {secret} turns the whole family against each other.",
        "{lead} must prove the will is real before {rival} claims everything.",
        "the one who left and came back", "the cousin who never left", "the housekeeper who raised them all",
        (("lead", "I swore I would never set foot in this house again."),
         ("rival", "Welcome home. Your room is exactly as you left it. Dusty."),
         ("confidant", "Your grandmother kept secrets in every wall of this place."),
         ("lead", "The portraits moved. I'm telling you, they moved."),
         ("rival", "Family is complicated. Money makes it simple."),
         ("confidant", "Eat something. You think better when you're not hungry."),
         ("lead", "Someone in this family is lying, and I think it's all of you."),
         ("rival", "Careful. Old houses have stairs that break."))),
    StoryTemplate(
        "launch_day", "Launch Day", "the launch floor", "a leaked prototype with someone else's name on it",
        "the investors",
        "Days before {brand}'s big launch, {lead} — one of the {audience} — finds {secret} and a saboteur on the team.",
        "{lead} must unmask the saboteur before launch day, or lose everything built so far.",
        "the overworked builder who believes in the idea", "the star hire with a hidden agenda",
        "the co-founder who remembers why they started",
        (("lead", "Seventy-two hours to launch and nothing is where I left it."),
         ("rival", "Relax. Launches always look like this from the inside."),
         ("confidant", "We built this in a garage. We can survive one bad week."),
         ("lead", "Someone pushed code at 2 a.m. using my login."),
         ("rival", "The investors want a scapegoat. I'd hate for it to be you."),
         ("confidant", "Breathe. Then tell me everything, in order."),
         ("lead", "The prototype was locked in my desk. Now it's on a stranger's feed."),
         ("rival", "You look tired. Maybe someone else should run launch day."))),
    StoryTemplate(
        "wrong_number", "Wrong Number", "the apartment block", "a voicemail from a stranger who knows every name in the building",
        "the building super",
        "In {place}, {lead} — one of the {audience} — gets {secret}, and every neighbour suddenly has something to hide.",
        "{lead} must find the stranger behind the voicemail before the next message comes true.",
        "the new tenant who answers every call", "the neighbour who is always home",
        "the downstairs friend with a spare key",
        (("lead", "I moved here for a quiet life. That lasted a week."),
         ("rival", "Packages go missing around here. So do people, if you believe the rumours."),
         ("confidant", "Play it again. The voicemail. Turn it up."),
         ("lead", "The stranger knew what I was wearing this morning."),
         ("rival", "I see everyone who comes and goes. Everyone."),
         ("confidant", "Lock your door tonight. Both locks."),
         ("lead", "The hallway light is out again. It's always out when the phone rings."),
         ("rival", "Wrong numbers happen. Right ones are worse."))),
    StoryTemplate(
        "last_stop", "Last Stop", "the last train of the night", "a bag left on seat fourteen",
        "the conductor",
        "On {place}, {lead} — one of the {audience} — picks up {secret}, and the passengers start disappearing stop by stop.",
        "{lead} must find the bag's owner before the train reaches the last stop.",
        "the commuter who takes the same seat every night", "the stranger in the long coat",
        "the conductor's apprentice who sees everything",
        (("lead", "Same train, same seat, same tired faces. Until tonight."),
         ("rival", "You picked up something that isn't yours."),
         ("confidant", "Three stops left. Whatever you're doing, do it fast."),
         ("lead", "The woman across the aisle was here a minute ago."),
         ("rival", "Trains are full of secrets. Most of them get off early."),
         ("confidant", "The conductor counted passengers twice. The numbers didn't match."),
         ("lead", "The bag is heavier than it was at the last station."),
         ("rival", "Sit down. The ride is almost over."))),
)

FIRST_NAMES: tuple[str, ...] = ("Maya", "Noor", "Elena", "Priya", "Zoe", "Ines", "Hana", "Tessa", "Ama", "Lucia",
                                "Mira", "June", "Sofia", "Keiko", "Dani", "Rosa")
RIVAL_NAMES: tuple[str, ...] = ("Victor", "Adrian", "Celeste", "Julian", "Margot", "Dorian", "Vivian", "Silas",
                                "Blake", "Ronan")
CONFIDANT_NAMES: tuple[str, ...] = ("Theo", "Sam", "Jo", "Kai", "Lou", "Ben", "Remy", "Nia", "Ollie", "Femi")
