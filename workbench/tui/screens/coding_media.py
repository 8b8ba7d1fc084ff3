"""Listening while coding: the recording of the open document, played from the cursor's turn.

The screen asks the core for the time of a position (``workbench.ops.media_time``) and for
the player (``workbench.ops.playback``); while the recording plays, a timer reads the
player's position four times a second, marks the turn being heard and keeps it in view, and
the status line shows the time. Under ``workbench serve`` the recording cannot sound on the
server: the span's address on the team server is opened in the user's browser instead.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from workbench.i18n import _
from workbench.ops.media import listen_address, media_link, playable_file
from workbench.ops.media_time import Timeline, format_clock, format_span, timed, timeline
from workbench.ops.playback import STEP_SECONDS
from workbench.store.errors import WorkbenchError
from workbench.tui.session import served

if TYPE_CHECKING:
    from textual.timer import Timer

    from workbench.ops.media import MediaLink

FOLLOW_SECONDS = 0.25


class CodingMedia:
    """The recording part of ``CodingScreen`` (a mixin over the screen's state)."""

    timeline: Timeline | None = None
    media: MediaLink | None = None
    has_times = False
    heard_at: float | None = None
    _follow: Timer | None = None

    def load_media(self) -> None:
        """The document's recording and timeline (when it opens, and after any change)."""
        self.media = media_link(self.project, self.document_id)
        found = timed(self.project, self.document_id)
        self.has_times = found is not None
        self.timeline = found if found is not None else timeline(self.project, self.document_id)

    def time_span_text(self, start: int, end: int) -> str:
        """``[00:12:03-00:12:41]`` for a span, or "" when the document has no times at all."""
        if not self.has_times or self.timeline is None:
            return ""
        return format_span(*self.timeline.span(start, end))

    # ------------------------------------------------------------ playing

    def _play_from(self) -> tuple[int, int]:
        """What F4 plays: the selection, else the cursor's turn, else from the cursor."""
        view = self.view
        lo, hi = view.selection
        if hi > lo:
            return lo, hi
        turns = view.turns
        i = bisect.bisect_right([s for s, _e, _sp in turns], view.cursor) - 1
        # before the first turn, or on the next turn's speaker label: the next turn
        if i < 0 or (view.cursor > turns[i][1] and i + 1 < len(turns)):
            i += 1
        if 0 <= i < len(turns):
            return turns[i][0], turns[i][1]
        return view.cursor, view.cursor

    def action_play_turn(self) -> None:
        if self.timeline is None:
            return
        start, end = self._play_from()
        begin = self.timeline.time_at(start)
        if served():
            self._open_in_browser(start, end)
            return
        try:
            link, file = playable_file(self.project, self.document_id)
        except WorkbenchError as exc:
            self.notify(str(exc), severity="warning")
            return
        if link.duration is not None and begin >= link.duration - 0.05:
            self.notify(
                _("The recording ends at {end}, before this passage").format(
                    end=format_clock(link.duration)
                ),
                severity="warning",
            )
            return
        player = self.wb.media_player()
        if player is None:
            return
        player.play(file, begin)
        self.heard_at = begin
        if self._follow is None:
            self._follow = self.set_interval(FOLLOW_SECONDS, self.follow_playback)
        self.follow_playback()

    def _open_in_browser(self, start: int, end: int) -> None:
        """Team server: the browser plays the span from the server's address for it."""
        assert self.timeline is not None
        if self.media is None:
            self.notify(
                _("{name} has no recording linked").format(name=self.document.name),
                severity="warning",
            )
            return
        begin, finish = self.timeline.span(start, end)
        address = listen_address(
            self.project, self.document_id, begin, finish if end > start else None
        )
        self.app.open_url(address, new_tab=True)
        self.notify(_("Playing {span} in a new tab").format(span=format_span(begin, finish)))

    def _player_or_say(self):
        player = self.wb.player
        if player is None or not player.running:
            self.notify(_("Nothing is playing: F4 plays from the cursor's turn"), timeout=2)
            return None
        return player

    def action_pause_playback(self) -> None:
        player = self._player_or_say()
        if player is None:
            return
        if player.paused:
            player.resume()
        else:
            player.pause()
        self.follow_playback()

    def action_step_playback(self, direction: int) -> None:
        player = self._player_or_say()
        if player is None:
            return
        now = player.position()
        if now is not None:
            player.seek(max(now + direction * STEP_SECONDS, 0.0))
        self.follow_playback()

    def action_sync_here(self) -> None:
        """Pin the cursor's position to the time being heard (a sync point by hand)."""
        player = self._player_or_say()
        if player is None:
            return
        now = player.position()
        if now is None:
            return
        from workbench.ops.media import add_sync_point

        cursor = self.view.cursor

        def done(_id: int) -> None:
            self.load_media()
            self.notify(
                _("Sync point: character {at} is heard at {time}").format(
                    at=cursor, time=format_clock(now, tenths=True)
                )
            )

        self.wb.write(
            lambda: add_sync_point(self.project, self.document_id, cursor, now),
            done,
            what=_("the sync point"),
        )

    def follow_playback(self) -> None:
        """Mark the turn being heard, keep it in view and show the time (the timer's tick)."""
        player = self.wb.player
        position = player.position() if player is not None else None
        if position is None or self.timeline is None:
            self.stop_following()
            return
        self.heard_at = position
        offset = self.timeline.position_at(position)
        view = self.view
        starts = [s for s, _e, _sp in view.turns]
        i = bisect.bisect_right(starts, offset) - 1
        if view.turns and i >= 0:
            view.set_playing((view.turns[i][0], view.turns[i][1]))
        else:
            view.set_playing((offset, min(offset + 1, len(view.text))))
        self.wb.update_status()

    def stop_following(self) -> None:
        if self._follow is not None:
            self._follow.stop()
            self._follow = None
        self.heard_at = None
        if self.is_mounted:
            self.view.set_playing(None)
            self.wb.update_status()

    def playback_status(self) -> str:
        """The status line's part: the time heard (or nothing when nothing plays)."""
        if self.heard_at is None:
            return ""
        player = self.wb.player
        mark = "⏸" if player is not None and player.paused else "▶"
        total = self.media.duration if self.media is not None else None
        length = f" / {format_clock(total)}" if total else ""
        return f"{mark} {format_clock(self.heard_at, tenths=True)}{length}"

    def leave_playback(self) -> None:
        """The screen goes: the recording stops with it (its widgets are gone already)."""
        if self._follow is not None:
            self._follow.stop()
            self._follow = None
        self.heard_at = None
        player = self.wb.player
        if player is not None:
            player.stop()
