"""Factories for the test cast and data. Ratings come from the data migration, not from here."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from claims import services
from claims.models import Appearance, Claim, Claimant, Evidence, Rating, Topic, Verdict
from sources.models import Publisher, Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def group(self, create, extracted, **kwargs):
        if create and extracted:
            self.is_staff = True
            self.save()
            self.groups.add(Group.objects.get(name=extracted))


class PublisherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publisher

    name = factory.Sequence(lambda n: f"Publisher {n}")
    slug = factory.Sequence(lambda n: f"publisher-{n}")
    domain = factory.Sequence(lambda n: f"publisher{n}.example")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Source number {n}")
    slug = factory.Sequence(lambda n: f"source-{n}")
    url = factory.Sequence(lambda n: f"https://news.example/article-{n}")
    publisher = factory.SubFactory(PublisherFactory)
    published_on = datetime.date(2024, 6, 14)


class ClaimantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claimant

    name = factory.Sequence(lambda n: f"Claimant {n}")
    slug = factory.Sequence(lambda n: f"claimant-{n}")
    role = "Minister"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    title = factory.Sequence(lambda n: f"Claim number {n}")
    slug = factory.Sequence(lambda n: f"claim-{n}")
    text = factory.Sequence(lambda n: f"The statement number {n} as it was made.")
    claimant = factory.SubFactory(ClaimantFactory)
    made_on = datetime.date(2024, 6, 14)
    made_at = "a press conference"


class AppearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appearance

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    quote = "the words as quoted"
    seen_on = datetime.date(2024, 6, 14)
    is_first = True


class VerdictFactory(factory.django.DjangoModelFactory):
    """A draft verdict with a rating and conclusion; use make_verdict() for other statuses."""

    class Meta:
        model = Verdict

    claim = factory.SubFactory(ClaimFactory)
    rating = factory.LazyFunction(lambda: Rating.objects.get(slug="false"))
    conclusion = "The statement is not accurate."
    analysis = "The **evidence** shows otherwise."
    author = factory.SubFactory(UserFactory, username="factory-author", group="Editors")


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    verdict = factory.SubFactory(VerdictFactory)
    source = factory.SubFactory(SourceFactory)
    note = "Shows the figure."


def make_verdict(status=Verdict.Status.PUBLISHED, *, reviewer=None, **claim_kwargs):
    """A complete claim (appearance, verdict, evidence) taken through the real workflow services
    up to `status`."""
    rating = claim_kwargs.pop("rating", None)
    claim = ClaimFactory(**claim_kwargs)
    AppearanceFactory(claim=claim)
    if rating is None:
        rating = Rating.objects.get(slug="kept" if claim.kind == Claim.Kind.PLEDGE else "false")
    verdict = VerdictFactory(claim=claim, rating=rating)
    EvidenceFactory(verdict=verdict)
    if status == Verdict.Status.DRAFT:
        return verdict
    services.verdict_submit_for_review(verdict=verdict, by=verdict.author)
    if status == Verdict.Status.IN_REVIEW:
        return verdict
    reviewer = reviewer or UserFactory(username="factory-reviewer", group="Reviewers")
    services.verdict_publish(verdict=verdict, by=reviewer, revision=services.claim_revision(verdict.claim))
    if status == Verdict.Status.RETRACTED:
        services.verdict_retract(verdict=verdict, note="Retracted: the source was a forgery.", by=reviewer)
    return verdict


def correct(*, verdict, by, note="Corrected.", approver=None, **changes):
    """Propose a correction of a published verdict as `by` and approve it as `approver` (another
    reviewer by default), as two people would. Returns the public Correction."""
    approver = approver or UserFactory(username="factory-approver", group="Reviewers")
    change = services.verdict_correct(verdict=verdict, by=by, note=note, **changes)
    services.change_approve(change=change, by=approver, revision=change.unit_hash)
    verdict.refresh_from_db()
    return verdict.corrections.order_by("-pk").first()


def today():
    return timezone.localdate()
