"""The terminal: the `newsbot` CLI, the REPL and the plain-text answer format."""
