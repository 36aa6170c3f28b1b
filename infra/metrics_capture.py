"""What the functions would send to CloudWatch as metrics, kept by the local stack.

In Lambda an Embedded Metric Format line printed to stdout becomes metrics in CloudWatch
(functions/common/metrics.py). The local stack runs the functions in its own process, so it wraps
its stdout: every line still goes to the console, and each EMF line is also kept (the last
`keep`), shown at GET /_local/metrics as the metrics CloudWatch would record.
"""

import json
import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import IO, Any


class EmfCapture:
    """A stdout that keeps the EMF lines written through it."""

    def __init__(self, stream: IO[str], keep: int = 1000) -> None:
        self._stream = stream
        self._lines: deque[dict[str, Any]] = deque(maxlen=keep)
        self._partial = ""
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            self._partial += text
            *complete, self._partial = self._partial.split("\n")
            for line in complete:
                self._keep(line)
        return self._stream.write(text)

    def _keep(self, line: str) -> None:
        if not line.startswith('{"_aws"'):
            return
        try:
            self._lines.append(json.loads(line))
        except ValueError:
            return

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding… of the real stream
        return getattr(self._stream, name)

    def metrics(self) -> list[dict[str, Any]]:
        """Each kept line as the metric CloudWatch records: namespace, name, dimensions, value."""
        with self._lock:
            lines = list(self._lines)
        found: list[dict[str, Any]] = []
        for line in lines:
            for directive in line["_aws"]["CloudWatchMetrics"]:
                dimensions = {name: line[name] for names in directive["Dimensions"] for name in names}
                for metric in directive["Metrics"]:
                    values = line[metric["Name"]]
                    found.append(
                        {
                            "namespace": directive["Namespace"],
                            "name": metric["Name"],
                            "unit": metric.get("Unit"),
                            "dimensions": dimensions,
                            "value": sum(values) if isinstance(values, list) else values,
                            "timestamp": line["_aws"]["Timestamp"],
                        }
                    )
        return found

    def wsgi(self, app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        """`app` plus GET /_local/metrics: the metrics emitted so far, oldest first."""
        from werkzeug.wrappers import Response

        def routed(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            if environ.get("PATH_INFO") != "/_local/metrics":
                return app(environ, start_response)
            body = json.dumps(self.metrics(), ensure_ascii=False)
            return Response(body, content_type="application/json")(environ, start_response)

        return routed
