"""Who we are, in the admin: each staff member's public profile (theirs to change), and the funding
sources and editorial texts of the About and methodology pages (reviewers change them). The models
live in `organisation`; their saves go through claims.services, which keep public pages fresh."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from claims import services
from claims.admin import ServiceAdminMixin, VersionedForm
from organisation.models import FundingSource, OrganisationText, StaffProfile


class OrganisationForm(VersionedForm):
    pass


@admin.register(StaffProfile)
class StaffProfileAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    """One profile per account, changed by its owner only: a superuser sees everyone's."""

    form = OrganisationForm
    list_display = ["display_name", "job_title", "public_page", "updated_at"]
    prepopulated_fields = {"slug": ["display_name"]}
    fields = ["display_name", "slug", "job_title", "bio", "public_page", "expected_version"]

    def get_queryset(self, request):
        profiles = super().get_queryset(request)
        return profiles if request.user.is_superuser else profiles.filter(user=request.user)

    # A second profile for the same account is refused by the save (the account is unique): no query
    # here, which every admin page's app list would run.

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.user_id == request.user.pk or request.user.is_superuser)

    def has_delete_permission(self, request, obj=None):
        return False  # bylines keep the name; a page is withdrawn by unticking "publish my profile page"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.user = request.user
        expected = form.cleaned_data.get("expected_version")
        services.staff_profile_save(profile=obj, by=request.user, expected_version=expected)


@admin.register(FundingSource)
class FundingSourceAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    form = OrganisationForm
    list_display = ["funder", "year", "kind", "amount", "currency"]
    list_filter = ["year", "kind"]
    search_fields = ["funder", "purpose"]
    fields = ["year", "funder", "kind", "amount", "currency", "purpose", "url", "expected_version"]

    def save_model(self, request, obj, form, change):
        expected = form.cleaned_data.get("expected_version")
        services.organisation_save(obj=obj, by=request.user, expected_version=expected)

    def delete_model(self, request, obj):
        services.organisation_delete(obj=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.organisation_delete(obj=obj, by=request.user)


@admin.register(OrganisationText)
class OrganisationTextAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    """The sections exist from the start (a migration creates them): they are edited, never added."""

    form = OrganisationForm
    list_display = ["__str__", "updated_at"]
    fields = ["body", "expected_version"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        expected = form.cleaned_data.get("expected_version")
        services.organisation_save(obj=obj, by=request.user, expected_version=expected)
