"""Receivers of claims.events: each turns a workflow event into desk work, in a task."""
