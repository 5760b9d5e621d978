"""Fuzzing the Slack adapter through its real front door: signed HTTP requests with random bodies.

Every request goes to ``/slack/events`` of the running adapter exactly as Slack would send it (a valid v0
signature over whatever bytes hypothesis made up), so the fuzz reaches the payload checks, bolt's parsing and
dispatch, and the background handlers. Whatever arrives, the adapter must answer 200/400/401/404 (never a
5xx), must not show a stack trace or an exception's class name to anyone (in the HTTP body or in a message
it posts back), must store nothing for bad input, and must still answer a valid command afterwards.

One app serves a whole test function: each test runs its hypothesis loop inside the test body, so the
fixtures are built once and each example only compares before and after.
"""

from __future__ import annotations

import importlib
import itertools
import json
import random
import re
import string
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from slack_fake_api import RESPONSE, FakeSlackApi
from slack_harness import SIGNING_SECRET, TEAM, FinishedLog, HttpResult, SlackClient, all_text, post, sign

from app.wiring import Core
from bot import commands as cmd

# What must never reach a user: a traceback, a source location, or an exception's class name.
LEAK = re.compile(
    r"Traceback|most recent call last|File \"|line \d+, in |\b[A-Z][A-Za-z]*(?:Error|Exception|Exit|Interrupt)\b|site-packages|\.py\b"
)
# Rows that only a valid command may add (quiz_instances only for a valid quiz), compared around every example.
STATE_TABLES = ("answers", "cards", "activity", "subscriptions", "quiz_instances")
# Rejected requests must not even create a learner, a workspace or a dedupe key.
ALL_TABLES = (*STATE_TABLES, "tip_views", "learners", "workspaces")
ALLOWED_STATUS = {200, 400, 401, 404}
SLASH_FIELDS = ("command", "team_id", "user_id", "channel_id", "response_url")
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
STEPS = 80  # examples per test; the whole file stays well under 30 s

FUZZ = settings(max_examples=STEPS, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


# ---------------------------------------------------------------------------------------------------
# oracles
# ---------------------------------------------------------------------------------------------------
def _markup_free(text: str) -> str:
    return re.sub(r"[*_`~]", "", text)


def harmless(text: str) -> bool:
    """True if echoing ``text`` back (lower-cased or with markup stripped, as replies do) cannot look like a leak."""
    variants = {text, text.lower(), _markup_free(text), _markup_free(text).lower(), text.replace("&", "&amp;")}
    return not any(LEAK.search(v) for v in variants)


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON-like value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def assert_no_leak(where: str, value: Any) -> None:
    for text in strings(value):
        found = LEAK.search(text)
        assert found is None, f"{where} shows {found.group(0)!r} to the user: {text[:300]!r}"


def assert_clean_response(result: HttpResult) -> None:
    assert result.status in ALLOWED_STATUS, f"HTTP {result.status}: {result.body[:300]!r}"
    assert_no_leak("the HTTP response", result.body)


class WorkLog(FinishedLog):
    """The conftest's FinishedLog, plus waiting for the next piece of work of a kind whatever its outcome."""

    def total(self, kind: str) -> int:
        with self._cond:
            return sum(1 for entry_kind, _ in self.entries if entry_kind == kind)

    def wait_total(self, kind: str, count: int, timeout: float = 5.0) -> str:
        """Block until ``count`` pieces of ``kind`` work have finished; the outcome of the last of them."""

        def done() -> list[str]:
            return [outcome for entry_kind, outcome in self.entries if entry_kind == kind]

        with self._cond:
            if not self._cond.wait_for(lambda: len(done()) >= count, timeout=timeout):
                raise AssertionError(f"expected {count} finished {kind!r} job(s), got {self.entries}")
            return done()[count - 1]


@pytest.fixture
def finished() -> WorkLog:
    """Overrides the conftest's log (the runner fixture picks this one up) with one that can wait for any outcome."""
    return WorkLog()


class Probe:
    """Snapshots of the store and of the fake's call log around one fuzzed request."""

    def __init__(self, slack: SlackClient, fake: FakeSlackApi, core: Core, finished: WorkLog) -> None:
        self.slack = slack
        self.fake = fake
        self.core = core
        self.finished = finished

    def rows(self, tables: tuple[str, ...] = ALL_TABLES) -> dict[str, int]:
        return {t: int(self.core.repo.db.query(f"SELECT COUNT(*) AS n FROM {t}")[0]["n"]) for t in tables}

    def mark(self) -> int:
        return len(self.fake.calls)

    def calls_since(self, mark: int) -> list[tuple[str, dict[str, Any]]]:
        return [(c.method, c.params) for c in list(self.fake.calls)[mark:] if c.method != "auth.test"]

    def assert_nothing_posted_leaks(self, mark: int) -> None:
        """What the adapter sent back to users (response_url, DMs, the App Home) carries no trace."""
        for method, params in self.calls_since(mark):
            if method in (RESPONSE, "chat.postMessage", "chat.postEphemeral", "views.publish"):
                assert_no_leak(f"the {method} call", {k: v for k, v in params.items() if k != "_id"})

    def assert_still_serving(self) -> None:
        """After all the noise, a valid command is still acked and answered."""
        message = self.slack.send("help")
        assert message["response_type"] == "ephemeral"
        assert "Here's what I can do" in all_text(message)


@pytest.fixture(autouse=True)
def pool_jitter_off_the_global_random(monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL, psycopg_pool's own threads jitter connection lifetimes with the global ``random``. When
    that lands while Hypothesis draws an example, Hypothesis sees the global state move and takes it for a
    strategy using ``random`` (a deprecation warning today, an error later). The pool gets a generator of its
    own here; nothing the adapter does changes."""
    try:
        pool_base = importlib.import_module("psycopg_pool.base")
    except ImportError:
        return
    monkeypatch.setattr(pool_base, "random", random.Random(0).random)


@pytest.fixture
def probe(slack: SlackClient, fake: FakeSlackApi, core: Core, finished: WorkLog) -> Probe:
    return Probe(slack, fake, core, finished)


# ---------------------------------------------------------------------------------------------------
# strategies
# ---------------------------------------------------------------------------------------------------
WORDS = [
    "help", "tip", "quiz", "answer", "a", "streak", "stats", "review", "leaderboard", "top", "tracks", "track", "settings",
    "config", "tz", "time", "nudges", "workspace-tz", "subscribe", "unsubscribe", "forget-me", "confirm", "week", "all",
    "A", "e", "Z", "09:00", "25:99", "Europe/Paris", "Mars/Base", "alpha", "payload", "payload=%7B", "&", "<@U1>", "%00",
    "'; DROP TABLE answers; --", "\x00", "🔥", "\u202e", "aipm", "/aipm", "x" * 600,
]
safe_text = st.text(max_size=40).filter(harmless)
slack_id = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=11)
names = st.one_of(safe_text, st.sampled_from(WORDS).filter(harmless))  # user and workspace names: any text, or a word
command_text = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(WORDS), max_size=5).map(" ".join),
    st.tuples(st.sampled_from(WORDS), st.text(max_size=40)).map(" ".join),
).filter(harmless)

json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), safe_text)
json_value = st.recursive(
    json_scalar, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(safe_text, inner, max_size=4)), max_leaves=12,
)
# A value that no string field can accept: Slack's ids, urls and texts are never these.
not_a_string = st.one_of(st.none(), st.booleans(), st.integers(), st.lists(json_scalar, max_size=3), st.dictionaries(safe_text, json_scalar, max_size=3))
bad_string = st.one_of(st.just(""), not_a_string)
MISSING = object()  # the field is dropped
KEEP = object()  # the field stays as built


def _apply(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in changes.items():
        if value is MISSING:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def _maybe(strategy: st.SearchStrategy[Any], missing: bool = True) -> st.SearchStrategy[Any]:
    """Keep the field, or replace it with ``strategy``'s value, or (``missing``) drop it."""
    options: list[st.SearchStrategy[Any]] = [st.just(KEEP), strategy]
    if missing:
        options.append(st.just(MISSING))
    return st.one_of(*options)


def _mutate(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    return _apply(base, {k: v for k, v in changes.items() if v is not KEEP})


NOWHERE = "http://127.0.0.1:9"  # a response_url root for forms that must be rejected before anyone answers them


def command_form(root: str, response_id: str, **fields: str) -> dict[str, str]:
    """A slash command form as Slack sends it; ``root`` is the fake API's address."""
    form = {
        "token": "deprecated", "team_id": TEAM, "team_domain": "fake", "channel_id": "D1", "channel_name": "directmessage",
        "user_id": "U1", "user_name": "u1", "command": "/aipm", "text": "help", "api_app_id": "A1",
        "response_url": f"{root}/response/{response_id}", "trigger_id": f"trig.{response_id}",
    }
    form.update(fields)
    return form


# ---------------------------------------------------------------------------------------------------
# (a) slash commands
# ---------------------------------------------------------------------------------------------------
@st.composite
def broken_command_forms(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A slash command form with at least one required field missing or empty, plus random noise elsewhere."""
    broken = draw(st.sets(st.sampled_from(SLASH_FIELDS), min_size=1))
    form: dict[str, Any] = command_form(NOWHERE, "rejected")
    for key in broken:
        if draw(st.booleans()):
            del form[key]
        else:
            form[key] = ""
    for key in draw(st.sets(st.sampled_from(["text", "user_name", "team_domain", "channel_name", "trigger_id", "token"]))):
        form[key] = draw(st.text(max_size=30))
    extra_keys = st.text(max_size=12).filter(lambda k: k not in (*SLASH_FIELDS, "type", "ssl_check", "payload", "text"))
    form.update(draw(st.dictionaries(extra_keys, st.text(max_size=20), max_size=3)))
    encoding = draw(st.sampled_from([FORM, JSON]))
    return form, encoding


def test_slash_commands_missing_a_required_field_are_400_and_change_nothing(probe: Probe) -> None:
    before = probe.rows()

    @FUZZ
    @given(case=broken_command_forms())
    def run(case: tuple[dict[str, Any], str]) -> None:
        form, encoding = case
        body = urlencode(form).encode() if encoding == FORM else json.dumps(form).encode()
        mark = probe.mark()
        result = probe.slack.signed(body, encoding)
        assert_clean_response(result)
        assert result.status == 400, result
        assert probe.calls_since(mark) == [], "a rejected command must not reach the Web API"
        assert probe.rows() == before

    run()
    probe.assert_still_serving()


STORING = (cmd.Answer, cmd.Subscribe)


def _stores_more_than_a_quiz(text: str) -> bool:
    """Commands that validly store answers or subscriptions (or delete them) are not what this fuzz is about."""
    try:
        command = cmd.parse_command(text)
    except cmd.CommandError:
        return False
    return isinstance(command, STORING) or command == cmd.ForgetMe(confirmed=True)


def _may_open_a_quiz(text: str) -> bool:
    try:
        return isinstance(cmd.parse_command(text), cmd.Quiz | cmd.Review)
    except cmd.CommandError:
        return False


def test_any_text_in_a_well_formed_slash_command_gets_a_private_answer_without_a_trace(probe: Probe) -> None:
    sent = itertools.count(1)

    @FUZZ
    @given(
        text=command_text,
        user=slack_id.map(lambda s: "U" + s),
        channel=st.one_of(slack_id.map(lambda s: "D" + s), slack_id.map(lambda s: "C" + s), slack_id),
        channel_name=st.one_of(st.just("directmessage"), st.just("general"), safe_text),
        team=st.one_of(st.just(TEAM), slack_id.map(lambda s: "T" + s)),
        user_name=names,
        team_domain=names,
    )
    def run(text: str, user: str, channel: str, channel_name: str, team: str, user_name: str, team_domain: str) -> None:
        assume(not _stores_more_than_a_quiz(text))
        response_id = f"fz{next(sent)}"
        form = command_form(
            probe.fake.root, response_id, text=text, user_id=user, channel_id=channel, channel_name=channel_name, team_id=team,
            user_name=user_name, team_domain=team_domain,
        )
        before = probe.rows(STATE_TABLES)
        done = probe.finished.total("command")
        mark = probe.mark()

        result = probe.slack.signed(urlencode(form).encode(), FORM)

        assert_clean_response(result)
        assert result.status == 200, f"a well-formed /aipm {text!r} was refused: {result}"
        assert result.body == ""
        outcome = probe.finished.wait_total("command", done + 1)
        assert outcome == "done", f"/aipm {text!r} failed inside the adapter (the user got an apology instead of an answer)"
        message = probe.fake.wait_response(response_id)
        assert message["response_type"] == "ephemeral"
        assert all_text(message).strip()
        probe.assert_nothing_posted_leaks(mark)
        after = probe.rows(STATE_TABLES)
        grown = after["quiz_instances"] - before["quiz_instances"]
        assert 0 <= grown <= (1 if _may_open_a_quiz(text) else 0), f"/aipm {text!r} stored {grown} quiz(zes)"
        assert {t: n for t, n in after.items() if t != "quiz_instances"} == {t: n for t, n in before.items() if t != "quiz_instances"}

    run()
    probe.assert_still_serving()


# ---------------------------------------------------------------------------------------------------
# (b) interactivity: payload=<json>
# ---------------------------------------------------------------------------------------------------
# Action ids a click may carry. Valid core actions that legitimately store (start a quiz, delete my data)
# are left out, so anything stored is a bug; the rest carry garbage in the id or in the value.
harmless_actions = st.sampled_from(["aipm_answer", "aipm_forget_cancel", "aipm_tip"])
action_ids = st.one_of(
    harmless_actions,
    st.tuples(harmless_actions, st.integers(min_value=0, max_value=10**6)).map(lambda t: f"{t[0]}:{t[1]}"),
    st.tuples(st.sampled_from(["aipm_answer", "aipm_quiz", "aipm_forget_confirm", "aipm_tip"]), st.text(min_size=1, max_size=20))
    .map(lambda t: f"{t[0]}:{t[1]}")
    .filter(lambda a: not re.match(r"^aipm_[a-z_]+(?::\d+)?$", a)),  # a known prefix with a suffix the adapter's pattern refuses
    st.sampled_from(["aipm_answer", "aipm_forget_cancel", "aipm"]).map(lambda a: a + ":" + "9" * 300),  # over-long index
    st.text(max_size=40),
    st.text(min_size=256, max_size=2000),
).filter(harmless)
answer_values = st.one_of(
    safe_text,
    st.tuples(st.text(max_size=70), st.sampled_from(list("ABCDEZa:"))).map(lambda t: f"{t[0]}:{t[1]}").filter(harmless),
    st.just(":A"), st.just("x" * 5000), st.just("deadbeefdeadbeef:A"),
)


@st.composite
def block_actions(draw: st.DrawFn, fake: FakeSlackApi, response_id: str) -> dict[str, Any]:
    """A block_actions payload shaped like Slack's, with any of its parts replaced by garbage."""
    action: dict[str, Any] = {
        "type": "button", "action_id": draw(action_ids), "block_id": "b1", "value": draw(answer_values),
        "text": {"type": "plain_text", "text": "A"}, "action_ts": f"{time.time():.6f}",
    }
    action = _mutate(action, {
        "action_id": draw(_maybe(bad_string)),
        "value": draw(_maybe(not_a_string)),
        "type": draw(_maybe(json_value)),
        "action_ts": draw(_maybe(json_value)),
    })
    actions: Any = [action, *draw(st.lists(st.dictionaries(safe_text, json_value, max_size=3), max_size=2))]
    actions = draw(st.one_of(st.just(actions), st.just(actions), json_value, st.just([]), st.lists(json_scalar, max_size=3)))
    user = _mutate({"id": "U" + draw(slack_id), "username": draw(safe_text), "team_id": TEAM}, {
        "id": draw(_maybe(bad_string)), "username": draw(_maybe(json_value)), "name": draw(_maybe(json_value)),
    })
    team = _mutate({"id": TEAM, "domain": "fake"}, {"id": draw(_maybe(bad_string)), "domain": draw(_maybe(json_value))})
    payload: dict[str, Any] = {
        "type": "block_actions", "team": team, "user": user, "api_app_id": "A1", "trigger_id": "trig.1",
        "container": {"type": "message", "message_ts": "1.0", "channel_id": "D1", "is_ephemeral": True},
        "channel": {"id": "D1", "name": "directmessage"}, "actions": actions, "response_url": fake.response_url(response_id),
    }
    return _mutate(payload, {
        "type": draw(_maybe(st.one_of(safe_text, not_a_string, st.sampled_from(["view_submission", "shortcut", "message_action", "block_suggestion"])), missing=False)),
        "team": draw(_maybe(json_value)),
        "user": draw(_maybe(json_value)),
        "container": draw(_maybe(st.one_of(json_value, st.fixed_dictionaries({"type": st.sampled_from(["view", "message", "x"])})))),
        "channel": draw(_maybe(json_value)),
        "response_url": draw(_maybe(st.one_of(not_a_string, safe_text.filter(lambda s: "://" not in s)))),
        "enterprise": draw(_maybe(json_value)),
        "authorizations": draw(_maybe(json_value)),
        "view": draw(_maybe(json_value)),
        "message": draw(_maybe(json_value)),
    })


def payload_bodies(fake: FakeSlackApi, response_id: str) -> st.SearchStrategy[tuple[bytes, Any]]:
    """``payload=`` form bodies, each with the JSON it meant to carry (None when it carries none)."""
    as_form: Callable[[Any], tuple[bytes, Any]] = lambda value: (urlencode({"payload": json.dumps(value)}).encode(), value)  # noqa: E731
    truncated = st.tuples(block_actions(fake, response_id), st.integers(min_value=1, max_value=400)).map(
        lambda t: (urlencode({"payload": json.dumps(t[0])[: min(t[1], len(json.dumps(t[0])) - 1)]}).encode(), None)
    )
    non_utf8 = st.tuples(st.binary(max_size=30), st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80"]), st.binary(max_size=30)).map(
        lambda t: (b"payload=" + t[0] + t[1] + t[2], None)
    )
    return st.one_of(
        block_actions(fake, response_id).map(as_form),
        block_actions(fake, response_id).map(as_form),
        json_value.map(as_form),
        st.dictionaries(safe_text, json_value, max_size=5).map(lambda d: {"type": "block_actions", **d}).map(as_form),
        st.tuples(safe_text, st.dictionaries(safe_text, json_value, max_size=4)).map(lambda t: {**t[1], "type": t[0]}).map(as_form),
        truncated,
        non_utf8,
        st.text(max_size=60).filter(harmless).map(lambda s: (b"payload=" + s.encode(), None)),
        st.sampled_from([b"payload=", b"payload", b"payload=%FF%FE", b"payload=null", b"payload=%7B%7D&payload=1", b"=&=&"]).map(lambda b: (b, None)),
    )


def test_fuzzed_interaction_payloads_never_fail_and_store_nothing(probe: Probe) -> None:
    sent = itertools.count(1)

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        response_id = f"act{next(sent)}"
        body, meant = data.draw(payload_bodies(probe.fake, response_id))
        before = probe.rows(STATE_TABLES)
        done = probe.finished.total("action")
        mark = probe.mark()

        result = probe.slack.signed(body, FORM)

        assert_clean_response(result)
        if result.status == 200 and isinstance(meant, dict) and meant.get("type") == "block_actions":
            probe.finished.wait_total("action", done + 1)  # the acked click's work has run to its end
        probe.assert_nothing_posted_leaks(mark)
        assert probe.rows(STATE_TABLES) == before, f"a fuzzed click stored something (HTTP {result.status})"

    run()
    probe.assert_still_serving()


# ---------------------------------------------------------------------------------------------------
# (c) Events API: JSON bodies
# ---------------------------------------------------------------------------------------------------
event_types = st.one_of(
    st.sampled_from(["app_home_opened", "message", "app_mention", "tokens_revoked", "app_uninstalled", "team_join", "reaction_added"]),
    safe_text,
)


@st.composite
def event_callbacks(draw: st.DrawFn) -> dict[str, Any]:
    event = _mutate(
        {"type": draw(event_types), "user": "U" + draw(slack_id), "channel": "D" + draw(slack_id), "tab": "home", "event_ts": "1.0"},
        {
            "type": draw(_maybe(bad_string)), "user": draw(_maybe(json_value)), "channel": draw(_maybe(json_value)),
            "tab": draw(_maybe(st.one_of(st.sampled_from(["messages", "about", ""]), json_value))), "view": draw(_maybe(json_value)),
            "team": draw(_maybe(json_value)), "bot_id": draw(_maybe(json_value)), "subtype": draw(_maybe(json_value)),
            "thread_ts": draw(_maybe(json_value)),
        },
    )
    body = {
        "token": "deprecated", "team_id": TEAM, "api_app_id": "A1", "type": "event_callback", "event": event,
        "event_id": "Ev" + draw(slack_id), "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True, "is_enterprise_install": False}],
    }
    return _mutate(body, {
        "team_id": draw(_maybe(bad_string)), "event_id": draw(_maybe(bad_string)), "event": draw(_maybe(json_value)),
        "authorizations": draw(_maybe(json_value)), "enterprise": draw(_maybe(json_value)), "enterprise_id": draw(_maybe(json_value)),
        "team": draw(_maybe(json_value)), "user": draw(_maybe(json_value)), "is_ext_shared_channel": draw(_maybe(json_value)),
        "api_app_id": draw(_maybe(json_value)),
    })


url_verifications = st.fixed_dictionaries(
    {"type": st.just("url_verification")},
    optional={"challenge": st.one_of(safe_text, not_a_string), "token": json_value, "team_id": json_value, "event": json_value},
)
json_bodies = st.one_of(
    event_callbacks(), event_callbacks(), url_verifications,
    st.dictionaries(safe_text, json_value, max_size=6),
    st.dictionaries(safe_text, json_value, max_size=6).map(lambda d: {**d, "type": "event_callback"}),
    st.dictionaries(safe_text, json_value, max_size=6).map(lambda d: {**d, "ssl_check": "1"}),
    json_value,
)


def _is_home_opened(body: Any) -> bool:
    return isinstance(body, dict) and body.get("type") == "event_callback" and isinstance(body.get("event"), dict) and body["event"].get("type") == "app_home_opened"


content_types = st.sampled_from([JSON, JSON, "application/json; charset=utf-8", "APPLICATION/JSON", "text/plain", FORM, ""])


def test_fuzzed_event_bodies_never_fail_and_store_nothing(probe: Probe) -> None:
    @FUZZ
    @given(event=json_bodies, content_type=content_types, indent=st.sampled_from(["", "", " ", "\n", "\t "]))
    def run(event: Any, content_type: str, indent: str) -> None:
        raw = indent + json.dumps(event)
        before = probe.rows(STATE_TABLES)
        done = probe.finished.total("app_home_opened")
        mark = probe.mark()

        result = probe.slack.signed(raw.encode(), content_type)

        assert_clean_response(result)
        if result.status == 200 and _is_home_opened(event):
            probe.finished.wait_total("app_home_opened", done + 1)
        # Slack's own handshake (JSON, nothing but type, challenge and token) must work whatever the challenge
        canonical = content_type.startswith(JSON) and not indent and isinstance(event, dict) and set(event) <= {"type", "challenge", "token"}
        if canonical and event.get("type") == "url_verification":
            challenge = event.get("challenge")
            if isinstance(challenge, str) and challenge:
                assert result.status == 200
                assert challenge in json.loads(result.body).values()
            else:
                assert result.status == 400
        probe.assert_nothing_posted_leaks(mark)
        assert probe.rows(STATE_TABLES) == before, f"a fuzzed event stored something (HTTP {result.status})"

    run()
    probe.assert_still_serving()


# ---------------------------------------------------------------------------------------------------
# (d) signatures
# ---------------------------------------------------------------------------------------------------
header_text = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=40)


@st.composite
def forged_headers(draw: st.DrawFn, body: bytes) -> dict[str, str]:
    """Signature headers that Slack did not produce for this body: missing, garbage, stale, or for other bytes."""
    now = int(time.time())
    stamp = draw(st.one_of(
        st.integers(min_value=-(10**12), max_value=10**12).filter(lambda t: abs(t - now) > 330).map(str),
        st.just(str(now)),
        header_text,
        st.just("9" * 5000),
    ))
    kind = draw(st.sampled_from(["garbage", "other-secret", "other-body", "missing-signature", "missing-timestamp", "nothing"]))
    if kind == "nothing":
        return {}
    if kind == "missing-timestamp":
        return {"X-Slack-Signature": sign(SIGNING_SECRET, str(now), body)}
    if kind == "missing-signature":
        return {"X-Slack-Request-Timestamp": stamp}
    if kind == "garbage":
        signature = draw(st.one_of(header_text, header_text.map(lambda s: "v0=" + s)))
    elif kind == "other-secret":
        signature = sign(draw(st.text(min_size=1, max_size=20)), stamp if stamp.isascii() else str(now), body)
    else:
        signature = sign(SIGNING_SECRET, stamp, body + draw(st.binary(min_size=1, max_size=8)))
    if signature == sign(SIGNING_SECRET, stamp, body):
        signature += "0"  # vanishingly unlikely, but then it would be a valid request
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


def test_requests_without_a_valid_signature_are_401_whatever_their_headers(probe: Probe) -> None:
    body = urlencode(command_form(probe.fake.root, "forged", text="quiz")).encode()
    before = probe.rows()

    @FUZZ
    @given(headers=forged_headers(body))
    def run(headers: dict[str, str]) -> None:
        mark = probe.mark()
        result = post(probe.slack.events_url, body, FORM, headers)
        assert_clean_response(result)
        assert result.status == 401, f"{headers} -> {result}"
        assert probe.calls_since(mark) == []
        assert probe.rows() == before

    run()
    probe.assert_still_serving()


# ---------------------------------------------------------------------------------------------------
# regressions: the smallest examples the fuzz tests above found, each a bug the adapter had, kept pinned
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value"),
    [("text", "payload"), ("text", "help payload"), ("team_domain", "payload"), ("user_name", "payload-pm")],
    ids=["text", "help-topic", "workspace-domain", "user-name"],
)
def test_a_slash_command_that_contains_the_word_payload_is_still_answered(probe: Probe, field: str, value: str) -> None:
    """Bolt re-parses the raw body and took any form containing "payload" for an interaction: no command, a 404."""
    form = command_form(probe.fake.root, f"payload-{field}", **{field: value})
    result = probe.slack.signed(urlencode(form).encode(), FORM)
    assert result.status == 200, f"/aipm with {field}={value!r} was not dispatched as a command: {result}"
    assert probe.fake.wait_response(f"payload-{field}")["response_type"] == "ephemeral"


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [("abc", "v0=00"), ("", "v0=00"), ("9" * 5000, "v0=00"), ("now", "v0=é"), ("now", "é")],
    ids=["non-numeric-timestamp", "empty-timestamp", "5000-digit-timestamp", "non-ascii-signature", "non-ascii-bare-signature"],
)
def test_garbage_signature_headers_are_401_not_500(probe: Probe, timestamp: str, signature: str) -> None:
    """slack_sdk's SignatureVerifier calls int() on the timestamp and compare_digest() on the signature, which raise."""
    body = urlencode(command_form(probe.fake.root, "garbage-headers", text="quiz")).encode()
    stamp = str(int(time.time())) if timestamp == "now" else timestamp
    mark = probe.mark()
    result = post(probe.slack.events_url, body, FORM, {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature})
    assert result.status == 401, result
    assert probe.calls_since(mark) == []


CLICK: dict[str, Any] = {
    "type": "block_actions", "team": {"id": TEAM}, "user": {"id": "U1"},
    "actions": [{"type": "button", "action_id": "aipm_answer:0", "value": "nope:A", "action_ts": "1.0"}],
}
HOME_OPENED: dict[str, Any] = {
    "type": "event_callback", "team_id": TEAM, "event_id": "EvReg", "event": {"type": "app_home_opened", "user": "U1", "tab": "home"},
}


def _assert_refused(probe: Probe, body: bytes, content_type: str) -> None:
    before = probe.rows()
    mark = probe.mark()
    result = probe.slack.signed(body, content_type)
    assert result.status in (400, 404), f"a malformed body must be refused, not crash the request: {result}"
    assert_no_leak("the HTTP response", result.body)
    assert probe.calls_since(mark) == []
    assert probe.rows() == before
    probe.assert_still_serving()


@pytest.mark.parametrize("container", ["x", ["view"], 5], ids=["string", "list", "number"])
def test_a_click_without_response_url_whose_container_is_not_an_object_is_refused(probe: Probe, container: Any) -> None:
    """payloads.validate read ``container.get("type")`` without checking that container is an object: a 500."""
    _assert_refused(probe, urlencode({"payload": json.dumps({**CLICK, "container": container})}).encode(), FORM)


@pytest.mark.parametrize(
    "body",
    [
        {**HOME_OPENED, "authorizations": False},
        {**HOME_OPENED, "authorizations": [5]},
        {**HOME_OPENED, "authorizations": {"a": 1}},
        {**HOME_OPENED, "enterprise": 5},
        {**HOME_OPENED, "team": 5},
        {**HOME_OPENED, "user": 5},
        {**HOME_OPENED, "channel": 5},
        {**HOME_OPENED, "response_urls": 5},
        {**HOME_OPENED, "event": {**HOME_OPENED["event"], "channel": False}},
    ],
    ids=["authorizations-bool", "authorizations-of-numbers", "authorizations-object", "enterprise", "team", "user", "channel", "response_urls", "event-channel"],
)
def test_wrong_typed_fields_that_bolt_reads_are_refused_not_500(probe: Probe, body: dict[str, Any]) -> None:
    """Bolt's BoltRequest() extracts ids from these fields and raises on wrong types: a 500 before our code could answer."""
    _assert_refused(probe, json.dumps(body).encode(), JSON)


@pytest.mark.parametrize(
    "body",
    [
        {"type": "url_verification", "challenge": "0", "event": None},
        {"type": "view_closed", "view": None},
        {**CLICK, "response_url": "http://127.0.0.1:9/response/x", "type": "shortcut", "event": 5},
    ],
    ids=["event-null-beside-a-challenge", "view-null-in-an-unhandled-type", "event-number-in-a-shortcut"],
)
def test_a_payload_whose_event_or_view_is_not_an_object_is_refused_not_500(probe: Probe, body: dict[str, Any]) -> None:
    """Bolt's middleware reads ``body["event"].get(...)`` and its unhandled-request log ``body["view"].get(...)``: a 500."""
    _assert_refused(probe, json.dumps(body).encode(), JSON)


def test_the_url_handshake_is_answered_whatever_its_deprecated_token_holds(probe: Probe) -> None:
    """Found by the fuzzer: a challenge beside a non-text token was refused, so the URL check would fail."""
    result = probe.slack.signed(json.dumps({"type": "url_verification", "challenge": "0", "token": []}).encode(), JSON)
    assert result.status == 200
    assert json.loads(result.body) == {"challenge": "0"}
