"""``tracks`` and ``track <name>``: list what can be followed, and switch (the daily DM follows along)."""

from __future__ import annotations

from bot import commands as cmd
from bot.content import PATH_TRACK_ID
from bot.deps import Asker, Deps
from bot.dispatch import handles
from bot.learners import set_learner_field
from bot.messages import Reply, error_reply
from bot.render.common import info_reply
from bot.render.learning import following_text, path_line, track_line, tracks_reply
from bot.subscriptions import follow_learner


@handles(cmd.Tracks)
def tracks(deps: Deps, asker: Asker, command: cmd.Tracks) -> Reply:
    content, learner = deps.content, asker.learner
    lines = []
    if content.path:
        lines.append(path_line(content.path.path.title, len(content.path.days), learner.track == PATH_TRACK_ID))
    for track in content.tracks:
        lines.append(track_line(track.id, track.title, track.summary, len(content.track_questions(track.id)), learner.track == track.id))
    return tracks_reply(lines, asker.say)


def track_names(deps: Deps) -> list[tuple[str, str]]:
    """``(id, title)`` of everything ``track <name>`` accepts: the guided path first."""
    path = [(PATH_TRACK_ID, deps.content.track_title(PATH_TRACK_ID))] if deps.content.path else []
    return path + [(t.id, t.title) for t in deps.content.tracks]


@handles(cmd.ChooseTrack)
def choose_track(deps: Deps, asker: Asker, command: cmd.ChooseTrack) -> Reply:
    try:
        name = cmd.resolve_track(command.name, track_names(deps))
    except cmd.CommandError as error:
        return error_reply(error.sentence(asker.say))
    set_learner_field(deps, asker.learner, "track", name)
    follow_learner(deps, asker.learner, track=name)  # your daily DM follows your track, as it follows your zone and time
    return info_reply("track", following_text(deps.content.track_title(name), asker.say))
