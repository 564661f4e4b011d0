"""Errors answer in Chinese, in the site's layout, with a way back; menus show only usable links."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from sanfu.directory.models import StaffRole
from tests.cases.conftest import Catalogue, catalogue, web_case
from tests.conftest import Tree, https_client, login, make_staff

pytestmark = pytest.mark.django_db

__all__ = ["catalogue"]  # the fixture, used by name


def assert_error_page(body: str, heading: str) -> None:
    assert 'data-testid="error-page"' in body
    assert heading in body
    assert 'class="brand"' in body  # the site's header
    assert 'data-testid="home-link"' in body
    assert "Not Found" not in body
    assert "Bad Request" not in body


def test_an_unknown_address_gets_the_chinese_404_page(tree: Tree):
    response = https_client().get("/no/such/page/")
    assert response.status_code == 404
    assert_error_page(response.content.decode(), "页面不存在")


def test_a_wrong_tracking_link_gets_the_chinese_404_page(tree: Tree, catalogue: Catalogue):
    case = web_case(tree, catalogue)
    response = https_client().get(f"/track/{case.number}/{'x' * 32}/")
    assert response.status_code == 404
    body = response.content.decode()
    assert_error_page(body, "页面不存在")
    assert "上坪村口路灯不亮" not in body


def test_another_towns_case_gets_the_404_page_with_the_way_back_to_the_workbench(
    tree: Tree, catalogue: Catalogue, outsider
):
    case = web_case(tree, catalogue)
    response = login(outsider).get(f"/workbench/cases/{case.pk}/")
    assert response.status_code == 404
    body = response.content.decode()
    assert_error_page(body, "页面不存在")
    assert 'href="/workbench/"' in body
    assert "上坪村口路灯不亮" not in body


def test_a_bad_request_gets_the_chinese_400_page(tree: Tree):
    response = https_client().get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert_error_page(response.content.decode(), "请求有误")


def test_a_server_error_gets_the_chinese_500_page(tree: Tree):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert_error_page(response.content.decode(), "出错了")


def test_an_expired_form_gets_the_chinese_403_page(tree: Tree):
    client = https_client()
    client.handler.enforce_csrf_checks = True
    response = client.post("/submit/", {"title": "x"})
    assert response.status_code == 403
    assert_error_page(response.content.decode(), "页面已过期")


def test_a_grid_worker_has_no_dashboard_link_and_gets_403_not_an_empty_form(
    tree: Tree, grid_worker
):
    client = login(grid_worker)
    home = client.get("/workbench/").content.decode()
    assert 'href="/workbench/dashboard/"' not in home
    assert 'href="/workbench/league/"' not in home
    for url in ("/workbench/dashboard/", "/workbench/league/"):
        response = client.get(url)
        assert response.status_code == 403
        body = response.content.decode()
        assert_error_page(body, "无权访问")
        assert "驾驶舱显示县、部门、乡镇或村的数据" in body


def test_an_account_without_a_role_sees_no_dashboard_link(tree: Tree):
    client = login(make_staff("nobody"))
    assert 'href="/workbench/dashboard/"' not in client.get("/workbench/").content.decode()
    assert client.get("/workbench/dashboard/").status_code == 403


def test_a_village_cadre_keeps_the_dashboard_link_and_page(tree: Tree):
    cadre = make_staff("cadre-a", tree.village_a, StaffRole.VILLAGE_CADRE)
    client = login(cadre)
    assert 'href="/workbench/dashboard/"' in client.get("/workbench/").content.decode()
    assert client.get("/workbench/dashboard/").status_code == 200
    assert client.get("/workbench/league/").status_code == 200
