from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from indicators.views.season import LoginView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("indicators.urls")),
]
handler500 = "ipzone.middleware.server_error"
