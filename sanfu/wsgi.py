"""WSGI entry for `sanfu serve` and for any other WSGI server a county prefers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfu.settings")

application = get_wsgi_application()
