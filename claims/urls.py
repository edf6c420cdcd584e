from django.urls import path

from claims import views

app_name = "claims"

# The readers' site (issue 3) fills these in; the names are used by get_absolute_url and the admin.
urlpatterns = [
    path("claims/<slug:slug>/", views.claim_detail, name="claim_detail"),
    path("claimants/<slug:slug>/", views.claimant_detail, name="claimant_detail"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
]
