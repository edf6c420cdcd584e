"""manage.py generatebench: the benchmark's data, built without the services but within every
database constraint, never leaking a draft, and only ever touching the rows it recorded writing."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.management.commands.generatebench import Writer, generated
from claims.models import (
    Appearance,
    Claim,
    Claimant,
    ContentVersion,
    Correction,
    Evidence,
    GeneratedRange,
    Topic,
    Verdict,
)
from claims.services import content_version_current
from sources.models import Publisher, Source
from tests.factories import AppearanceFactory, ClaimantFactory, make_verdict

pytestmark = pytest.mark.django_db

User = get_user_model()
# Every table the command writes, children of generated claims included.
GENERATED_MODELS = [
    Topic,
    Claimant,
    Publisher,
    Source,
    Claim,
    Claim.topics.through,
    Verdict,
    Appearance,
    Evidence,
    Correction,
    User,
    User.groups.through,
]


@pytest.fixture(autouse=True)
def _development_settings(settings):
    # The command is for development and benchmark databases: it refuses to run when DEBUG is off.
    settings.DEBUG = True


def generate(**options):
    options = {"claims": 40, "seed": 3, **options}
    call_command("generatebench", stdout=None, **options)


def counts():
    return {model._meta.db_table: model.objects.count() for model in GENERATED_MODELS}


def test_generates_the_proportions_of_the_issue():
    generate()
    assert Claim.objects.published().count() == 40
    assert Verdict.objects.filter(status__in=["draft", "in_review"]).count() == 1  # 3%, at least one
    assert Claimant.objects.filter(generated(Claimant)).count() == Claimant.objects.count() == 2
    assert Topic.objects.filter(generated(Topic)).count() == Topic.objects.count() == 30
    assert Source.objects.filter(generated(Source)).count() == Source.objects.count() == 20
    assert Verdict.objects.count() == Claim.objects.count() == 41
    assert 41 <= Appearance.objects.count() <= 123
    assert Appearance.objects.filter(is_first=True).count() == 41
    assert 41 <= Evidence.objects.count() <= 82
    assert Claim.topics.through.objects.count() >= 41


def test_published_verdicts_have_a_reviewer_who_is_not_the_author():
    generate()
    for verdict in Verdict.objects.filter(status="published"):
        assert verdict.reviewer_id is not None
        assert verdict.reviewer_id != verdict.author_id
        assert verdict.published_at is not None


def test_drafts_never_show_as_published():
    generate()
    hidden = Claim.objects.exclude(verdict__status__in=Verdict.PUBLIC_STATUSES)
    assert hidden.count() == 1
    assert not Claim.objects.published().filter(pk__in=hidden).exists()


def test_search_text_is_claimant_name_and_conclusion_as_the_services_write_it():
    generate()
    for claim in Claim.objects.select_related("claimant", "verdict")[:10]:
        assert claim.search_extra == f"{claim.claimant.name} {claim.verdict.conclusion}"


def test_writes_the_edit_lock_and_review_columns_as_a_new_row_has_them():
    generate()
    for model in (Topic, Claimant, Publisher, Source, Claim):
        assert set(model.objects.values_list("version", flat=True)) == {1}, model
    assert set(Claim.objects.values_list("revision_hash", flat=True)) == {""}
    for verdict in Verdict.objects.all():
        assert verdict.last_edited_by_id == verdict.author_id


def test_generated_users_are_staff_in_their_groups_and_cannot_sign_in():
    generate()
    users = User.objects.filter(generated(User)).order_by("pk")
    assert [u.username for u in users] == [f"gen-{role}-{i}" for i in range(1, 5) for role in ("author", "reviewer")]
    assert all(u.is_staff and not u.has_usable_password() for u in users)
    assert [u.groups.get().name for u in users] == ["Editors", "Reviewers"] * 4
    assert set(Verdict.objects.values_list("author__groups__name", flat=True)) == {"Editors"}


def test_records_one_range_per_table_covering_exactly_the_rows_written():
    generate(claims=600)  # enough for retractions (N/500) and so for corrections
    ranges = list(GeneratedRange.objects.values_list("table", "first_id", "last_id"))
    assert sorted(table for table, _, _ in ranges) == sorted(m._meta.db_table for m in GENERATED_MODELS)
    by_table = {m._meta.db_table: m for m in GENERATED_MODELS}
    for table, first, last in ranges:
        model = by_table[table]
        assert model.objects.filter(pk__range=(first, last)).count() == last - first + 1 == model.objects.count()


def test_same_seed_same_data_and_flush_replaces_it():
    generate()
    first = list(Claim.objects.order_by("slug").values_list("slug", "title", "made_on"))
    generate(flush=True)
    assert list(Claim.objects.order_by("slug").values_list("slug", "title", "made_on")) == first
    assert Claim.objects.count() == 41
    assert GeneratedRange.objects.filter(table=Claim._meta.db_table).count() == 1


def test_refuses_to_generate_twice_without_flush():
    generate()
    with pytest.raises(CommandError, match="--flush"):
        generate()


def test_bumps_the_content_version_and_leaves_ids_usable():
    before = content_version_current()
    generate()
    assert content_version_current() == before + 1
    assert ContentVersion.objects.count() == 1
    topic = Topic.objects.create(name="Fresh topic", slug="fresh-topic")
    assert topic.pk > Topic.objects.filter(generated(Topic)).order_by("-pk").first().pk


@pytest.fixture
def real_claim():
    """A real published fact-check whose slugs look generated: the old --flush deleted it."""
    claimant = ClaimantFactory(name="Real Person", slug="gen-real-claimant")
    return make_verdict(slug="gen-real-claim", title="A real claim", claimant=claimant)


def real_rows(verdict):
    claim = verdict.claim
    appearance, evidence = claim.appearances.get(), verdict.evidence.get()
    return {
        "claim": (claim.pk, claim.slug, claim.title),
        "claimant": (claim.claimant_id, claim.claimant.slug, claim.claimant.name),
        "verdict": (verdict.pk, verdict.status, verdict.conclusion),
        "appearance": (appearance.pk, appearance.source_id, appearance.source.slug),
        "evidence": (evidence.pk, evidence.source_id, evidence.source.slug),
        "publishers": sorted(Publisher.objects.exclude(generated(Publisher)).values_list("pk", "slug")),
        "users": sorted(User.objects.exclude(generated(User)).values_list("pk", "username")),
    }


def rows_of(verdict):
    verdict = Verdict.objects.select_related("claim__claimant").get(pk=verdict.pk)
    return real_rows(verdict)


def test_flush_keeps_a_real_claim_whose_slug_looks_generated(real_claim):
    before, before_counts = rows_of(real_claim), counts()
    generate(claims=50)
    assert Claim.objects.published().count() == 51
    generate(claims=50, flush_only=True)
    assert rows_of(real_claim) == before
    assert Claim.objects.published().get().slug == "gen-real-claim"
    assert counts() == before_counts
    assert not GeneratedRange.objects.exists()


def test_flush_then_generate_replaces_only_the_generated_rows(real_claim):
    before, before_counts = rows_of(real_claim), counts()
    generate(claims=50)
    generate(claims=10, seed=4, flush=True)
    assert rows_of(real_claim) == before
    assert Claim.objects.published().count() == 1 + 10
    assert Claim.objects.filter(generated(Claim)).count() == 10 + 1  # and one draft or claim in review
    assert Claimant.objects.count() == before_counts["claims_claimant"] + 1  # N/20, at least one
    assert Topic.objects.count() == before_counts["claims_topic"] + 30
    assert User.objects.count() == before_counts["auth_user"] + 8


def test_refuses_production_settings_without_the_opt_in_and_writes_nothing(settings, real_claim):
    settings.DEBUG = False
    before, version = counts(), content_version_current()
    for options in ({}, {"flush": True}, {"flush_only": True}):
        with pytest.raises(CommandError, match=r"Refusing to run with production settings \(DEBUG is off\)"):
            generate(**options)
    assert counts() == before
    assert content_version_current() == version
    assert not GeneratedRange.objects.exists()
    assert Claim.objects.get().slug == "gen-real-claim"


def test_runs_with_production_settings_when_told_this_database_is_a_benchmark(settings):
    settings.DEBUG = False
    generate(allow_production_settings=True)
    assert Claim.objects.published().count() == 40


def test_a_generated_row_that_collides_with_a_real_one_rolls_the_run_back(real_claim):
    Group.objects.get(name="Editors").user_set.create(username="gen-author-1")
    before = counts()
    with pytest.raises(CommandError, match="nothing was written or deleted"):
        generate()
    assert counts() == before
    assert not GeneratedRange.objects.exists()


def test_a_column_the_command_does_not_write_is_named():
    row = {"id": 1, "name": "Economy", "slug": "gen-economy", "description": "", "featured": False}
    with pytest.raises(CommandError, match=r"does not write claims_topic\.version"):
        Writer().write(Topic, [row])
    assert not Topic.objects.exists()


def test_flush_refuses_when_a_real_row_refers_to_a_generated_one(real_claim):
    generate()
    cited = Source.objects.filter(generated(Source)).first()
    AppearanceFactory(claim=real_claim.claim, source=cited, is_first=False)
    before, ranges = counts(), list(GeneratedRange.objects.values_list("table", "first_id", "last_id"))
    with pytest.raises(CommandError, match="nothing was written or deleted"):
        generate(flush_only=True)
    assert counts() == before
    assert list(GeneratedRange.objects.values_list("table", "first_id", "last_id")) == ranges
