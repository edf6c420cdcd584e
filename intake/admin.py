"""The editors' screens for article intake, in the admin: bring an article in (paste, upload, URL),
then read its cleaned text with each sentence's check-worthiness and take sentences as draft claims.
The admin holds no rule: it calls intake.services and shows their refusals on the same page."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from claims import services as claim_services
from claims.admin import NotFoundMixin, _error_text, _valid_pk
from intake import selectors, services
from intake.cleaning import IntakeError
from intake.forms import ConvertForm, IntakeForm
from intake.models import Intake


class IntakeMedia:
    css = {"all": ["admin-extra/editorial.css", "admin-extra/intake.css"]}


@admin.register(Intake)
class IntakeAdmin(NotFoundMixin, admin.ModelAdmin):
    list_display = ["article", "method", "status", "suggested_count", "converted_count", "created_by", "created_at"]
    list_filter = ["status", "method", "created_at"]
    search_fields = ["source__title", "url", "filename"]
    date_hierarchy = "created_at"
    list_per_page = 50
    Media = IntakeMedia

    def get_queryset(self, request):
        return selectors.intake_list()

    def has_change_permission(self, request, obj=None):
        return False  # an intake is a record; its screen acts through the services

    @admin.display(description=_("article"), ordering="source__title")
    def article(self, obj):
        return str(obj)

    @admin.display(description=_("suggested"), ordering="suggested_count")
    def suggested_count(self, obj):
        return obj.suggested_count

    @admin.display(description=_("claims made"), ordering="converted_count")
    def converted_count(self, obj):
        return obj.converted_count

    # --- Bringing an article in ---------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = IntakeForm(request.POST, request.FILES) if request.method == "POST" else IntakeForm()
        if request.method == "POST" and form.is_valid():
            try:
                intake = self._import(request, form.cleaned_data)
            except (IntakeError, ValidationError, PermissionDenied) as exc:
                form.add_error(None, exc.message if isinstance(exc, IntakeError) else _error_text(exc))
            else:
                return HttpResponseRedirect(reverse("admin:intake_intake_change", args=[intake.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import an article"),
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
            "max_kb": f"{settings.INTAKE_MAX_BYTES // 1024:,}",
        }
        return TemplateResponse(request, "admin/intake/intake/add.html", context)

    def _import(self, request, data):
        if data.get("url"):
            return services.intake_from_url(url=data["url"], by=request.user)  # its page says when it is fetched
        if data.get("file"):
            upload = data["file"]
            return services.intake_from_file(
                data=upload.read(), filename=upload.name, content_type=upload.content_type or "", by=request.user
            )
        return services.intake_from_text(text=data["text"], by=request.user)

    # --- The editor's screen ------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        intake = self._intake(request, object_id)
        form = ConvertForm(request.POST if request.method == "POST" else None, intake=intake)
        if request.method == "POST" and form.is_valid() and self._convert(request, intake, form):
            return HttpResponseRedirect(request.path)
        sentences = selectors.sentences_of(intake) if intake.status == Intake.Status.READY else []
        context = self._screen(request, intake, form, sentences)
        return TemplateResponse(request, "admin/intake/intake/screen.html", context)

    def _convert(self, request, intake, form):
        """Make the ticked sentences draft claims; a refusal becomes the form's error."""
        try:
            claims = services.sentences_convert(
                intake=intake,
                sentences=form.cleaned_data["sentences"],
                seen_on=form.cleaned_data["seen_on"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
            return False
        self._say_made(request, claims)
        return True

    def _intake(self, request, object_id):
        if not _valid_pk(Intake, object_id):
            raise Http404
        intake = Intake.objects.select_related("source__publisher", "created_by").filter(pk=unquote(object_id)).first()
        if intake is None or not self.has_view_permission(request, intake):
            raise Http404
        return intake

    def _say_made(self, request, claims):
        links = format_html(
            ", ".join(["“<a href='{}'>{}</a>”"] * len(claims)),
            *[part for c in claims for part in (reverse("admin:claims_claim_change", args=[c.pk]), c.title)],
        )
        text = ngettext("%(n)d draft claim made: ", "%(n)d draft claims made: ", len(claims)) % {"n": len(claims)}
        self.message_user(request, format_html("{}{}", text, links), messages.SUCCESS)

    def _screen(self, request, intake, form, sentences):
        selected = {str(pk) for pk in request.POST.getlist("sentences")} if request.method == "POST" else set()
        return {
            **self.admin_site.each_context(request),
            "title": str(intake),
            "subtitle": None,
            "opts": self.opts,
            "original": intake,
            "intake": intake,
            "source": intake.source,
            "form": form,
            "suggestions": selectors.suggestions(sentences),
            "paragraphs": selectors.paragraphs_of(sentences),
            "sentence_count": len(sentences),
            "selected": selected,
            "can_convert": claim_services.can_edit(request.user),
            "media": self.media,
        }
