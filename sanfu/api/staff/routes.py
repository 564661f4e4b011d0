"""The one router of the staff API.

Reads and actions live in two modules but share this router: django-ninja gives each router
its own view per path, so GET /cases and POST /cases on two routers would shadow each other.
"""

from ninja import Router

router = Router()
