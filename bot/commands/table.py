"""The command table: every command's name, usage, summary, words, options and who may run it.

Parsing, ``help``, typo suggestions, the admin rule and each adapter's command registration (Discord's
subcommands and options) all read this one table. A command is one ``CommandSpec`` here and one use case
registered with ``@bot.dispatch.handles``; ``tests/test_add_a_command.py`` shows that is all it takes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from bot.commands import arguments as read
from bot.commands.report_words import report_words, resolve_words
from bot.commands.types import (
    REPORT_REASON_LABELS,
    REPORT_REASONS,
    AdminContent,
    AdminHelp,
    AdminImport,
    AdminReports,
    AdminResolve,
    ChooseTrack,
    Export,
    ForgetMe,
    Help,
    Leaderboard,
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
)
from bot.commands.types import Answer as AnswerCommand
from bot.commands.typos import suggest
from bot.commands.values import CommandError

if TYPE_CHECKING:
    from bot.commands.syntax import Syntax, Wording

Parser = Callable[[str, list[str]], Any]
"""``(name as typed, the words after it) -> command``; raises CommandError with a sentence for the user."""
AdminRule = Literal["anyone", "admins", "admins outside DMs"]
OptionKind = Literal["text", "choice", "track", "zone", "letter", "file"]


@dataclass(frozen=True)
class Option:
    """One word a command takes, as platforms with typed options (Discord) offer it; ``track`` and ``zone``
    are filled from the asker's workspace's tracks and the zone list, ``letter`` from the asker's open quiz;
    ``file`` is a file the person attaches (Discord), or its path (the console)."""

    name: str
    description: str
    kind: OptionKind = "text"
    choices: tuple[tuple[str, str], ...] = ()
    """``(shown, value)`` pairs for ``choice`` options."""
    required: bool = True
    default: str | None = None
    """The word sent when an optional option is left out (None sends nothing)."""
    placeholder: str = ""
    """What a sentence shows in angle brackets where the value goes when typed (default: the name)."""


@dataclass(frozen=True)
class CommandSpec:
    """One row of the command table.

    ``name`` is what is typed (``"settings tz"`` is the ``tz`` word after ``settings``); ``aliases`` are other
    words for its last word, offered as suggestions too, while ``quiet_aliases`` are accepted and never
    suggested. ``parse`` reads the remaining words; without one the command takes none.
    """

    name: str
    usage: str
    summary: str
    command: type[Any]
    aliases: tuple[str, ...] = ()
    quiet_aliases: tuple[str, ...] = ()
    parse: Parser | None = None
    options: tuple[Option, ...] = ()
    admin: AdminRule = "anyone"
    refusal: str | Wording = ""
    """What a non-admin is told when ``admin`` refuses them (a ``Wording`` when it names a command)."""
    in_help: bool = True

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.name.split())

    def parent(self) -> str | None:
        return " ".join(self.words[:-1]) or None

    def called(self, word: str) -> bool:
        return word in (self.words[-1], *self.aliases, *self.quiet_aliases)

    def needs_admin(self, in_dm: bool) -> bool:
        return self.admin == "admins" or (self.admin == "admins outside DMs" and not in_dm)


@dataclass
class CommandTable:
    """The commands in the order help lists them; ``add``/``remove`` exist for tests and extensions."""

    specs: list[CommandSpec] = field(default_factory=list)

    def __iter__(self) -> Iterator[CommandSpec]:
        return iter(list(self.specs))

    def __len__(self) -> int:
        return len(self.specs)

    def add(self, spec: CommandSpec) -> None:
        if any(s.name == spec.name for s in self.specs):
            raise ValueError(f"there is already a command called {spec.name!r}")
        self.specs.append(spec)

    def remove(self, name: str) -> None:
        self.specs = [s for s in self.specs if s.name != name]

    def named(self, name: str) -> CommandSpec:
        for spec in self.specs:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def top_level(self) -> list[CommandSpec]:
        return [s for s in self.specs if s.parent() is None]

    def subcommands(self, parent: str) -> list[CommandSpec]:
        return [s for s in self.specs if s.parent() == parent]

    def find(self, word: str, parent: str | None = None) -> CommandSpec | None:
        """The command ``word`` names at the top level, or after ``parent``."""
        candidates = self.top_level() if parent is None else self.subcommands(parent)
        return next((s for s in candidates if s.called(word)), None)

    def spec_for(self, command: object) -> CommandSpec | None:
        return next((s for s in self.specs if isinstance(command, s.command)), None)

    def admin_refusal(self, command: object, in_private: bool) -> str | Wording | None:
        """What a non-admin is told for ``command`` here, or None when anyone may run it."""
        spec = self.spec_for(command)
        return spec.refusal if spec is not None and spec.needs_admin(in_private) else None

    def suggestions(self) -> list[str]:
        """Top-level words a typo may be corrected to: names and (not quiet) aliases."""
        return sorted({w for s in self.top_level() for w in (s.words[0], *s.aliases)})


def group_words(group: str, bare: Callable[[], Any], what: str) -> Parser:
    """The words after a group's name when they name none of its subcommands: bare, the group's own command
    (``settings`` shows them, ``admin`` lists the admin commands); any other word gets the closest one suggested."""

    def read_words(said: str, args: list[str]) -> Any:
        if not args:
            return bare()
        key = args[0].lower()
        hint = suggest(key, [s.words[-1] for s in COMMAND_TABLE.subcommands(group)])

        def sentence(say: Syntax) -> str:
            extra = f" Did you mean {say(group + ' ' + hint)}?" if hint else ""
            return f"There is no {what} called `{key}`.{extra} Try {say(group)} to see them all."

        raise CommandError(sentence)

    return read_words


def content_refusal(say: Syntax) -> str:
    """What a learner is told for each of the admin content commands."""
    return f"Only workspace admins can change this workspace's own tracks. Ask an admin; {say('tracks')} shows what you can follow."


ZONE = Option("zone", "An IANA time zone such as Europe/Berlin; start typing a city", "zone")

COMMAND_TABLE = CommandTable([
    CommandSpec("help", "help", "Show what I can do.", Help, quiet_aliases=("?",), parse=read.help_topic),
    CommandSpec("tip", "tip", "Today's tip on AI product management.", Tip),
    CommandSpec("quiz", "quiz", "A question picked for you: new material first, then reviews.", Quiz),
    CommandSpec(
        "answer", "answer <A-E>", "Answer your open quiz.", AnswerCommand, aliases=("a",), parse=read.answer_letter,
        options=(Option("letter", "The option you choose", "letter"),),
    ),
    CommandSpec("streak", "streak", "Your current and best streak, and freezes held.", Streak),
    CommandSpec("stats", "stats", "Your accuracy, by topic, and your activity.", Stats),
    CommandSpec("review", "review", "Questions due for spaced review, missed ones first.", Review),
    CommandSpec(
        "report", "report [<reason> [text]]", "Report a problem with the question you last answered: " + ", ".join(REPORT_REASONS) + ".",
        ReportProblem, parse=report_words,
        options=(
            Option("reason", "What is wrong with the question", "choice", tuple((REPORT_REASON_LABELS[r], r) for r in REPORT_REASONS)),
            Option("question", "A question id (default: the one you last answered)", required=False),
            Option("text", "What you noticed, in a sentence (optional)", required=False, placeholder="what you noticed"),
        ),
    ),
    CommandSpec(
        "leaderboard", "leaderboard [week|all]", "Top learners here by points.", Leaderboard, aliases=("top",), parse=read.leaderboard_scope,
        options=(Option("scope", "This week (default) or all time", "choice", (("this week", "week"), ("all time", "all")), required=False, default="week"),),
    ),
    CommandSpec("tracks", "tracks", "The course tracks you can follow.", Tracks),
    CommandSpec(
        "track", "track <name>", "Follow a track by id, title or the start of either (the track `path` is AI PM in 30 days).", ChooseTrack,
        parse=read.track_name, options=(Option("name", "The track to follow", "track"),),
    ),
    CommandSpec("settings", "settings", "Show your settings.", ShowSettings, aliases=("config",), parse=group_words("settings", ShowSettings, "setting")),
    CommandSpec(
        "settings tz", "settings tz <Area/City>", "Set your time zone: a city (`new york`, `São Paulo`) or an IANA name (Europe/Berlin).",
        SetTimeZone, quiet_aliases=("timezone", "time-zone", "zone"), parse=read.time_zone, options=(ZONE,),
    ),
    CommandSpec(
        "settings time", "settings time <HH:MM>", "Your preferred daily time for direct messages.", SetDailyTime, parse=read.daily_time,
        options=(Option("time", "24-hour HH:MM, for example 08:30"),),
    ),
    CommandSpec(
        "settings nudges", "settings nudges on|off", "Evening reminders when your streak is at risk.", SetNudges,
        quiet_aliases=("nudge", "reminders"), parse=read.nudges,
        options=(Option("state", "Evening reminders on or off", "choice", (("on", "on"), ("off", "off"))),),
    ),
    CommandSpec(
        "settings retention", "settings retention <0.80-0.97>",
        "How likely you want to still know a question when its review comes back (default 0.90).",
        SetRetention, quiet_aliases=("desired-retention",), parse=read.retention,
        options=(Option("target", "Between 0.80 and 0.97, as 0.85 or 85%"),),
    ),
    CommandSpec(
        "settings workspace-tz", "settings workspace-tz <Area/City>", "Admins: the default time zone here.", SetWorkspaceTimeZone,
        quiet_aliases=("server-tz", "default-tz"), parse=read.workspace_time_zone, options=(ZONE,), admin="admins",
        refusal=lambda say: f"Only workspace admins can set the default time zone. Ask an admin, or set your own with {say('settings tz')}.",
    ),
    CommandSpec(
        "subscribe", "subscribe [HH:MM] [Area/City] [track] [weekdays|daily|mon,wed,...]",
        "Daily tip and quiz in this channel (admins), or in your DMs.", Subscribe, parse=read.subscription,
        options=(
            Option("time", "24-hour HH:MM (default 09:00 here, or your daily time in DMs)", required=False),
            Option("tz", "IANA time zone (default: the workspace's, or yours in DMs)", "zone", required=False),
            Option("track", "Which track to post from", "track", required=False),
            Option("days", "weekdays, daily, or a list like mon,wed,fri", required=False),
        ),
        admin="admins outside DMs",
        refusal=lambda say: f"Only workspace admins can subscribe a channel. Ask an admin, or send {say('subscribe')} to me in a direct message for your own daily quiz.",
    ),
    CommandSpec(
        "unsubscribe", "unsubscribe", "Stop the daily post here.", Unsubscribe, admin="admins outside DMs",
        refusal="Only workspace admins can unsubscribe a channel. Nothing changed.",
    ),
    CommandSpec(
        "team", "team", "Admins: how the team is learning and which topics it is forgetting (nobody singled out).", TeamReport,
        admin="admins", refusal=lambda say: f"Only workspace admins can see the team report. Nothing changed; {say('stats')} shows your own progress.",
    ),
    CommandSpec("admin", "admin", "Admins: the commands for looking after the bot here.", AdminHelp, parse=group_words("admin", AdminHelp, "admin command")),
    CommandSpec(
        "admin report", "admin report on|off", "The team report by DM every Monday, to you.", SetAdminReport, parse=read.admin_report,
        options=(Option("state", "The weekly team report by DM on or off", "choice", (("on", "on"), ("off", "off"))),),
        admin="admins", refusal="Only workspace admins can get the weekly team report. Nothing changed.",
    ),
    CommandSpec(
        "admin reports", "admin reports", "Admins: the open reports on questions here, with their ids.", AdminReports, admin="admins",
        refusal=lambda say: f"Only workspace admins can see the reports. Thanks for looking; your own reports reach them with {say('report')}.",
    ),
    CommandSpec(
        "admin resolve", "admin resolve <id> <note>", "Admins: resolve a report with a note, unpausing its question here.", AdminResolve,
        parse=resolve_words, admin="admins", options=(Option("id", "The report's id, from admin reports"), Option("note", "What you did about it")),
        refusal="Only workspace admins can resolve reports. Nothing changed.",
    ),
    CommandSpec(
        "admin import", "admin import <file>", "Admins: add a track of your own (or a new version of it) from a YAML file in the course's format.",
        AdminImport, parse=read.import_file, options=(Option("file", "A YAML track file in the course's format", "file"),), admin="admins",
        refusal=content_refusal,
    ),
    CommandSpec("admin content", "admin content", "Admins: the tracks this workspace added, with their versions.", AdminContent, admin="admins", refusal=content_refusal),
    CommandSpec(
        "admin content remove", "admin content remove <track>", "Admins: remove one of this workspace's own tracks (answers stay in history).",
        RemoveContent, parse=read.removed_track, options=(Option("track", "The id of your track to remove"),), admin="admins", refusal=content_refusal,
    ),
    CommandSpec(
        "export", "export", "Everything I hold about you here, as a file only you get (with an FSRS review log).", Export,
        quiet_aliases=("takeout", "my-data"),
    ),
    CommandSpec(
        "forget-me", "forget-me", "Delete everything I know about you (asks to confirm).", ForgetMe,
        quiet_aliases=("forgetme", "forget"), parse=read.forget_confirmation,
    ),
])
