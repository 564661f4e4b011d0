"""Open311 with generated parameters: whatever arrives, a documented answer, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api import open311_client as o311
from tests.api import open311_schemas as schemas
from tests.api.conftest import open311_form
from tests.cases.conftest import Catalogue
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
# Any text, including NUL, lone surrogates' neighbours, RTL marks and very long values.
values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "2024-02-30T00:00:00Z", "open,closed"]),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=3000, max_size=5000),
)
POST_FIELDS = [
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "phone",
    "first_name",
    "description",
    "media_url",
    "attribute[requester_kind]",
    "attribute[title]",
    "attribute[]",
]
GET_FIELDS = [
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
    "page",
    "page_size",
    "extensions",
    "jurisdiction_id",
]


@override_settings(SANFU_API_RATE_PER_KEY="0/60", SANFU_API_RATE_PER_ADDRESS="0/60")
def test_generated_posts_get_a_documented_answer(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    @FUZZ
    @given(changes=st.dictionaries(st.sampled_from(POST_FIELDS), values, max_size=4))
    def run(changes: dict[str, Any]) -> None:
        form = open311_form(tree, catalogue, app_key, **changes)
        for fmt in ("json", "xml"):
            response = o311.post(public, fmt, form)
            assert response.status_code in {201, 400, 404}, response.content[:300]
            schema = schemas.CREATED if response.status_code == 201 else schemas.ERRORS
            root = "service_requests" if response.status_code == 201 else "errors"
            o311._check_single(response, fmt, schema, root)

    run()


def test_generated_queries_get_a_documented_answer(
    tree: Tree, catalogue: Catalogue, public: Client
) -> None:
    @FUZZ
    @given(params=st.dictionaries(st.sampled_from(GET_FIELDS), values, max_size=4))
    def run(params: dict[str, Any]) -> None:
        json_answer = public.get("/open311/v2/requests.json", params)
        schema = schemas.REQUESTS if json_answer.status_code == 200 else schemas.ERRORS
        root = "service_requests" if json_answer.status_code == 200 else "errors"
        assert json_answer.status_code in {200, 400, 404}
        o311.get(
            public, "requests", schema=schema, root=root, expect=json_answer.status_code, **params
        )

    run()
