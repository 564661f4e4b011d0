"""/api/: the staff API, its OpenAPI document and its docs (with their bundled assets)."""

from django.urls import URLPattern, URLResolver, path

from sanfu.api.staff.api import api
from sanfu.api.staff.docs import asset

app_name = "api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("docs/assets/<str:name>", asset, name="docs-asset"),
    *api.urls[0],
]
