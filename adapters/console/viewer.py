"""Opening a saved picture in the system's image viewer, only when asked: ``--open-images`` (or
``AIPM_CONSOLE_OPEN_IMAGES=1``) opens each new picture, and typing ``open`` opens the last one.

The opener is a plain callable so tests (and anyone embedding the console) pass their own; the default hands
the file to the platform's opener and does not wait for the viewer to close. A machine without one (a server,
a container) gets a sentence saying where the picture is, never a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

Opener = Callable[[Path], None]
"""Shows the picture at a path; raises ``NoViewer`` or ``OSError`` when it cannot."""


class NoViewer(OSError):
    """No program here opens pictures (``program`` is the one looked for)."""

    def __init__(self, program: str) -> None:
        super().__init__(f"{program} is not installed")
        self.program = program


def system_opener(path: Path) -> None:
    """``os.startfile`` on Windows, ``open`` on macOS, ``xdg-open`` elsewhere; started in the background."""
    if sys.platform == "win32":
        os.startfile(path)
        return
    program = "open" if sys.platform == "darwin" else "xdg-open"
    found = shutil.which(program)
    if found is None:
        raise NoViewer(program)
    subprocess.Popen([found, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)


def open_picture(opener: Opener, path: Path) -> str | None:
    """Open ``path``; None when it went to the viewer, else the sentence to print instead."""
    try:
        opener(path)
    except NoViewer as error:
        return f"(I couldn't open the picture: no image viewer here ({error}). It is saved at {path})"
    except OSError as error:
        return f"(I couldn't open the picture ({error.strerror or error.__class__.__name__}). It is saved at {path})"
    return None
