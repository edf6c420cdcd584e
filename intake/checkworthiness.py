"""Check-worthiness: how likely a sentence holds a claim worth fact-checking, as a score from 0 to 1
with the reasons an editor can read.

The model is a logistic regression over two kinds of features, both explainable:
- cues: named patterns, each with the words that fired it (a number or quantity, a comparison, an
  attributed statement and who said it, a pledge or prediction, a named person or place, a claim of
  cause, and cues that lower the score, such as a question or thanks);
- words: a few hundred words, each with a learned weight ("percent", "tax", "jobs" up; "thank",
  "question" down).

The weights (checkworthiness_model.json beside this file) are learned offline by
bench/checkworthiness_train.py from the CLEF 2019 CheckThat! Task 1 transcripts, which stay outside
the repository; bench/README.md reports how well the model ranks held-out transcripts. This module
needs neither Django nor numpy: the training script imports it, so training and the site compute
exactly the same features.
"""

import json
import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("checkworthiness_model.json")

_NUMBER_WORDS = (
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands "
    "million millions billion billions trillion trillions dozen dozens half quarter twice double triple"
)
_MONTHS = "january february march april may june july august september october november december"
_DAYS = "monday tuesday wednesday thursday friday saturday sunday"
# Verbs of saying, in forms that are rarely anything else ("states", "claims", "demands" are nouns as
# often as verbs, and "United States" is no attribution).
ATTRIBUTION_VERBS = (
    "said says stated declared declares told tells claimed announced announces insisted insists emphasized "
    "emphasised emphasizes emphasises added noted argued argues warned warns pledged promised vowed asserted "
    "asserts admitted admits denied denies confirmed confirms explained explains wrote tweeted reported "
    "suggested acknowledged accused alleged alleges predicted predicts maintained boasted outlined demanded"
)
_VERB_ALT = "|".join(ATTRIBUTION_VERBS.split())


def _words(spec):
    return r"\b(?:" + "|".join(spec.split()) + r")\b"


@dataclass(frozen=True)
class Cue:
    name: str
    label: str
    pattern: re.Pattern
    cap: int = 1


# Order is the order reasons are listed in. `cap` > 1 counts matches up to that many (value = n / cap).
CUES = [
    Cue(
        "number",
        "a number or quantity",
        # Digits standing alone ("700,000", "1990s", "20%"), not inside a name such as "G7".
        re.compile(r"(?<![A-Za-z])\d(?:[\d,.]*\d)?(?:s|st|nd|rd|th)?(?![A-Za-z])|" + _words(_NUMBER_WORDS), re.I),
    ),
    Cue(
        "amount",
        "an amount, share or rate",
        re.compile(
            r"[$€£¥%]|"
            + _words(
                "percent per cent percentage dollars dollar euros pounds rubles roubles yuan rate rates average "
                "million millions billion billions trillion trillions"
            ),
            re.I,
        ),
    ),
    Cue(
        "date",
        "a date or period",
        re.compile(r"\b(?:1[89]\d\d|20\d\d)s?\b|" + _words(f"{_MONTHS} {_DAYS} decade decades yesterday"), re.I),
    ),
    Cue(
        "comparison",
        "a comparison",
        re.compile(
            r"\b(?:more|less|fewer|higher|lower|larger|smaller|bigger|greater|faster|slower|better|worse|cheaper)"
            r"\s+(?:\w+\s+){0,3}?than\b|\bthan\b|"
            + _words("compared comparison versus vs relative equal equivalent times outnumber outnumbered"),
            re.I,
        ),
    ),
    Cue(
        "superlative",
        "a superlative or record",
        re.compile(
            r"\b(?:most|least|best|worst|largest|biggest|highest|lowest|greatest|smallest|fastest|toughest|"
            r"richest|poorest|strongest|weakest|record|ever|first|single|every|all-time|unprecedented)\b"
            r"|(?<!\bnot )\bonly\b",  # "not only ... but also" is neither a superlative nor a denial
            re.I,
        ),
    ),
    Cue(
        "change",
        "a rise, fall or other change",
        re.compile(
            _words(
                "increase increased increases increasing decrease decreased decreases rise rose risen rising fall "
                "fell fallen falling grow grew grown growth doubled tripled quadrupled halved cut cuts raised "
                "lowered dropped declined declining soared surged plunged lost gained created added reduced "
                "eliminated destroyed built"
            ),
            re.I,
        ),
    ),
    Cue(
        "attribution",
        "an attributed statement",
        re.compile(_words(ATTRIBUTION_VERBS) + r"|\baccording to\b", re.I),
    ),
    Cue(
        "pledge",
        "a pledge",
        re.compile(
            r"\b(?:I|we|I'll|we'll|I’ll|we’ll)\s+(?:will|shall|are going to|am going to|would)\b|"
            r"\b(?:I'll|we'll|I’ll|we’ll)\b|"
            + _words(
                "pledge pledged pledges promise promised promises vow vowed vows guarantee guaranteed commit "
                "committed commitment"
            ),
            re.I,
        ),
    ),
    Cue(
        "prediction",
        "a prediction",
        re.compile(
            r"\b(?:will|won't|won’t|going to|is likely|are likely|unlikely|expected to|expects|forecast|"
            r"predicted|predicts|projected|by 20\d\d|next year|soon)\b",
            re.I,
        ),
    ),
    Cue(
        "entity",
        "a named person, place or organisation",
        # A capitalised word that does not open the sentence (or a quotation), or an acronym.
        re.compile(
            r"(?:^|(?<=[\w,;:)”\"] ))(?:(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|St)\.\s+)[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*"
            r"|(?<=[\w,;:)”\"] )(?!I\b)[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*|\b[A-Z]{2,}\b"
        ),
        cap=3,
    ),
    Cue(
        "cause",
        "a claim of cause",
        re.compile(
            r"\b(?:because|caused|causes|cause|causing|due to|led to|leads to|lead to|leading to|result of|"
            r"resulted in|results in|as a result|thanks to|responsible for|blame|blamed|blames|so that|therefore|"
            r"consequently|owing to|in order to)\b",
            re.I,
        ),
    ),
    Cue(
        "condition",
        "a condition",
        re.compile(r"\b(?:if|unless|in the event that|provided that|on condition|as long as)\b|^Should\b", re.I),
    ),
    Cue(
        "negation",
        "a denial or negation",
        re.compile(r"\bnot\b(?! only\b)|\b(?:no|never|none|nothing|neither|nor|nobody|without)\b|n[’']t\b", re.I),
    ),
    Cue(
        "hedge",
        "a hedge or speculation",
        re.compile(
            r"\b(?:seems?|seemed|appears?|appeared|likely|unlikely|may|might|could|perhaps|possibly|probably|"
            r"maybe|reportedly|allegedly|apparently)\b",
            re.I,
        ),
    ),
    Cue(
        "normative",
        "a demand or recommendation",
        re.compile(
            r"\b(?:should|must|ought to|need to|needs to|have to|has to|calling for|call for|calls for)\b", re.I
        ),
    ),
    # The quoted words when the quotation closes in the sentence, else the quotation mark.
    Cue("quote", "a quotation", re.compile(r"“[^“”]{1,200}”|\"[^\"]{1,200}\"|[“”\"]")),
    Cue("question", "a question", re.compile(r"\?\s*[”\"’']?\s*$")),
    Cue(
        "opinion",
        "an opinion",
        re.compile(
            r"\b(?:I think|I believe|I feel|we believe|we think|in my opinion|I hope|I want|we want|frankly|"
            r"honestly|believe me|I love|we love)\b",
            re.I,
        ),
    ),
    Cue(
        "courtesy",
        "thanks, greetings or crowd noise",
        re.compile(
            r"\b(?:thank|thanks|thank you|welcome|good evening|good morning|congratulations|applause|laughter|"
            r"cheers|booing|crosstalk|inaudible|ladies and gentlemen|okay|ok)\b",
            re.I,
        ),
    ),
    Cue("first_person", "the speaker's own view", re.compile(r"\b(?:I|me|my|I'm|I’m|I've|I’ve)\b")),
    Cue("we", "speaks for a group", re.compile(r"\b(?:we|us|our|ours|we're|we’re|we've|we’ve)\b", re.I)),
    Cue("address", "addresses someone", re.compile(r"\b(?:you|your|yours)\b", re.I)),
]
CUE_NAMES = [cue.name for cue in CUES]
LENGTH_FEATURES = ["short", "long"]

# Function words carry no meaning an editor could read as a reason; the cues cover the ones that
# matter (negations, modals, pronouns), so the word features leave these out. So do forms of address:
# in a debate "Mr." is the moderator turning to a candidate, in a news report it is everywhere.
_STOPWORDS = """a an the and or but of to in on at by for from with as is are was were be been being am it its it's this
    that these those there here which who whom whose what when where why how do does did done doing have has had
    having he him his she her hers they them their theirs i me my we us our you your yours so than then too very
    s t just also into about over under up down out off again further once all any both each few more most other
    some such no nor not only own same can will would should could may might must shall now
    mr mrs ms dr"""
STOPWORDS = frozenset(_STOPWORDS.split())

_TOKEN = re.compile(r"[a-z][a-z’'-]*[a-z]|[a-z]", re.I)


def tokens(sentence):
    """Lower-case words, apostrophes normalised: the word features' vocabulary."""
    return [t.lower().replace("’", "'") for t in _TOKEN.findall(sentence)]


def cue_matches(sentence):
    """{cue name: [matched text, ...]} for every cue that fires."""
    found = {}
    for cue in CUES:
        hits = [m.group(0).strip() for m in cue.pattern.finditer(sentence)]
        if hits:
            found[cue.name] = hits
    return found


def features(sentence):
    """The feature vector of one sentence, as {name: value}: cues (0-1), length, and `w:<word>` (1)."""
    words = tokens(sentence)
    values = {}
    for cue in CUES:
        count = sum(1 for _ in cue.pattern.finditer(sentence)) if cue.cap > 1 else 0
        if cue.cap > 1:
            if count:
                values[cue.name] = min(count, cue.cap) / cue.cap
        elif cue.pattern.search(sentence):
            values[cue.name] = 1.0
    if len(words) < 6:
        values["short"] = 1.0
    if len(words) > 25:
        values["long"] = 1.0
    for word in set(words) - STOPWORDS:
        values[f"w:{word}"] = 1.0
    return values


@dataclass
class Model:
    """Weights of the logistic regression: bias, cues and words (the rest of the vocabulary weighs 0)."""

    bias: float
    weights: dict
    about: dict = field(default_factory=dict)

    @classmethod
    def from_json(cls, data):
        return cls(bias=data["bias"], weights=data["weights"], about=data.get("about", {}))

    def to_json(self):
        return {"about": self.about, "bias": self.bias, "weights": self.weights}

    def margin(self, values):
        weights = self.weights
        return self.bias + sum(weights.get(name, 0.0) * value for name, value in values.items())

    def score(self, sentence):
        return _sigmoid(self.margin(features(sentence)))


@cache
def model():
    """The shipped model (loaded once per process)."""
    return Model.from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


def _sigmoid(x):
    if x < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))


@dataclass
class Reason:
    feature: str
    label: str
    detail: str
    weight: float

    def as_dict(self):
        return {"feature": self.feature, "label": self.label, "detail": self.detail, "weight": round(self.weight, 3)}


_LABELS = {cue.name: cue.label for cue in CUES} | {"short": "a very short sentence", "long": "a long sentence"}


def explain(sentence, *, values=None, using=None, limit=6):
    """(score, reasons): the reasons are the features that fired and raised the score, largest
    contribution first; for cues the words that fired them, for words the word itself."""
    using = using or model()
    values = values if values is not None else features(sentence)
    score = _sigmoid(using.margin(values))
    matches = cue_matches(sentence)
    reasons, raised_by_words = [], []
    for name, value in values.items():
        contribution = using.weights.get(name, 0.0) * value
        if contribution <= 0:
            continue
        if name.startswith("w:"):
            raised_by_words.append((contribution, name[2:]))
        else:
            detail = ", ".join(dict.fromkeys(matches.get(name, [])))
            reasons.append(Reason(name, _LABELS[name], detail, contribution))
    if raised_by_words:
        raised_by_words.sort(reverse=True)
        top = raised_by_words[:4]
        reasons.append(
            Reason("words", "words often found in checked claims", ", ".join(w for _, w in top), sum(c for c, _ in top))
        )
    reasons.sort(key=lambda r: -r.weight)
    return score, reasons[:limit]


# --- Who said it ------------------------------------------------------------------------------------

_HONORIFIC = r"(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov)\.\s+"
# A capitalised phrase that is not a pronoun or a sentence's opening function word.
_NOT_A_NAME = r"(?!(?:He|She|It|They|We|I|You|This|That|These|Those|There|But|And|So|Yet|In|On|At|As|If|When)\b)"
_NAME = rf"{_NOT_A_NAME}(?:{_HONORIFIC})?[A-Z][\w’'-]*(?:\s+(?:(?:of|for|de|al)\s+)?[A-Z][\w’'-]*){{0,4}}"
_WHO = rf"(?:the\s+)?{_NAME}"
_SAY = rf"(?:{_VERB_ALT})"
_SAYER_BEFORE = re.compile(
    rf"(?P<who>{_WHO})\s+(?:(?:has|have|had|also|previously|again|then|already|once|\w+ly)\s+){{0,3}}{_SAY}\b"
)
_SAYER_AFTER = re.compile(rf"[,”\"]\s*{_SAY}\s+(?P<who>{_WHO})")
_ACCORDING_TO = re.compile(rf"\baccording to\s+(?P<who>{_WHO})")
# "He said ..." or "..., she added": not a "he" inside a clause ("the day on which he outlined").
_PRONOUN_SAYER = re.compile(
    rf"(?:^|[,;:”\"]\s*)(?P<who>[Hh]e|[Ss]he)\s+(?:(?:has|had|also|\w+ly)\s+){{0,2}}{_SAY}\b"
    rf"|[,”\"]\s*{_SAY}\s+(?P<after>he|she)\b"
)
# Words in front of a name that say what the person is, not who: dropped when matching claimants.
_TITLES = """the mr mr. mrs mrs. ms ms. dr dr. gen. sen. rep. gov. president prime minister foreign defence defense
    secretary senator governor chancellor general spokesman spokeswoman spokesperson leader mayor judge
    chairman chairwoman chief deputy vice former ambassador king queen pope"""
TITLES = frozenset(_TITLES.split())


def sayer(sentence):
    """(who, kind) for an attributed statement: the words naming who said it, as written, and
    "name" or "pronoun"; ("", "") when the sentence credits nobody."""
    for pattern in (_SAYER_AFTER, _ACCORDING_TO, _SAYER_BEFORE):
        if m := pattern.search(sentence):
            return m.group("who").strip(), "name"
    if m := _PRONOUN_SAYER.search(sentence):
        return m.group("who") or m.group("after"), "pronoun"
    return "", ""


def name_forms(who):
    """The ways `who` may be recorded as a claimant, longest first: "Russian President Vladimir Putin"
    gives "Russian President Vladimir Putin", "President Vladimir Putin", "Vladimir Putin", "Putin"."""
    words = who.replace("’", "'").split()
    while words and words[0].lower() == "the":
        words = words[1:]
    forms = [" ".join(words[i:]) for i in range(len(words))]
    return [form for form in forms if form[0].isupper() and form.split()[0].lower() not in TITLES]


def attribute(sentences):
    """Who said each sentence, for the sentences of one article in order: a surname alone ("Mr.
    Putin") is completed from an earlier full name ("Vladimir Putin"), and "he"/"she" stands for the
    last person named as a speaker. Returns one list of name forms (name_forms) per sentence."""
    full_names, last, result = {}, [], []
    for sentence in sentences:
        who, kind = sayer(sentence)
        forms = last if kind == "pronoun" else name_forms(who) if who else []
        if kind == "name" and forms:
            surname = forms[-1]
            if len(forms[0].split()) == 1 and surname in full_names:
                forms = full_names[surname]
            else:
                full_names.setdefault(surname, forms)
            last = forms
        result.append(forms)
    return result
