"""The case loop's personas and catalogue, for the aggregates' tests."""

from tests.cases.conftest import catalogue, people

__all__ = ["catalogue", "people"]
