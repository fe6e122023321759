"""The dispatch console (指挥调度) in the browser: ``sessions.py`` (login sessions in Redis), ``auth.py``
(login, logout, the session and CSRF guard, login throttling), ``pages.py`` (the board and a ticket's
page), ``actions.py`` (the supervisor's steps as forms), ``live.py`` (live updates), ``map_page.py``,
``stats.py``, ``classifier*.py``, ``grids.py`` (the grid map and its import), ``export.py`` (CSV and
XLSX), ``html.py`` (page building); ``static/``."""
