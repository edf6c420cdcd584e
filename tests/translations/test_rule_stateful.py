"""The translations' two-person rule as a property: a translator, an editor and two reviewers save,
submit, send back and publish one translation in any order, opening it at any version, and after
every step
- readers see exactly the words of a version a reviewer was shown, published by someone who neither
  translated the check nor changed the translation since its previous publication;
- the working copy holds what its last successful save wrote.
Runs on SQLite and PostgreSQL."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import TestCase
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from claims.models import Evidence
from tests.factories import UserFactory, make_verdict
from translations import services
from translations.models import ClaimTranslation, PublishedTranslation

PEOPLE = ["translator", "editor", "reviewer-a", "reviewer-b"]
WORDS = st.sampled_from(["Перше", "Друге", "Третє", "Четверте"])
refused = (services.WorkflowError, ValidationError, PermissionDenied)


class TranslationDesk(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.people = {
            name: UserFactory(username=f"tsm-{name}", group="Reviewers" if "reviewer" in name else "Editors")
            for name in PEOPLE
        }
        claim = make_verdict(slug="tsm-claim").claim
        notes = {
            str(pk): "Примітка." for pk in Evidence.objects.filter(verdict__claim=claim).values_list("pk", flat=True)
        }
        self.translation = services.translation_save(
            translation=ClaimTranslation(
                claim=claim, language="uk", title="Заголовок", text="Текст.", conclusion="Висновок.",
                analysis="Аналіз.", evidence_notes=notes,
            ),
            by=self.people["translator"],
        )  # fmt: skip
        self.typed = "Заголовок"
        self.changed = {self.people["translator"].pk}  # who changed it since its last publication
        self.shown = {}  # person -> (version, title) of the page they opened
        self.published = None  # (title, reviewer id) readers should see

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def current(self):
        return ClaimTranslation.objects.get(pk=self.translation.pk)

    def attempt(self, action):
        try:
            with transaction.atomic():
                action()
                return True
        except refused:
            return False

    @rule(who=st.sampled_from(PEOPLE))
    def open_page(self, who):
        current = self.current()
        self.shown[who] = (current.version, current.title)

    @rule(who=st.sampled_from(PEOPLE), title=WORDS)
    def save(self, who, title):
        if who not in self.shown:
            return
        copy = self.current()
        copy.title = title
        person = self.people[who]
        if self.attempt(
            lambda: services.translation_save(translation=copy, by=person, expected_version=self.shown[who][0])
        ):
            if title != self.typed:
                self.changed.add(person.pk)
            self.typed = title
            self.shown[who] = (self.current().version, title)

    @rule(who=st.sampled_from(PEOPLE))
    def submit(self, who):
        self.attempt(lambda: services.translation_submit(translation=self.current(), by=self.people[who]))

    @rule(who=st.sampled_from(PEOPLE))
    def send_back(self, who):
        self.attempt(lambda: services.translation_return_to_draft(translation=self.current(), by=self.people[who]))

    @rule(who=st.sampled_from(PEOPLE))
    def publish(self, who):
        if who not in self.shown:
            return
        person = self.people[who]
        version, title = self.shown[who]
        done = self.attempt(
            lambda: services.translation_publish(translation=self.current(), by=person, expected_version=version)
        )
        if done:
            assert title == self.typed, "published a version the reviewer was not shown"
            assert person.pk not in self.changed, "published by someone who changed it"
            self.published = (title, person.pk)
            self.changed = set()

    @invariant()
    def readers_see_only_approved_words(self):
        row = PublishedTranslation.objects.filter(translation=self.translation).values_list("title", "reviewer_id")
        assert row.first() == self.published
        if self.published:
            assert self.published[1] != self.people["translator"].pk

    @invariant()
    def no_save_is_lost(self):
        assert self.current().title == self.typed


class TestTranslationDesk(TestCase):
    def test_the_rule_holds_whatever_people_do(self):
        run_state_machine_as_test(
            TranslationDesk,
            settings=settings(
                max_examples=15,
                stateful_step_count=25,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            ),
        )
