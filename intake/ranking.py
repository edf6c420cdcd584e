"""An article's sentences, ranked: split (cleaning.split_sentences), scored and explained
(checkworthiness), each with who the text credits it to. No database and no Django: the benchmark
(bench/checkworthiness_timing.py) times exactly this, and services.rank adds the claimants."""

from dataclasses import dataclass

from intake import checkworthiness, cleaning


@dataclass
class Ranked:
    position: int
    paragraph: int
    text: str
    score: float
    reasons: list
    pledge: bool
    speaker: list  # name forms, longest first (checkworthiness.name_forms)


def rank(paragraphs):
    """[Ranked, ...] in text order, positions from 1."""
    split = cleaning.split_sentences(paragraphs)
    speakers = checkworthiness.attribute([text for _, text in split])
    ranked = []
    for position, ((paragraph, text), forms) in enumerate(zip(split, speakers, strict=True), start=1):
        values = checkworthiness.features(text)
        score, reasons = checkworthiness.explain(text, values=values)
        ranked.append(
            Ranked(
                position=position,
                paragraph=paragraph,
                text=text,
                score=round(score, 4),
                reasons=[reason.as_dict() for reason in reasons],
                pledge="pledge" in values,
                speaker=forms,
            )
        )
    return ranked
