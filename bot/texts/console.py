"""The dispatch console's words (指挥调度台): login, the board, a ticket's page, its actions' results."""

from __future__ import annotations

from bot.accounts.scope import Role, Scope

TITLE = "指挥调度台"
LOGIN_TITLE = "登录指挥调度台"
USERNAME = "用户名"
PASSWORD = "密码"
LOGIN = "登录"
LOGOUT = "退出登录"
BOARD = "工单看板"
SEARCH = "搜索"
FILTER = "筛选"
ALL = "全部"
OVERDUE = "已超时"
URGENT = "紧急"
NONE = "—"
COLUMNS = ("工单号", "状态", "类别", "性质", "网格", "网格员", "已过", "期限", "内容")
STATE, CATEGORY, GRID = "状态", "类别", "网格"
SOURCE = "来源"  # the board's filter by who filed a ticket
NATURE = "性质"
SORT_NEWEST, SORT_OLDEST, SORT_DEADLINE = "最新在前", "最早在前", "期限最近在前"
SORT_DEADLINE_LATEST = "期限最远在前"
OPEN_ONES = "未办结"
EXPORT_CSV, EXPORT_XLSX = "导出 CSV", "导出 Excel"
PREVIOUS, NEXT = "上一页", "下一页"
COUNTS = "各状态工单数"
MAP, MAP_MARKERS, NO_MAP = "网格地图", "未办结工单", "尚未导入网格地图。"
PATROLS, PATROL_TRACKS, PATROL_DAY, SHOW = "巡查覆盖", "巡查轨迹", "巡查日期", "查看"
PATROL_HEADER = ("网格", "所属社区", "覆盖率", "巡查时长", "网格员")
BAD_DAY = "日期格式不正确，请按 2026-12-01 的格式填写。"


def no_patrols_on(day: str) -> str:
    return f"{day} 本辖区没有巡查记录。"
NO_TICKETS = "没有符合条件的工单。"
TICKET = "工单"
TEXT, PHOTO, LOCATION, TIMELINE, RATING, RESULT = "内容", "照片", "位置", "处理记录", "评价", "办理结果"
DISPATCH, TO_WORKER, RECATEGORISE, ESCALATE, LINK, CLOSE = "派单", "指定网格员（可不选）", "改类别", "上报上级", "合并为重复", "结案"
NOTE, LINK_INTO = "说明", "并入工单号"
BACK = "返回看板"
DONE = "已完成。"


def login_failed() -> str:
    return "用户名或密码错误。"


def login_throttled() -> str:
    return "登录尝试过于频繁，请一分钟后再试。"


def not_on_map(count: int) -> str:
    """Open tickets in scope that have no place on the map (no grid, no shared point)."""
    return f"另有 {count} 件未定位的工单不在图上，见工单看板。"


def not_found() -> str:
    return "没有这个工单，或不在您的管辖范围内。"


def refused(detail: str) -> str:
    """An action that did not happen (the domain's refusal, already in words)."""
    return f"未能完成：{detail}"


def scope_label(scope: Scope) -> str:
    """Whose the account is, as the page header shows it."""
    if scope.role is Role.ADMIN:
        return "管理员"
    if scope.role is Role.CITY:
        return "市级指挥中心"
    if scope.role is Role.TOWN:
        return f"{scope.town} 镇街指挥中心"
    return f"{scope.town or ''} {scope.community} 村社区工作站".strip()


def age(seconds: float) -> str:
    """How long a ticket has been open: 分钟, 小时 or 天."""
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes}分钟"
    if minutes < 24 * 60:
        return f"{minutes // 60}小时"
    return f"{minutes // (24 * 60)}天"


def rating(stars: int | None) -> str:
    return f"{stars} 星" if stars else "未评价"


# The pages every account has, and those only admins have, in the console's header.
NAVIGATION = (("/console", "看板"), ("/console/map", "地图"), ("/console/stats", "统计"), ("/console/warnings", "预警"))
ADMIN_NAVIGATION = (("/console/classifier", "模型"), ("/console/grids", "导入"), ("/console/faq", "知识库"))
