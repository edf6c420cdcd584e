from django.urls import path

from claims import feeds, views

app_name = "claims"

urlpatterns = [
    path("", views.home, name="home"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/<slug:slug>/", views.claim_detail, name="claim_detail"),
    path("claims/<slug:slug>/share.png", views.claim_share_image, name="claim_share_image"),
    path("claimants/", views.claimant_index, name="claimant_index"),
    path("claimants/<slug:slug>/", views.claimant_detail, name="claimant_detail"),
    path("topics/", views.topic_index, name="topic_index"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("team/<slug:slug>/", views.staff_detail, name="staff_detail"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
    path("ratings/", views.ratings, name="ratings"),
    path("corrections/", views.corrections, name="corrections"),
    path("about/", views.about, name="about"),
    path("contact/", views.contact, name="contact"),
    path("ratings.css", views.rating_styles, name="rating_styles"),
    path("ratings.<str:digest>.css", views.rating_styles, name="rating_styles_hashed"),
    path("feeds/verdicts.rss", views.content_dated(feeds.LatestVerdictsRss()), name="feed_verdicts_rss"),
    path("feeds/verdicts.atom", views.content_dated(feeds.LatestVerdictsAtom()), name="feed_verdicts_atom"),
    path("feeds/corrections.rss", views.content_dated(feeds.CorrectionsRss()), name="feed_corrections_rss"),
    path("feeds/corrections.atom", views.content_dated(feeds.CorrectionsAtom()), name="feed_corrections_atom"),
]
