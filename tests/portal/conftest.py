"""The case loop's personas and catalogue, for the portal's tests."""

from tests.cases.conftest import catalogue, people
from tests.notify.conftest import sms

__all__ = ["catalogue", "people", "sms"]
