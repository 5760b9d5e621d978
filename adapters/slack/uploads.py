"""An admin's track, sent as a file in their DM with the bot after ``/aipm admin import``.

Slack delivers the file as a ``message`` event listing ``files``; the bytes live at the file's
``url_private``, readable only with the bot token (``files:read``). Only a file the core is waiting for
(``awaits_upload``: that admin asked, minutes ago) is downloaded at all; anything else sent in a DM is left
alone. The reply goes back into the same DM.
"""

from __future__ import annotations

import logging
import urllib.request
from typing import Any

from slack_sdk import WebClient

from bot.context import Upload

log = logging.getLogger(__name__)

DOWNLOAD_LIMIT = 1024 * 1024  # read no more than this; the core refuses anything over its own limit
DOWNLOAD_TIMEOUT = 10.0
DOWNLOAD_FAILED = "I couldn't download that file from Slack, so nothing was imported. Please send it again."


class DownloadFailed(Exception):
    """The file could not be fetched (or Slack answered with a sign-in page: a token without files:read)."""


def the_file(event: dict[str, Any]) -> dict[str, Any] | None:
    """The first file of the message that can be downloaded."""
    return next((f for f in event.get("files") or [] if isinstance(f, dict) and (f.get("url_private_download") or f.get("url_private"))), None)


def download(client: WebClient, file: dict[str, Any]) -> Upload:
    url = str(file.get("url_private_download") or file.get("url_private"))
    if not url.startswith(("https://", "http://")):
        raise DownloadFailed("not a web address")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT) as response:
            if (response.headers.get("Content-Type") or "").startswith("text/html"):
                raise DownloadFailed("Slack answered with a web page (is files:read granted?)")
            data: bytes = response.read(DOWNLOAD_LIMIT + 1)
    except OSError as error:
        raise DownloadFailed(error.__class__.__name__) from error
    return Upload(str(file.get("name") or "track.yaml"), data)
