"""The Discord adapter: slash commands and button clicks in, embeds with buttons out.

Modules, one concept each:

- ``context``: who is asking, from an interaction (workspace, admin rights).
- ``embeds``: a neutral Reply rendered as an embed, a button row and attachments.
- ``components``: the persistent button handler that routes clicks back to the core.
- ``bridge``: one interaction, one core call off the event loop, one response inside Discord's 3 seconds.
- ``commands``: the ``/aipm`` command group, each subcommand rebuilt as core text.
- ``client``: the gateway client that owns the command tree and registers the button handler.
- ``messenger``: proactive posts for the delivery scheduler (bot.ports.Messenger).
- ``runner``: ``aipm serve`` starts and stops the client in its own thread.
- ``invite``: the OAuth2 URL that adds the bot to a server with the permissions it needs.

Nothing is imported here so that ``import adapters.discord.invite`` stays cheap for the CLI.
"""
