"""Public names: what readers see of a staff account."""

import pytest

from organisation.models import StaffProfile, public_name, public_profile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_public_name_prefers_the_profile_then_the_full_name_never_the_username():
    user = UserFactory(username="jdoe-login", first_name="Jane", last_name="Doe")
    assert public_name(user) == "Jane Doe"
    assert public_profile(user) is None
    StaffProfile.objects.create(user=user, display_name="J. Doe", slug="j-doe")
    user.refresh_from_db()
    assert public_name(user) == "J. Doe"
    assert public_profile(user) is None  # no page until they opt in
    nameless = UserFactory(username="nameless", first_name="", last_name="")
    assert public_name(nameless) == ""
    assert public_name(None) == ""
