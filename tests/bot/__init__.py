"""Tests of newsbot."""
