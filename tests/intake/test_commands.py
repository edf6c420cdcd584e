"""manage.py importarticle (one article, as the screen does; --json for one JSON object) and
manage.py checkworthiness (a CLEF transcript in, line_number<TAB>score out)."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from intake.models import Intake
from sources.models import Source
from tests.intake.conftest import BOILERPLATE, CHECKABLE, HEADLINE, REPORT, SEED, SEED_CLAIM_OF

pytestmark = pytest.mark.django_db


def _run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_importarticle_json_gives_metadata_text_hash_and_ranked_sentences(reviewer):
    call_command("loadseeds", "--reviewer", reviewer.username, verbosity=0)
    result = json.loads(_run("importarticle", str(SEED), "--json"))
    intake = Intake.objects.get()
    source = intake.source
    assert list(result) == ["intake", "source", "sha256", "text", "notes", "sentences"]
    assert result["source"] == {
        "id": source.pk,
        "slug": "putin-offers-to-maintain-ceasefire-in-ukraine-should-kyiv-remove-troops-and",
        "title": HEADLINE,
        "url": "",
        "author": "",
        "publisher": "",
        "published_on": None,
        "language": "en",
        "reused": False,
    }
    assert (result["intake"], result["sha256"], result["text"]) == (
        intake.pk,
        source.snapshot_sha256,
        source.snapshot_text,
    )
    for line in BOILERPLATE:
        assert line not in result["text"]
    assert all(sentence in result["text"] for sentence in REPORT)
    sentences = result["sentences"]
    assert [s["score"] for s in sentences] == sorted((s["score"] for s in sentences), reverse=True)
    assert {s["position"] for s in sentences[: len(CHECKABLE)]} == CHECKABLE
    first = sentences[0]
    assert list(first) == [
        "position",
        "text",
        "score",
        "suggested",
        "kind",
        "reasons",
        "speaker",
        "claimant",
        "matches",
    ]
    assert (first["position"], first["text"], first["suggested"], first["speaker"]) == (
        10,
        REPORT[9],
        True,
        "Russian President Vladimir Putin",
    )
    assert first["claimant"]["name"] == "Vladimir Putin"
    assert first["reasons"][0] == {
        "feature": "number",
        "label": "a number or quantity",
        "detail": "four, 2022",
        "weight": first["reasons"][0]["weight"],
    }
    by_position = {s["position"]: s for s in sentences}
    for position, slug in SEED_CLAIM_OF.items():
        assert by_position[position]["matches"][0]["slug"] == slug
    assert by_position[5]["matches"][0] == {
        "id": by_position[5]["matches"][0]["id"],
        "slug": "kremlin-ready-to-negotiate-without-delay",
        "title": "“The Kremlin is ready to start negotiations without delay”",
        "status": "Published",
        "score": 1.0,
    }
    # Recorded as the command's own account, which nobody can sign in as.
    account = get_user_model().objects.get(username="importarticle")
    assert (intake.created_by, intake.method, account.has_usable_password()) == (account, "command", False)


def test_importarticle_twice_finds_the_existing_source():
    first = json.loads(_run("importarticle", str(SEED), "--json"))
    second = json.loads(_run("importarticle", str(SEED), "--json"))
    assert (second["source"]["id"], second["source"]["reused"], second["sha256"]) == (
        first["source"]["id"],
        True,
        first["sha256"],
    )
    assert Source.objects.count() == 1


def test_importarticle_summary(editor):
    out = _run("importarticle", str(SEED), "--user", editor.username)
    lines = out.splitlines()
    assert (
        lines[0]
        == f"Imported “{HEADLINE}” (new source putin-offers-to-maintain-ceasefire-in-ukraine-should-kyiv-remove-troops-and)."
    )
    assert lines[1].startswith("SHA-256 ") and lines[1].endswith(", language en, 11 sentences.")
    assert lines[2] == "0.84  " + REPORT[9]
    assert Intake.objects.get().created_by == editor


def test_importarticle_from_a_url(news_server):
    result = json.loads(_run("importarticle", f"{news_server}/news/bus-fares", "--json"))
    assert (result["source"]["title"], result["source"]["publisher"], result["source"]["published_on"]) == (
        "Council says bus fares will fall by 10 percent next year",
        "The Riverside Courier",
        "2024-03-07",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/no/such/file.txt"], "Cannot read /no/such/file.txt: No such file or directory."),
        (["README.md", "--user", "nobody"], "There is no user “nobody”."),
    ],
)
def test_importarticle_errors(args, message):
    with pytest.raises(CommandError) as refused:
        call_command("importarticle", *args)
    assert str(refused.value) == message


def test_importarticle_refusals_are_command_errors(news_server, settings):
    settings.INTAKE_FETCH_ALLOWED_NETWORKS = []
    with pytest.raises(CommandError) as refused:
        call_command("importarticle", f"{news_server}/news/bus-fares")
    assert str(refused.value).endswith("a loopback address: only pages on the public internet are fetched.")
    assert Intake.objects.get().status == "failed"


def test_importarticle_of_a_binary_file(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7\n\x00\x00\xff" * 50)
    with pytest.raises(CommandError) as refused:
        call_command("importarticle", str(path))
    assert str(refused.value) == (
        "This is not text or a web page (it looks like binary data, such as an image, a PDF or an archive)."
    )
    assert Intake.objects.count() == 0


def test_checkworthiness_writes_line_number_tab_score(tmp_path):
    transcript = tmp_path / "debate.tsv"
    transcript.write_text(
        "1\tMODERATOR\tGood evening and welcome.\t0\n"
        "2\tCANDIDATE\tUnemployment has doubled to 8 percent since 2019, more than in any other state.\t1\n"
        "\n"
        "3\tCANDIDATE\tThank you.\n",
        encoding="utf-8",
    )
    out = _run("checkworthiness", str(transcript))
    lines = [line.split("\t") for line in out.splitlines()]
    assert [number for number, _ in lines] == ["1", "2", "3"]
    scores = [float(score) for _, score in lines]
    assert all(0 <= s <= 1 for s in scores)
    assert all(len(score.split(".")[1]) == 6 for _, score in lines)
    assert scores[1] > 0.8 > 0.2 > max(scores[0], scores[2])
    target = tmp_path / "scores.tsv"
    assert _run("checkworthiness", str(transcript), "--output", str(target)) == ""
    assert target.read_text(encoding="utf-8") == out


def test_checkworthiness_names_a_malformed_line(tmp_path):
    transcript = tmp_path / "bad.tsv"
    transcript.write_text("1\tA\tFine.\nnot a line\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("checkworthiness", str(transcript))
    assert str(refused.value) == (
        f"{transcript}, line 2: expected line_number<TAB>speaker<TAB>text[<TAB>label], got 'not a line'."
    )
