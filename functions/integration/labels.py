"""The Russian names the integration routes' fields are refused with (validation messages,
functions/common/api.py's `configure_resolver`), gathered when the first refusal is answered rather
than at every cold start: they are read off the routes' models (requests', objects', outages'), and
building those models is most of what importing them costs (functions/common/lazy.py)."""

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from functions.common.api import configure_resolver
from functions.common.labels import field_labels

# The outages' routes name one field differently: an outage's `kind` is «Вид отключения», a company
# message's «Вид документа».
OUTAGES = "/api/integration/outages"


def configure(app: APIGatewayRestResolver) -> None:
    """`configure_resolver` with the parameters' labels only; the first validation refusal
    configures it again with every field's (`label_fields`) and is answered by that handler."""
    configure_resolver(app, {})

    @app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
    def _first_refusal(error: RequestValidationError) -> Response[str]:
        label_fields(app)
        labelled = app.exception_handler_manager.lookup_exception_handler(RequestValidationError)
        if labelled is None or labelled is _first_refusal:
            raise RuntimeError("configure_resolver registers its own validation handler")
        answer: Response[str] = labelled(error)
        return answer


def label_fields(app: APIGatewayRestResolver) -> None:
    """The resolver's configuration with every field's label: its refusals, and `RESOLVER_LABELS`
    (tests/unit/test_labels.py walks every route's fields against it), name each field in Russian.
    Running it again changes nothing."""
    from functions.integration.models import PasswordReset
    from functions.objects.models import INTEGRATION_LABELS as OBJECT_LABELS
    from functions.outages.models import LABELS as OUTAGE_LABELS
    from functions.requests.inputs import LABELS as REQUEST_LABELS
    from functions.requests.stage_mark_input import StageMarkRequest

    labels = {
        **REQUEST_LABELS,
        **field_labels(PasswordReset, StageMarkRequest),
        # The query and path parameters of the change feed, the readings for billing and the consumer's card.
        "after": "Номер последнего прочитанного изменения",
        "user_id": "Идентификатор потребителя",
        **OBJECT_LABELS,
    }
    configure_resolver(app, labels, labels_under={OUTAGES: OUTAGE_LABELS})
