"""Finding a matter on the submit form by what a resident types, and measuring the suggestion.

The catalogue here is a slice of the packaged 517-matter taxonomy with the packaged synonyms,
including the matters a street-light complaint used to be offered (危险化学品污染, 希望工程).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sanfu.cases.catalogue import PACKAGED_TAXONOMY, catalogue_load, catalogue_rows_read
from sanfu.cases.models import Case
from tests.conftest import Tree, https_client

pytestmark = pytest.mark.django_db

SLICE = {
    "城市建设和市政管理",
    "环境污染",
    "失学辍学",
    "工资福利",
    "建设管理",
    "户籍证件",
}


@pytest.fixture
def matters(tree: Tree, data_dir: Path) -> None:
    """Part of the packaged catalogue, and no trained model (data_dir is empty)."""
    with PACKAGED_TAXONOMY.open(encoding="utf-8") as lines:
        rows = [row for row in catalogue_rows_read(lines) if row[1] in SLICE]
    catalogue_load(county=tree.county, rows=rows)


def choices(**params: str) -> str:
    response = https_client().get("/submit/categories/", params)
    assert response.status_code == 200
    return response.content.decode()


def offered(page: str) -> list[str]:
    """The matters' names in the order the page offers them."""
    names = []
    for chunk in page.split('name="category" value="')[1:]:
        value, _, rest = chunk.partition('"')
        if value:
            names.append(rest.split(">", 1)[1].split("<", 1)[0].strip())
    return names


@pytest.mark.usefixtures("matters")
@pytest.mark.parametrize(
    ("query", "matter"),
    [
        ("路灯", "城市公共设施"),
        ("供水", "自来水供应"),
        ("停水", "自来水供应"),
        ("欠薪", "工资发放"),
        ("噪音", "噪音污染"),
        ("路面塌陷", "设施维护"),
        ("采暖", "冬季采暖"),  # a word inside a matter's name
        ("ludeng", "城市公共设施"),  # pinyin of a synonym
        ("gongshui", "自来水供应"),
        ("zlsgy", "自来水供应"),  # initials of the matter's name
    ],
)
def test_the_search_box_finds_the_obvious_matter(query: str, matter: str):
    assert matter in offered(choices(category_query=query))[:3]


@pytest.mark.usefixtures("matters")
def test_a_search_for_nothing_known_offers_nothing():
    assert offered(choices(category_query="qqqxz")) == []


@pytest.mark.usefixtures("matters")
def test_find_without_javascript_searches_the_same_way(tree: Tree):
    data = {
        "requester_kind": "resident",
        "title": "停水",
        "text": "停水三天",
        "town": str(tree.town_a.pk),
        "category_query": "供水",
        "find": "1",
    }
    response = https_client().post("/submit/", data)
    assert response.status_code == 200
    assert "自来水供应" in offered(response.content.decode())
    assert not Case.objects.exists()


@pytest.mark.usefixtures("matters")
def test_a_street_light_complaint_is_offered_public_facilities_first():
    page = choices(title="村口路灯不亮", text="村口三盏路灯坏了两周，晚上出行很危险。")
    names = offered(page)
    assert names[0] == "城市公共设施"
    assert "危险化学品污染" not in names
    assert "希望工程" not in names


@pytest.mark.usefixtures("matters")
@pytest.mark.parametrize(
    ("title", "matter"),
    [
        ("家里停水两天了", "自来水供应"),
        ("老板拖欠三个月工资", "工资发放"),
        ("楼下烧烤店半夜噪音扰民", "噪音污染"),
        ("马路中间有个大坑", "设施维护"),
    ],
)
def test_common_requests_are_offered_their_matter_first(title: str, matter: str):
    assert offered(choices(title=title, text=""))[0] == matter


@pytest.mark.usefixtures("matters")
def test_a_sentence_in_the_search_box_is_read_like_a_request():
    assert "城市公共设施" in offered(choices(category_query="门口路灯坏了好久"))


def check(*args: str) -> dict[str, object]:
    out, err = io.StringIO(), io.StringIO()
    call_command("routing", "category-check", *args, stdout=out, stderr=err)
    result: dict[str, object] = json.loads(out.getvalue())
    return result


def labelled(tmp_path: Path, rows: list[tuple[str, str, str]]) -> Path:
    path = tmp_path / "check.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["text", "category", "source"])
        writer.writerows(rows)
    return path


LIGHTS = "城乡建设/城市建设和市政管理/城市公共设施"
WATER = "城乡建设/城市建设和市政管理/自来水供应"


@pytest.mark.usefixtures("matters")
def test_category_check_prints_top1_and_top3_per_half_and_source(tmp_path: Path):
    path = labelled(
        tmp_path,
        [
            ("小区路灯坏了", LIGHTS, "written"),
            ("停水三天了", WATER, "board"),
            ("路灯不亮", WATER, "board"),  # labelled wrong on purpose: a miss
            ("今天天气不错", LIGHTS, "written"),  # nothing known: no suggestion
        ],
    )
    result = check("--data", str(path), "--misses", "5", "--no-model")
    assert result["model"] is None
    assert result["all"] == {"n": 4, "top1": 0.5, "top3": 0.5, "none": 1}
    assert result["tuned_half"] == {"n": 2, "top1": 0.5, "top3": 0.5, "none": 0}
    assert result["held_out_half"] == {"n": 2, "top1": 0.5, "top3": 0.5, "none": 1}
    assert result["source_board"] == {"n": 2, "top1": 0.5, "top3": 0.5, "none": 0}
    misses = result["misses"]
    assert isinstance(misses, list)
    assert [miss["text"] for miss in misses] == ["路灯不亮", "今天天气不错"]
    assert misses[0]["got"][0] == LIGHTS


@pytest.mark.usefixtures("matters")
def test_category_check_refuses_a_category_not_in_the_catalogue(tmp_path: Path):
    path = labelled(tmp_path, [("路灯坏了", "城乡建设/没有这个/分类", "written")])
    with pytest.raises(CommandError, match="没有这个"):
        check("--data", str(path))


def test_category_check_needs_a_catalogue(tmp_path: Path, data_dir: Path):
    path = labelled(tmp_path, [("路灯坏了", LIGHTS, "written")])
    with pytest.raises(CommandError):
        check("--data", str(path))


def test_the_packaged_set_is_large_and_names_only_packaged_matters():
    from sanfu.routing.category_check import PACKAGED_CHECK, labelled_read

    rows = labelled_read(PACKAGED_CHECK)
    with PACKAGED_TAXONOMY.open(encoding="utf-8") as lines:
        paths = {"/".join(row) for row in catalogue_rows_read(lines)}
    assert len(rows) >= 200
    assert {row.path for row in rows} <= paths
    assert len({row.path.split("/")[0] for row in rows}) >= 10
