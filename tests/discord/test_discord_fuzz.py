"""Fuzzing the Discord adapter through the gateway: INTERACTION_CREATE dispatches with random interaction data.

The real discord.py client, connected to the fake Discord, receives slash commands with random subcommand
paths, option names, option types and values; clicks with random ``custom_id``s (ours with garbage values,
foreign ones, over-long ones); and interaction types it has no handler for. Whatever arrives, the bot must
stay connected (a following valid ``/aipm help`` is answered), must not show a stack trace or an exception's
class name to the user, and must store nothing for bad input (a quiz only for a valid quiz command).

Hypothesis drives each test from a worker thread while the fake serves on the test's event loop, so one world
(one fake, one bot, one database) serves a whole test: each example only compares before and after. Where
Discord itself would guarantee an answer (a slash command whose options have the right shape, a click on a
button), the test waits for the bot's callback; where discord.py may drop a malformed interaction silently, the
test asks for a valid ``/aipm help`` instead, which proves the client is still alive.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from discord_world import LEARNER, World, discord_world
from fake_discord import CHANNEL_ID, CHANNEL_MESSAGE, EPHEMERAL, Hit, JsonDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.discord.bridge import INTERNAL_ERROR, CoreBridge
from bot.messages import Reply
from bot.service import CompanionService, Context

# What must never reach a user: a traceback, a source location, or an exception's class name.
LEAK = re.compile(
    r"Traceback|most recent call last|File \"|line \d+, in |\b[A-Z][A-Za-z]*(?:Error|Exception|Exit|Interrupt)\b|site-packages|\.py\b"
)
STATE_TABLES = ("answers", "cards", "activity", "subscriptions", "quiz_instances")
STEPS = 50  # examples per test: about a second per test when all is well, far inside the conftest's 45 s
CASE_TIMEOUT = 20.0
PROBE_TIMEOUT = 5.0
PROBE_SLICE = 0.25
ANSWER_GRACE = 2.0  # once the probe sent after it is answered and the core is idle, an owed answer is at most this late
OTHER = LEARNER + 1

FUZZ = settings(max_examples=STEPS, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _markup_free(text: str) -> str:
    return re.sub(r"[*_`~]", "", text)


def harmless(text: str) -> bool:
    """True if echoing ``text`` back (lower-cased or with markup stripped) cannot look like a leak."""
    return not any(LEAK.search(v) for v in {text, text.lower(), _markup_free(text), _markup_free(text).lower()})


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (str(key), *strings(item))]
    if isinstance(value, list | tuple):
        return [s for item in value for s in strings(item)]
    return []


def assert_no_leak(hit: Hit) -> None:
    for text in strings(hit.body):
        found = LEAK.search(text)
        assert found is None, f"the bot's {hit.kind} shows {found.group(0)!r} to the user: {text[:300]!r}"


# ---------------------------------------------------------------------------------------------------
# running hypothesis against one world
# ---------------------------------------------------------------------------------------------------
class Case:
    """One fuzzed interaction: how to build it on the world's fake, and what the bot owes the user.

    ``answer_expected``: Discord sends this shape, so the bot must answer it. ``may_open_quiz``: it is a valid
    quiz command (or a "Start a quiz" click), which may store one quiz instance. Printed as ``description``.
    """

    def __init__(self, build: Callable[[World], JsonDict], answer_expected: bool, may_open_quiz: bool, description: str) -> None:
        self.build = build
        self.answer_expected = answer_expected
        self.may_open_quiz = may_open_quiz
        self.description = description

    def __repr__(self) -> str:
        return self.description


class Busy:
    """Core calls in flight, so a test can wait until the bot has finished every piece of work it started."""

    def __init__(self) -> None:
        self.running = 0
        self._cond = threading.Condition()

    def __enter__(self) -> None:
        with self._cond:
            self.running += 1

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self.running -= 1
            self._cond.notify_all()

    def wait_idle(self, timeout: float) -> None:
        with self._cond:
            assert self._cond.wait_for(lambda: self.running == 0, timeout), f"{self.running} core call(s) still running"


def tracked_service(busy: Busy) -> type[CompanionService]:
    """The real service, counting its calls in ``busy``: the world builds a new one on every (re)start."""

    class TrackedService(CompanionService):
        def handle_text(self, ctx: Context, text: str) -> Reply:
            with busy:
                return super().handle_text(ctx, text)

        def handle_action(self, ctx: Context, action_id: str, value: str) -> Reply:
            with busy:
                return super().handle_action(ctx, action_id, value)

    return TrackedService


@asynccontextmanager
async def fuzz_world(tmp_path: Path) -> AsyncIterator[tuple[World, Busy]]:
    busy = Busy()
    # An interaction is work from the moment the bridge takes it: its intake record is written before the
    # core runs, and a probe answered meanwhile must not let a case end while it is still on its way.
    original = CoreBridge._run

    async def tracked_run(self: CoreBridge, *args: Any, **kwargs: Any) -> None:
        with busy:
            await original(self, *args, **kwargs)

    CoreBridge._run = tracked_run  # type: ignore[method-assign]
    try:
        async with discord_world(tmp_path, service_type=tracked_service(busy)) as world:
            yield world, busy
    finally:
        CoreBridge._run = original  # type: ignore[method-assign]


def rows(world: World) -> dict[str, int]:
    return {table: world.count(table) for table in STATE_TABLES}


def runner_gave_up(world: World) -> bool:
    return world.runner is None or world.runner.stopped.is_set()


async def alive(world: World) -> Hit:
    """A valid ``/aipm help`` is answered: the client survived whatever came before (or was replaced by a new one).

    The waits are on the fake's own condition, cut into slices only so that a runner that has given up fails
    at once rather than after the whole timeout (which would make shrinking crawl), and so that a probe lost
    while a new client was connecting is asked again once that client has identified.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PROBE_TIMEOUT
    token: str | None = None
    session = -1
    while True:
        assert not runner_gave_up(world), "the Discord client has stopped: it will answer nobody any more"
        if session != world.fake.identify_count:
            try:
                token = await world.fake.interact(world.fake.slash("help", user_id=OTHER))
                session = world.fake.identify_count
            except AssertionError:  # no client is connected at this moment
                token = None
        try:
            if token is None:
                await world.fake.wait_for(lambda hit: True, count=len(world.fake.hits) + 1, timeout=PROBE_SLICE)
                continue
            reply = await world.fake.response_to(token, timeout=PROBE_SLICE)
            break
        except AssertionError:
            assert loop.time() < deadline, "nobody answered /aipm help: the Discord client is not serving"
    assert reply.ephemeral
    assert "Here's what I can do" in reply.text
    return reply


async def revive(world: World) -> None:
    """Start a fresh client if an earlier example killed this one, so each example is judged on its own."""
    if runner_gave_up(world):
        await world.restart()


async def run_case(world: World, busy: Busy, case: Case) -> None:
    await revive(world)
    before = rows(world)
    token = await world.fake.interact(case.build(world))
    await alive(world)  # sent after the fuzzed interaction: the client is alive and has taken it in
    await asyncio.to_thread(busy.wait_idle, CASE_TIMEOUT / 2)  # whatever the fuzzed interaction started has finished
    if case.answer_expected:
        reply = await world.fake.response_to(token, timeout=ANSWER_GRACE)
        if reply.callback_type == CHANNEL_MESSAGE:
            assert reply.flags & EPHEMERAL, f"an answer to bad input must be private: {reply.text!r}"
        assert reply.text.strip(), "the user must be told something"
        assert INTERNAL_ERROR not in reply.text, "the bot failed on input Discord does send (the user got an apology, the log a traceback)"
    for hit in world.fake.hits_for(token):
        assert_no_leak(hit)
    after = rows(world)
    grown = after["quiz_instances"] - before["quiz_instances"]
    assert 0 <= grown <= (1 if case.may_open_quiz else 0), f"{grown} quiz instance(s) stored"
    assert {t: n for t, n in after.items() if t != "quiz_instances"} == {t: n for t, n in before.items() if t != "quiz_instances"}


async def fuzz(world: World, busy: Busy, run: Callable[[Callable[[Case], None]], Callable[[], None]]) -> None:
    """Run the hypothesis test ``run(check)`` in a thread; ``check`` plays one case on this loop's world.

    Afterwards the client must still answer, and nothing it sent during the whole run (late answers to
    interactions it was not obliged to answer included) may show a trace.
    """
    loop = asyncio.get_running_loop()

    def check(case: Case) -> None:
        asyncio.run_coroutine_threadsafe(run_case(world, busy, case), loop).result(CASE_TIMEOUT)

    await asyncio.to_thread(run(check))
    await revive(world)
    await alive(world)
    for hit in world.fake.hits:
        assert_no_leak(hit)


# ---------------------------------------------------------------------------------------------------
# strategies
# ---------------------------------------------------------------------------------------------------
SUBCOMMANDS = ["help", "tip", "quiz", "answer", "streak", "stats", "review", "leaderboard", "tracks", "track", "subscribe", "unsubscribe", "export", "forget-me"]
SETTINGS = ["show", "tz", "time", "nudges", "server-tz"]
OPTION_NAMES = ["letter", "scope", "name", "zone", "time", "state", "tz", "track", "days"]
LETTERS = {"A", "B", "C", "D", "E"}

safe_text = st.text(max_size=40).filter(harmless)
names = st.one_of(st.sampled_from(OPTION_NAMES), safe_text)
strings_for_options = st.one_of(
    safe_text, st.text(min_size=100, max_size=3000).filter(harmless),
    st.sampled_from(["", " ", "09:00", "25:61", "Europe/Paris", "Mars/Base", "alpha", "beta", "path", "a", "on", "off", "week", "all", "mon,fri"]),
).filter(lambda v: v not in LETTERS)  # a valid letter would answer an open quiz: a valid command, not bad input
# Discord sends each option's value in the JSON type its option type names: string, integer, boolean, number.
typed_option_values: dict[int, st.SearchStrategy[Any]] = {
    3: strings_for_options,
    4: st.integers(min_value=-(2**53), max_value=2**53),
    5: st.booleans(),
    10: st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(min_value=-(2**53), max_value=2**53)),
}
any_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), safe_text),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(safe_text, inner, max_size=3)), max_leaves=8,
).filter(lambda v: not (isinstance(v, str) and v in LETTERS))


# The options each path declares: a fuzzed option often borrows a real name, so garbage reaches the command.
DECLARED = {
    "answer": ["letter"], "leaderboard": ["scope"], "track": ["name"], "subscribe": ["time", "tz", "track", "days"],
    "settings tz": ["zone"], "settings time": ["time"], "settings nudges": ["state"], "settings server-tz": ["zone"],
}


def typed_option(option_type: int, names: st.SearchStrategy[str]) -> st.SearchStrategy[JsonDict]:
    return st.fixed_dictionaries({"name": names, "type": st.just(option_type), "value": typed_option_values[option_type]})


def well_shaped_options(path: str) -> st.SearchStrategy[list[JsonDict]]:
    """Options as Discord shapes them (each value of its declared type), with real or made-up names and types."""
    option_names = st.one_of(st.sampled_from(DECLARED[path]), names) if path in DECLARED else names
    anything = st.lists(st.sampled_from(sorted(typed_option_values)).flatmap(lambda t: typed_option(t, option_names)), max_size=4)
    if path not in DECLARED:
        return anything
    # the declared options, as strings the way Discord sends them, with garbage inside
    declared = st.lists(typed_option(3, st.sampled_from(DECLARED[path])), min_size=1, max_size=4, unique_by=lambda o: o["name"])
    # the declared names with another type: what Discord sends while its copy of the commands is stale
    stale = st.lists(
        st.sampled_from(sorted(typed_option_values)).flatmap(lambda t: typed_option(t, st.sampled_from(DECLARED[path]))),
        min_size=1, max_size=4, unique_by=lambda o: o["name"],
    )
    return st.one_of(declared, stale, anything)


malformed_options = st.lists(
    st.one_of(
        # a value that does not match its declared type, or an option type our commands never use
        st.fixed_dictionaries({"name": names, "type": st.sampled_from([3, 4, 5, 10]), "value": any_json}),
        st.fixed_dictionaries({"name": names, "type": st.sampled_from([6, 7, 8, 9, 11]), "value": st.one_of(any_json, st.integers(min_value=1, max_value=2**63).map(str))}),
        st.fixed_dictionaries({"name": names, "type": st.integers(min_value=-3, max_value=40)}, optional={"value": any_json, "focused": st.booleans()}),
    ),
    min_size=1, max_size=4,
)


@st.composite
def option_trees(draw: st.DrawFn, leaves: Callable[[str], st.SearchStrategy[list[JsonDict]]]) -> tuple[list[JsonDict], list[str]]:
    """``/aipm <random path>`` options with ``leaves(path)`` under the subcommand; the path's words."""
    shape = draw(st.sampled_from(["sub", "sub", "settings", "none"]))
    if shape == "settings":
        inner = draw(st.one_of(st.sampled_from(SETTINGS), st.sampled_from(["tz", "time", "server-tz"]), safe_text))
        options = draw(leaves(f"settings {inner}"))
        return [{"name": "settings", "type": 2, "options": [{"name": inner, "type": 1, "options": options}]}], ["settings", inner]
    if shape == "sub":
        sub = draw(st.one_of(st.sampled_from(SUBCOMMANDS), st.sampled_from(["answer", "leaderboard", "track", "subscribe"]), safe_text))
        return [{"name": sub, "type": 1, "options": draw(leaves(sub))}], [sub]
    return draw(leaves("")), []  # the group itself, invoked with bare options


def slash_case(data: JsonDict, words: list[str], *, answer_expected: bool, dm: bool, name: str, kind: int = 2) -> Case:
    """An APPLICATION_COMMAND (or, ``kind=4``, AUTOCOMPLETE) interaction carrying ``data``.

    Subscribing in a server as a non-admin is always refused; in a DM it would be valid and store, so a
    subscribe path is never sent from a DM.
    """
    in_dm = dm and "subscribe" not in words

    def build(world: World) -> JsonDict:
        payload = world.fake.slash("help", user_id=LEARNER, name=name, dm=in_dm)
        payload["data"] = data
        payload["type"] = kind
        return payload

    return Case(build, answer_expected, "quiz" in words or "review" in words, f"type={kind} dm={in_dm} name={name!r} data={data!r}")


display_names = st.text(min_size=1, max_size=32).filter(harmless)


@st.composite
def well_shaped_slash_cases(draw: st.DrawFn) -> Case:
    """Shapes Discord does send: known or unknown command names and paths, options of the wrong name or type."""
    options, words = draw(option_trees(well_shaped_options))
    command_type = draw(st.sampled_from([1, 1, 1, 2, 3]))  # chat input, or a user / message context menu
    name = draw(st.one_of(st.just("aipm"), st.just("aipm"), safe_text.filter(bool)))
    data: JsonDict = {"id": "900000000000000008", "name": name, "type": command_type, "options": options}
    if command_type != 1:
        data = {"id": "900000000000000008", "name": name, "type": command_type, "target_id": str(LEARNER)}
    return slash_case(data, words, answer_expected=True, dm=draw(st.booleans()), name=draw(display_names))


@st.composite
def malformed_slash_cases(draw: st.DrawFn) -> Case:
    """Shapes Discord does not send: values that contradict their type, odd option types, autocomplete on anything."""
    options, words = draw(option_trees(lambda path: malformed_options))
    data: JsonDict = {"id": "900000000000000008", "name": draw(st.sampled_from(["aipm", "aipm", "help"])), "type": 1, "options": options}
    extra = draw(st.dictionaries(st.sampled_from(["resolved", "guild_id", "target_id"]), any_json, max_size=2))
    kind = draw(st.sampled_from([2, 2, 4]))
    return slash_case({**data, **extra}, words, answer_expected=False, dm=draw(st.booleans()), name=draw(display_names), kind=kind)


# Core actions whose click legitimately stores something other than a quiz are left out: "delete my data".
ACTIONS_IN_FUZZ = ["aipm_answer", "aipm_quiz", "aipm_tip", "aipm_forget_cancel"]
custom_ids = st.one_of(
    st.text(max_size=100),  # somebody else's button
    st.tuples(st.sampled_from(ACTIONS_IN_FUZZ), st.text(max_size=80)).map("|".join),  # ours, with a garbage value
    st.tuples(st.sampled_from(ACTIONS_IN_FUZZ), st.sampled_from(["", ":", "x:A", ":A", "deadbeefdeadbeef:A", "a" * 64 + ":B", "x:Z", "next", "||"])).map("|".join),
    st.from_regex(r"aipm_[a-z_]{1,32}\|[^|]{0,80}", fullmatch=True),  # any action name the template accepts
    st.tuples(st.sampled_from(ACTIONS_IN_FUZZ), st.text(min_size=81, max_size=200)).map("|".join),  # value too long
    st.just("aipm_" + "a" * 32 + "|" + "x" * 80),  # the template accepts it, Discord's 100-character limit does not
    st.text(min_size=101, max_size=400),  # over-long foreign id
).filter(harmless).filter(lambda c: not c.startswith("aipm_forget_confirm|"))


def plant(world: World, custom_id: str, component_type: int = 2) -> JsonDict:
    """A message carrying one component with ``custom_id``, stored on the fake as if the bot had sent it."""
    component: JsonDict = {"type": component_type, "custom_id": custom_id}
    if component_type == 2:
        component |= {"style": 2, "label": "?"}
    message = world.fake.message_payload(CHANNEL_ID, {"components": [{"type": 1, "components": [component]}]})
    world.fake.messages[int(message["id"])] = message
    return message


def click_case(custom_id: str, *, answer_expected: bool, dm: bool, name: str, sent_type: int = 2, planted_type: int = 2) -> Case:
    def build(world: World) -> JsonDict:
        payload = world.fake.click(plant(world, custom_id, planted_type), custom_id, user_id=LEARNER, name=name, dm=dm)
        payload["data"]["component_type"] = sent_type
        return payload

    return Case(build, answer_expected, custom_id.startswith("aipm_quiz|"), f"click({custom_id!r}, dm={dm}, type={sent_type}/{planted_type})")


@st.composite
def click_cases(draw: st.DrawFn) -> Case:
    return click_case(draw(custom_ids), answer_expected=True, dm=draw(st.booleans()), name=draw(display_names))


@st.composite
def odd_interactions(draw: st.DrawFn) -> Case:
    """Interaction types the bot has no handler for, clicks whose component type is not the button's, and
    component or modal data without the custom_id and component type every such interaction carries."""
    shape = draw(st.sampled_from(["mismatched-click", "unknown-type", "broken-component"]))
    if shape == "mismatched-click":
        sent, planted = draw(st.sampled_from([(3, 2), (5, 2), (99, 2), (0, 2), (3, 3), (8, 8)]))
        return click_case(draw(custom_ids), answer_expected=False, dm=draw(st.booleans()), name=draw(display_names), sent_type=sent, planted_type=planted)
    if shape == "unknown-type":
        kind = draw(st.one_of(st.sampled_from([0, 1, 6, 7, 8, 99]), st.integers(min_value=-5, max_value=2**31)).filter(lambda k: not 2 <= k <= 5))
        data = draw(st.one_of(any_json, st.fixed_dictionaries({"custom_id": safe_text, "components": st.just([])})))
    else:
        kind = draw(st.sampled_from([3, 5]))  # a click or a modal submit, with no message to click on
        data = draw(st.fixed_dictionaries({}, optional={
            "custom_id": st.one_of(any_json, custom_ids), "component_type": any_json, "components": any_json, "values": any_json,
        }))

    def build(world: World) -> JsonDict:
        payload = world.fake.slash("help", user_id=LEARNER)
        payload["type"] = kind
        payload["data"] = data
        return payload

    return Case(build, False, False, f"interaction(type={kind}, data={data!r})")


# ---------------------------------------------------------------------------------------------------
# the tests
# ---------------------------------------------------------------------------------------------------
async def test_well_shaped_but_wrong_slash_commands_are_answered_privately_and_store_nothing(tmp_path: Path) -> None:
    async with fuzz_world(tmp_path) as (world, busy):

        def run(check: Callable[[Case], None]) -> Callable[[], None]:
            @FUZZ
            @given(case=well_shaped_slash_cases())
            def test(case: Case) -> None:
                check(case)

            return test

        await fuzz(world, busy, run)


async def test_malformed_slash_command_data_leaves_the_client_alive_and_stores_nothing(tmp_path: Path) -> None:
    async with fuzz_world(tmp_path) as (world, busy):

        def run(check: Callable[[Case], None]) -> Callable[[], None]:
            @FUZZ
            @given(case=malformed_slash_cases())
            def test(case: Case) -> None:
                check(case)

            return test

        await fuzz(world, busy, run)


async def test_clicks_with_random_custom_ids_are_answered_and_store_nothing(tmp_path: Path) -> None:
    async with fuzz_world(tmp_path) as (world, busy):

        def run(check: Callable[[Case], None]) -> Callable[[], None]:
            @FUZZ
            @given(case=click_cases())
            def test(case: Case) -> None:
                check(case)

            return test

        await fuzz(world, busy, run)


async def test_unknown_interaction_types_leave_the_client_alive_and_store_nothing(tmp_path: Path) -> None:
    async with fuzz_world(tmp_path) as (world, busy):

        def run(check: Callable[[Case], None]) -> Callable[[], None]:
            @FUZZ
            @given(case=odd_interactions())
            def test(case: Case) -> None:
                check(case)

            return test

        await fuzz(world, busy, run)


# ---------------------------------------------------------------------------------------------------
# regressions: the smallest examples the fuzz tests above found, each a bug the adapter had, kept pinned
# ---------------------------------------------------------------------------------------------------
def stale_option(world: World, path: str, option: str, option_type: int, value: Any) -> JsonDict:
    """``/aipm <path>`` whose one option arrives with another type than the command declares (a stale command cache)."""
    payload = world.fake.slash(path, {option: value})
    leaf = payload["data"]["options"][0]
    while leaf.get("type") in (1, 2):
        leaf = leaf["options"][0]
    leaf["type"] = option_type
    return payload


@pytest.mark.parametrize(
    ("path", "option", "option_type", "value"),
    [("settings tz", "zone", 4, 1), ("settings time", "time", 10, 9.5), ("subscribe", "days", 5, True)],
    ids=["integer-zone", "number-time", "boolean-days"],
)
async def test_a_string_option_that_arrives_as_another_type_gets_a_hint_not_an_internal_error(
    tmp_path: Path, path: str, option: str, option_type: int, value: Any,
) -> None:
    """``command_text`` called ``.strip()`` on every option value; discord.py hands over an int or a bool as it came."""
    async with discord_world(tmp_path) as world:
        reply = await world.fake.response_to(await world.fake.interact(stale_option(world, path, option, option_type, value)))

        assert reply.ephemeral
        assert INTERNAL_ERROR not in reply.text, f"/aipm {path} {option}:{value!r} (type {option_type}) crashed the command"
        assert world.count("subscriptions") == 0


async def test_a_click_on_an_ours_looking_custom_id_longer_than_discord_allows_is_answered(tmp_path: Path) -> None:
    """``is_ours`` accepted up to 118 characters, ``ActionButton`` refuses more than 100: nobody answered the click."""
    custom_id = "aipm_" + "a" * 32 + "|" + "x" * 80
    async with discord_world(tmp_path) as world:
        token = await world.fake.interact(world.fake.click(plant(world, custom_id), custom_id))

        reply = await world.fake.response_to(token, timeout=PROBE_TIMEOUT)

        assert reply.callback_type == CHANNEL_MESSAGE
        assert reply.ephemeral
        assert INTERNAL_ERROR not in reply.text


@pytest.mark.parametrize(
    ("kind", "data"),
    [(3, {}), (3, {"custom_id": 5, "component_type": 2}), (3, {"custom_id": "aipm_tip|x"}), (5, {"custom_id": "x"})],
    ids=["click-with-empty-data", "click-with-a-numeric-custom-id", "click-without-component-type", "modal-without-components"],
)
async def test_a_component_interaction_without_its_ids_does_not_stop_the_bot(tmp_path: Path, kind: int, data: JsonDict) -> None:
    """discord.py's parser raises on it inside the gateway reader: the shard terminated and nothing reconnected."""
    async with discord_world(tmp_path) as world:
        payload = world.fake.slash("help")
        payload["type"] = kind
        payload["data"] = data
        await world.fake.interact(payload)

        await alive(world)
