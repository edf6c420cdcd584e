"""The translations' admin lists run a fixed number of queries, whatever the number of rows."""

import pytest
from django.contrib.contenttypes.models import ContentType

from tests.factories import make_verdict
from tests.translations.conftest import publish, translate

pytestmark = pytest.mark.django_db


def _translations(size, translator, reviewer):
    for i in range(size):
        verdict = make_verdict(slug=f"q-{i:02}")
        publish(
            translate(verdict.claim, by=translator, title=f"Заголовок {i}"), translator=translator, reviewer=reviewer
        )


@pytest.mark.parametrize("size", [1, 20])
@pytest.mark.parametrize("url", ["/admin/translations/claimtranslation/", "/admin/translations/publishedtranslation/"])
def test_admin_lists_query_count_is_constant(client, translator, reviewer, size, url, django_assert_num_queries):
    _translations(size, translator, reviewer)
    client.force_login(reviewer)
    ContentType.objects.clear_cache()
    # session, user, permissions and the admin's own reads, the count, the rows (joined)
    with django_assert_num_queries(QUERIES[url]):
        body = client.get(url).content.decode()
    assert body.count("Заголовок ") == size


QUERIES = {"/admin/translations/claimtranslation/": 7, "/admin/translations/publishedtranslation/": 8}
