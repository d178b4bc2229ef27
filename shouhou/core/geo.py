"""Geography: distances and the maps/geocoding adapter (architecture §2, §11).

`geocoder()` returns the configured adapter: AMap's web-service API when MAPS_AMAP_KEY is set, the
offline gazetteer otherwise. The offline one knows the centres of China's provincial capitals and
major cities, so an imported address gets approximate coordinates (city level) without network;
an address it can't place is reported as a geocoding failure, as a real provider would.
"""

import json
import math
from dataclasses import dataclass
from decimal import Decimal
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
        return GeocodeResult(Decimal(lat).quantize(Decimal("0.000001")), Decimal(lng).quantize(Decimal("0.000001")),
                             codes[0].get("level", ""))


def geocoder():
    return AmapGeocoder() if getattr(settings, "MAPS_AMAP_KEY", "") else OfflineGeocoder()


def navigation_url(*, latitude=None, longitude=None, address=""):
    """A map-app link that opens navigation to the address (used on the engineer's phone)."""
    if latitude is not None and longitude is not None:
        return f"https://uri.amap.com/marker?position={longitude},{latitude}&name={address}&callnative=1"
    return "https://uri.amap.com/search?" + urlencode({"keyword": address, "callnative": 1})
