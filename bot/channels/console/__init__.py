"""The dispatch console (指挥调度) in the browser: ``sessions.py`` (login sessions in Redis), ``auth.py``
(login, logout, the session and CSRF guard, login throttling), ``pages.py`` (the board and a ticket's
page), ``actions.py`` (the supervisor's steps as forms), ``html.py`` (page building); ``static/``."""
