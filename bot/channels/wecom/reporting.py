"""A WeCom member's field report (巡查上报): ``上报`` typed or tapped in the app's menu, then the problem and
its place, through the same domain calls as Telegram's ``/report`` (bot/intake/reporting.py).

WeCom sends a photo as a message of its own, without words: one sent while the report waits for its
words is kept for them. A location message (GCJ-02, as WeCom's map picker gives it) or a typed address
names the place. A command instead abandons the report. The ticket's card comes from the outbox.
"""

from __future__ import annotations

from bot.channels.wecom.conversation import keep_photo, command_of
from bot.channels.wecom.desk import Desk, Member
from bot.grids.coordinates import gcj02_to_wgs84
from bot.intake.reporting import ReportReply, ReportReplyKind
from bot.texts import field_reports as report_texts

MENU_KEY = "report"  # the EventKey of the app menu's 上报 button
STARTS = frozenset({report_texts.REPORT_WORD, "/report"})


async def on_report_text(desk: Desk, member: Member, text: str) -> bool:
    """A text that starts or continues a field report; False when it is none of the report's business."""
    typed = text.strip()
    if typed in STARTS:
        await start(desk, member)
        return True
    if await desk.reports.waiting(member.key) is None:
        return False
    if command_of(typed) is not None:
        await desk.reports.abandon(member.key)
        await desk.reply(member, report_texts.abandoned())
        return True
    await _show(desk, member, await desk.reports.describe(member.key, typed))
    return True


async def start(desk: Desk, member: Member) -> None:
    """``上报``: the member is asked what they found (anyone but a worker is told who may report)."""
    reply = await desk.reports.start(member.key)
    await desk.reply(member, report_texts.only_workers() if reply.kind is ReportReplyKind.NOT_A_WORKER
                     else report_texts.ask_report())


async def on_report_image(desk: Desk, member: Member, media_id: str) -> bool:
    """A photo while the report waits for its words: kept for them. False: no report waits."""
    if await desk.reports.waiting(member.key) is None:
        return False
    stored = await keep_photo(desk, media_id)
    if stored is None:
        await desk.reply(member, report_texts.photo_failed())
        return True
    await _show(desk, member, await desk.reports.photo(member.key, stored.reference))
    return True


async def on_location(desk: Desk, member: Member, lat: str, lon: str) -> bool:
    """A location message for the waiting report. False: no report waits, or it is no point."""
    try:
        gcj_lat, gcj_lon = float(lat), float(lon)
    except ValueError:
        return False
    if await desk.reports.waiting(member.key) is None:
        return False
    wgs_lon, wgs_lat = gcj02_to_wgs84(gcj_lon, gcj_lat)
    await _show(desk, member, await desk.reports.locate_by_point(member.key, wgs_lat, wgs_lon))
    return True


async def _show(desk: Desk, member: Member, reply: ReportReply) -> None:
    """What the report needs next (nothing when it opened: the ticket's card says it)."""
    texts = {
        ReportReplyKind.ASK_LOCATION: report_texts.ask_location(keyboard=False),
        ReportReplyKind.OUT_OF_AREA: report_texts.out_of_area(),
        ReportReplyKind.NEEDS_WORDS: report_texts.needs_words(),
        ReportReplyKind.PHOTO_KEPT: report_texts.photo_kept(),
        ReportReplyKind.NOTHING_PENDING: report_texts.nothing_pending(),
    }
    if reply.kind is ReportReplyKind.LOCATION_NOT_FOUND:
        await desk.reply(member, report_texts.location_not_found(reply.address))
    elif reply.kind in texts:
        await desk.reply(member, texts[reply.kind])
