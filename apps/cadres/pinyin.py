"""Pinyin of personal names for search (张三 → zhangsan, zs).

pypinyin reads characters by their most common sound, which is wrong for many surnames
(曾 is zeng not ceng, 单 is shan not dan). Surnames are read from this table first; compound
surnames (复姓) come before single ones.

Speed (an import computes 100,000 names): pypinyin cuts a text into runs of Chinese and other
characters, cuts each Chinese run into words (forward maximum matching on its phrase
dictionary), and reads each word on its own: a word's reading never depends on its
neighbours. So a name is cut here with pypinyin's own cutter and each word's syllables are
remembered; only the cut is done per name. The result is the same as `lazy_pinyin` on the whole
text (tests/test_pinyin.py compares both on a large sample of names).
"""

from functools import lru_cache

from pypinyin import lazy_pinyin
from pypinyin.constants import RE_HANS
from pypinyin.seg.mmseg import seg as _word_cutter
from pypinyin.seg.simpleseg import seg as _cut

SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "万俟": ("mo", "qi"),
    "尉迟": ("yu", "chi"),
    "长孙": ("zhang", "sun"),
    "单于": ("chan", "yu"),
    "澹台": ("tan", "tai"),
    "令狐": ("ling", "hu"),
    "单": ("shan",),
    "曾": ("zeng",),
    "解": ("xie",),
    "仇": ("qiu",),
    "朴": ("piao",),
    "区": ("ou",),
    "查": ("zha",),
    "乐": ("yue",),
    "盖": ("ge",),
    "缪": ("miao",),
    "覃": ("qin",),
    "翟": ("zhai",),
    "秘": ("bi",),
    "召": ("shao",),
    "员": ("yun",),
    "折": ("she",),
    "黑": ("he",),
    "隗": ("wei",),
    "种": ("chong",),
    "繁": ("po",),
    "祭": ("zhai",),
    "晟": ("sheng",),
    "任": ("ren",),
    "华": ("hua",),
    "纪": ("ji",),
    "沈": ("shen",),
    "重": ("chong",),
    "过": ("guo",),
    "宿": ("su",),
    "冼": ("xian",),
    "洗": ("xian",),
    "逄": ("pang",),
    "能": ("nai",),
    "句": ("gou",),
    "阚": ("kan",),
    "蕃": ("pi",),
}


@lru_cache(maxsize=100_000)
def _word_syllables(word: str) -> tuple[str, ...]:
    """Syllables of one word as pypinyin cut it (a phrase, one character or a non-Chinese
    run, which comes back whole: Latin names, the · of transliterated names)."""
    parts = (s.lower() for s in lazy_pinyin(word, errors="default"))
    return tuple(p for p in ("".join(c for c in part if c.isalnum()) for part in parts) if p)


def _syllables(text: str) -> list[str]:
    # An all-Chinese text (most names) is one run: pypinyin's cut is then the word cut alone.
    words = _word_cutter.cut(text) if RE_HANS.match(text) else _cut(text)
    return [s for word in words for s in _word_syllables(word)]


def name_syllables(name: str) -> list[str]:
    """Syllables of a full name, with the surname read as a surname."""
    name = name.strip()
    for length in (2, 1):
        surname = name[:length]
        if len(name) > length and surname in SURNAME_READINGS:
            return list(SURNAME_READINGS[surname]) + _syllables(name[length:])
    return _syllables(name)


def pinyin_of(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case: 曾国藩 → ("zengguofan", "zgf")."""
    syllables = name_syllables(name)
    if not syllables:
        return "", ""
    return "".join(syllables), "".join(s[0] for s in syllables)
