"""`make run`: the whole portal on this machine, AWS emulated by moto's server.

One process: moto's server with every resource of template.yaml, the local API Gateway serving
web/ and the API on http://127.0.0.1:8000, and the mail outbox. Ctrl-C stops it cleanly.
"""

import logging
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import FrameType

import boto3
from werkzeug.serving import make_server

from infra.askue_simulator import DEMO_LOGIN, DEMO_PASSWORD, AskueSimulator
from infra.bounces import LocalBounces
from infra.events import LocalEvents
from infra.gateway import LocalGateway, Mail
from infra.integrator_events import EventLog
from infra.integrators import issue_local_keys, keys_banner
from infra.metrics_capture import EmfCapture
from infra.moto_patches import atomic_dynamodb_requests, cheaper_server_dispatch, cognito_sign_out_by_user
from infra.template import ROOT
from infra.waf import LocalWaf
from infra.world import ACCOUNT_ID, World, build_world


@dataclass(frozen=True)
class LocalSettings:
    """Every local default, each overridable by the environment variable of the same name."""

    host: str = "127.0.0.1"
    port: int = int(os.environ.get("PORT", "8000"))
    moto_port: int = int(os.environ.get("MOTO_PORT", "0"))
    region: str = os.environ.get("AWS_REGION", "eu-central-1")
    # Each integrator's local key is <prefix>-<name>-key (infra/integrators.py); INTEGRATORS, when
    # set, replaces the template's Integrators parameter (the API tests add one with every scope).
    integrator_key_prefix: str = os.environ.get("INTEGRATOR_KEY_PREFIX", "local")
    integrators: str = os.environ.get("INTEGRATORS", "")
    mail_sender: str = os.environ.get("MAIL_SENDER", "no-reply@portal.example.ru")
    quiet_mail: bool = os.environ.get("QUIET_MAIL", "") == "1"
    askue_latency_ms: float = float(os.environ.get("ASKUE_LATENCY_MS", "150"))
    askue_port: int = int(os.environ.get("ASKUE_PORT", "0"))  # 0: any free port, printed at start
    askue_connector: str = os.environ.get("ASKUE_CONNECTOR", "json")
    askue_sync_every: float = float(os.environ.get("ASKUE_SYNC_EVERY", "60"))
    # Multiplies the web ACL's per-address rate limits (infra/waf.py): the tests run with 100.
    waf_rate_limit_factor: float = float(os.environ.get("WAF_RATE_LIMIT_FACTOR", "1"))


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Outbox:
    """Every mail SES (moto) accepted, oldest first, with the time the outbox first saw it."""

    region: str
    echo: bool
    mails: list[Mail] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def collect(self) -> list[Mail]:
        from moto.ses.models import ses_backends

        sent = ses_backends[ACCOUNT_ID][self.region].sent_messages
        with self._lock:
            for message in sent[len(self.mails) :]:
                mail = {
                    "to": ", ".join(message.destinations.get("ToAddresses", [])),
                    "subject": message.subject,
                    "text": message.body,
                    "sent_at": datetime.now(UTC).isoformat(timespec="seconds"),
                }
                self.mails.append(mail)
                if self.echo:
                    print(
                        f"\n──── письмо для {mail['to']}: {mail['subject']}\n{mail['text']}────", flush=True
                    )
            return list(self.mails)


def start(settings: LocalSettings) -> tuple[World, LocalGateway, Outbox, AskueSimulator]:
    from moto.server import ThreadedMotoServer

    moto_port = settings.moto_port or free_port(settings.host)
    atomic_dynamodb_requests()
    cognito_sign_out_by_user()
    cheaper_server_dispatch()
    server = ThreadedMotoServer(ip_address=settings.host, port=moto_port, verbose=False)
    server.start()
    endpoint = f"http://{settings.host}:{moto_port}"
    # The functions find moto only through the SDK's standard endpoint variable.
    os.environ.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_REGION=settings.region,
        AWS_DEFAULT_REGION=settings.region,
        AWS_ACCESS_KEY_ID=os.environ.get("AWS_ACCESS_KEY_ID", "local"),
        AWS_SECRET_ACCESS_KEY=os.environ.get("AWS_SECRET_ACCESS_KEY", "local"),
    )
    os.environ.pop("AWS_PROFILE", None)
    simulator = AskueSimulator(
        latency=settings.askue_latency_ms / 1000, host=settings.host, port=settings.askue_port
    ).start()
    world = build_world(
        boto3.Session(region_name=settings.region),
        overrides={
            "PortalUrl": f"http://{settings.host}:{settings.port}",
            "MailSender": settings.mail_sender,
            "AskueBaseUrl": simulator.url,
            "AskueConnector": settings.askue_connector,
            **({"Integrators": settings.integrators} if settings.integrators else {}),
        },
    )
    os.environ.update(world.environment)
    world.integrator_keys = issue_local_keys(world.parameters, settings.integrator_key_prefix)
    outbox = Outbox(settings.region, echo=not settings.quiet_mail)
    gateway = LocalGateway(
        web_dir=ROOT / "web",
        outbox=outbox.collect,
        connect_sources=[endpoint],  # the browser posts request files to S3, here moto
        stage=world.parameters["StageName"],
        waf=LocalWaf(parameters=world.parameters, rate_limit_factor=settings.waf_rate_limit_factor),
    )
    return world, gateway, outbox, simulator


def askue_banner(settings: LocalSettings, simulator: AskueSimulator, events: LocalEvents) -> str:
    url = f"http://{settings.host}:{settings.port}"
    every = events.interval("AskueSyncPlannerFunction")
    return f"""  АСКУЭ (симулятор)  {simulator.url}   вход {DEMO_LOGIN} / {DEMO_PASSWORD}
                     задержка {settings.askue_latency_ms:g} мс (ASKUE_LATENCY_MS),
                     формат {settings.askue_connector} (ASKUE_CONNECTOR=json|xml80020)
  Синхронизация АСКУЭ каждые {every:g} с (ASKUE_SYNC_EVERY; в AWS — по расписанию из template.yaml),
                     запустить сейчас: curl -X POST {url}/_local/schedule/AskueSyncPlannerFunction
"""


def waf_banner(settings: LocalSettings, gateway: LocalGateway) -> str:
    """The web ACL's per-address limits as the local gateway applies them (infra/waf.py)."""
    limits = []
    for rate in gateway.waf.rate_limits():
        if rate.key == "IP":  # its twin keyed by True-Client-IP has the same limit
            path = "/" + rate.scope_path.split("/", 2)[-1]  # without the stage
            limits.append(f"{path} {gateway.waf.limit(rate)} за {rate.window_seconds // 60} мин")
    indent = "\n" + " " * 21
    lines = [", ".join(limits[i : i + 2]) for i in range(0, len(limits), 2)]
    factor = f"(лимиты template.yaml × {settings.waf_rate_limit_factor:g}: WAF_RATE_LIMIT_FACTOR)"
    return "с одного адреса " + indent.join([*lines, factor])


def integrators_banner(world: World) -> str:
    """Each integrator's local key and scopes (template.yaml's Integrators; INTEGRATOR_KEY_PREFIX)."""
    lines = list(keys_banner(world.integrator_keys, world.parameters["Integrators"]))
    return ("\n" + " " * 21).join(
        [*lines, "(ключи <INTEGRATOR_KEY_PREFIX>-<имя>-key; в AWS — README «Integrators»)"]
    )


def policy_banner(world: World, url: str) -> str:
    """The facts the personal-data policy states (template.yaml's parameters; locally demo values)."""
    p = world.parameters
    indent = "\n" + " " * 21
    return indent.join(
        [
            f"{url}/#/privacy: оператор {p['OperatorName']}, ИНН {p['OperatorInn']},",
            f"адрес {p['OperatorAddress']};",
            f"ответственный (ст. 22.1 152-ФЗ) {p['PersonalDataOfficer']}, {p['PersonalDataOfficerContact']};",
            f"обработчик {p['CloudContractingParty']}, регион {world.region};"
            " сроки хранения: лет по договору "
            f"{p['RetentionContractYears']}, месяцев без договора {p['RetentionNoContractMonths']},",
            f"лет показаний {p['RetentionReadingsYears']}, дней журнала писем {p['RetentionMailLedgerDays']}"
            " (в AWS — параметры template.yaml, README «Deploying»)",
        ]
    )


def banner(
    settings: LocalSettings, world: World, seconds: float, services: str, gateway: LocalGateway
) -> str:
    url = f"http://{settings.host}:{settings.port}"
    return f"""
Личный кабинет потребителя работает локально (готов за {seconds:.1f} с).

  Портал             {url}
  API, документация  {url}/api/docs   (OpenAPI: {url}/api/openapi.json)
  Почта (outbox)     {url}/_local/outbox  — письма также печатаются здесь, в консоли
  Метрики (EMF)      {url}/_local/metrics — что функции отправили бы в CloudWatch
  События            {url}/_local/events  — события для интеграторов (EventBridge, docs/events.md)
  Очереди            {url}/_local/queues  — SQS: письма, АСКУЭ, OutboxFailedQueue (сбои потока outbox)
  Outbox             поток OutboxTable → OutboxRelayFunction; досылка каждые 60 с:
                     curl -X POST {url}/_local/schedule/OutboxSweeperFunction
  Отказ почты        curl -X POST {url}/_local/bounce -d '{{"email": "…", "kind": "bounce"}}' (или complaint)
  Интеграторы        {integrators_banner(world)}
  AWS (moto)         {os.environ["AWS_ENDPOINT_URL"]}, регион {settings.region}   (MOTO_PORT, AWS_REGION)
  Отправитель писем  {settings.mail_sender}   (MAIL_SENDER)
  Пул Cognito        {world.refs.get("UserPool", "—")}
  Политика ПДн       {policy_banner(world, url)}
  WAF (API)          {waf_banner(settings, gateway)}
{services}
Как войти: на {url} нажмите «Регистрация» в правом верхнем углу, заполните форму и нажмите
«Зарегистрировать». Письмо с паролем появится ниже и на {url}/_local/outbox. Данные АСКУЭ:
«Показания» → «АСКУЭ», идентификатор {DEMO_LOGIN}, пароль {DEMO_PASSWORD}. Данные хранятся в памяти
и пропадают при остановке. Остановить: Ctrl-C.
"""


def main() -> None:
    began = time.monotonic()
    # Request lines of moto and of the gateway would bury the mails a person is looking for.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    settings = LocalSettings()
    # The functions print their metrics (EMF) to stdout, as in Lambda: kept for /_local/metrics.
    capture = EmfCapture(sys.stdout)
    sys.stdout = capture
    world, gateway, outbox, simulator = start(settings)
    events = LocalEvents(world, every={"AskueSyncPlannerFunction": settings.askue_sync_every}).start()
    bounces = LocalBounces(settings.mail_sender, settings.region)
    published = EventLog(world.events_queue_url, settings.region)
    app = published.wsgi(capture.wsgi(bounces.wsgi(events.wsgi(gateway))))
    http = make_server(settings.host, settings.port, app, threaded=True)
    print(
        banner(settings, world, time.monotonic() - began, askue_banner(settings, simulator, events), gateway),
        flush=True,
    )

    stopping = threading.Event()

    def poll_mail() -> None:
        while not stopping.wait(0.3):
            outbox.collect()

    threading.Thread(target=poll_mail, daemon=True).start()

    def stop(signum: int, _: FrameType | None) -> None:
        stopping.set()
        threading.Thread(target=http.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    http.serve_forever()
    http.server_close()
    events.stop()
    simulator.stop()
    print("\nОстановлено.", flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
