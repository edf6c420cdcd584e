from django.conf import settings


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_CONTACT_EMAIL": settings.SITE_CONTACT_EMAIL,
    }
