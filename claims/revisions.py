"""The reviewable unit: what a reader will see of one fact-check (the claim, its appearances, the
verdict and its evidence) as one plain dict, its hash, a readable diff of two units, and writing a
unit back to the tables. The rules about who may do what with a unit live in claims.services."""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.models import Appearance, Claim, Claimant, Evidence, Rating, Topic, Verdict
from sources.models import Source

CLAIM_FIELDS = ("title", "text", "claim_reviewed", "kind", "claimant", "unattributed", "made_on", "made_at", "language")
# Fields a unit carries only when they are set, so that units (and their hashes) from before the
# field existed stay the same: {field: its value when absent}.
OPTIONAL_CLAIM_FIELDS = {"claim_reviewed": ""}
VERDICT_FIELDS = ("rating", "conclusion", "analysis")

LABELS = {
    "title": gettext_lazy("title"),
    "text": gettext_lazy("statement"),
    "claim_reviewed": gettext_lazy("claim in short"),
    "kind": gettext_lazy("kind"),
    "claimant": gettext_lazy("claimant"),
    "unattributed": gettext_lazy("unattributed"),
    "made_on": gettext_lazy("date made"),
    "made_at": gettext_lazy("where made"),
    "language": gettext_lazy("language"),
    "topics": gettext_lazy("topics"),
    "rating": gettext_lazy("rating"),
    "conclusion": gettext_lazy("conclusion"),
    "analysis": gettext_lazy("analysis"),
    "appearances": gettext_lazy("appearances"),
    "evidence": gettext_lazy("evidence"),
}


def unit_of(claim_id):
    """The unit as stored now. Five queries."""
    claim = Claim.objects.get(pk=claim_id)
    verdict = Verdict.objects.filter(claim_id=claim_id).first()
    topics = sorted(claim.topics.values_list("pk", flat=True))
    appearances = Appearance.objects.filter(claim_id=claim_id).values("source_id", "quote", "seen_on", "is_first")
    evidence = (
        Evidence.objects.filter(verdict=verdict).values("source_id", "note", "position")
        if verdict
        else Evidence.objects.none()
    )
    optional = {f: getattr(claim, f) for f, absent in OPTIONAL_CLAIM_FIELDS.items() if getattr(claim, f) != absent}
    return {
        "claim": {
            "title": claim.title,
            "text": claim.text,
            **optional,
            "kind": claim.kind,
            "claimant": claim.claimant_id,
            "unattributed": claim.unattributed,
            "made_on": claim.made_on.isoformat() if claim.made_on else None,
            "made_at": claim.made_at,
            "language": claim.language,
            "topics": topics,
        },
        "appearances": sorted(
            (
                {
                    "source": a["source_id"],
                    "quote": a["quote"],
                    "seen_on": a["seen_on"].isoformat(),
                    "is_first": a["is_first"],
                }
                for a in appearances
            ),
            key=lambda a: a["source"],
        ),
        "verdict": {"rating": verdict.rating_id, "conclusion": verdict.conclusion, "analysis": verdict.analysis}
        if verdict
        else None,
        "evidence": sorted(
            ({"source": e["source_id"], "note": e["note"], "position": e["position"]} for e in evidence),
            key=lambda e: (e["position"], e["source"]),
        ),
    }


def unit_hash(unit):
    """A stable SHA-256 of a unit: the revision a reviewer approves."""
    canonical = json.dumps(unit, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def current_hash(claim_id):
    return unit_hash(unit_of(claim_id))


# --- Reading a unit as people do -------------------------------------------------------------------


class Names:
    """The names behind the ids of some units, loaded in one query per kind."""

    def __init__(self, *units):
        units = [u for u in units if u]
        claimants = {u["claim"]["claimant"] for u in units} - {None}
        topics = {t for u in units for t in u["claim"]["topics"]}
        sources = {row["source"] for u in units for row in u["appearances"] + u["evidence"]}
        ratings = {u["verdict"]["rating"] for u in units if u["verdict"]} - {None}
        self.claimants = dict(Claimant.objects.filter(pk__in=claimants).values_list("pk", "name"))
        self.topics = dict(Topic.objects.filter(pk__in=topics).values_list("pk", "name"))
        self.sources = dict(Source.objects.filter(pk__in=sources).values_list("pk", "title"))
        self.ratings = {r.pk: str(r) for r in Rating.objects.filter(pk__in=ratings)}

    def value(self, field, value):
        if field == "claimant":
            return self.claimants.get(value, "—") if value else _("nobody")
        if field == "rating":
            return self.ratings.get(value, "—") if value else _("no rating")
        if field == "topics":
            return ", ".join(sorted(self.topics.get(t, "?") for t in value)) or "—"
        if field == "kind":
            return str(Claim.Kind(value).label) if value in Claim.Kind.values else value
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return "—" if value in (None, "") else str(value)

    def appearance(self, row):
        first = f" ({_('first')})" if row["is_first"] else ""
        return f"{self.sources.get(row['source'], '?')}, {row['seen_on']}{first}: “{row['quote']}”"

    def evidence(self, row):
        return f"{self.sources.get(row['source'], '?')}: {row['note']}"


def readable(unit, names):
    """[(label, shown value)] of every part of a unit, for the reviewer's read-only view."""
    rows = [(LABELS[f], names.value(f, claim_value(unit, f))) for f in (*CLAIM_FIELDS, "topics")]
    rows.append((LABELS["appearances"], [names.appearance(a) for a in unit["appearances"]]))
    verdict = unit["verdict"] or dict.fromkeys(VERDICT_FIELDS)
    rows += [(LABELS[f], names.value(f, verdict[f])) for f in VERDICT_FIELDS]
    rows.append((LABELS["evidence"], [names.evidence(e) for e in unit["evidence"]]))
    return rows


def claim_value(unit, field):
    return unit["claim"].get(field, OPTIONAL_CLAIM_FIELDS.get(field))


def shown(value):
    """A value as the admin's templates show it: {"text": ...} or {"items": [...]}."""
    return {"items": value, "text": None} if isinstance(value, list) else {"items": None, "text": value}


def diff(old, new, names):
    """[(label, before, after)] of what differs between two units (old may be None: all is new)."""
    old_rows = dict(readable(old, names)) if old else {}
    changes = []
    for label, after in readable(new, names):
        before = old_rows.get(label, "—" if not isinstance(after, list) else [])
        if before != after:
            changes.append((label, before, after))
    return changes


# --- Writing a unit back --------------------------------------------------------------------------


def apply_unit(claim, unit):
    """Write `unit` to the claim's rows: claim fields and topics, appearances and evidence matched by
    source (kept, changed, added, removed), the verdict's text. Every row is validated first;
    raises ValidationError naming the problem. The caller holds the locks and the transaction."""
    for field in CLAIM_FIELDS:
        setattr(claim, field if field != "claimant" else "claimant_id", claim_value(unit, field))
    data = unit["claim"]
    claim.full_clean(exclude=["topics", "slug"], validate_unique=False)
    claim.save()
    if set(Topic.objects.filter(pk__in=data["topics"]).values_list("pk", flat=True)) != set(data["topics"]):
        raise ValidationError(_("A topic of this change no longer exists."))
    claim.topics.set(data["topics"])
    _sync_rows(Appearance, {"claim": claim}, unit["appearances"], ("quote", "seen_on", "is_first"))
    verdict = Verdict.objects.get(claim=claim)
    for field in VERDICT_FIELDS:
        setattr(verdict, field if field != "rating" else "rating_id", unit["verdict"][field])
    verdict.full_clean()
    verdict.save(update_fields=["rating", "conclusion", "analysis", "updated_at"])
    _sync_rows(Evidence, {"verdict": verdict}, unit["evidence"], ("note", "position"))
    return verdict


def _sync_rows(model, parent, rows, fields):
    existing = {row.source_id: row for row in model.objects.filter(**parent)}
    wanted = {row["source"]: row for row in rows}
    model.objects.filter(**parent, source_id__in=set(existing) - set(wanted)).delete()
    if not Source.objects.filter(pk__in=list(wanted)).count() == len(wanted):
        raise ValidationError(_("A source of this change no longer exists."))
    # Rows losing a flag (the first appearance) are saved before the row gaining it.
    for source_id, row in sorted(wanted.items(), key=lambda item: bool(item[1].get("is_first"))):
        obj = existing.get(source_id) or model(**parent, source_id=source_id)
        changed = obj.pk is None
        for field in fields:
            if str(getattr(obj, field)) != str(row[field]):
                setattr(obj, field, row[field])
                changed = True
        if changed:
            obj.full_clean(exclude=[*parent], validate_unique=False, validate_constraints=False)
            obj.save()
