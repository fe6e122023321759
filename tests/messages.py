"""Residents' messages several tests share because of what the shipped model makes of them."""

from __future__ import annotations

# A problem of no clear category: the default model's best guess stays under bot.intake.conversation's
# CONFIDENT, so the resident is asked which category it is. Every test that uses it asserts that question
# first: when a corpus change makes the model sure of it, they fail there, and another vague one is needed.
UNSURE = "门口那块地方乱糟糟的"
