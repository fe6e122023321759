"""The dispatch console (指挥调度): the board, tickets, statistics, classifier and map pages, and exports."""
