"""Commands: the typed commands, the one table that describes them, and the parser it drives.

``from bot import commands as cmd`` gives every name callers use: ``cmd.parse_command``, ``cmd.Quiz``,
``cmd.COMMAND_TABLE``, ``cmd.CommandError`` and the value readers.
"""

from bot.commands.parsing import file_argument, needs_admin, parse_command
from bot.commands.table import COMMAND_TABLE, AdminRule, CommandSpec, CommandTable, Option, OptionKind
from bot.commands.types import (
    DAY_NAMES,
    EVERY_DAY,
    REPORT_REASON_LABELS,
    REPORT_REASONS,
    WEEKDAYS,
    AdminContent,
    AdminHelp,
    AdminImport,
    AdminReports,
    AdminResolve,
    Answer,
    ChooseTrack,
    Command,
    Confirm,
    Export,
    ForgetMe,
    Greet,
    Help,
    Leaderboard,
    Mood,
    Quiz,
    RemoveContent,
    ReportProblem,
    Review,
    SetAdminReport,
    SetDailyTime,
    SetNudges,
    SetRetention,
    SetTimeZone,
    SetWorkspaceTimeZone,
    ShowSettings,
    Stats,
    Streak,
    Subscribe,
    TeamReport,
    Tip,
    Tracks,
    Unsubscribe,
    Weekday,
)
from bot.commands.typos import close_enough, edit_distance, suggest
from bot.commands.values import CommandError, NotAnOption, parse_days, parse_hhmm, parse_retention, resolve_track

__all__ = [
    "COMMAND_TABLE", "DAY_NAMES", "EVERY_DAY", "REPORT_REASONS", "REPORT_REASON_LABELS", "WEEKDAYS", "AdminContent", "AdminHelp", "AdminImport",
    "AdminReports", "AdminResolve", "AdminRule", "Answer", "ChooseTrack", "Command", "CommandError", "CommandSpec", "CommandTable", "Confirm",
    "Export", "ForgetMe", "Greet", "Help", "Leaderboard", "Mood", "NotAnOption", "Option", "OptionKind", "Quiz", "RemoveContent", "ReportProblem",
    "Review", "SetAdminReport", "SetDailyTime", "SetNudges", "SetRetention", "SetTimeZone", "SetWorkspaceTimeZone", "ShowSettings", "Stats",
    "Streak", "Subscribe", "TeamReport", "Tip", "Tracks", "Unsubscribe", "Weekday", "close_enough", "edit_distance", "file_argument",
    "needs_admin", "parse_command", "parse_days", "parse_hhmm", "parse_retention", "resolve_track", "suggest",
]
