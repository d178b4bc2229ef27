"""Geography: distances, coordinate systems and the maps adapter (architecture §2, §11, §18).

Coordinates are STORED in WGS-84 (what phones report). Chinese map providers draw in GCJ-02 (高德,
腾讯) or BD-09 (百度): `to_map(lat, lng, system)` converts for display, `from_map` back; the six
conversions are the published formulas (Krasovsky ellipsoid offsets of GCJ-02, Baidu's BD-09 rotation),
checked against known points in core/tests/test_geo.py. Outside China GCJ-02 equals WGS-84.

`maps()` (also `geocoder()`) returns the configured adapter (`MapAdapter`): `geocode(...)` → WGS-84 and
`road_distance_km(a, b)`. AMap's web services when MAPS_AMAP_KEY is set (its GCJ-02 answers converted to
WGS-84), otherwise the offline fake: it knows the centres of China's provincial capitals and major
cities, so an imported address gets approximate coordinates (city level) without network, an address it
can't place is a geocoding failure as with a real provider, and its road distance is the straight line
times ROAD_FACTOR. Tests and the demo use the fake; nothing calls the network in tests.
"""

import json
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol
from urllib.parse import urlencode
from urllib.request import urlopen

from django.conf import settings

EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1, lng1, lat2, lng2):
    """Great-circle distance (haversine) in kilometres."""
    lat1, lng1, lat2, lng2 = (math.radians(float(v)) for v in (lat1, lng1, lat2, lng2))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def bounding_box(lat, lng, radius_km):
    """(min_lat, max_lat, min_lng, max_lng) around a point: a cheap index-friendly pre-filter."""
    lat, lng = float(lat), float(lng)
    dlat = radius_km / 111.32
    dlng = radius_km / (111.32 * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


# === coordinate systems ====================================================================================

WGS84, GCJ02, BD09 = "wgs84", "gcj02", "bd09"
_A = 6378245.0  # Krasovsky 1940 semi-major axis, as GCJ-02 uses it
_EE = 0.00669342162296594323  # its eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0


def in_china(lat, lng):
    """The rough box GCJ-02 applies to (outside it the offsets are not applied)."""
    return 72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271


def _offset(lat, lng):
    x, y = lng - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
            + (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0)
    dlng = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
            + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return dlat, dlng


def wgs84_to_gcj02(lat, lng):
    lat, lng = float(lat), float(lng)
    if not in_china(lat, lng):
        return lat, lng
    dlat, dlng = _offset(lat, lng)
    return lat + dlat, lng + dlng


def gcj02_to_wgs84(lat, lng, tolerance=1e-9):
    """The inverse by iteration (exact to well under a centimetre), not the one-step approximation."""
    lat, lng = float(lat), float(lng)
    if not in_china(lat, lng):
        return lat, lng
    wlat, wlng = lat, lng
    for _step in range(30):
        glat, glng = wgs84_to_gcj02(wlat, wlng)
        dlat, dlng = glat - lat, glng - lng
        if abs(dlat) < tolerance and abs(dlng) < tolerance:
            break
        wlat, wlng = wlat - dlat, wlng - dlng
    return wlat, wlng


def gcj02_to_bd09(lat, lng):
    lat, lng = float(lat), float(lng)
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def bd09_to_gcj02(lat, lng):
    x, y = float(lng) - 0.0065, float(lat) - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def wgs84_to_bd09(lat, lng):
    return gcj02_to_bd09(*wgs84_to_gcj02(lat, lng))


def bd09_to_wgs84(lat, lng):
    return gcj02_to_wgs84(*bd09_to_gcj02(lat, lng))


_TO = {WGS84: lambda lat, lng: (float(lat), float(lng)), GCJ02: wgs84_to_gcj02, BD09: wgs84_to_bd09}
_FROM = {WGS84: lambda lat, lng: (float(lat), float(lng)), GCJ02: gcj02_to_wgs84, BD09: bd09_to_wgs84}


def to_map(lat, lng, system=None):
    """Stored WGS-84 → the coordinate system the configured map draws in (MAPS_COORDINATES)."""
    return _TO[system or map_system()](lat, lng)


def from_map(lat, lng, system=None):
    """A point picked on the map (its system) → WGS-84 for storing."""
    return _FROM[system or map_system()](lat, lng)


def map_system():
    system = getattr(settings, "MAPS_COORDINATES", "") or (GCJ02 if getattr(settings, "MAPS_AMAP_KEY", "") else WGS84)
    return system if system in _TO else WGS84


@dataclass
class GeocodeResult:
    latitude: Decimal
    longitude: Decimal
    precision: str  # "city" (gazetteer) or the provider's level


class GeocodingError(Exception):
    pass


# Centres of provincial capitals and major cities (GCJ-02 is close enough at city level).
CITY_CENTRES = {
    "北京": (39.904200, 116.407396), "上海": (31.230416, 121.473701), "天津": (39.343357, 117.361648),
    "重庆": (29.563010, 106.551557), "广州": (23.129110, 113.264385), "深圳": (22.543096, 114.057865),
    "杭州": (30.274085, 120.155070), "南京": (32.060255, 118.796877), "苏州": (31.298979, 120.585315),
    "武汉": (30.592849, 114.305539), "成都": (30.572816, 104.066801), "西安": (34.341568, 108.939840),
    "郑州": (34.746599, 113.625368), "长沙": (28.228209, 112.938814), "济南": (36.651216, 117.120095),
    "青岛": (36.067082, 120.382639), "沈阳": (41.805698, 123.431474), "大连": (38.914003, 121.614682),
    "哈尔滨": (45.803775, 126.534967), "长春": (43.817071, 125.323544), "石家庄": (38.042307, 114.514860),
    "太原": (37.870590, 112.548879), "合肥": (31.820587, 117.227239), "福州": (26.074508, 119.296494),
    "厦门": (24.479833, 118.089425), "南昌": (28.682892, 115.858197), "南宁": (22.817002, 108.366543),
    "海口": (20.044001, 110.198293), "昆明": (24.880095, 102.832892), "贵阳": (26.647661, 106.630153),
    "兰州": (36.061380, 103.834170), "西宁": (36.617144, 101.778228), "银川": (38.487193, 106.230909),
    "乌鲁木齐": (43.825592, 87.616848), "拉萨": (29.647535, 91.117212), "呼和浩特": (40.842585, 111.749180),
    "宁波": (29.868388, 121.544379), "无锡": (31.490700, 120.312400), "佛山": (23.021548, 113.121416),
    "东莞": (23.020536, 113.751765), "温州": (27.994267, 120.699366), "珠海": (22.270715, 113.576726),
    "天津市": (39.343357, 117.361648),
}


class OfflineGeocoder:
    def geocode(self, *, province="", city="", district="", detail=""):
        text = "".join(filter(None, [province, city, district, detail]))
        for name in sorted(CITY_CENTRES, key=len, reverse=True):
            if name in text:
                lat, lng = CITY_CENTRES[name]
                return GeocodeResult(Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}"), "city")
        raise GeocodingError(text)


class AmapGeocoder:
    """AMap web-service geocoding: GET /v3/geocode/geo?key=&address=&city= → "lng,lat"."""

    def __init__(self, key=None, endpoint=None):
        self.key = key or settings.MAPS_AMAP_KEY
        self.endpoint = endpoint or settings.MAPS_AMAP_ENDPOINT

    def geocode(self, *, province="", city="", district="", detail=""):
        address = "".join(filter(None, [province, city, district, detail]))
        query = urlencode({"key": self.key, "address": address, "city": city or province, "output": "JSON"})
        try:
            with urlopen(f"{self.endpoint}?{query}", timeout=5) as response:
                body = json.loads(response.read().decode())
        except (OSError, ValueError) as exc:
            raise GeocodingError(str(exc))
        codes = body.get("geocodes") or []
        if str(body.get("status")) != "1" or not codes or not codes[0].get("location"):
            raise GeocodingError(body.get("info") or address)
        lng, lat = codes[0]["location"].split(",")
        lat, lng = gcj02_to_wgs84(float(lat), float(lng))  # AMap answers in GCJ-02; we store WGS-84
        return GeocodeResult(Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}"), codes[0].get("level", ""))

    def road_distance_km(self, origin, destination):
        """Driving distance (GET /v3/distance?type=1) between two WGS-84 (lat, lng) points, or None."""
        points = [wgs84_to_gcj02(*origin), wgs84_to_gcj02(*destination)]
        spelled = [f"{lng:.6f},{lat:.6f}" for lat, lng in points]
        query = urlencode({"key": self.key, "origins": spelled[0], "destination": spelled[1], "type": 1,
                           "output": "JSON"})
        endpoint = getattr(settings, "MAPS_AMAP_DISTANCE_ENDPOINT", "") or "https://restapi.amap.com/v3/distance"
        try:
            with urlopen(f"{endpoint}?{query}", timeout=5) as response:
                body = json.loads(response.read().decode())
            return int(body["results"][0]["distance"]) / 1000
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            return None


class MapAdapter(Protocol):
    """What the rest of the code asks a map provider; every coordinate in and out is WGS-84."""

    def geocode(self, *, province="", city="", district="", detail="") -> GeocodeResult: ...

    def road_distance_km(self, origin, destination) -> float | None: ...


ROAD_FACTOR = 1.3  # the fake's road distance: the straight line times this


class FakeMaps(OfflineGeocoder):
    """The offline adapter of tests and the demo: the gazetteer, and a road distance derived from the
    straight line (deterministic, no network)."""

    def road_distance_km(self, origin, destination):
        return round(distance_km(*origin, *destination) * ROAD_FACTOR, 3)


def maps() -> MapAdapter:
    return AmapGeocoder() if getattr(settings, "MAPS_AMAP_KEY", "") else FakeMaps()


def geocoder():
    return maps()


def geocode_text(text):
    """WGS-84 of a free-text address ("上海市浦东新区碧波路690号"): its region read from its start by
    `core.regions.split`, then the adapter's `geocode`. Raises GeocodingError when it cannot be placed."""
    from . import regions

    parts = regions.split(text or "")
    if not any(parts.get(part) for part in ("province", "city", "district", "detail")):
        raise GeocodingError(text or "")
    return maps().geocode(province=parts["province"], city=parts["city"], district=parts["district"],
                          detail=parts["detail"])


def road_distance_km(origin, destination):
    """Road distance through the adapter, else the straight line (haversine) when it has none."""
    found = maps().road_distance_km(origin, destination)
    return found if found is not None else distance_km(*origin, *destination)


def navigation_url(*, latitude=None, longitude=None, address=""):
    """A map-app link that opens navigation to the address (used on the engineer's phone)."""
    if latitude is not None and longitude is not None:
        return f"https://uri.amap.com/marker?position={longitude},{latitude}&name={address}&callnative=1"
    return "https://uri.amap.com/search?" + urlencode({"keyword": address, "callnative": 1})


# === what the map pages draw with (Leaflet, static/core/maps.js) ========================================

def map_point(latitude, longitude, system=None):
    """A stored WGS-84 position as the [lat, lng] the configured map draws, or None when unknown."""
    if latitude is None or longitude is None:
        return None
    lat, lng = to_map(latitude, longitude, system)
    return [round(lat, 6), round(lng, 6)]


def map_config():
    """The map pages' settings for static/core/maps.js: the tile URL template (empty: no tile server, a plain
    background), its subdomains, attribution and largest zoom, and the coordinate system points are in."""
    return {
        "tiles": getattr(settings, "MAPS_TILE_URL", ""),
        "subdomains": getattr(settings, "MAPS_TILE_SUBDOMAINS", "") or "abc",
        "attribution": getattr(settings, "MAPS_TILE_ATTRIBUTION", ""),
        "max_zoom": int(getattr(settings, "MAPS_TILE_MAX_ZOOM", 18) or 18),
        "system": map_system(),
    }
