"""Followed feeds: the list kept in the data folder, polling them, and the stories they bring."""
