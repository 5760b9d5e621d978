"""The App Home tab: the core's home summary published with views.publish, with the progress card inline.

The card is uploaded privately (files_upload_v2 to no channel, so the file is shared nowhere; only the image
block shows it) and remembered per learner by the card's key (a digest of everything it shows) in a small
in-process LRU. Opening the Home again while nothing on the card changed reuses that file: no drawing, no
upload. An answer, a new day or a review coming due changes the key, and the next publish uploads a new card.

Why in-process and keyed by the card's facts: the key is known before drawing (a hash of the PNG bytes would
mean drawing the card, about 0.1 s, on every Home open just to find it unchanged), and a forgotten entry
costs one spare upload, never a wrong picture. A restart or a second ``aipm serve`` process uploads once
more, so nothing needs storing, migrating, exporting or forgetting: the bot keeps no record of the file.

If the upload fails, the Home goes out with the card's caption instead. If Slack refuses the image block
(it processes uploads asynchronously, so a brand-new file may not be ready yet), the view is tried once more
after a moment, then published without the picture and the file is forgotten, so the next open uploads again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from adapters.slack.blocks import home_view
from adapters.slack.files import upload_private_image
from bot.context import Context
from bot.messages import Image, Reply

log = logging.getLogger(__name__)

IMAGE_RETRY_SECONDS = 1.0  # a just-uploaded file may not be ready for a block yet; one more try after this
CARDS_REMEMBERED = 10_000  # learners whose latest Home card is remembered (about 100 bytes each)
REFUSED_BLOCKS = frozenset({"invalid_blocks", "invalid_blocks_format", "invalid_arguments"})


class HomeCards:
    """(workspace, user) -> (card key, file id) of the learner's latest Home card, least recently used first out."""

    def __init__(self, size: int = CARDS_REMEMBERED) -> None:
        self.size = size
        self._cards: OrderedDict[tuple[str, str], tuple[str, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, learner: tuple[str, str], key: str) -> str | None:
        with self._lock:
            remembered = self._cards.get(learner)
            if remembered is None or remembered[0] != key:
                return None
            self._cards.move_to_end(learner)
            return remembered[1]

    def latest(self, learner: tuple[str, str]) -> str | None:
        """The file of the learner's last Home card, whatever it showed."""
        with self._lock:
            remembered = self._cards.get(learner)
            return remembered[1] if remembered is not None else None

    def put(self, learner: tuple[str, str], key: str, file_id: str) -> None:
        with self._lock:
            self._cards[learner] = (key, file_id)
            self._cards.move_to_end(learner)
            while len(self._cards) > self.size:
                self._cards.popitem(last=False)

    def forget(self, learner: tuple[str, str]) -> None:
        with self._lock:
            self._cards.pop(learner, None)


class HomePublisher:
    def __init__(self, cards: HomeCards | None = None) -> None:
        self.cards = cards or HomeCards()

    def publish(self, client: WebClient, ctx: Context, reply: Reply, opened: bool = True) -> None:
        """Publish ``reply`` as the learner's Home, its card inline when it can be; never raises for Slack's refusals.

        Only a Home being opened (``opened``) draws and uploads a changed card: drawing takes a few tenths of a
        second of CPU, and a refresh after every answer would spend it on learners who never look at the tab.
        A refresh shows the last card uploaded for them (or none); opening the tab brings it up to date.
        """
        learner = (ctx.workspace_id, ctx.user_id)
        image = reply.image
        file_id: str | None = None
        if image is not None:
            file_id = self._card_file(client, learner, image) if opened else self.cards.latest(learner)
        stale = file_id is not None and image is not None and not opened and self.cards.get(learner, image.key or "") is None
        if stale:
            if _publish(client, ctx.user_id, home_view(reply, file_id)) == "refused":  # the last card, until the tab is opened
                self.cards.forget(learner)
                _publish(client, ctx.user_id, home_view(reply))
            return
        if file_id is not None:
            view = home_view(reply, file_id)
            outcome = _publish(client, ctx.user_id, view)
            if outcome == "refused":
                time.sleep(IMAGE_RETRY_SECONDS)
                outcome = _publish(client, ctx.user_id, view)
            if outcome != "refused":
                if outcome == "ok" and reply.image is not None and reply.image.key:
                    self.cards.put(learner, reply.image.key, file_id)
                return
            log.warning("Slack refused the Home card %s twice; publishing the Home without it", file_id)
            self.cards.forget(learner)
        _publish(client, ctx.user_id, home_view(reply))

    def _card_file(self, client: WebClient, learner: tuple[str, str], image: Image) -> str | None:
        """The file showing ``image``: the one uploaded for its key before, else a new private upload (None if it failed)."""
        if image.key:
            known = self.cards.get(learner, image.key)
            if known is not None:
                return known
        return upload_private_image(client, image)


def _publish(client: WebClient, user_id: str, view: dict[str, Any]) -> str:
    """``ok``, ``refused`` (Slack rejected the blocks: worth trying otherwise) or ``failed`` (logged; give up)."""
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as error:
        code = str(error.response.get("error") or "error")
        if code in REFUSED_BLOCKS and any(block.get("type") == "image" for block in view["blocks"]):
            return "refused"
        log.warning("views.publish failed: %s", code)
        return "failed"
    return "ok"
