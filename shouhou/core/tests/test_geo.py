"""Coordinate systems (WGS-84 / GCJ-02 / BD-09) against known points, the straight-line distance, and the
map adapter: the offline fake in tests, AMap's answers converted to WGS-84 (its HTTP faked, never called)."""

import io
import json

import pytest

from shouhou.core import geo

# Known pairs: 天安门 (WGS-84 → GCJ-02 → BD-09) and a Shanghai point used by eviltransform/coord-convert tests.
TIANANMEN_WGS = (39.908692, 116.397477)
TIANANMEN_GCJ = (39.910095518, 116.403720673)
TIANANMEN_BD = (39.916434852, 116.410093666)
SHANGHAI_WGS = (31.1774276, 121.5272106)
SHANGHAI_GCJ = (31.17530398364597, 121.531541859215)


def close(a, b, places=6):
    return all(abs(x - y) < 10 ** -places for x, y in zip(a, b, strict=True))


def test_wgs84_to_gcj02_known_points():
    assert close(geo.wgs84_to_gcj02(*TIANANMEN_WGS), TIANANMEN_GCJ)
    assert close(geo.wgs84_to_gcj02(*SHANGHAI_WGS), SHANGHAI_GCJ)


def test_gcj02_to_bd09_and_back():
    assert close(geo.gcj02_to_bd09(*TIANANMEN_GCJ), TIANANMEN_BD)
    assert close(geo.wgs84_to_bd09(*TIANANMEN_WGS), TIANANMEN_BD)
    assert close(geo.bd09_to_gcj02(*TIANANMEN_BD), TIANANMEN_GCJ)


@pytest.mark.parametrize("point", [TIANANMEN_WGS, SHANGHAI_WGS, (22.543096, 114.057865), (43.825592, 87.616848)])
def test_round_trips_are_exact_to_a_centimetre(point):
    assert close(geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(*point)), point, places=7)
    assert close(geo.bd09_to_wgs84(*geo.wgs84_to_bd09(*point)), point, places=6)


def test_outside_china_gcj02_is_wgs84():
    paris = (48.8566, 2.3522)
    assert geo.wgs84_to_gcj02(*paris) == paris and geo.gcj02_to_wgs84(*paris) == paris


def test_to_map_follows_the_configured_system(settings):
    settings.MAPS_AMAP_KEY, settings.MAPS_COORDINATES = "", ""
    assert geo.to_map(*TIANANMEN_WGS) == TIANANMEN_WGS
    settings.MAPS_COORDINATES = "bd09"
    assert close(geo.to_map(*TIANANMEN_WGS), TIANANMEN_BD)
    assert close(geo.from_map(*TIANANMEN_BD), TIANANMEN_WGS)
    settings.MAPS_COORDINATES, settings.MAPS_AMAP_KEY = "", "key"
    assert close(geo.to_map(*TIANANMEN_WGS), TIANANMEN_GCJ)


def test_haversine_distance():
    assert geo.distance_km(*TIANANMEN_WGS, *TIANANMEN_WGS) == 0
    beijing_shanghai = geo.distance_km(39.9042, 116.4074, 31.2304, 121.4737)
    assert 1060 < beijing_shanghai < 1075


def test_the_fake_adapter_in_tests(settings):
    settings.MAPS_AMAP_KEY = ""
    adapter = geo.maps()
    assert isinstance(adapter, geo.FakeMaps)
    found = adapter.geocode(province="浙江省", city="杭州市", detail="文三路")
    assert (str(found.latitude), found.precision) == ("30.274085", "city")
    with pytest.raises(geo.GeocodingError):
        adapter.geocode(detail="火星基地")
    straight = geo.distance_km(30.27, 120.15, 31.23, 121.47)
    assert geo.road_distance_km((30.27, 120.15), (31.23, 121.47)) == pytest.approx(straight * geo.ROAD_FACTOR, 1e-3)


def test_the_amap_adapter_converts_its_answers_to_wgs84(settings, monkeypatch):
    settings.MAPS_AMAP_KEY = "test-key"
    asked = []

    def fake_urlopen(url, timeout):
        asked.append(url)
        if "distance" in url:
            return io.BytesIO(json.dumps({"status": "1", "results": [{"distance": "12345"}]}).encode())
        lat, lng = TIANANMEN_GCJ
        return io.BytesIO(json.dumps({"status": "1", "geocodes": [{"location": f"{lng},{lat}",
                                                                   "level": "兴趣点"}]}).encode())

    monkeypatch.setattr(geo, "urlopen", fake_urlopen)
    adapter = geo.maps()
    assert isinstance(adapter, geo.AmapGeocoder)
    found = adapter.geocode(province="北京市", city="北京市", detail="天安门")
    assert close((float(found.latitude), float(found.longitude)), TIANANMEN_WGS, places=5)
    assert geo.road_distance_km(TIANANMEN_WGS, (39.95, 116.45)) == 12.345
    assert "key=test-key" in asked[0] and "origins=116.40372" in asked[1], "sent in GCJ-02"
