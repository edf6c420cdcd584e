"""Partners in the admin: reviewers register endpoints (the secret shown once), a refused URL comes
back as a form error with the input kept, the delivery log with its "Send again", pausing and
turning endpoints on again. Editors see none of it."""

import pytest
from django.utils import timezone

from partners import services
from partners.models import Delivery, DeliveryAttempt, Endpoint, Event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, reviewer):
    client.force_login(reviewer)
    return client


def _add(client, key, url, events=("verdict.published",)):
    return client.post(
        "/admin/partners/endpoint/add/",
        {"key": key.pk, "url": url, "events": list(events), "description": "CMS"},
        follow=True,
    )


def test_a_reviewer_registers_an_endpoint_and_sees_its_secret_once(staff, partner, receiver):
    response = _add(staff, partner[0], receiver.url)
    endpoint = Endpoint.objects.get()
    page = response.content.decode()
    assert f"The signing secret of {receiver.url} is {endpoint.secret}" in page
    assert (endpoint.key, endpoint.events, endpoint.description) == (partner[0], ["verdict.published"], "CMS")
    change = staff.get(f"/admin/partners/endpoint/{endpoint.pk}/change/").content.decode()
    assert endpoint.secret not in change


def test_a_private_url_is_a_form_error_with_the_input_kept(staff, partner, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    response = _add(staff, partner[0], "http://192.168.0.10/hook")
    page = response.content.decode()
    assert "192.168.0.10 resolves to 192.168.0.10, a private or reserved address" in page
    assert 'value="http://192.168.0.10/hook"' in page
    assert not Endpoint.objects.exists()


def test_the_quota_is_a_form_error(staff, partner, receiver, settings):
    settings.PARTNER_ENDPOINT_QUOTA = 1
    _add(staff, partner[0], receiver.url)
    page = _add(staff, partner[0], receiver.url).content.decode()
    assert "This partner has 1 webhook endpoints, the most a partner may hold." in page
    assert Endpoint.objects.count() == 1


def test_send_again_from_a_delivery_page(staff, partner, receiver, django_capture_on_commit_callbacks):
    endpoint, _secret = services.endpoint_create(key=partner[0], url=receiver.url, events=["verdict.published"])
    event = Event.objects.create(
        type="verdict.published", payload='{"type": "verdict.published"}', occurred_at=timezone.now()
    )
    row = Delivery.objects.create(event=event, endpoint=endpoint, status="failed", attempts=8, next_attempt_at=None)
    page = staff.get(f"/admin/partners/delivery/{row.pk}/change/").content.decode()
    assert 'value="Send again"' in page
    assert event.webhook_id in page
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/admin/partners/delivery/{row.pk}/send-again/", follow=True)
    assert "The message is queued again." in response.content.decode()
    row.refresh_from_db()
    assert (row.status, len(receiver.requests)) == ("delivered", 1)
    assert DeliveryAttempt.objects.filter(delivery=row).count() == 1
    assert staff.get(f"/admin/partners/delivery/{row.pk}/send-again/").status_code == 405


def test_pause_and_turn_on_again_from_the_list(staff, partner, receiver):
    endpoint, _secret = services.endpoint_create(key=partner[0], url=receiver.url, events=["verdict.published"])
    staff.post("/admin/partners/endpoint/", {"action": "pause", "_selected_action": [endpoint.pk]})
    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.disabled_reason) == (False, "Paused by staff.")
    staff.post("/admin/partners/endpoint/", {"action": "enable", "_selected_action": [endpoint.pk]})
    endpoint.refresh_from_db()
    assert endpoint.enabled


def test_editors_do_not_manage_partners(client, partner):
    client.force_login(UserFactory(username="partners-editor", group="Editors"))
    assert client.get("/admin/partners/endpoint/").status_code == 403
    assert client.get("/admin/partners/delivery/").status_code == 403
