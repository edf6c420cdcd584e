"""Logging filters. An outage of the database under load would otherwise write one traceback per
request (a 25-second outage wrote ~22 MB): each process logs it once per interval, without the
traceback, with the count of the repeats it held back."""

import logging
import threading
import time

from factcheck.errors import is_outage


class OutageOncePerInterval(logging.Filter):
    INTERVAL = 60.0

    def __init__(self, name=""):
        super().__init__(name)
        self.lock = threading.Lock()
        self.last = -self.INTERVAL
        self.held = 0

    def filter(self, record):
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None or not is_outage(exc):
            # Django's own "Service Unavailable: /path" line for each 503 is part of the same outage.
            return not (record.name == "django.request" and getattr(record, "status_code", None) == 503)
        now = time.monotonic()
        with self.lock:
            if now - self.last < self.INTERVAL:
                self.held += 1
                return False
            held, self.held, self.last = self.held, 0, now
        record.msg = f"{record.getMessage()} (database unreachable: {type(exc).__name__}: {exc}"
        record.msg += f"; {held} similar messages held back)" if held else ")"
        record.args, record.exc_info, record.exc_text = (), None, None
        return True
