"""Customer data shared by the customer benchmarks: custom fields, names, places."""

import itertools
import random

REGIONS = [("上海市", "上海市", "浦东新区", 31.23, 121.47), ("北京市", "北京市", "朝阳区", 39.92, 116.44),
           ("广东省", "广州市", "天河区", 23.13, 113.32), ("广东省", "深圳市", "南山区", 22.53, 113.93),
           ("浙江省", "杭州市", "西湖区", 30.26, 120.13), ("江苏省", "南京市", "鼓楼区", 32.07, 118.77),
           ("四川省", "成都市", "武侯区", 30.64, 104.04), ("湖北省", "武汉市", "洪山区", 30.50, 114.34),
           ("山东省", "济南市", "历下区", 36.67, 117.02), ("福建省", "厦门市", "思明区", 24.45, 118.08)]
STREETS = ["张江路", "建国路", "天河路", "科技园路", "文三路", "中山路", "人民南路", "珞喻路", "泉城路", "湖滨路"]
CITY_WORDS = ["上海", "北京", "广州", "深圳", "杭州", "南京", "成都", "武汉", "济南", "厦门", "苏州", "天津",
              "重庆", "西安", "长沙", "青岛", "宁波", "无锡", "合肥", "郑州", "佛山", "东莞", "福州", "昆明", "沈阳",
              "大连", "哈尔滨", "南昌", "贵阳", "南宁"]
BRAND_WORDS = ["星辰", "华鼎", "金桥", "宏达", "瑞丰", "恒通", "新源", "博远", "嘉禾", "明德", "天启", "众信",
               "卓越", "海纳", "远航", "中科", "东方", "长城", "银河", "锦程", "启明", "盛世", "永安", "汇通",
               "联创", "佳能", "德润", "鼎盛", "和信", "宇航", "华夏", "正泰", "安泰", "鑫隆", "润泽", "凯达",
               "晨光", "伟业", "鸿运", "益民", "万通", "同创", "力拓", "泰和", "兴业", "中远", "新纪元", "蓝天",
               "绿洲", "九州"]
INDUSTRIES = ["科技", "机电", "电梯", "制冷设备", "医疗器械", "环保工程", "物业管理", "精密仪器", "自动化",
              "新能源", "印务", "食品机械", "建材", "电气", "净水设备", "空调工程", "安防", "通信设备", "办公设备",
              "锅炉"]
SUFFIXES = ["有限公司", "股份有限公司", "集团有限公司", "有限责任公司"]
LEVELS = [{"value": "a", "label": "A 级"}, {"value": "b", "label": "B 级"}, {"value": "c", "label": "C 级"}]
TAGS = ["VIP", "华东", "华南", "新客户", "代理商", "重点"]


def define_custom_fields(owner):
    """客户等级 (required select, searchable), 合同金额 (number), 签约日期 (date) on the customer form."""
    from shouhou.core.forms_engine import get_schema, save_schema

    built_in = [{"key": f["key"], "system": True} for f in get_schema("customer").fields if f.get("system")]
    return save_schema(actor=owner, target="customer", permission="customer.settings", fields=[
        *built_in,
        {"key": "level", "label": "客户等级", "kind": "select", "options": LEVELS, "required": True,
         "searchable": True, "show_in_list": True},
        {"key": "amount", "label": "合同金额", "kind": "number", "searchable": True, "show_in_list": True},
        {"key": "signed_on", "label": "签约日期", "kind": "date"},
    ])


def company_names(count, seed=11):
    """`count` distinct company names such as 杭州星辰制冷设备有限公司, in random order."""
    combos = list(itertools.product(CITY_WORDS, BRAND_WORDS, INDUSTRIES, SUFFIXES))
    if count > len(combos):
        raise ValueError(f"at most {len(combos)} distinct names")
    rng = random.Random(seed)
    return ["".join(parts) for parts in rng.sample(combos, count)]
