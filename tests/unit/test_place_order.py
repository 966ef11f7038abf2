"""Grids and communities in the order people count them: 第2网格 before 第10网格."""

from __future__ import annotations

from types import SimpleNamespace

from hub.models.places import in_place_order, place_sort_key

COUNTED = [
    "第一网格",
    "第2网格",
    "第三网格",
    "第九网格",
    "第10网格",
    "第十一网格",
    "第12网格",
    "第二十网格",
    "第一百零五网格",
]


def test_chinese_numerals_and_digits_sort_by_value() -> None:
    shuffled = [COUNTED[i] for i in (4, 8, 0, 6, 2, 7, 1, 5, 3)]
    assert sorted(shuffled, key=place_sort_key) == COUNTED


def test_ten_sorts_after_two_not_before() -> None:
    assert place_sort_key("第2网格") < place_sort_key("第10网格")
    assert place_sort_key("第二网格") < place_sort_key("第十网格")
    assert place_sort_key("第十网格") < place_sort_key("第十一网格")


def test_full_width_digits_count_like_ascii_ones() -> None:
    assert place_sort_key("第３网格") < place_sort_key("第10网格")


def test_numbers_written_either_way_sit_together() -> None:
    names = ["第二网格", "第3网格", "第2网格", "第1网格"]
    expected = ["第1网格", "第2网格", "第二网格", "第3网格"]
    assert sorted(names, key=place_sort_key) == expected


def test_numbers_anywhere_in_the_name_and_mixed_lengths_compare() -> None:
    names = ["锁三社区", "2号楼网格", "东井亭社区", "第2网格3号", "第2网格", "一心社区"]
    # No TypeError between text and numbers, whatever the shapes.
    ordered = sorted(names, key=place_sort_key)
    assert ordered.index("第2网格") < ordered.index("第2网格3号")
    assert ordered.index("2号楼网格") < ordered.index("东井亭社区")


def test_in_place_order_sorts_objects_and_rows_by_their_name() -> None:
    grids = [SimpleNamespace(name=n) for n in ("第10网格", "第二网格", "第一网格")]
    names = [g.name for g in in_place_order(grids)]
    assert names == ["第一网格", "第二网格", "第10网格"]
    rows = [(7, "第十网格"), (8, "第9网格")]
    by_name = in_place_order(rows, name=lambda row: row[1])
    assert by_name == [(8, "第9网格"), (7, "第十网格")]
