"""Rendering answers for Telegram: HTML, citations, splitting into messages."""
