"""The curriculum: its schema (``schema``), the loaded course (``course``) and loading with validation (``loading``)."""

from bot.content.course import CoursePolicy, Curriculum
from bot.content.loading import load_curriculum
from bot.content.schema import (
    LETTERS,
    PATH_TRACK_ID,
    ContentError,
    Option,
    PathDay,
    PathFile,
    PathInfo,
    Question,
    Tip,
    TrackFile,
    TrackInfo,
)

__all__ = [
    "LETTERS", "PATH_TRACK_ID", "ContentError", "CoursePolicy", "Curriculum", "Option", "PathDay", "PathFile", "PathInfo", "Question", "Tip",
    "TrackFile", "TrackInfo", "load_curriculum",
]
