from django.urls import path

from claims import feeds, views

app_name = "claims"

urlpatterns = [
    path("", views.home, name="home"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/<slug:slug>/", views.claim_detail, name="claim_detail"),
    path("claimants/<slug:slug>/", views.claimant_detail, name="claimant_detail"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("ratings/", views.ratings, name="ratings"),
    path("corrections/", views.corrections, name="corrections"),
    path("about/", views.about, name="about"),
    path("contact/", views.contact, name="contact"),
    path("ratings.css", views.rating_styles, name="rating_styles"),
    path("feeds/verdicts.rss", views.read_only(feeds.LatestVerdictsRss()), name="feed_verdicts_rss"),
    path("feeds/verdicts.atom", views.read_only(feeds.LatestVerdictsAtom()), name="feed_verdicts_atom"),
    path("feeds/corrections.rss", views.read_only(feeds.CorrectionsRss()), name="feed_corrections_rss"),
    path("feeds/corrections.atom", views.read_only(feeds.CorrectionsAtom()), name="feed_corrections_atom"),
]
