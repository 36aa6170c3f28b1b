"""`POST /_local/bounce`: what SES does when a mail bounces for good or its reader complains.

SES in moto accepts every mail and publishes no event. Here the local stack sends the function that
the template subscribes to MailEventsTopic (MailBounceFunction) the SNS notification SES would
publish through the configuration set: `{"email": "...", "kind": "bounce" | "complaint"}` in the
body; the address is then suppressed and its consumer's profile marked, as in AWS.
"""

import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from infra.lambda_runtime import LambdaContext, load_handler
from infra.template import load_template, resources

TOPIC = "MailEventsTopic"


def mail_event_function(template: Mapping[str, Any]) -> tuple[str, str]:
    """The function subscribed to the mail events topic, and its handler."""
    for name, function in resources(template, "AWS::Serverless::Function").items():
        for event in function["Properties"].get("Events", {}).values():
            if event.get("Type") == "SNS" and event["Properties"].get("Topic") == {"Ref": TOPIC}:
                return name, str(function["Properties"]["Handler"])
    raise LookupError(f"no function subscribes to {TOPIC}")


def ses_notification(email: str, kind: str, sender: str) -> dict[str, Any]:
    """An SES event of a configuration set, as SES publishes it to SNS."""
    at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    mail = {"timestamp": at, "source": sender, "messageId": uuid.uuid4().hex, "destination": [email]}
    if kind == "complaint":
        return {
            "eventType": "Complaint",
            "complaint": {"complainedRecipients": [{"emailAddress": email}], "timestamp": at},
            "mail": mail,
        }
    return {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": email, "status": "5.1.1", "action": "failed"}],
            "timestamp": at,
        },
        "mail": mail,
    }


def sns_event(message: Mapping[str, Any], topic_arn: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{topic_arn}:{uuid.uuid4()}",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": str(uuid.uuid4()),
                    "TopicArn": topic_arn,
                    "Subject": None,
                    "Message": json.dumps(message),
                    "Timestamp": datetime.now(UTC).isoformat(),
                    "MessageAttributes": {},
                },
            }
        ]
    }


class LocalBounces:
    def __init__(self, sender: str, region: str) -> None:
        self._function, handler = mail_event_function(load_template())
        self._handler = load_handler(handler)
        self._sender = sender
        self._topic_arn = f"arn:aws:sns:{region}:123456789012:local-{TOPIC}"

    def bounce(self, email: str, kind: str) -> None:
        event = sns_event(ses_notification(email, kind, self._sender), self._topic_arn)
        self._handler(event, LambdaContext(self._function))

    def wsgi(self, app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        """`app` plus POST /_local/bounce."""
        from werkzeug.wrappers import Request, Response

        def routed(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            if environ.get("PATH_INFO") != "/_local/bounce":
                return app(environ, start_response)
            request = Request(environ)
            body = request.get_json(silent=True) or {}
            email, kind = body.get("email"), body.get("kind", "bounce")
            if request.method != "POST" or not isinstance(email, str) or kind not in ("bounce", "complaint"):
                answer = Response(
                    'POST {"email": "...", "kind": "bounce" | "complaint"}',
                    status=400,
                    content_type="text/plain",
                )
                return answer(environ, start_response)
            self.bounce(email, kind)
            answer = Response(
                json.dumps({"suppressed": email, "kind": kind}), status=202, content_type="application/json"
            )
            return answer(environ, start_response)

        return routed
