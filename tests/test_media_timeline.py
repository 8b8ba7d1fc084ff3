"""The time of a position (``workbench.ops.media_time``), on worked examples computed by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.ops.media_time import (
    DEFAULT_SECONDS_PER_CHAR,
    SYNC,
    TURN_END,
    TURN_START,
    Anchor,
    Timeline,
    choose_anchors,
    format_clock,
    format_span,
    parse_clock,
    turn_anchors,
)


def test_exact_at_anchors_and_linear_between():
    # turns: [10, 50) from 3.0 s to 7.0 s; [60, 100) from 8.0 s (no end known)
    anchors = turn_anchors([(10, 50, 3.0, 7.0), (60, 100, 8.0, None)])
    line = Timeline(100, anchors)
    assert line.point(10).time == 3.0 and line.point(10).source == TURN_START
    assert line.point(50).time == 7.0 and line.point(50).source == TURN_END
    assert line.point(60).time == 8.0
    # a quarter of the way through the first turn: 3 + 0.25 * 4 = 4.0
    assert line.point(20).time == pytest.approx(4.0)
    assert line.point(20).source == "interpolated"
    # in the gap between turns: 7 + (55 - 50) / 10 * 1 = 7.5
    assert line.time_at(55) == pytest.approx(7.5)
    # pace = (8 - 3) / (60 - 10) = 0.1 s per character, so before the first anchor
    # position 4 is 3 - 6 * 0.1 = 2.4, and after the last, position 80 is 8 + 20 * 0.1 = 10
    assert line.time_at(4) == pytest.approx(2.4)
    assert line.time_at(80) == pytest.approx(10.0)
    assert line.point(80).source == "extrapolated"


def test_offset_shifts_transcript_times_but_not_sync_points():
    anchors = turn_anchors([(0, 10, 1.0, 2.0)], offset=5.0) + [Anchor(20, 9.0, SYNC)]
    line = Timeline(30, anchors)
    assert line.time_at(0) == 6.0 and line.time_at(10) == 7.0 and line.time_at(20) == 9.0
    # between the turn's end (7.0 at 10) and the sync point (9.0 at 20): 8.0 at 15
    assert line.time_at(15) == pytest.approx(8.0)


def test_sync_points_win_over_contradicting_timestamps():
    # a turn says position 40 starts at 20 s; a sync point by hand says 30 is heard at 25 s:
    # time cannot run backwards, so the turn start loses
    anchors = [Anchor(40, 20.0, TURN_START), Anchor(30, 25.0, SYNC), Anchor(0, 0.0, TURN_START)]
    kept = choose_anchors(anchors)
    assert [(a.position, a.time) for a in kept] == [(0, 0.0), (30, 25.0)]
    # overlapping captions: the end of one turn (12 s at 50) is later than the next start
    # (11 s at 60): the start is kept, the end dropped
    kept = choose_anchors(
        [Anchor(0, 5.0, TURN_START), Anchor(50, 12.0, TURN_END), Anchor(60, 11.0, TURN_START)]
    )
    assert [(a.position, a.source) for a in kept] == [(0, TURN_START), (60, TURN_START)]
    # two anchors at one position: the stronger one stays
    kept = choose_anchors([Anchor(10, 4.0, TURN_END), Anchor(10, 3.0, TURN_START)])
    assert [(a.time, a.source) for a in kept] == [(3.0, TURN_START)]


def test_without_anchors_the_recording_spans_the_text():
    line = Timeline(200, [], duration=50.0)
    assert line.time_at(0) == 0.0 and line.time_at(200) == 50.0
    assert line.time_at(100) == pytest.approx(25.0)
    # no length known either: an ordinary speaking pace
    line = Timeline(150, [])
    assert line.time_at(150) == pytest.approx(150 * DEFAULT_SECONDS_PER_CHAR)


def test_times_never_pass_the_recording_or_fall_below_zero():
    line = Timeline(100, [Anchor(50, 1.0, SYNC), Anchor(60, 9.0, SYNC)], duration=12.0)
    # pace 0.8 s a character: position 0 would be 1 - 40, position 100 would be 9 + 32
    assert line.time_at(0) == 0.0
    assert line.time_at(100) == 12.0


def test_position_at_is_the_inverse():
    line = Timeline(100, turn_anchors([(0, 40, 0.0, 4.0), (50, 100, 6.0, 11.0)]))
    assert line.position_at(4.0) == 40
    assert line.position_at(6.0) == 50
    assert line.position_at(2.0) == 20
    assert line.position_at(8.5) == 75  # 6 + 25 * 0.1
    # a turn ending when the next starts: the time belongs to the turn that starts
    line = Timeline(100, turn_anchors([(5, 40, 0.0, 3.0), (48, 96, 3.0, 7.0)]))
    assert line.position_at(3.0) == 48


@given(
    st.lists(
        st.tuples(
            st.integers(0, 500),
            st.floats(0, 1000, allow_nan=False),
            st.sampled_from([SYNC, TURN_START, TURN_END]),
        ),
        max_size=30,
    ),
    st.integers(0, 500),
    st.integers(0, 500),
)
def test_time_never_runs_backwards_and_sync_points_hold(raw, a, b):
    anchors = [Anchor(p, t, s) for p, t, s in raw]
    line = Timeline(500, anchors)
    lo, hi = sorted((a, b))
    assert line.time_at(lo) <= line.time_at(hi)
    # every sync point that agrees with the other sync points is exact
    syncs = choose_anchors([x for x in anchors if x.source == SYNC])
    for sync in syncs:
        assert line.time_at(sync.position) == sync.time


def test_clock_formats_and_parses():
    assert format_clock(723.4) == "00:12:03"
    assert format_clock(723.44, tenths=True) == "00:12:03.4"
    assert format_clock(3599.96, tenths=True) == "01:00:00.0"
    assert format_span(723.4, 761.0) == "[00:12:03-00:12:41]"
    assert parse_clock("00:12:03.4") == pytest.approx(723.4)
    assert parse_clock("12:03") == 723.0
    assert parse_clock("1:02:03,5") == pytest.approx(3723.5)
    assert parse_clock("723.4") == pytest.approx(723.4)
    assert parse_clock("00:59:59.9") == pytest.approx(3599.9)  # the last tenth of an hour
    assert parse_clock("75") == 75.0  # plain seconds may run past 59
    for bad in (
        "",
        "12:75",
        "00:60",
        "60:00:00:0",
        "01:60:00",
        "a:b",
        "-3",
        "1:2:3:4",
        "nan",
        "inf",
        "1.5:30",
    ):
        with pytest.raises(ValueError):
            parse_clock(bad)


def test_check_finds_a_sync_point_outside_its_document():
    from core_helpers import add_interview

    from workbench.ops.check import check_project
    from workbench.ops.media import add_sync_point
    from workbench.store.project import Project

    with Project.memory() as p:
        doc = add_interview(p)
        add_sync_point(p, doc.id, doc.length, 30.0)  # the very end is a place in the text
        assert check_project(p).ok
        p.conn.execute("UPDATE sync_points SET position = ?", (doc.length + 1,))
        [problem] = check_project(p).problems
        assert "sync point" in problem and f"length {doc.length}" in problem
