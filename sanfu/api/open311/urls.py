"""/open311/v2/: every resource in .xml and .json, as GeoReport v2 names them."""

from django.urls import URLPattern, re_path

from sanfu.api.open311 import views

app_name = "open311"

_FMT = r"\.(?P<fmt>xml|json)$"

urlpatterns: list[URLPattern] = [
    re_path(r"^openapi\.(?P<fmt>json)$", views.openapi, name="openapi"),
    re_path(r"^discovery" + _FMT, views.discovery, name="discovery"),
    re_path(r"^services" + _FMT, views.services, name="services"),
    re_path(r"^services/(?P<code>[^/]+?)" + _FMT, views.service_definition, name="service"),
    # A widely used old client asks for the singular; same resource.
    re_path(r"^service/(?P<code>[^/]+?)" + _FMT, views.service_definition, name="service-alias"),
    re_path(r"^requests" + _FMT, views.requests, name="requests"),
    re_path(r"^requests/(?P<number>[^/]+?)" + _FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + _FMT, views.token, name="token"),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not-found"),
]
