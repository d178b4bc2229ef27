"""The administrative divisions (core.regions): the data, matching of names, variants and codes at all three
levels (the 34 provincial units, municipalities, autonomous regions and prefectures, county-level cities under
a province), what does not match, the free-text splitter and the picker's JSON view."""

import pytest
from django.urls import reverse
from django.utils import translation

from shouhou.core import regions
from shouhou.core.testing import client_for

PROVINCES = {  # all 34 provincial units: code, the short name people type
    "110000": "北京", "120000": "天津", "130000": "河北", "140000": "山西", "150000": "内蒙古", "210000": "辽宁",
    "220000": "吉林", "230000": "黑龙江", "310000": "上海", "320000": "江苏", "330000": "浙江", "340000": "安徽",
    "350000": "福建", "360000": "江西", "370000": "山东", "410000": "河南", "420000": "湖北", "430000": "湖南",
    "440000": "广东", "450000": "广西", "460000": "海南", "500000": "重庆", "510000": "四川", "520000": "贵州",
    "530000": "云南", "540000": "西藏", "610000": "陕西", "620000": "甘肃", "630000": "青海", "640000": "宁夏",
    "650000": "新疆", "710000": "台湾", "810000": "香港", "820000": "澳门",
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_the_data_has_the_34_provincial_units_and_three_levels():
    provinces = regions.children()
    assert {p.code for p in provinces} == set(PROVINCES) and len(provinces) == 34
    assert [c.name for c in regions.children("330000")][:2] == ["杭州市", "宁波市"]
    assert "西湖区" in [d.name for d in regions.children("330100")]
    assert regions.name("310115") == "浦东新区" and regions.get("999999") is None and regions.children("999999") == []


@pytest.mark.parametrize("code,short", sorted(PROVINCES.items()))
def test_every_provincial_unit_matches_by_full_name_short_name_and_code(code, short):
    full = regions.name(code)
    for given in (full, short, code, f" {short} "):
        found = regions.match(given)
        assert found.errors == {} and found.province.code == code, given


@pytest.mark.parametrize("given,expected", [
    ("广西壮族自治区", "450000"), ("广西壮族", "450000"), ("新疆维吾尔自治区", "650000"), ("新疆维吾尔", "650000"),
    ("宁夏回族自治区", "640000"), ("内蒙古自治区", "150000"), ("西藏自治区", "540000"),
    ("香港特别行政区", "810000"), ("澳门特别行政区", "820000"), ("黑龙江省", "230000"),
])
def test_suffix_variants_of_provinces(given, expected):
    assert regions.match(given).province.code == expected


@pytest.mark.parametrize("province,city,district,codes", [
    # municipalities: one city level named like the municipality (code XX0100), 市辖区 / 县 / empty match it
    ("上海", "", "", ("310000", "310100", "")),
    ("上海市", "上海市", "浦东新区", ("310000", "310100", "310115")),
    ("上海", "上海", "浦东", ("310000", "310100", "310115")),
    ("上海市", "市辖区", "浦东新区", ("310000", "310100", "310115")),
    ("上海", "浦东新区", "", ("310000", "310100", "310115")),
    ("北京", "", "朝阳", ("110000", "110100", "110105")),
    ("天津市", "天津市", "和平区", ("120000", "120100", "120101")),
    ("重庆", "县", "城口县", ("500000", "500100", "500229")),
    ("310000", "310100", "310115", ("310000", "310100", "310115")),
    # autonomous regions and prefectures
    ("广西", "南宁", "青秀", ("450000", "450100", "450103")),
    ("吉林", "延边", "延吉", ("220000", "222400", "222401")),
    ("吉林省", "延边朝鲜族自治州", "延吉市", ("220000", "222400", "222401")),
    ("内蒙古", "呼和浩特", "新城区", ("150000", "150100", "150102")),
    ("香港", "", "湾仔", ("810000", "810100", "810002")),
    # county-level cities directly under a province; cities without districts; a province without cities
    ("湖北", "仙桃市", "", ("420000", "429000", "429004")),
    ("新疆", "石河子", "", ("650000", "659000", "659001")),
    ("广东", "东莞", "", ("440000", "441900", "")),
    ("台湾", "", "", ("710000", "", "")),
    # the province is found from a city unique in the country
    ("", "杭州", "西湖区", ("330000", "330100", "330106")),
])
def test_matching_the_three_levels(province, city, district, codes):
    found = regions.match(province, city, district)
    assert found.errors == {}
    values = found.values()
    assert (values["province_code"], values["city_code"], values["district_code"]) == codes
    assert values["province"] == regions.name(codes[0])  # stored as the divisions spell it


@pytest.mark.parametrize("province,city,district,part,message", [
    ("火星", "", "", "province", "Unknown province: 火星"),
    ("浙江", "广州", "", "city", "广州 is not a city of 浙江省."),
    ("浙江", "杭州", "浦东", "district", "浦东 is not a district of 杭州市."),
    ("上海", "", "西湖区", "district", "西湖区 is not a district of 上海市."),
    ("", "", "西湖区", "province", "Enter the province and the city of the district."),
    ("浙江", "", "西湖区", "city", "Enter the city of the district."),
    ("", "新城", "", "city", "Unknown city: 新城; enter its province too."),
    ("330000", "310100", "", "city", "310100 is not a city of 浙江省."),
    ("台湾", "台北", "", "city", "台湾省 has no cities or districts to choose."),
])
def test_what_does_not_match_is_reported_per_part(province, city, district, part, message):
    found = regions.match(province, city, district)
    assert found.errors == {part: message}


@pytest.mark.parametrize("text,expected", [
    ("上海浦东新区张江路88号", ("310000", "310100", "310115", "张江路88号")),
    ("上海市上海市徐汇区漕溪北路", ("310000", "310100", "310104", "漕溪北路")),
    ("北京朝阳区建国路", ("110000", "110100", "110105", "建国路")),
    ("广东省东莞市长安镇振安路1号", ("440000", "441900", "", "长安镇振安路1号")),
    ("湖北仙桃市沔阳大道1号", ("420000", "429000", "429004", "沔阳大道1号")),
    ("深圳南山区科技园", ("440000", "440300", "440305", "科技园")),
    ("浙江杭州西湖大道1号", ("330000", "330100", "", "西湖大道1号")),  # 西湖大道 is not 西湖区
    ("广西南宁青秀区民族大道", ("450000", "450100", "450103", "民族大道")),
    ("随便写的地址", ("", "", "", "随便写的地址")),
])
def test_splitting_a_free_text_address(text, expected):
    found = regions.split(text)
    assert (found["province_code"], found["city_code"], found["district_code"], found["detail"]) == expected


def test_the_pickers_json_view(tenant, owner):
    client = client_for(owner)
    url = reverse("core:regions")
    provinces = client.get(url).json()["results"]
    assert len(provinces) == 34 and provinces[0] == {"code": "110000", "name": "北京市"}
    assert client.get(url, {"parent": "310000"}).json()["results"] == [{"code": "310100", "name": "上海市"}]
    assert {"code": "310115", "name": "浦东新区"} in client.get(url, {"parent": "310100"}).json()["results"]
    assert client.get(url, {"parent": "nonsense"}).json()["results"] == []
    found = client.get(url, {"text": "上海浦东新区张江路88号"}).json()
    assert found["district_code"] == "310115" and found["detail"] == "张江路88号"
    assert {"code": "310115", "name": "浦东新区"} in found["options"]["district"]


def test_the_json_view_needs_a_signed_in_user(client):
    assert client.get(reverse("core:regions")).status_code == 302


def test_the_region_list_field_reads_rows_and_names_the_bad_one():
    from django import forms as django_forms
    from django.http import QueryDict

    from shouhou.core.forms import RegionListField

    class Form(django_forms.Form):
        regions = RegionListField(max_rows=3)

    def posted(**columns):
        data = QueryDict(mutable=True)
        for level, values in columns.items():
            data.setlist(f"regions_{level}", values)
        return Form(data)

    form = posted(province=["310000", "", "浙江", "310000"], city=["", "", "杭州", ""], district=["", "", "", ""])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["regions"] == [  # the empty row dropped, the repeated one once, names become codes
        {"province": "310000", "city": "310100", "district": ""},
        {"province": "330000", "city": "330100", "district": ""}]
    form = posted(province=["310000", "330000"], city=["310100", "310100"], district=["", ""])
    assert not form.is_valid() and form.errors["regions"][0].startswith("Region 2")
    form = posted(province=["310000", "330000", "440000", "110000"], city=[""] * 4, district=[""] * 4)
    assert not form.is_valid() and "At most 3" in form.errors["regions"][0]
    html = Form(initial={"regions": [{"province_code": "310000", "city_code": "310100", "district_code": "310115"}]})
    rendered = str(html["regions"])
    assert '<option value="310115" selected>浦东新区</option>' in rendered and "data-region-template" in rendered
