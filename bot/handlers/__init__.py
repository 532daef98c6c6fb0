"""Telegram adapters: an Update in, a screen from the conversation, Telegram calls out."""
