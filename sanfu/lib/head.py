"""HEAD answered wherever GET is, as HTTP says (monitors use HEAD).

Views here allow GET through `require_GET` and the like, which refuse HEAD with a 405; rather
than each view listing HEAD, a HEAD request is handled as the GET it stands for, and the
response goes out with its headers and without its body.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse


class HeadAsGetMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if isinstance(response, StreamingHttpResponse):
            response.streaming_content = []
        elif hasattr(response, "content"):
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response
