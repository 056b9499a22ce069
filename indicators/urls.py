from django.urls import path

from indicators.views import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
]
