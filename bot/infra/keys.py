"""Every Redis key and pub/sub channel gridbot uses, built in one place. All start with ``gb:``."""

from __future__ import annotations

PREFIX = "gb"


def ticket(number: str) -> str:
    return f"{PREFIX}:ticket:{number}"


def ticket_affixes() -> tuple[str, str]:
    """What goes before and after the number in :func:`ticket`, for a script that reads tickets it finds
    in an index (the statistics' rows)."""
    return f"{PREFIX}:ticket:", ""


def audit(number: str) -> str:
    return f"{PREFIX}:ticket:{number}:audit"


def followers(number: str) -> str:
    return f"{PREFIX}:ticket:{number}:followers"


def follower_words(number: str) -> str:
    """Each follower's own words (a hash: resident → text), shown to that follower instead of the ticket's."""
    return f"{PREFIX}:ticket:{number}:follower-words"


def praised(number: str, resident: str) -> str:
    """Set once a resident's thanks for a ticket were recorded (they are passed on once)."""
    return f"{PREFIX}:ticket:{number}:praised:{resident}"


def ticket_sequence(day: str) -> str:
    return f"{PREFIX}:seq:ticket:{day}"


def by_status(status: str) -> str:
    return f"{PREFIX}:idx:status:{status}"


def by_grid(grid_id: str) -> str:
    return f"{PREFIX}:idx:grid:{grid_id}"


def open_in_grid(grid_id: str, category: str) -> str:
    """Open tickets of one grid and category: number → "created_at\tresident\ttext" (duplicate linking)."""
    return f"{PREFIX}:idx:open:{grid_id}:{category}"


def open_in_grid_by_time(grid_id: str, category: str) -> str:
    """The same open tickets by creation time (a sorted set), so only the newest need be read."""
    return f"{PREFIX}:idx:open-time:{grid_id}:{category}"


def by_resident(resident: str) -> str:
    return f"{PREFIX}:idx:resident:{resident}"


def by_worker(worker: str) -> str:
    return f"{PREFIX}:idx:worker:{worker}"


def all_tickets() -> str:
    return f"{PREFIX}:idx:all"


def due() -> str:
    return f"{PREFIX}:due"


def outbox(channel: str) -> str:
    """The outbox stream of one channel (``telegram``, ``web``): the part of a recipient before ':'."""
    return f"{PREFIX}:outbox:{channel}"


def corrections() -> str:
    return f"{PREFIX}:corrections"


def worker(worker_id: str) -> str:
    return f"{PREFIX}:worker:{worker_id}"


def workers() -> str:
    return f"{PREFIX}:workers"


def grid_workers(grid_id: str) -> str:
    head, tail = grid_workers_affixes()
    return f"{head}{grid_id}{tail}"


def grid_workers_affixes() -> tuple[str, str]:
    """What goes before and after the grid id in :func:`grid_workers`, for a script that learns the
    grid only inside Redis (the ticket's ``grid_id``)."""
    return f"{PREFIX}:grid:", ":workers"


def no_grid() -> tuple[str, str, str]:
    """Keys that never exist, read in place of a grid's workers and open tickets when opening a ticket
    that has no grid."""
    return f"{PREFIX}:none:workers", f"{PREFIX}:none:open", f"{PREFIX}:none:open-time"


def supervisor(supervisor_id: str) -> str:
    return f"{PREFIX}:supervisor:{supervisor_id}"


def supervisors() -> str:
    return f"{PREFIX}:supervisors"


def area_supervisors(level: str, area: str) -> str:
    return f"{PREFIX}:supervisors:{level}:{area}"


def invite(code: str) -> str:
    return f"{PREFIX}:invite:{code}"


def resident(resident_id: str) -> str:
    return f"{PREFIX}:resident:{resident_id}"


def web_session(token: str) -> str:
    """A web chat session (its CSRF token), named by the session's secret cookie value."""
    return f"{PREFIX}:web:session:{token}"


def grid_map_version() -> str:
    return f"{PREFIX}:gridmap:version"


def grid_map_current() -> str:
    return f"{PREFIX}:gridmap:current"


def grid_map(version: int) -> str:
    return f"{PREFIX}:gridmap:{version}"


def metrics() -> str:
    return f"{PREFIX}:metrics"


def draft(resident_id: str) -> str:
    return f"{PREFIX}:draft:{resident_id}"


def web_conversation(session_id: str) -> str:
    """A web session's conversation log (a capped stream): the resident's words and the bot's answers."""
    return f"{PREFIX}:web:conversation:{session_id}"


def request(request_id: str) -> str:
    """The ticket a request (e.g. one Telegram update) opened."""
    return f"{PREFIX}:request:{request_id}"


# -- delivery, channels and processes ----------------------------------------------------------------

def sent(dedupe_key: str) -> str:
    """Set once a notification was delivered (its outcome), so a redelivered entry is not sent twice."""
    return f"{PREFIX}:sent:{dedupe_key}"


def sending(dedupe_key: str) -> str:
    """Set while a notification is being sent, so a crash mid-send is known as "in doubt"."""
    return f"{PREFIX}:sending:{dedupe_key}"


def web_inbox(session_id: str) -> str:
    """A web session's inbox stream: the notifications its pages show live."""
    return f"{PREFIX}:web:inbox:{session_id}"


def web_inbox_written() -> str:
    """The pub/sub channel on which a session id is published when its inbox was written."""
    return f"{PREFIX}:web:inbox-written"


def telegram_updates() -> str:
    """The stream of received Telegram updates."""
    return f"{PREFIX}:updates"


def update_seen(update_id: int) -> str:
    """Set once a Telegram update was appended to the stream (each is appended once)."""
    return f"{PREFIX}:update:seen:{update_id}"


def poller_lease() -> str:
    """Which process may poll Telegram's getUpdates now."""
    return f"{PREFIX}:poller:lease"


def poller_offset() -> str:
    """The getUpdates offset: past the last update in the stream."""
    return f"{PREFIX}:poller:offset"


def rate(limit: str, key: str) -> str:
    """The state of one rate limit (``limit``) for one key (a chat, a session, ``all``)."""
    return f"{PREFIX}:rate:{limit}:{key}"


def flood_told(user_id: int | str) -> str:
    """Set for a minute once a resident (recipient key) was told to slow down."""
    return f"{PREFIX}:flood:told:{user_id}"


def model_channel() -> str:
    """The pub/sub channel announcing a newly current model version to every process."""
    return f"{PREFIX}:model:current"


def retrain_lock() -> str:
    """Held while one process retrains the model."""
    return f"{PREFIX}:retrain:lock"


def inbound(channel: str) -> str:
    """The stream of callbacks received from WeChat (``wechat``) or WeCom (``wecom``)."""
    return f"{PREFIX}:inbound:{channel}"


def inbound_seen(channel: str, dedupe_id: str) -> str:
    """Set once a callback (a message id, or an event's sender and time) was appended: retries add nothing."""
    return f"{PREFIX}:inbound:{channel}:seen:{dedupe_id}"


def inbound_attempts(channel: str, entry_id: str) -> str:
    """How often handling one received callback failed."""
    return f"{PREFIX}:inbound:{channel}:attempts:{entry_id}"


def callback_binding(account: str, signed: str) -> str:
    """The body a signed plain-mode callback (its ``timestamp:nonce``) first came with."""
    return f"{PREFIX}:inbound:{account}:signed:{signed}"


def weixin_token(account: str) -> str:
    """The access token of the WeChat (``wechat``) or WeCom (``wecom``) account, shared by all processes."""
    return f"{PREFIX}:token:{account}"


def weixin_token_lock(account: str) -> str:
    """Held by the one process refreshing an account's access token."""
    return f"{PREFIX}:token:{account}:lock"


def weixin_token_force(account: str) -> str:
    """Set when the API refused the current token: the next refresh asks for a new one."""
    return f"{PREFIX}:token:{account}:force"


# -- WeChat Official Account ---------------------------------------------------------------------

def wechat_photo(resident_id: str) -> str:
    """A WeChat resident's photo waiting for the words that describe it (WeChat sends no captions)."""
    return f"{PREFIX}:wechat:photo:{resident_id}"


def wechat_place(resident_id: str) -> str:
    """Where a WeChat resident last said they are (a location message or event): "lat,lon" in WGS84."""
    return f"{PREFIX}:wechat:place:{resident_id}"


# -- WeCom (企业微信) ----------------------------------------------------------------------------------

def wecom_step(member: str) -> str:
    """What the bot waits for from a WeCom member (a return reason, a result note), with a TTL."""
    return f"{PREFIX}:wecom:step:{member}"


def wecom_card(number: str, member: str) -> str:
    """The ``response_code`` of the ticket card a WeCom member was sent, to update that card (72 h)."""
    return f"{PREFIX}:wecom:card:{number}:{member}"


# -- Open311 API keys ------------------------------------------------------------------------------

def api_keys() -> str:
    """The Open311 API keys (a hash: name → JSON of its digest and creation time)."""
    return f"{PREFIX}:apikeys"


def api_keys_last_used() -> str:
    """When each Open311 API key was last used (a hash: name → time)."""
    return f"{PREFIX}:apikeys:last-used"


def api_key_digest(digest: str) -> str:
    """Which API key name a key's SHA-256 digest belongs to (looked up by digest, compared in constant time)."""
    return f"{PREFIX}:apikeys:digest:{digest}"


def console_account(username: str) -> str:
    """A dispatch-console account (a hash: role, town, community, password hash, disabled)."""
    return f"{PREFIX}:console:account:{username}"


def console_accounts() -> str:
    """The usernames of every console account (a set)."""
    return f"{PREFIX}:console:accounts"


def console_session(token: str) -> str:
    """A console login session (a hash: username, CSRF token, when it began and was last used)."""
    return f"{PREFIX}:console:session:{token}"


def console_account_sessions(username: str) -> str:
    """The session tokens of one account (a set), so disabling it ends them all at once."""
    return f"{PREFIX}:console:account:{username}:sessions"


def console_login_failures(kind: str, value: str) -> str:
    """Recent failed console logins of one username or client IP (``kind``): a sorted set, attempt → ms."""
    return f"{PREFIX}:console:login-failures:{kind}:{value}"


def console_map_upload(username: str, token: str) -> str:
    """A grid map a console admin uploaded and previewed, waiting for the confirmation (bytes, 30 min)."""
    return f"{PREFIX}:console:map-upload:{username}:{token}"


def console_changes() -> str:
    """The pub/sub channel every ticket commit publishes on (bot/tickets/changes.py): live console pages."""
    return f"{PREFIX}:console:changes"


def correction_reviews() -> str:
    """Admins' reviews of label corrections (a hash: ticket number → JSON decision, by whom, of which
    correction); a rejected correction is left out of retraining."""
    return f"{PREFIX}:corrections:reviews"


def retrain_progress() -> str:
    """How the latest retraining is going (a hash: state, step, message, result), read by the console."""
    return f"{PREFIX}:retrain:progress"


# -- the console board's indexes (bot/tickets/board_index.py) ------------------------------------------

BOARD_INDEX_PATTERNS = (f"{PREFIX}:idx:category:*", f"{PREFIX}:idx:community:*", f"{PREFIX}:idx:town:*",
                        f"{PREFIX}:idx:word:*", f"{PREFIX}:idx:scope:*", f"{PREFIX}:idx:nature:*")


def by_category(category: str) -> str:
    """Tickets of one category (a set)."""
    return f"{PREFIX}:idx:category:{category}"


def by_nature(nature: str) -> str:
    """Tickets of one nature (a set; tickets without a nature are in none)."""
    return f"{PREFIX}:idx:nature:{nature}"


def by_community(community: str) -> str:
    """Tickets placed in one community, by creation time (a sorted set)."""
    return f"{PREFIX}:idx:community:{community}"


def by_town(town: str) -> str:
    """Tickets placed in one town, by creation time (a sorted set)."""
    return f"{PREFIX}:idx:town:{town}"


def urgent_tickets() -> str:
    """Tickets flagged urgent (a set)."""
    return f"{PREFIX}:idx:urgent"


def by_deadline() -> str:
    """Every ticket by its deadline (a sorted set): the board's deadline sort."""
    return f"{PREFIX}:idx:deadline"


def open_by_deadline() -> str:
    """Open tickets (pending, assigned, accepted) by their deadline: overdue ones score below now."""
    return f"{PREFIX}:idx:open-deadline"


def by_word(word: str) -> str:
    """Tickets whose text holds one search word (a set; bot/tickets/search_words.py)."""
    return f"{PREFIX}:idx:word:{word}"


def search_vocabulary() -> str:
    """Every word (two or more characters) some ticket was indexed under (a set; only grows until a reindex)."""
    return f"{PREFIX}:idx:vocabulary"


def board_scratch(query_id: str, part: str) -> str:
    """A board query's working set (deleted by the query, or expiring: an export's snapshot)."""
    return f"{PREFIX}:board:{query_id}:{part}"



def scope_open(scope_id: str, by: str) -> str:
    """One scope's open tickets (``all``, ``town:T``, ``community:T:C``) by ``created`` or ``deadline``:
    the board's default view without an intersection."""
    if scope_id == "all" and by == "deadline":
        return open_by_deadline()
    return f"{PREFIX}:idx:scope:{scope_id}:open-{by}"


def scope_state_open(scope_id: str, state: str) -> str:
    """One scope's open tickets of one (open) state by deadline: the overdue filter's page and counts."""
    return f"{PREFIX}:idx:scope:{scope_id}:open-{state}"


def by_state_code() -> str:
    """Every ticket scored by its state's code and its deadline (a sorted set; bot/tickets/board_index.py):
    a filtered query counts its tickets per state, and the overdue, with one intersection."""
    return f"{PREFIX}:idx:state-code"


def scope_counts(scope_id: str) -> str:
    """How many tickets of one scope are in each state (a hash: state → count)."""
    return f"{PREFIX}:idx:scope:{scope_id}:counts"


def patrol_active(worker: str) -> str:
    """The id of the patrol a worker (recipient key) is on, while it lasts."""
    return f"{PREFIX}:patrol:active:{worker}"


def patrol(patrol_id: str) -> str:
    """Hash: a patrol's worker, name, start, end and last kept point."""
    return f"{PREFIX}:patrol:{patrol_id}"


def patrol_points(patrol_id: str) -> str:
    """List: a patrol's kept track points, oldest first (bot.patrol.track)."""
    return f"{PREFIX}:patrol:{patrol_id}:points"


def patrols_of_day(day: str) -> str:
    """Set: the ids of the patrols started on a local day (YYYYMMDD)."""
    return f"{PREFIX}:patrols:day:{day}"


# The FAQ knowledge base (bot/faq/): entries, a counter every change moves, the first seeding, and an
# answer given to a resident that waits for 已解决 / 转人工办理.
def faq_entries() -> str:
    """Hash: entry id → the entry as JSON."""
    return f"{PREFIX}:faq:entries"


def faq_version() -> str:
    return f"{PREFIX}:faq:version"


def faq_seeded() -> str:
    """Set once the knowledge base was first filled from faq.yaml (so removing every entry stays so)."""
    return f"{PREFIX}:faq:seeded"


def faq_pending(resident_id: str) -> str:
    return f"{PREFIX}:faq:pending:{resident_id}"


# -- the console statistics' daily counters (bot/tickets/daily.py) -----------------------------------

STATS_DAY_PATTERN = f"{PREFIX}:stats:day:*"


def stats_day(day: str, scope: str) -> str:
    """One local day's counters of the tickets opened that day in one scope (``all``, ``town:T``,
    ``place:T:C``): a hash of field → count."""
    return f"{PREFIX}:stats:day:{day}:{scope}"


def stats_places() -> str:
    """Every place (town TAB community, empty when unplaced) a ticket was counted in (a set)."""
    return f"{PREFIX}:stats:places"


def stats_grid_names() -> str:
    """Grid id → the name its tickets carry (a hash), for the statistics' charts."""
    return f"{PREFIX}:stats:grid-names"


# -- early warning 预警 (bot/warnings/) -------------------------------------------------------------

def warning_day_counts(day: str) -> str:
    """Tickets opened on one local day per grid and category (a hash: ``grid|category`` → count), kept
    40 days: the early-warning baseline (bot/warnings/baseline.py)."""
    return f"{PREFIX}:warning:day:{day}"


def warning(warning_id: str) -> str:
    """One early warning (a hash: its fields, the ticket numbers as JSON)."""
    return f"{PREFIX}:warning:{warning_id}"


def warnings_active() -> str:
    """Warnings still active (a sorted set scored by their newest ticket's creation time)."""
    return f"{PREFIX}:warnings:active"


def warnings_all() -> str:
    """Every warning ever raised (a sorted set scored by when it was raised)."""
    return f"{PREFIX}:warnings:all"


def warning_sequence(day: str) -> str:
    return f"{PREFIX}:seq:warning:{day}"


def warning_lock() -> str:
    """Held by the one process running a detector pass (two passes at once could raise one warning twice)."""
    return f"{PREFIX}:warning:lock"


def field_report(worker: str) -> str:
    """A grid worker's field report being written (bot/intake/reporting.py), with a TTL."""
    return f"{PREFIX}:report:{worker}"


def by_source(source: str) -> str:
    """Tickets filed by one kind of filer (a set: resident, patrol, open311, console)."""
    return f"{PREFIX}:idx:source:{source}"
