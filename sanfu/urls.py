from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sanfu.directory.forms import ThrottledAuthenticationForm
from sanfu.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("directory/", include("sanfu.directory.urls")),
    path("workbench/", include("sanfu.workbench.urls")),
    path("assistance/", include("sanfu.assistance.urls")),
    path("enterprise/", include("sanfu.enterprise.urls")),
    path("projects/", include("sanfu.projects.urls")),
    path("grassroots/", include("sanfu.grassroots.urls")),
    path("outreach/", include("sanfu.outreach.urls")),
    path("api/", include("sanfu.api.urls")),
    path("open311/v2/", include("sanfu.api.open311.urls")),
    path("", include("sanfu.frontdoor.urls")),
    path("", include("sanfu.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
]
