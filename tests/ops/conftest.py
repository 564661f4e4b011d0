"""The synthetic history is seeded over the same small catalogue as the case-loop tests."""

from tests.cases.conftest import catalogue

__all__ = ["catalogue"]
