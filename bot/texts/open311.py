"""Chinese texts of the Open311 API: error descriptions, the notice a filed request gets, the notes of
a request's state, and the groups of the service list."""

from __future__ import annotations

# Categories grouped as the services list shows them (GeoReport's ``group``); a code not listed is 其他.
_GROUPS = {
    "城市管理": ("sanitation", "municipal", "street_order", "construction", "traffic", "environment"),
    "公共服务": ("utilities", "welfare", "labor", "property"),
    "社会治理": ("noise", "dispute", "safety", "security", "market"),
}
OTHER_GROUP = "其他"


def group_of(category: str) -> str:
    """The group a category is listed under."""
    return next((group for group, codes in _GROUPS.items() if category in codes), OTHER_GROUP)


def missing_api_key() -> str:
    return "缺少或无效的 api_key：提交请求需要有效的 API 密钥。"


def bad_api_key() -> str:
    return "无效的 api_key。"


def missing_location() -> str:
    return "缺少位置：请提供 lat 和 long（WGS84），或 address_string。"


def bad_coordinates() -> str:
    return "lat / long 无效：需为 WGS84 十进制度数（纬度 -90～90，经度 -180～180）。"


def missing_description() -> str:
    return "缺少 description：请描述需要处理的问题。"


def description_too_long(limit: int) -> str:
    return f"description 过长：最多 {limit} 个字符。"


def unknown_service(code: str) -> str:
    return f"未知的 service_code：{code}（见 services.json）。"


def bad_date(name: str) -> str:
    return f"{name} 不是有效的 W3C / ISO 8601 时间（例如 2026-11-24T09:00:00+08:00）。"


def bad_date_range(days: int) -> str:
    return f"时间范围无效：start_date 须早于 end_date，且相隔不超过 {days} 天。"


def bad_status() -> str:
    return "status 只能是 open 或 closed。"


def too_many_ids(limit: int) -> str:
    return f"service_request_id 最多 {limit} 个。"


def bad_body() -> str:
    return "请求格式错误：请以 application/x-www-form-urlencoded 提交，且不超过 16 KB。"


def not_found() -> str:
    return "没有这个服务请求。"


def unknown_path() -> str:
    return "没有这个接口：支持 services、requests 和 requests/ID，格式为 .json 或 .xml。"


def too_many_requests() -> str:
    return "请求过于频繁，请稍后再试。"


def opened(number: str) -> str:
    """The ``service_notice`` of a filed request."""
    return f"已受理，工单号 {number}。"


def linked(number: str) -> str:
    """The ``service_notice`` of a filed request that joined an open ticket reporting the same."""
    return f"已受理：同一问题已有工单 {number} 在处理，本请求并入该工单。"


def status_notes(label: str, result_note: str | None) -> str:
    """A request's ``status_notes``: its state in Chinese, and the worker's result once resolved."""
    return f"{label}：{result_note}" if result_note else label
