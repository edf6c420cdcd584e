from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("data/", views.data_index, name="data"),
    path("data/latest.<str:fmt>", views.dataset_latest, name="dataset_latest"),
    path("data/<str:version>/<str:name>", views.dataset_file, name="dataset_file"),
]
