"""Chinese first: the interface is in zh-hans unless this person chose another language."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_noop


class ChosenLanguageMiddleware:
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language.

    Staff and residents of a Chinese county may sit at a browser set to English; the system's
    language is Chinese until someone picks English with the switch (a cookie), not by accident.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        # Pages differ by the cookie; caches must not serve one person's language to another.
        response.headers["Vary"] = ", ".join(filter(None, [response.headers.get("Vary"), "Cookie"]))
        return response


# Django's own Chinese for these says something else ("不允许是用空字符串", an empty string is
# not allowed, for a NUL character): the project's catalogue, read first, says it right.
DJANGO_CORRECTIONS = (gettext_noop("Null characters are not allowed."),)
