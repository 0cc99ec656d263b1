"""newsbot's answering and its surfaces: the Telegram bot, the REPL and the command line."""
