"""Frameworks as data: goal sets and strategy themes, their files and catalogue."""
