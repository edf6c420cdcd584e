"""The two-person rule as a property: two editors and two reviewers perform every editorial action
in any order, and after every step
- everything public is exactly a revision that someone other than each of its changers approved;
- every public change after the first publication has a public record (a correction);
- no stored field is lost: a working copy holds what its last successful save wrote.
Runs on SQLite and PostgreSQL (`make test` runs it on both)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import TestCase
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from claims import revisions, services
from claims.models import Appearance, Claim, Claimant, Correction, Evidence, PendingChange, Rating, Revision, Verdict
from sources.models import Source
from tests.factories import UserFactory

PEOPLE = ["editor-a", "editor-b", "reviewer-a", "reviewer-b"]
UNITS = [0, 1]
WORDS = st.sampled_from(["alpha", "beta", "gamma", "delta", "epsilon"])
refused = (services.WorkflowError, ValidationError, PermissionDenied)


class EditorialDesk(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.people = {
            name: UserFactory(username=f"sm-{name}", group="Editors" if "editor" in name else "Reviewers")
            for name in PEOPLE
        }
        self.sources = [
            Source.objects.create(title=f"Source {n}", slug=f"sm-source-{n}", url=f"https://sm.example/{n}")
            for n in range(3)
        ]
        self.claimant = services.claimant_save(claimant=Claimant(name="Speaker", slug="sm-speaker"), by=self.person(0))
        self.claims = [self._new_unit(n) for n in UNITS]
        # Start from every interesting place: unit 0 waits for review, unit 1 is public.
        for claim in self.claims:
            services.verdict_submit_for_review(verdict=Verdict.objects.get(claim=claim), by=self.person(0))
        services.verdict_publish(
            verdict=Verdict.objects.get(claim=self.claims[1]),
            by=self.person(2),
            revision=services.claim_revision(self.claims[1]),
        )
        self.typed = {claim.pk: claim.text for claim in self.claims}  # what the last successful save wrote
        self.shown = {}  # (person, unit) -> the revision their open verdict page shows

    def _new_unit(self, n):
        author = self.person(n)  # editor-a writes unit 0, editor-b unit 1
        claim = Claim(title=f"Claim {n}", slug=f"sm-claim-{n}", text=f"Statement {n}", claimant=self.claimant)
        claim.made_on = datetime.date(2024, 6, 14)
        services.claim_save(claim=claim, by=author)
        Appearance.objects.create(claim=claim, source=self.sources[0], quote="q", seen_on=claim.made_on, is_first=True)
        verdict = Verdict(claim=claim, rating=Rating.objects.get(slug="false"), conclusion="Wrong.", analysis="A.")
        services.verdict_save(verdict=verdict, by=author)
        Evidence.objects.create(verdict=verdict, source=self.sources[1], note="Shows it.")
        services.unit_record_change(claim=claim, by=author)
        return claim

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def person(self, index):
        return self.people[PEOPLE[index]]

    def verdict(self, unit):
        return Verdict.objects.select_related("claim").get(claim=self.claims[unit])

    def attempt(self, action):
        try:
            with transaction.atomic():
                return action()
        except refused:
            return None

    # --- Working copies ---------------------------------------------------------------------

    @rule(who=st.integers(0, 3), unit=st.sampled_from(UNITS), word=WORDS)
    def edit_claim_text(self, who, unit, word):
        claim = Claim.objects.get(pk=self.claims[unit].pk)
        claim.text = f"{claim.text} {word}"
        if self.attempt(lambda: services.claim_save(claim=claim, by=self.person(who), expected_version=claim.version)):
            self.typed[claim.pk] = claim.text

    @rule(who=st.integers(0, 3), unit=st.sampled_from(UNITS), word=WORDS, stale=st.booleans())
    def edit_verdict(self, who, unit, word, stale):
        verdict = self.verdict(unit)
        verdict.conclusion = f"{word.capitalize()}."
        version = verdict.version - 1 if stale else verdict.version
        self.attempt(lambda: services.verdict_save(verdict=verdict, by=self.person(who), expected_version=version))

    @rule(who=st.integers(0, 3), unit=st.sampled_from(UNITS), source=st.integers(0, 2))
    def cite_evidence(self, who, unit, source):
        """What the admin's evidence inline does: write the row, then record the unit's change."""
        verdict = self.verdict(unit)

        def write():
            Evidence.objects.update_or_create(verdict=verdict, source=self.sources[source], defaults={"note": "Cited."})
            services.unit_record_change(claim=verdict.claim, by=self.person(who))

        self.attempt(write)

    # --- The workflow -----------------------------------------------------------------------

    @rule(who=st.integers(0, 3), unit=st.sampled_from(UNITS))
    def submit(self, who, unit):
        self.attempt(lambda: services.verdict_submit_for_review(verdict=self.verdict(unit), by=self.person(who)))

    @rule(who=st.integers(0, 3), unit=st.sampled_from(UNITS))
    def open_verdict_page(self, who, unit):
        self.shown[(who, unit)] = services.claim_revision(self.claims[unit])

    @rule(who=st.integers(0, 3), unit=st.sampled_from(UNITS))
    def publish_what_was_shown(self, who, unit):
        revision = self.shown.get((who, unit), "")
        self.attempt(
            lambda: services.verdict_publish(verdict=self.verdict(unit), by=self.person(who), revision=revision)
        )

    @rule(who=st.integers(0, 3), unit=st.sampled_from(UNITS))
    def open_and_publish(self, who, unit):
        self.open_verdict_page(who, unit)
        self.publish_what_was_shown(who, unit)

    @rule(who=st.integers(0, 3), unit=st.sampled_from(UNITS))
    def return_to_draft(self, who, unit):
        self.attempt(lambda: services.verdict_return_to_draft(verdict=self.verdict(unit), by=self.person(who)))

    @rule(who=st.integers(0, 3), unit=st.sampled_from(UNITS))
    def retract(self, who, unit):
        self.attempt(
            lambda: services.verdict_retract(verdict=self.verdict(unit), note="Withdrawn.", by=self.person(who))
        )

    # --- Changes to public fact-checks -------------------------------------------------------

    @rule(who=st.integers(0, 3), unit=st.sampled_from(UNITS), word=WORDS, rerate=st.booleans())
    def propose_correction(self, who, unit, word, rerate):
        rating = Rating.objects.get(slug="half-true" if rerate else "false")
        self.attempt(
            lambda: services.verdict_correct(
                verdict=self.verdict(unit), by=self.person(who), note=f"Note {word}.", conclusion=word, rating=rating
            )
        )

    @rule(who=st.integers(0, 3), unit=st.sampled_from(UNITS))
    def propose_reinstatement(self, who, unit):
        self.attempt(lambda: services.verdict_reinstate(verdict=self.verdict(unit), note="Back.", by=self.person(who)))

    @rule(
        who=st.integers(0, 3), unit=st.sampled_from(UNITS), decision=st.sampled_from(["approve", "reject", "withdraw"])
    )
    def decide(self, who, unit, decision):
        change = PendingChange.objects.filter(claim=self.claims[unit], status="pending").first()
        if change is None:
            return
        by = self.person(who)
        action = {
            "approve": lambda: services.change_approve(change=change, by=by, revision=change.unit_hash),
            "reject": lambda: services.change_reject(change=change, by=by, comment="No."),
            "withdraw": lambda: services.change_withdraw(change=change, by=by),
        }[decision]
        done = self.attempt(action)
        event(f"{decision} {'done' if done else 'refused'}")
        if done and decision == "approve":
            self.typed[change.claim_id] = change.unit["claim"]["text"]

    @rule(who=st.integers(0, 3), word=WORDS)
    def rename_claimant(self, who, word):
        claimant = Claimant.objects.get(pk=self.claimant.pk)
        claimant.name = f"Speaker {word}"
        self.attempt(
            lambda: services.claimant_save(claimant=claimant, by=self.person(who), expected_version=claimant.version)
        )

    # --- What must always hold ----------------------------------------------------------------

    @invariant()
    def public_is_an_approved_revision_nobody_approved_of_their_own(self):
        for claim in self.claims:
            verdict = Verdict.objects.get(claim=claim)
            latest = Revision.objects.filter(claim=claim).order_by("-number").first()
            if verdict.status == Verdict.Status.PUBLISHED:
                assert latest is not None
                assert latest.unit_hash == revisions.current_hash(claim.pk), "an unapproved edit is public"
                assert latest.approved_by_id not in latest.changed_by
                assert verdict.reviewer_id != verdict.author_id
            for revision in Revision.objects.filter(claim=claim):
                assert revision.approved_by_id not in revision.changed_by

    @invariant()
    def every_public_change_has_a_record(self):
        for claim in self.claims:
            revisions_made = Revision.objects.filter(claim=claim).count()
            records = Correction.objects.filter(verdict__claim=claim).exclude(kind=Correction.Kind.RETRACTION).count()
            assert records == max(revisions_made - 1, 0)
            retracted = Verdict.objects.filter(claim=claim, status=Verdict.Status.RETRACTED).exists()
            if retracted:
                assert Correction.objects.filter(verdict__claim=claim, kind=Correction.Kind.RETRACTION).exists()

    @invariant()
    def no_stored_field_is_lost(self):
        for claim in self.claims:
            assert Claim.objects.get(pk=claim.pk).text == self.typed[claim.pk]


class TestEditorialDesk(TestCase):
    def test_the_rule_holds_whatever_people_do(self):
        run_state_machine_as_test(
            EditorialDesk,
            settings=settings(
                max_examples=30,
                stateful_step_count=40,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            ),
        )
