"""Interactive docs at /api/docs from the Swagger UI files django-ninja ships: no CDN.

django-ninja renders a CDN page unless "ninja" is an installed app; rather than install it
just for its static folder, this page and a small view serve the bundled files themselves.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSETS = Path(ninja.__file__).resolve().parent / "static" / "ninja"
SERVED = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui-init.js": "text/javascript; charset=utf-8",
    "favicon.png": "image/png",
}
ONE_DAY = 86_400


class LocalSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            # Swagger UI otherwise fetches a validity badge from validator.swagger.io.
            "validatorUrl": None,
        }
        context = {
            "title": api.title,
            "settings": settings,
            "css_url": reverse("api:docs-asset", args=["swagger-ui.css"]),
            "bundle_url": reverse("api:docs-asset", args=["swagger-ui-bundle.js"]),
            "init_url": reverse("api:docs-asset", args=["swagger-ui-init.js"]),
            "icon_url": reverse("api:docs-asset", args=["favicon.png"]),
        }
        return render(request, "api/docs.html", context)


@require_GET
def asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in SERVED:
        raise Http404(name)
    response = FileResponse((ASSETS / name).open("rb"), content_type=SERVED[name])
    response["Cache-Control"] = f"public, max-age={ONE_DAY}"
    return response
