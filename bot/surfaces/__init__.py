"""Where people meet newsbot: Telegram, the terminal (CLI and REPL), and their rendering."""
