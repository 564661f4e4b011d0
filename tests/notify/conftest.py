"""The case loop's catalogue and personas, shared with the notification tests."""

from tests.cases.conftest import catalogue, people

__all__ = ["catalogue", "people"]
