"""The console's statistics page (统计分析): titles of its charts and tables, and its figures in words."""

from __future__ import annotations

STATS = "统计分析"
FROM, TO, TOWN, COMMUNITY, SHOW = "起始日期", "截止日期", "镇街（可空）", "村社区（可空）", "查看"
TOTAL, ON_TIME, MEAN_HOURS, MEAN_RATING = "诉求总量", "按时办结率", "平均办理时长", "平均满意度"
PER_DAY = "每日诉求量"
BY_CATEGORY = "各类别诉求量"
BY_GRID = "各网格诉求量"
BY_NATURE = "各性质诉求量（诉求性质）"
NO_NATURE = "未识别"
HOT_SPOTS = "热点网格（诉求最多）"
ON_TIME_BY_COMMUNITY = "各村社区按时办结率（%）"
HOURS_BY_COMMUNITY = "各村社区平均办理时长（小时）"
ON_TIME_BY_CATEGORY = "各类别按时办结率（%）"
HOURS_BY_CATEGORY = "各类别平均办理时长（小时）"
RATINGS = "满意度评价分布"
SATISFACTION = "群众满意度"
HANDLING_BY_COMMUNITY = "各村社区办理情况"
HANDLING_BY_CATEGORY = "各类别办理情况"
HANDLING_COLUMNS = ("名称", "应办结", "按时办结", "按时办结率", "已办结", "平均办理时长")
HOT_COLUMNS = ("排名", "网格", "诉求量")
NOT_PLACED = "未定位"
NO_DATA = "—"
STATS_LINK = "统计分析"


def percent(rate: float | None) -> str:
    return NO_DATA if rate is None else f"{rate * 100:.1f}%"


def hours(value: float | None) -> str:
    return NO_DATA if value is None else f"{value:.1f} 小时"


def mean_rating(value: float | None, rated: int) -> str:
    return NO_DATA if value is None else f"{value:.2f} 星（{rated} 条评价）"


def stars(n: int) -> str:
    return f"{n} 星"


def range_label(first: str, last: str, scope: str) -> str:
    return f"{first} 至 {last} · {scope}"


# Who filed the requests of each grid: a centre's key figure (workers' own reports vs residents').
SOURCES_BY_GRID = "各网格巡查上报与居民反映"
PATROL_SHARE = "各网格巡查上报占比（%）"
SOURCE_COLUMNS_HEAD, SOURCE_COLUMNS_TAIL = ("网格",), ("合计", "巡查上报占比")
