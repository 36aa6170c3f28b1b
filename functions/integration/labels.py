"""The Russian names the integration routes' fields are refused with (validation messages,
functions/common/api.py's `configure_resolver`), gathered when the first refusal is answered rather
than at every cold start: they are read off the routes' models (requests', objects', outages'), and
building those models is most of what importing them costs (functions/common/lazy.py)."""

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from functions.common.api import configure_resolver
from functions.common.labels import field_labels

# The outages' routes name one field differently: an outage's `kind` is «Вид отключения», a company
# message's «Вид документа».
OUTAGES = "/api/integration/outages"


def configure(app: APIGatewayRestResolver) -> None:
    """`configure_resolver` with the fields' labels gathered by the first refusal."""
    configure_resolver(app, fields, labels_under={OUTAGES: outage_fields})


def fields() -> dict[str, str]:
    """Every field of the integration's requests, objects and company messages, by its title."""
    from functions.integration.models import PasswordReset
    from functions.objects.models import INTEGRATION_LABELS as OBJECT_LABELS
    from functions.requests.inputs import LABELS as REQUEST_LABELS
    from functions.requests.stage_mark_input import StageMarkRequest

    return {
        **REQUEST_LABELS,
        **field_labels(PasswordReset, StageMarkRequest),
        # The query and path parameters of the change feed, the readings for billing and the consumer's card.
        "after": "Номер последнего прочитанного изменения",
        "user_id": "Идентификатор потребителя",
        **OBJECT_LABELS,
    }


def outage_fields() -> dict[str, str]:
    """The outages' routes' fields, by their titles."""
    from functions.outages.models import LABELS as OUTAGE_LABELS

    return dict(OUTAGE_LABELS)
