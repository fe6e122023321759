"""The console's grid-map page (admins): the current map, and an import previewed before it changes anything."""

from __future__ import annotations

TITLE = "地图导入"
CURRENT = "当前地图"
SUMMARY = "{towns} 个镇街 · {communities} 个村社区 · {grids} 个网格"
UPLOAD = "导入 GeoJSON（先预览，确认后才生效）"
FILE = "文件"
MERGE = "只替换文件中的镇街（其余保留）"
CRS = "坐标系"
CRS_CHOICES = (("wgs84", "WGS84（GPS、GeoJSON）"), ("gcj02", "GCJ-02（腾讯、高德地图）"))
PREVIEW = "预览"
COLUMNS = ("镇街", "村社区", "网格", "编号")
PROBLEMS = "文件有 {count} 处问题，未导入（请改好后重新上传）："
PROBLEM_COLUMNS = ("要素", "问题")
NOT_A_MAP = "文件不是可用的网格地图：{reason}"
NO_FILE = "请选择一个 GeoJSON 文件。"
TOO_LARGE = "文件太大（最多 {mb} MB）。"
READY = "文件无误：{grids} 个网格。导入后："
DROPS = "将删除 {count} 个现有网格：{ids}"
IN_USE = "其中仍有网格员或未办结工单的网格：{items}（勾选“仍然导入”才会删除）"
IN_USE_ITEM = "{grid}（网格员 {workers}，未办结 {tickets}）"
OVERLAPS = "有重叠的网格：{pairs}"
FORCE = "仍然导入（删除仍在使用的网格）"
CONFIRM = "确认导入"
EXPIRED = "预览已过期，请重新上传。"
IMPORTED = "已导入：地图第 {version} 版，{grids} 个网格。"
REFUSED = "未导入：要删除的网格仍在使用，请勾选“仍然导入”或先调整网格员和工单。"
