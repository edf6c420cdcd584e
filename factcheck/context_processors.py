from django.conf import settings


def rating_styles_url():
    # Imported when called: factcheck.errors imports this module while logging is configured,
    # before the apps (and claims' models) are loaded.
    from claims.views import rating_styles_url

    return rating_styles_url()


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_CONTACT_EMAIL": settings.SITE_CONTACT_EMAIL,
        # A callable: the template calls it only where it links the stylesheet (one cache read).
        "RATING_STYLES_URL": rating_styles_url,
        # The language of the unprefixed URLs, which hreflang="x-default" points to.
        "DEFAULT_LANGUAGE": settings.LANGUAGE_CODE,
    }
