"""Every picture the bot sends: a valid PNG, phone-sized at 2x, readable fonts, whole-number count axes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from app import demo_card
from bot import progress_card as progress_card_module
from bot.charts import participation_chart, participation_figure
from bot.progress_card import ProgressCard, TrackAccuracy, alt_text, card_key, progress_card, progress_card_figure
from bot.service import CompanionService, Context
from tests.charts.png import PNG_SIGNATURE, png_size

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 3, 11)
WEEK = [date(2026, 3, 2) + timedelta(days=i) for i in range(7)]
BUSY = ProgressCard(
    name="Ada Lovelace", today=TODAY, current_streak=9, best_streak=21, freezes=1, reviews_due=4, points_this_week=140,
    answers_by_day={TODAY - timedelta(days=i): (i * 7) % 9 for i in range(100)},
    tracks=tuple(TrackAccuracy(f"Track number {i}", 10 + i, 5 + i) for i in range(10)),
)
NEW = ProgressCard(name="", today=TODAY, current_streak=0, best_streak=0, freezes=0, reviews_due=0, points_this_week=0, answers_by_day={})


def _texts(figure: Figure) -> list[Text]:
    """Every visible piece of text once drawn (tick labels only exist after a draw)."""
    FigureCanvasAgg(figure).draw()
    return [t for t in figure.findobj(Text) if t.get_text().strip() and t.get_visible()]


@pytest.mark.parametrize("card", [BUSY, NEW], ids=["busy", "new"])
def test_the_progress_card_is_a_phone_sized_png(card: ProgressCard) -> None:
    png = progress_card(card)
    assert png.startswith(PNG_SIGNATURE)
    width, height = png_size(png)
    assert (width, height) == (1280, 1440)


@pytest.mark.parametrize("card", [BUSY, NEW], ids=["busy", "new"])
def test_every_word_on_the_card_is_at_least_10_pt(card: ProgressCard) -> None:
    texts = _texts(progress_card_figure(card))
    assert texts
    assert min(t.get_fontsize() for t in texts) >= 10


def test_the_card_shows_the_numbers_and_a_legend() -> None:
    words = {t.get_text() for t in _texts(progress_card_figure(BUSY))}
    assert {"Ada Lovelace", "9", "21", "1", "4", "140", "reviews due", "points this week", "freezes"} <= words
    assert {"0", "1", "2-3", "4-6", "7+", "answers a day"} <= words  # the heatmap legend
    assert "Track number 9" in words  # the track answered most comes first
    assert "Track number 0" not in words  # at most 8 tracks
    assert "Answer a quiz to see your accuracy per track" in {t.get_text() for t in _texts(progress_card_figure(NEW))}


def test_alt_text_says_the_same_in_words() -> None:
    assert alt_text(BUSY).startswith("Progress card: streak 9, best 21, 1 freeze, 4 reviews due, 140 points this week;")
    assert "0 days with answers" in alt_text(NEW)


def test_the_recap_chart_is_a_phone_sized_png_with_whole_number_ticks() -> None:
    png = participation_chart(WEEK, [1, 0, 1, 0, 1, 0, 0], [1.0, None, 0.0, None, 1.0, None, None])
    assert png.startswith(PNG_SIGNATURE)
    assert png_size(png) == (1280, 680)
    for answers in ([1, 0, 1, 0, 1, 0, 0], [3, 5, 0, 2, 7, 0, 1], [40, 12, 0, 0, 9, 3, 77]):
        figure = participation_figure(WEEK, answers, [0.5] * 7)
        ticks = figure.axes[0].get_yticks()
        assert all(float(tick).is_integer() for tick in ticks), ticks
        assert min(t.get_fontsize() for t in _texts(figure)) >= 10


def test_make_card_writes_the_docs_picture(tmp_path: Path) -> None:
    out = tmp_path / "docs" / "progress-card.png"
    assert demo_card.main([str(out)]) == 0
    assert png_size(out.read_bytes()) == (1280, 1440)
    assert png_size((ROOT / "docs" / "progress-card.png").read_bytes()) == (1280, 1440)  # committed, same layout


def test_stats_draws_its_card_only_when_an_adapter_reads_it(service: CompanionService, monkeypatch: pytest.MonkeyPatch) -> None:
    """The use case runs inside the request's transaction; the 0.1 s of drawing must not."""
    drawn: list[ProgressCard] = []

    def counting(card: ProgressCard) -> bytes:
        drawn.append(card)
        return progress_card(card)

    monkeypatch.setattr(progress_card_module, "progress_card", counting)
    ada = Context("T1", "slack", "U-ada", "Ada")
    stats = service.handle_text(ada, "stats")
    assert stats.image is not None
    assert drawn == []
    assert png_size(stats.image.png) == (1280, 1440)
    assert png_size(stats.image.png) == (1280, 1440)
    assert len(drawn) == 1
    assert drawn[0].name == "Ada"


def test_the_card_key_changes_with_anything_the_card_shows_and_only_then() -> None:
    """The App Home reuses an upload while the key stands, so every fact drawn must be in it."""
    same = replace(BUSY, answers_by_day=dict(reversed(list(BUSY.answers_by_day.items()))))
    assert card_key(same) == card_key(BUSY)
    changed = [
        replace(BUSY, name="Ada"), replace(BUSY, today=TODAY + timedelta(days=1)), replace(BUSY, current_streak=10),
        replace(BUSY, best_streak=22), replace(BUSY, freezes=2), replace(BUSY, reviews_due=5), replace(BUSY, points_this_week=141),
        replace(BUSY, answers_by_day={**BUSY.answers_by_day, TODAY: 99}), replace(BUSY, tracks=BUSY.tracks[:-1]),
        replace(BUSY, tracks=(TrackAccuracy("Track number 0", 10, 6), *BUSY.tracks[1:])),
    ]
    assert len({card_key(card) for card in changed} | {card_key(BUSY)}) == len(changed) + 1


def test_the_home_summary_carries_the_same_card_as_stats_with_its_key(service: CompanionService) -> None:
    ada = Context("T1", "slack", "U-ada", "Ada")
    home = service.home(ada)
    again = service.home(ada).image
    assert home.image is not None
    assert again is not None
    assert home.image.key
    assert home.image.key == again.key
    stats = service.handle_text(ada, "stats")
    assert stats.image is not None
    assert stats.image.key == home.image.key
    assert home.image.alt == stats.image.alt
