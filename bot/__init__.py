"""gridbot service: domain (tickets, grids, people, deadlines), storage, channels and the command line."""
