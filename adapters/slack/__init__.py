"""The Slack adapter: Slack requests in, core calls, Block Kit out.

``runner.SlackRunner`` is what ``aipm serve`` starts; everything else here is translation
(``blocks``, ``contexts``, ``payloads``) or plumbing Slack needs (``http_server``, ``installation_store``,
``messenger``, ``processed``). The core (``bot``) never imports this package.
"""
