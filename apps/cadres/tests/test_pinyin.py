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


def _reference(name: str) -> tuple[str, str]:
    """pinyin_of as first written: lazy_pinyin over the whole name (after a table surname)."""
    from pypinyin import lazy_pinyin

    from apps.cadres.pinyin import SURNAME_READINGS

    def syllables(text: str) -> list[str]:
        parts = (s.lower() for s in lazy_pinyin(text, errors="default"))
        return [p for p in ("".join(c for c in part if c.isalnum()) for part in parts) if p]

    name = name.strip()
    found = None
    for length in (2, 1):
        if len(name) > length and name[:length] in SURNAME_READINGS:
            found = list(SURNAME_READINGS[name[:length]]) + syllables(name[length:])
            break
    words = syllables(name) if found is None else found
    return "".join(words), "".join(s[0] for s in words)


def _sample_names() -> list[str]:
    """Demo names, table surnames (polyphonic ones) with given names, names that run into
    phrases of pypinyin's dictionary across the surname, and mixed and foreign names."""
    import random

    from pypinyin.constants import PHRASES_DICT

    from apps.cadres.demo.people import SURNAMES, full_name, given_name
    from apps.cadres.pinyin import SURNAME_READINGS

    rng = random.Random(7)
    names = [full_name(rng, "male" if i % 3 else "female") for i in range(12_000)]
    surnames = [*SURNAME_READINGS, *SURNAMES, "长", "万", "尉", "澹", "令"]
    names += [rng.choice(surnames) + given_name(rng, "male") for _ in range(4_000)]
    phrases = sorted(p for p in PHRASES_DICT if 2 <= len(p) <= 4)
    for _ in range(6_000):
        phrase = rng.choice(phrases)
        names += [phrase, rng.choice(surnames) + phrase, phrase + given_name(rng, "female")]
    names += [
        "阿依古丽·买买提", "买买提·吐尔逊", "李John", "王 小明", "张　三", "Anna李", "〇", "曾", "",
        "单于", "单于单", "长孙无忌", "朴槿惠", "解放军", "重庆", "行长", "乐乐", "·",
    ]  # fmt: skip
    return names


def test_pinyin_of_equals_whole_name_lazy_pinyin():
    """The word-by-word reading gives what lazy_pinyin on the whole name gives."""
    differ = [(n, pinyin_of(n), _reference(n)) for n in _sample_names()]
    differ = [d for d in differ if d[1] != d[2]]
    assert differ == []
