from rest_framework.routers import SimpleRouter

from partners.api import views

app_name = "partners_api"

router = SimpleRouter()
router.register("webhooks", views.WebhookViewSet, basename="webhook")
router.register("watches", views.WatchViewSet, basename="watch")
router.register("datasets", views.DatasetViewSet, basename="dataset")

urlpatterns = router.urls
