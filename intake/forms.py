from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from intake.models import Sentence


class IntakeForm(forms.Form):
    """The three ways in: exactly one of text, file or URL."""

    text = forms.CharField(
        label=_("Paste the article"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
        help_text=_("Plain text or the page's HTML, as copied."),
    )
    file = forms.FileField(
        label=_("or upload a file"),
        required=False,
        help_text=_("An .html or .txt file, a saved web page for instance."),
    )
    url = forms.URLField(
        label=_("or give its address"),
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text=_("The page is fetched in the background; its page here says when it is ready."),
    )

    def clean(self):
        cleaned = super().clean()
        given = [name for name in ("text", "file", "url") if cleaned.get(name) and str(cleaned.get(name)).strip()]
        if len(given) != 1 and not self.errors:
            raise forms.ValidationError(_("Paste a text, upload a file or give an address: one of the three."))
        return cleaned

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > settings.INTAKE_MAX_BYTES:
            raise forms.ValidationError(
                _("This file is %(size)s KB; the most that is imported is %(limit)s KB.")
                % {"size": f"{upload.size // 1024:,}", "limit": f"{settings.INTAKE_MAX_BYTES // 1024:,}"}
            )
        return upload


class ConvertForm(forms.Form):
    """The sentences to turn into draft claims, and the date of the article they appeared in."""

    sentences = forms.ModelMultipleChoiceField(
        queryset=Sentence.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one sentence.")},
    )
    seen_on = forms.DateField(
        label=_("Date of the article"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The claims' date and their appearances' date."),
        error_messages={"required": _("Give the article's date: the claims' appearances need it.")},
    )

    def __init__(self, *args, intake, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sentences"].queryset = intake.sentences.filter(claim__isnull=True)
        if intake.source_id and intake.source.published_on:
            self.fields["seen_on"].initial = intake.source.published_on
