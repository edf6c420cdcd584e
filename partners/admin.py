"""Partners in the admin: webhook endpoints (register, pause, turn on again, rotate the secret), the
delivery log with "Send again", watches and the dataset's versions ("Build now"). Every change goes
through partners.services; a refusal comes back as an error on the same page."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from claims.admin import NotFoundMixin
from partners import services
from partners.models import DatasetVersion, Delivery, DeliveryAttempt, Endpoint, EventType, Watch

# --- Webhook endpoints ---------------------------------------------------------------------------


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Endpoint
        fields = ["key", "url", "events", "description"]

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("key") or (self.instance.key if self.instance.pk else None)
        if key is None or "url" not in cleaned or "events" not in cleaned:
            return cleaned
        try:
            cleaned["url"], cleaned["events"] = services.endpoint_check(
                key=key, url=cleaned["url"], events=cleaned["events"], new=self.instance.pk is None
            )
        except services.QuotaExceeded as exc:
            self.add_error(None, str(exc))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return cleaned


@admin.register(Endpoint)
class EndpointAdmin(NotFoundMixin, admin.ModelAdmin):
    form = EndpointForm
    list_display = ["url", "key", "event_list", "enabled", "disabled_at", "created_at"]
    list_filter = ["enabled", ("key", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["key"]
    search_fields = ["url", "description", "key__name"]
    readonly_fields = ["enabled", "disabled_at", "disabled_reason", "previous_secret_expires_at", "deliveries_link"]
    actions = ["enable", "pause", "rotate_secret"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["key", "url", "events", "description"]
        return ["url", "events", "description", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def save_model(self, request, obj, form, change):
        data = {"url": form.cleaned_data["url"], "events": form.cleaned_data["events"]}
        if change:
            services.endpoint_update(endpoint=obj, description=form.cleaned_data["description"], **data)
            return
        endpoint, secret = services.endpoint_create(
            key=form.cleaned_data["key"], description=form.cleaned_data["description"], **data
        )
        obj.pk = endpoint.pk
        self._show_secret(request, endpoint, secret)

    def _show_secret(self, request, endpoint, secret):
        self.message_user(
            request,
            _("The signing secret of %(url)s is %(secret)s — send it to the partner now: it will not be shown again.")
            % {"url": endpoint.url, "secret": secret},
            messages.WARNING,
        )

    @admin.display(description=_("events"))
    def event_list(self, obj):
        return ", ".join(obj.events)

    @admin.display(description=_("delivery log"))
    def deliveries_link(self, obj):
        url = reverse("admin:partners_delivery_changelist") + f"?endpoint__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Deliveries to this endpoint"))

    @admin.action(description=_("Turn the selected endpoints on again (send what waited)"), permissions=["change"])
    def enable(self, request, queryset):
        endpoints = list(queryset.filter(enabled=False))
        for endpoint in endpoints:
            services.endpoint_enable(endpoint=endpoint)
        self.message_user(request, ngettext("%d endpoint on.", "%d endpoints on.", len(endpoints)) % len(endpoints))

    @admin.action(description=_("Pause the selected endpoints"), permissions=["change"])
    def pause(self, request, queryset):
        count = sum(
            services.endpoint_disable(endpoint=e, reason=str(_("Paused by staff.")), notify=False) for e in queryset
        )
        self.message_user(request, ngettext("%d endpoint paused.", "%d endpoints paused.", count) % count)

    @admin.action(description=_("Rotate the signing secret of the selected endpoints"), permissions=["change"])
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            endpoint, secret = services.endpoint_rotate_secret(endpoint=endpoint)
            self._show_secret(request, endpoint, secret)


# --- Deliveries ----------------------------------------------------------------------------------


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ["attempted_at", "status_code", "error", "response_body", "duration_ms"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(NotFoundMixin, admin.ModelAdmin):
    list_display = ["created_at", "event_type", "endpoint", "partner", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "event__type", ("endpoint__key", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["event", "endpoint__key"]
    search_fields = ["endpoint__url", "event__claim__slug"]
    date_hierarchy = "created_at"
    fields = ["webhook_id", "event_type", "endpoint", "status", "attempts", "next_attempt_at", "delivered_at", "body"]
    readonly_fields = fields
    inlines = [AttemptInline]
    actions = ["send_again"]
    change_form_template = "admin/partners/delivery/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<path:object_id>/send-again/",
                self.admin_site.admin_view(self.send_again_view),
                name="partners_delivery_send_again",
            ),
            *super().get_urls(),
        ]

    def send_again_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        delivery = self.get_object(request, object_id) if object_id.isdigit() else None
        if delivery is None or not self.has_change_permission(request, delivery):
            raise PermissionDenied
        services.delivery_resend(delivery=delivery)
        self.message_user(request, _("The message is queued again."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:partners_delivery_change", args=[delivery.pk]))

    @admin.action(description=_("Send the selected deliveries again"), permissions=["change"])
    def send_again(self, request, queryset):
        deliveries = list(queryset)
        for delivery in deliveries:
            services.delivery_resend(delivery=delivery)
        count = len(deliveries)
        self.message_user(request, ngettext("%d delivery queued again.", "%d deliveries queued again.", count) % count)

    @admin.display(description=_("event"), ordering="event__type")
    def event_type(self, obj):
        return obj.event.type

    @admin.display(description=_("partner"), ordering="endpoint__key__name")
    def partner(self, obj):
        return obj.endpoint.key.name

    @admin.display(description="webhook-id")
    def webhook_id(self, obj):
        return obj.event.webhook_id

    @admin.display(description=_("body"))
    def body(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(json.loads(obj.event.payload), indent=2, ensure_ascii=False))


# --- Watches and the dataset ---------------------------------------------------------------------


@admin.register(Watch)
class WatchAdmin(NotFoundMixin, admin.ModelAdmin):
    """Partners manage their watches through the API; staff see them (and may delete one)."""

    list_display = ["__str__", "key", "language", "external_id", "created_at"]
    list_filter = [("key", admin.RelatedOnlyFieldListFilter), "language"]
    list_select_related = ["key"]
    search_fields = ["text", "external_id"]
    fields = ["key", "text", "language", "external_id", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DatasetVersion)
class DatasetVersionAdmin(NotFoundMixin, admin.ModelAdmin):
    list_display = ["version", "created_at", "items", "license_name"]
    fields = ["version", "created_at", "items", "license_name", "license_url", "files"]
    readonly_fields = fields
    change_list_template = "admin/partners/datasetversion/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("build/", self.admin_site.admin_view(self.build_view), name="partners_datasetversion_build"),
            *super().get_urls(),
        ]

    def build_view(self, request):
        """Build a version now (rather than wait for the debounced rebuild)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("partners.add_datasetversion"):
            raise PermissionDenied
        version = services.dataset_build()
        if version is None:
            self.message_user(request, _("Nothing changed since the latest version: no new version."))
        else:
            self.message_user(
                request,
                _("Version %(version)s built with %(n)d checks.") % {"version": version, "n": version.items},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:partners_datasetversion_changelist"))
