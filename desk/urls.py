from django.urls import path

from desk import views

app_name = "desk"

urlpatterns = [
    path("tips/new/", views.tip_new, name="tip_new"),
    path("tips/thanks/", views.tip_thanks, name="tip_thanks"),
]
