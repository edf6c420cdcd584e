"""Each member of staff's own notification settings, at /admin/desk/notificationpreference/ (linked
from the admin's user tools). Nobody sees or changes anyone else's."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from desk import services
from desk.forms import NotificationSettingsForm
from desk.models import NotificationPreference


@admin.register(NotificationPreference)
class NotificationSettingsAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (obj is None or obj.user_id == request.user.pk)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        # One page, the person's own settings, in place of the list of everyone's.
        name = f"{self.opts.app_label}_{self.opts.model_name}_changelist"
        return [path("", self.admin_site.admin_view(self.settings_view), name=name)]

    def settings_view(self, request):
        instance = services.notification_settings(request.user)
        form = NotificationSettingsForm(request.POST if request.method == "POST" else None, instance=instance)
        if form.is_bound and form.is_valid():
            services.notification_settings_save(user=request.user, **form.cleaned_data)
            self.message_user(request, _("Your notification settings were saved."), messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Notification settings"),
            "subtitle": None,
            "form": form,
        }
        return TemplateResponse(request, "admin/desk/notification_settings.html", context)
