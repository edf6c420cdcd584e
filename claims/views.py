from django.http import Http404
from django.shortcuts import get_object_or_404, render

from claims.models import Claim, Claimant, Topic


def claim_detail(request, slug):
    claim = get_object_or_404(Claim.objects.public().select_related("claimant", "verdict__rating"), slug=slug)
    return render(request, "claims/claim_detail.html", {"claim": claim})


def claimant_detail(request, slug):
    raise Http404


def topic_detail(request, slug):
    get_object_or_404(Topic, slug=slug)
    raise Http404
