import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
application = get_wsgi_application()


def _warm():
    """Learn the ratings stylesheet's digest before the first page, so that pages link it by digest
    (cached for a year) from the start instead of the plain address (claims.views.rating_styles_url)."""
    from claims.views import remember_rating_styles_digest

    remember_rating_styles_digest()


_warm()
