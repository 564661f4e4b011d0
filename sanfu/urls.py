from django.contrib import admin
from django.urls import include, path

from sanfu.health import healthz
from sanfu.workbench.views.login import StaffLogin, StaffLogout, admin_login, second_factor

urlpatterns = [
    # The admin logs in through the staff log-in, which asks for the second factor.
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("accounts/login/", StaffLogin.as_view(), name="login"),
    path("accounts/second-factor/", second_factor, name="second_factor"),
    path("accounts/logout/", StaffLogout.as_view(), name="logout"),
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
