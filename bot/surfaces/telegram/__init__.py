"""The Telegram bot: the PTB application, its handlers and their state."""
