"""A small ASKUE for this machine: answers both connectors (JSON registers and XML 80020).

    python -m infra.askue_simulator --port 8020 --latency-ms 50

Accounts (HTTP Basic):
- `demo` / `demo-askue-1`: three meters on two objects; the house's meter also exports energy
  (a rooftop solar plant: non-zero A−);
- `load-<n>` / `pw-<n>`: one meter each, for load tests;
- magic logins that provoke one fault each (any password):
  `fault-timeout…` (hangs `hang_seconds`), `fault-500…`, `fault-502…`, `fault-503…`, `fault-504…`,
  `fault-malformed…` (a truncated answer), `fault-xxe…` (an external entity), `fault-bomb…`
  (entity expansion, "billion laughs"), `fault-encoding…` (UTF-8 labelled windows-1251, or
  windows-1251 where JSON must be UTF-8), `flaky-<k>-…` (the first k requests answer 503, then one
  meter), `once-…` (the first request succeeds, every later one is refused with 401: a password that
  stopped working), `changing-…` (one meter, until its password is changed by `POST
  /control/password-changed?login=…`: the same story without counting requests, so a client's retry
  of a lost answer cannot use the one good request up; what the tests use), `changeover-…` (one
  meter; its 80020 document is Moscow's last day clocks went back, 26.10.2014, whatever day is asked,
  as such a day is sent: `daylightsavingtime` 2, 50 half-hours with 01:00–02:00 twice, decimal
  commas, the repeated hour's values flagged).

Every other 80020 document is written as generators write them today: `daylightsavingtime` 1 (Moscow
has had no clock change since 2014, and the flag stayed), `<area timezone="1">`, the last half-hour
ending at `0000`.
Any other login or a wrong password gets 401.

Values are deterministic and grow slowly with time: a register is its base plus the energy of a daily
profile since 2026-01-01 (Moscow time), so the JSON registers and the sums of the 80020 half-hours
agree: the day's sum is exactly the register's growth over that day.
"""

import argparse
import json
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr  # nosec B406 # writes XML, parses none

from werkzeug.datastructures import Authorization
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from functions.common.clock import MOSCOW, local_zone

DEMO_LOGIN, DEMO_PASSWORD = "demo", "demo-askue-1"
LAST_CHANGEOVER = date(2014, 10, 26)  # Moscow's last clock change (248-ФЗ): 02:00 → 01:00
EPOCH = datetime(2026, 1, 1, tzinfo=MOSCOW)
CHANNELS = ("A+", "A-", "R+", "R-")
THOUSANDTH = Decimal("0.001")
SLOTS = 48  # half-hours of a day

# Shares of a day's energy per half-hour (each list sums to 48: the mean slot is 1).
_HOUSE = [0.5] * 12 + [0.8] * 4 + [1.3] * 4 + [0.9] * 14 + [1.6] * 10 + [1.0] * 4
_SHOP = [0.3] * 16 + [1.5] * 4 + [1.7] * 20 + [1.0] * 4 + [0.3] * 4
_SOLAR = (
    [0.0] * 14 + [1.0, 2.0, 3.0, 3.6, 4.0, 4.2, 4.4, 4.4, 4.4, 4.4, 4.2, 4.0, 3.6, 3.0, 2.0, 1.0] + [0.0] * 18
)
_FLAT = [1.0] * SLOTS


def _normalised(shares: list[float]) -> tuple[Decimal, ...]:
    total = sum(shares)
    return tuple(Decimal(str(share * SLOTS / total)) for share in shares)


PROFILES = {"house": _normalised(_HOUSE), "shop": _normalised(_SHOP), "solar": _normalised(_SOLAR)}
PROFILES["flat"] = _normalised(_FLAT)


@dataclass(frozen=True)
class Channel:
    base: Decimal  # the register on EPOCH
    per_hour: Decimal  # the mean energy per hour
    profile: str = "flat"


@dataclass(frozen=True)
class Meter:
    object_name: str
    meter_name: str
    code: str
    channels: dict[str, Channel]

    def register(self, channel: str, at: datetime) -> Decimal:
        spec = self.channels[channel]
        shares = PROFILES[spec.profile]
        elapsed = at - EPOCH  # before EPOCH (a historical day) the register counts back
        days, rest = divmod(elapsed, timedelta(days=1))
        slot, within = divmod(rest, timedelta(minutes=30))
        slots = Decimal(days * SLOTS) + sum(shares[:slot], Decimal(0))
        slots += shares[slot] * Decimal(within / timedelta(minutes=30))
        energy = spec.base + spec.per_hour * slots / 2
        return energy.quantize(THOUSANDTH, rounding=ROUND_HALF_UP)


def _meter(object_name: str, meter_name: str, code: str, **channels: Channel) -> Meter:
    names = {"a_import": "A+", "a_export": "A-", "r_import": "R+", "r_export": "R-"}
    return Meter(object_name, meter_name, code, {names[key]: value for key, value in channels.items()})


DEMO_METERS = (
    _meter(
        "Жилой дом, ул. Садовая, 12",
        "Меркурий 234 ARTM-01 № 41250017",
        "452010000112001",
        a_import=Channel(Decimal("18234.5"), Decimal("1.15"), "house"),
        a_export=Channel(Decimal("2150.25"), Decimal("0.42"), "solar"),
        r_import=Channel(Decimal("3120.1"), Decimal("0.27"), "house"),
        r_export=Channel(Decimal("415.7"), Decimal("0.03"), "solar"),
    ),
    _meter(
        "Магазин «Весна», ул. Садовая, 14",
        "Меркурий 230 ART-03 № 31180254 (ввод 1)",
        "452010000114001",
        a_import=Channel(Decimal("96420.125"), Decimal("6.5"), "shop"),
        a_export=Channel(Decimal("0"), Decimal("0")),
        r_import=Channel(Decimal("30211.4"), Decimal("2.1"), "shop"),
        r_export=Channel(Decimal("1204.9"), Decimal("0.08"), "shop"),
    ),
    _meter(
        "Магазин «Весна», ул. Садовая, 14",
        "Меркурий 230 ART-03 № 31180261 (ввод 2)",
        "452010000114002",
        a_import=Channel(Decimal("51877.0"), Decimal("4.2"), "shop"),
        a_export=Channel(Decimal("0"), Decimal("0")),
        r_import=Channel(Decimal("17650.35"), Decimal("1.3"), "shop"),
        r_export=Channel(Decimal("610.2"), Decimal("0.05"), "shop"),
    ),
)


def one_meter(n: int, label: str) -> tuple[Meter, ...]:
    """The single meter of a generated account."""
    rate = Decimal(5 + n % 17) / 10
    return (
        _meter(
            f"{label} № {n}",
            f"Счётчик № {100000 + n}",
            f"4520200{n:08d}",
            a_import=Channel(Decimal(1000 + n % 9973), rate, "house"),
            a_export=Channel(Decimal(0), Decimal(0)),
            r_import=Channel(Decimal(200 + n % 311), rate / 4, "house"),
            r_export=Channel(Decimal(n % 7), Decimal("0.01")),
        ),
    )


CHANGEOVER_PREFIX = "changeover-"
CHANGING_PREFIX = "changing-"  # one meter, until `POST /control/password-changed?login=…`
_LOAD = re.compile(r"\Aload-(\d{1,9})\Z")
_FLAKY = re.compile(r"\Aflaky-(\d{1,2})-")
_STATUS_FAULTS = {"fault-500": 500, "fault-502": 502, "fault-503": 503, "fault-504": 504}
_BODY_FAULTS = ("fault-malformed", "fault-xxe", "fault-bomb", "fault-encoding")


def _document_number(login: str, day: date) -> int:
    return (sum(login.encode()) * 1000 + day.toordinal()) % 1_000_000


def registers_json(meters: Iterable[Meter], at: datetime) -> bytes:
    read_at = _half_hour_floor(at)
    return json.dumps(
        {
            "meters": [
                {
                    "object": meter.object_name,
                    "meter": meter.meter_name,
                    "read_at": read_at.isoformat(),
                    "registers": {name: str(meter.register(name, read_at)) for name in CHANNELS},
                }
                for meter in meters
            ]
        },
        ensure_ascii=False,
    ).encode("utf-8")


def document_80020(
    meters: Iterable[Meter], day: date, number: int, created: datetime, *, changeover: bool = False
) -> bytes:
    """The 80020 document of one (whole, Moscow) day: per meter, each channel's half-hours of that
    day in Moscow time's own history (48; 46 or 50 on a day clocks changed, before 2015).

    `changeover` writes it as a system on a day clocks changed sends it: `daylightsavingtime` 2,
    decimal commas, and the repeated hour's A+ values marked `status="1"` (not reliable)."""
    zone = local_zone()
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    slots = (day_end - start) // timedelta(minutes=30)
    edges = [start + timedelta(minutes=30 * i) for i in range(slots + 1)]
    labels = [f"{edge.astimezone(zone):%H%M}" for edge in edges[:-1]]
    repeated = {i for i, label in enumerate(labels) if label in labels[:i]}
    by_object: dict[str, list[Meter]] = {}
    for meter in meters:
        by_object.setdefault(meter.object_name, []).append(meter)
    lines = [
        '<?xml version="1.0" encoding="windows-1251"?>',
        f'<message class="80020" version="2" number="{number}">',
        f"  <datetime><timestamp>{created.astimezone(MOSCOW):%Y%m%d%H%M%S}</timestamp>"
        f"<daylightsavingtime>{2 if changeover else 1}</daylightsavingtime>"
        f"<day>{day:%Y%m%d}</day></datetime>",
        "  <sender><inn>7700000000</inn><name>АСКУЭ сетевой компании</name></sender>",
    ]
    for index, (object_name, object_meters) in enumerate(by_object.items()):
        lines.append(f'  <area timezone="1"><inn>77000000{index:02d}</inn><name>{escape(object_name)}</name>')
        for meter in object_meters:
            lines.append(
                f"    <measuringpoint code={quoteattr(meter.code)} name={quoteattr(meter.meter_name)}>"
            )
            for code, channel in zip(("01", "02", "03", "04"), CHANNELS, strict=True):
                lines.append(f'      <measuringchannel code="{code}" desc="{channel}">')
                readings = [meter.register(channel, edge) for edge in edges]
                for i in range(slots):
                    begin = labels[i]
                    minutes = (int(begin[:2]) * 60 + int(begin[2:]) + 30) % (24 * 60)
                    end = f"{minutes // 60:02d}{minutes % 60:02d}"
                    value = str(readings[i + 1] - readings[i])
                    value = value.replace(".", ",") if changeover else value
                    status = "1" if changeover and code == "01" and i in repeated else "0"
                    lines.append(
                        f'        <period start="{begin}" end="{end}">'
                        f'<value status="{status}">{value}</value></period>'
                    )
                lines.append("      </measuringchannel>")
            lines.append("    </measuringpoint>")
        lines.append("  </area>")
    lines.append("</message>")
    return "\n".join(lines).encode("cp1251")


def _half_hour_floor(at: datetime) -> datetime:
    local = at.astimezone(MOSCOW)
    return local.replace(minute=local.minute - local.minute % 30, second=0, microsecond=0)


XXE = b"""<?xml version="1.0" encoding="windows-1251"?>
<!DOCTYPE message [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<message class="80020" version="2" number="1"><datetime><day>20261127</day></datetime>
<area><name>&secret;</name></area></message>"""
BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="windows-1251"?>\n<!DOCTYPE message [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + b']>\n<message class="80020" version="2" number="1"><datetime><day>20261127</day></datetime>'
    b"<area><name>&lol9;</name></area></message>"
)


class _QuietHandler(WSGIRequestHandler):
    """No line per request: a load test makes tens of thousands."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


class AskueSimulator:
    """The simulator as a WSGI app in a thread of this process (like the local gateway)."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        hang_seconds: float = 30.0,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.latency = latency
        self.hang_seconds = hang_seconds
        self.clock = clock
        self._host, self._port = host, port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.changed_passwords: set[str] = set()  # `changing-…` logins whose password was changed

    # ------------------------------------------------------------------ lifecycle
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("start() the simulator first")
        return f"http://{self._host}:{self._server.server_port}"

    def start(self) -> "AskueSimulator":
        self._server = make_server(self._host, self._port, self, threaded=True, request_handler=_QuietHandler)
        server = self._server
        self._thread = threading.Thread(
            target=lambda: server.serve_forever(poll_interval=0.05), name="askue-simulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # ------------------------------------------------------------------ WSGI
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return self.dispatch(Request(environ))(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        if request.path == "/health":
            return Response("ok", content_type="text/plain")
        if request.path == "/control/password-changed" and request.method == "POST":
            login = request.args.get("login", "")
            if not login.startswith(CHANGING_PREFIX):
                return Response("only changing-… accounts", status=400, content_type="text/plain")
            with self._lock:
                self.changed_passwords.add(login)
            return Response("changed", content_type="text/plain")
        if request.path not in ("/v1/registers", "/v1/80020"):
            return Response("not found", status=404, content_type="text/plain")
        if self.latency:
            self._stopping.wait(self.latency)
        auth: Authorization | None = request.authorization
        login = auth.username if auth and auth.type == "basic" and auth.username else ""
        with self._lock:
            self.requests[login] += 1
            count = self.requests[login]
        xml = request.path == "/v1/80020"
        fault = self._fault(login, count, xml)
        if fault is not None:
            return fault
        meters = self._meters(login, (auth.password or "") if auth else "", count)
        if meters is None:
            return Response(
                "unauthorized",
                status=401,
                headers={"WWW-Authenticate": 'Basic realm="ASKUE"'},
                content_type="text/plain",
            )
        now = self.clock()
        if not xml:
            return Response(registers_json(meters, now), content_type="application/json; charset=utf-8")
        changeover = login.startswith(CHANGEOVER_PREFIX)
        day = LAST_CHANGEOVER if changeover else self._day(request.args.get("day"), now)
        body = document_80020(meters, day, _document_number(login, day), now, changeover=changeover)
        return Response(body, content_type="application/xml; charset=windows-1251")

    @staticmethod
    def _day(asked: str | None, now: datetime) -> date:
        if asked and re.fullmatch(r"\d{8}", asked):
            return datetime.strptime(asked, "%Y%m%d").date()
        return now.astimezone(MOSCOW).date() - timedelta(days=1)  # the last complete day

    def _meters(self, login: str, password: str, count: int) -> tuple[Meter, ...] | None:
        if login == DEMO_LOGIN:
            return DEMO_METERS if password == DEMO_PASSWORD else None
        load = _LOAD.match(login)
        if load:
            n = int(load.group(1))
            return one_meter(n, "Объект нагрузочного теста") if password == f"pw-{n}" else None
        if login.startswith(CHANGING_PREFIX):
            with self._lock:
                changed = login in self.changed_passwords
            return None if changed else one_meter(sum(login.encode()) % 1000, "Объект")
        if login.startswith(("flaky-", CHANGEOVER_PREFIX)) or (login.startswith("once-") and count == 1):
            return one_meter(sum(login.encode()) % 1000, "Объект")
        return None

    def _fault(self, login: str, count: int, xml: bool) -> Response | None:
        if login.startswith("fault-timeout"):
            self._stopping.wait(self.hang_seconds)
            return Response(b'{"meters": []}', content_type="application/json")
        for prefix, status in _STATUS_FAULTS.items():
            if login.startswith(prefix):
                return Response(f"fault {status}", status=status, content_type="text/plain")
        flaky = _FLAKY.match(login)
        if flaky and count <= int(flaky.group(1)):
            return Response("temporarily unavailable", status=503, content_type="text/plain")
        for prefix in _BODY_FAULTS:
            if login.startswith(prefix):
                return self._bad_body(prefix, xml)
        return None

    def _bad_body(self, fault: str, xml: bool) -> Response:
        meters = one_meter(1, "Объект")
        day = self._day(None, self.clock())
        document = document_80020(meters, day, 1, self.clock())
        xml_type = "application/xml; charset=windows-1251"
        if fault == "fault-malformed":
            if xml:
                return Response(document[: len(document) // 2], content_type=xml_type)
            return Response(registers_json(meters, self.clock())[:40], content_type="application/json")
        if fault == "fault-xxe":
            return Response(XXE, content_type=xml_type)
        if fault == "fault-bomb":
            return Response(BILLION_LAUGHS, content_type=xml_type)
        if xml:  # fault-encoding: UTF-8 bytes under a windows-1251 declaration
            return Response(document.decode("cp1251").encode("utf-8"), content_type=xml_type)
        text = registers_json(meters, self.clock()).decode("utf-8")
        return Response(text.encode("cp1251"), content_type="application/json")


def main() -> None:
    parser = argparse.ArgumentParser(description="The local ASKUE simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8020)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    simulator = AskueSimulator(latency=args.latency_ms / 1000, host=args.host, port=args.port).start()
    print(
        f"ASKUE simulator on {simulator.url} (demo / {DEMO_PASSWORD}), latency {args.latency_ms:g} ms",
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        simulator.stop()


if __name__ == "__main__":
    main()
