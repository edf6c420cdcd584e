from django.conf import settings


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_CONTACT_EMAIL": settings.SITE_CONTACT_EMAIL,
        # The language of the unprefixed URLs, which hreflang="x-default" points to.
        "DEFAULT_LANGUAGE": settings.LANGUAGE_CODE,
    }
