"""WSGI entry for `sanfu serve` and for any other WSGI server a county prefers."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfu.settings")

application = get_wsgi_application()

# Every view module now, then the objects of start-up (some 400k: modules, URL patterns,
# translations) out of the collector's sight. They live as long as the process; left in view,
# each full collection walks them all again, and a page that builds a county's twelve thousand
# rows triggers such collections: about a third of the compliance page's time (issue 14).
get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view it names
gc.freeze()
