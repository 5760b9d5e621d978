"""Reading an export the way a learner's tools would: unzip it, load the JSON, parse the CSV with ``csv``."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

REVLOG_HEADER = ["card_id", "review_time", "review_rating", "review_state", "review_duration"]


@dataclass(frozen=True)
class OpenedExport:
    document: dict[str, Any]
    header: list[str]
    rows: list[dict[str, str]]
    names: list[str]


def open_export(content: bytes) -> OpenedExport:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        document = json.loads(archive.read("aipm-export.json").decode("utf-8"))
        text = archive.read("fsrs-revlog.csv").decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    rows = [dict(zip(header, line, strict=True)) for line in reader]
    return OpenedExport(document, header, rows, names)


def holds_nothing(opened: OpenedExport) -> bool:
    """Nothing but the profile: every list in the document empty and the review log only its header."""
    lists = ("answers", "quizzes_shown", "tips_seen", "activity_days", "time_zone_changes", "review_cards", "subscriptions")
    return all(opened.document[key] == [] for key in lists) and opened.rows == [] and opened.header == REVLOG_HEADER
