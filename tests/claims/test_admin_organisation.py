"""The organisation's admin: public profiles are their owners', funding and texts are reviewers'."""

import pytest

from organisation.models import FundingSource, OrganisationText, StaffProfile

pytestmark = pytest.mark.django_db


def test_a_staff_member_adds_and_sees_only_their_own_profile(editor_client, editor, reviewer):
    StaffProfile.objects.create(user=reviewer, display_name="Rafa", slug="rafa")
    response = editor_client.post(
        "/admin/organisation/staffprofile/add/",
        {"display_name": "Erin E.", "slug": "erin", "job_title": "Fact-checker", "bio": "", "public_page": "on"},
    )
    assert response.status_code == 302
    assert list(StaffProfile.objects.filter(user=editor).values_list("display_name", "public_page")) == [
        ("Erin E.", True)
    ]
    listing = editor_client.get("/admin/organisation/staffprofile/").content.decode()
    assert "Erin E." in listing and "Rafa" not in listing
    other = StaffProfile.objects.get(user=reviewer)
    assert editor_client.get(f"/admin/organisation/staffprofile/{other.pk}/change/").status_code in (302, 403, 404)
    again = editor_client.post("/admin/organisation/staffprofile/add/", {"display_name": "Erin 2", "slug": "erin-2"})
    assert again.status_code == 200
    assert "Public staff profile with this Account already exists." in again.content.decode()
    assert StaffProfile.objects.filter(user=editor).count() == 1


def test_reviewers_change_funding_and_texts_editors_only_read_them(client, editor, reviewer):
    client.force_login(editor)
    assert client.post("/admin/organisation/fundingsource/add/", {}).status_code == 403
    client.force_login(reviewer)
    response = client.post(
        "/admin/organisation/fundingsource/add/",
        {"year": "2024", "funder": "Readers", "kind": "donations", "amount": "1200", "currency": "EUR"},
    )
    assert response.status_code == 302
    assert list(FundingSource.objects.values_list("funder", "amount")) == [("Readers", 1200)]
    text = OrganisationText.objects.get(kind="ownership")
    response = client.post(
        f"/admin/organisation/organisationtext/{text.pk}/change/", {"body": "Owned by us.", "expected_version": "1"}
    )
    assert response.status_code == 302
    assert OrganisationText.objects.get(kind="ownership").body == "Owned by us."
    assert "Owned by us." in client.get("/about/").content.decode()
