"""newsbot's engine: load news articles, split, embed and store them, and search them.

Nothing in this package knows about chats or Telegram.
"""
