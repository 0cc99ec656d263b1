"""The English rules of answering: question kinds, lexicons and patterns, places."""
