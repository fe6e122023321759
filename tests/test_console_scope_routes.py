"""Every console route, listed: a community account never reads, acts on or exports another community's
ticket by any of them. The list is checked against the running app's router, so a route added later
without a line here fails this test until its scope rule is stated."""

from __future__ import annotations

import pytest

from tests.console_harness import BY01, XY02, Console, opened
from tests.telegram_harness import World

THEIR_WORDS = "北隅独有的井盖丢了"
# GET routes of the console: the path to try (THEIRS → the other community's ticket) and what a
# community account gets: "404" (existence not revealed), "admin" (admins only: 404 for everyone else),
# "scoped" (answers, without the other ticket), "auth" (login/logout: no ticket data at all).
GETS: dict[str, tuple[str, str]] = {
    "/console": ("/console?q=THEIRS", "scoped"),
    "/console/map": ("/console/map", "scoped"),
    "/console/stats": ("/console/stats?grid=GC-BY-01", "scoped"),
    "/console/export.csv": ("/console/export.csv?q=THEIRS", "scoped"),
    "/console/export.xlsx": ("/console/export.xlsx?q=THEIRS", "scoped"),
    "/console/events": ("", "stream"),  # tests/test_console_live.py: scoped live changes
    "/console/tickets/{number}": ("/console/tickets/THEIRS", "404"),
    "/console/tickets/{number}/photos/{which}": ("/console/tickets/THEIRS/photos/ticket", "404"),
    "/console/classifier": ("/console/classifier", "admin"),
    "/console/api/classifier/retrain": ("/console/api/classifier/retrain", "admin"),
    "/console/static": ("", "files"),  # the console's own CSS and scripts, no data
    "/console/grids": ("/console/grids", "admin"),
    "/console/faq": ("/console/faq", "admin"),
    "/console/login": ("/console/login", "auth"),
    "/console/warnings": ("/console/warnings", "scoped"),  # tests/test_warnings_telegram.py: scoped warnings
    "/console/warnings/{warning_id}": ("/console/warnings/THEIRS", "404"),
}
POSTS: dict[str, tuple[str, dict[str, str], str]] = {
    "/console/tickets/{number}/{action}": ("/console/tickets/THEIRS/ACTION", {}, "404"),
    "/console/classifier/retrain": ("/console/classifier/retrain", {}, "admin"),
    "/console/classifier/switch": ("/console/classifier/switch", {"version": "v1"}, "admin"),
    "/console/classifier/corrections/{number}/{decision}": ("/console/classifier/corrections/THEIRS/accept", {},
                                                            "admin"),
    "/console/grids/preview": ("/console/grids/preview", {}, "admin"),
    "/console/grids/import": ("/console/grids/import", {}, "admin"),
    "/console/faq/{how}": ("/console/faq/add", {"id": "x", "question": "q", "answer": "a"}, "admin"),
    "/console/login": ("/console/login", {}, "auth"),
    "/console/logout": ("/console/logout", {}, "auth"),
    "/console/warnings/{warning_id}/link": ("/console/warnings/THEIRS/link", {}, "404"),
}
ACTIONS = {"dispatch": {"grid": "GC-XY-01"}, "recategorise": {"category": "sanitation"}, "escalate": {},
           "close": {"note": "x"}, "link": {"into": "OURS"}}


def console_routes(world: World, method: str) -> set[str]:
    app = world.service._runner.app  # type: ignore[union-attr]
    return {r.resource.canonical for r in app.router.routes()
            if r.method == method and r.resource is not None and r.resource.canonical.startswith("/console")}


def test_every_console_route_has_a_scope_rule_here(world: World) -> None:
    assert console_routes(world, "GET") == set(GETS)
    assert console_routes(world, "POST") == set(POSTS)


@pytest.mark.parametrize("route", [r for r, (_, rule) in GETS.items() if rule in ("404", "admin", "scoped")])
async def test_no_get_route_shows_a_community_another_communitys_ticket(world: World, console: Console,
                                                                         route: str) -> None:
    theirs = await opened(world, BY01, THEIR_WORDS)
    ours = await opened(world, XY02, "西隅的路灯坏了")
    await console.login("xiyu")
    path, rule = GETS[route]
    async with console.http.get(console.base + path.replace("THEIRS", theirs), allow_redirects=False) as response:
        body = (await response.read()).decode("utf-8", "replace") if response.content_type != (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") else await _xlsx_text(response)
        status = response.status
    if rule == "scoped":
        assert status == 200
        # (the board's search box shows the number searched for: no link to it, no row, no words)
        assert f"/console/tickets/{theirs}" not in body and THEIR_WORDS not in body
        if route != "/console":
            assert theirs not in body
        if route in ("/console", "/console/export.csv"):
            assert f"/console/tickets/{ours}" not in body and ours not in body.replace(theirs, "")
    else:
        assert status == 404 and theirs not in body


@pytest.mark.parametrize("action", sorted(ACTIONS))
async def test_no_action_reaches_another_communitys_ticket(world: World, console: Console, action: str) -> None:
    theirs = await opened(world, BY01, THEIR_WORDS)
    ours = await opened(world, XY02, "西隅的路灯坏了")
    await console.login("xiyu")
    await console.page(f"/console/tickets/{ours}")  # a CSRF token of a page the account may see
    form = {k: v.replace("OURS", ours) for k, v in ACTIONS[action].items()}
    status, body = await console.post(f"/console/tickets/{theirs}/{action}", form)
    assert status == 404 and THEIR_WORDS not in body
    assert world.service.domain is not None
    after = await world.service.domain.tickets.get(theirs)
    assert after is not None and after.is_open and after.category == "municipal" and after.escalation_level == 0
    audit = await world.service.domain.tickets.store.audit(theirs)
    assert [e.action for e in audit] == ["open"]


@pytest.mark.parametrize("route", [r for r, (_, _, rule) in POSTS.items() if rule == "admin"])
async def test_admin_posts_are_404_for_a_community_account(world: World, console: Console, route: str) -> None:
    theirs = await opened(world, BY01, THEIR_WORDS)
    await console.login("xiyu")
    await console.page("/console")
    path, form, _ = POSTS[route]
    status, _ = await console.post(path.replace("THEIRS", theirs), form)
    assert status == 404


async def _xlsx_text(response: object) -> str:
    """The cells of an exported workbook, as one text."""
    import io

    from openpyxl import load_workbook

    data = await response.read()  # type: ignore[attr-defined]
    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
