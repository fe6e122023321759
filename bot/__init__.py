"""gridbot: one sub-package per domain concept (tickets, people, grids, intake, model, photos, texts),
the channels beside them (channels/), the infrastructure under them (infra/), and the application and
command line that wire them on top (app/, cli/)."""
