"""The console adapter: chat with the bot in a terminal, or script it through stdin."""

from adapters.console.adapter import ConsoleAdapter

__all__ = ["ConsoleAdapter"]
