"""The running application: settings, wiring of one process, the HTTP server and its start-up."""
