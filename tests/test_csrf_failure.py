"""A form sent without its security token gets a page in the site's design, not Django's default
(which carries an inline style that the strict CSP blocks)."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_tokenless_form_gets_the_sites_403_page_with_what_to_do():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/tips/new/", {"text": "The moon is made of cheese."})
    body = response.content.decode()
    assert response.status_code == 403
    assert "The form could not be sent: its security check failed." in body
    assert "Make sure your browser accepts cookies from this site" in body
    assert "<style" not in body
