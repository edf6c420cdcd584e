"""manage.py generatebench: the benchmark's data, built without the services but within every
database constraint, and never leaking a draft."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.models import Appearance, Claim, Claimant, ContentVersion, Evidence, Topic, Verdict
from claims.services import content_version_current
from sources.models import Source

pytestmark = pytest.mark.django_db


def generate(**options):
    call_command("generatebench", claims=40, seed=3, stdout=None, **options)


def test_generates_the_proportions_of_the_issue():
    generate()
    assert Claim.objects.published().count() == 40
    assert Verdict.objects.filter(status__in=["draft", "in_review"]).count() == 1  # 3%, at least one
    assert Claimant.objects.filter(slug__startswith="gen-").count() == 2
    assert Topic.objects.filter(slug__startswith="gen-").count() == 30
    assert Source.objects.filter(slug__startswith="gen-").count() == 20
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


def test_same_seed_same_data_and_flush_replaces_it():
    generate()
    first = list(Claim.objects.order_by("slug").values_list("slug", "title", "made_on"))
    generate(flush=True)
    assert list(Claim.objects.order_by("slug").values_list("slug", "title", "made_on")) == first
    assert Claim.objects.count() == 41


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
    assert topic.pk > Topic.objects.filter(slug__startswith="gen-").order_by("-pk").first().pk
