"""``python -m tests.wxapi``: the test API server with a console (see :mod:`tests.wxapi.console`)."""

from .console import main

main()
