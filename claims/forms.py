from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from claims import selectors
from claims.models import Claim
from claims.search import MAX_QUERY_LENGTH

CLAIMANT_SUGGESTIONS_ID = "claimant-suggestions"


def language_name(code):
    """A language's name in the reader's language (“Russian” for ru), or the code if unknown."""
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


class FastSelect(forms.Select):
    """The HTML of forms.Select, written without a template per option: the claims list renders
    some sixty options on every request, and Django's widget templates cost ~2 ms for them. A test
    holds the output equal to forms.Select's."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>\n',
            (
                (str(option["value"]), html_attrs(option["attrs"]), option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html('<select name="{}"{}>{}\n</select>', widget["name"], html_attrs(widget["attrs"]), options)


def html_attrs(attrs):
    """Attributes as django/forms/widgets/attrs.html writes them (in order; True bare, False left out)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", key) if value is True else format_html(' {}="{}"', key, str(value)),)
            for key, value in attrs.items()
            if value is not False
        ),
    )


class ClaimFilterForm(forms.Form):
    """The filters of the claims list, read from the query string so that every state is a URL.
    A bad value is reported and ignored; the other filters still apply."""

    SORT_NEWEST, SORT_OLDEST, SORT_RELEVANCE = "newest", "oldest", "relevance"

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": _("The search is too long: at most %(limit_value)d characters.")},
    )
    rating = forms.ChoiceField(widget=FastSelect, label=_("Rating"), required=False)
    # A name (or the slug of the claimant's page), not a select: there are thousands of claimants.
    # The busiest are offered as suggestions through a <datalist>, which needs no script.
    claimant = forms.CharField(
        label=_("Claimant"),
        required=False,
        max_length=200,
        help_text=_("A person's or organisation's name."),
        widget=forms.TextInput(attrs={"list": CLAIMANT_SUGGESTIONS_ID, "autocomplete": "off"}),
    )
    topic = forms.ChoiceField(widget=FastSelect, label=_("Topic"), required=False)
    kind = forms.ChoiceField(
        widget=FastSelect,
        label=_("Kind"),
        required=False,
        choices=[("", _("Statements and pledges")), *Claim.Kind.choices],
    )
    language = forms.ChoiceField(widget=FastSelect, label=_("Language"), required=False)
    date_from = forms.DateField(
        label=_("Made on or after"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("“From” must be a date written as YYYY-MM-DD.")},
    )
    date_to = forms.DateField(
        label=_("Made on or before"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("“To” must be a date written as YYYY-MM-DD.")},
    )
    sort = forms.ChoiceField(
        widget=FastSelect,
        label=_("Sort by"),
        required=False,
        choices=[(SORT_NEWEST, _("Newest first")), (SORT_OLDEST, _("Oldest first")), (SORT_RELEVANCE, _("Best match"))],
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("The page must be a whole number."),
            "min_value": _("The page must be 1 or more."),
        },
    )

    def __init__(self, data, *, choices):
        super().__init__(data)
        self.fields["rating"].choices = [("", _("Any rating"))] + [
            (r.slug, f"{r.label} ({r.get_scale_display().lower()})") for r in choices["ratings"]
        ]
        self.claimant_suggestions = choices["claimants"]
        self.topic_ids = {slug: pk for pk, slug, name in choices["topics"]}
        self.fields["topic"].choices = [("", _("Any topic"))] + [(slug, name) for pk, slug, name in choices["topics"]]
        self.fields["language"].choices = [("", _("Any language"))] + [
            (code, language_name(code)) for code in choices["languages"]
        ]
        unknown = _("There is no %(what)s “%(value)s”, so that filter was ignored.")
        for name, what in (
            ("rating", _("rating")),
            ("topic", _("topic with published checks")),
            ("kind", _("kind")),
            ("language", _("claim language")),
            ("sort", _("sort order")),
        ):
            self.fields[name].error_messages["invalid_choice"] = unknown % {"what": what, "value": "%(value)s"}

    def clean_claimant(self):
        """The Claimant named (one query), or None when the field is empty."""
        value = " ".join(self.cleaned_data["claimant"].split())
        if not value:
            return None
        claimant = selectors.claimant_for_filter(value)
        if claimant is None:
            raise forms.ValidationError(
                _("There is no %(what)s “%(value)s”, so that filter was ignored."),
                params={"what": _("claimant with published checks"), "value": value},
            )
        return claimant

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("“To” is before “From”, so the date range was ignored."))
            data.pop("date_from", None)
        return data

    def values(self):
        """The valid filters (invalid ones are left out, so they do not apply)."""
        self.is_valid()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{name}-error"})
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def sort_order(self, values):
        sort = values.get("sort") or (self.SORT_RELEVANCE if values.get("q") else self.SORT_NEWEST)
        if sort == self.SORT_RELEVANCE and not values.get("q"):
            return self.SORT_NEWEST
        return sort

    def apply(self, queryset, values):
        conditions = Q()
        lookups = {
            "rating": "verdict__rating__slug",
            "claimant": "claimant",
            "kind": "kind",
            "language": "language",
            "date_from": "made_on__gte",
            "date_to": "made_on__lte",
        }
        for name, lookup in lookups.items():
            if name in values:
                conditions &= Q(**{lookup: values[name]})
        if "topic" in values:
            # EXISTS keeps rows unique (a claim has several topics), and the topic's id, known from
            # the choices, lets PostgreSQL read the link table by its topic index.
            links = Claim.topics.through.objects.filter(
                claim_id=OuterRef("pk"), topic_id=self.topic_ids[values["topic"]]
            )
            conditions &= Exists(links)
        return queryset.filter(conditions)

    def count_key(self, values):
        """The filters in force as a stable string, to cache the count of their results under."""
        shown = {name: values[name] for name in values if name not in ("page", "sort")}
        if "claimant" in shown:
            shown["claimant"] = shown["claimant"].pk
        return "&".join(f"{name}={shown[name]}" for name in sorted(shown))

    def active_filters(self, values):
        """(label, value shown) of each filter in force, for the "showing…" line."""
        shown = []
        for name in ("rating", "claimant", "topic", "kind", "language", "date_from", "date_to"):
            if name in values:
                value = values[name]
                if name == "claimant":
                    shown.append((self.fields[name].label, value.name))
                    continue
                label = (
                    dict(self.fields[name].choices).get(value, value)
                    if hasattr(self.fields[name], "choices")
                    else value
                )
                shown.append((self.fields[name].label, label))
        return shown
