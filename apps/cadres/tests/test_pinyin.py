"""Pinyin of names: surnames read as surnames (single and compound), initials follow."""

import pytest

from apps.cadres.pinyin import pinyin_of


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("张伟", "zhangwei", "zw"),
        ("曾国藩", "zengguofan", "zgf"),
        ("单田芳", "shantianfang", "stf"),
        ("解缙", "xiejin", "xj"),
        ("仇英", "qiuying", "qy"),
        ("区志", "ouzhi", "oz"),
        ("翟欣", "zhaixin", "zx"),
        ("尉迟恭", "yuchigong", "ycg"),
        ("万俟卨", "moqixie", "mqx"),
        ("单", "dan", "d"),  # a lone character is not read as a surname
        ("阿依古丽·买买提", "ayiguli", "ayg"),  # the separator and what follows it are kept
    ],
)
def test_pinyin_of_names(name, full, initials):
    got_full, got_initials = pinyin_of(name)
    assert got_full.startswith(full)
    assert got_initials.startswith(initials)


def test_empty_and_foreign_names():
    assert pinyin_of("") == ("", "")
    assert pinyin_of("John") == ("john", "j")
