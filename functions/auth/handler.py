"""Accounts API: routes only; the rules live in `service`."""

from http import HTTPStatus
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.auth.models import (
    LABELS,
    REGISTRATION_CATEGORIES,
    AccountDeletion,
    ConsentAcceptance,
    DataExport,
    EmailChange,
    EmailChangeConfirmation,
    EmailCodeRequested,
    ForgottenPassword,
    LoginRequest,
    PasswordChange,
    PasswordReset,
    PolicyOutput,
    ProfileChange,
    ProfileOutput,
    RefreshRequest,
    Registration,
    RegistrationAccepted,
    ResetCodeRequested,
    TokensOutput,
    common_passwords,
)
from functions.common import aws
from functions.common.api import (
    CONSUMER_ERROR_RESPONSES,
    CONSUMER_SECURITY,
    ERROR_RESPONSES,
    PROBLEM_RESPONSE,
    RETRY_AFTER,
    answers,
    configure_resolver,
    current_caller,
    no_content,
    rules_beyond_schema,
)
from functions.common.fields import load_validators
from functions.common.settings import load_settings, portal_settings
from functions.common.snapstart import prime
from functions.common.tracing import tracer

if TYPE_CHECKING:
    from functions.common.identity import Tokens

logger = Logger()
app = APIGatewayRestResolver(enable_validation=True)
configure_resolver(app, LABELS, REGISTRATION_CATEGORIES)
TAGS = ["Учётная запись"]
LOCKED_OUT = {
    429: {"description": "Слишком много неудачных попыток: вход временно заблокирован", **PROBLEM_RESPONSE}
}


def _tokens(tokens: "Tokens") -> TokensOutput:
    return TokensOutput(
        id_token=tokens.id_token,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_in=tokens.expires_in,
    )


@app.post(
    "/api/auth/register",
    operation_id="registerConsumer",
    status_code=HTTPStatus.ACCEPTED,
    summary="Зарегистрировать потребителя",
    description="Принимает регистрацию в очередь: в течение нескольких минут создаётся учётная запись "
    "и на email приходит письмо с паролем. Уже известный email получает тот же ответ 202 (за то же "
    "время) и письмо о том, что адрес зарегистрирован. На один адрес — не больше "
    "`MailsPerAddressPerHour` (по умолчанию 3) писем о регистрации и сбросе пароля в час: остальные "
    "регистрации получают тот же ответ 202, но письма не отправляются."
    "\n\nСверх схемы: `email` проверяется по правилам адресов почты (RFC 5321, email-validator): часть "
    "до @ — латиница, домен верхнего уровня — латинскими буквами; `phone` — номер, который существует в "
    "плане нумерации своей страны (без кода страны — российский); `full_name` и `org_name` — в одну "
    "строку, с буквами, без ссылок.",
    openapi_extensions=rules_beyond_schema("email", "phone", "full_name", "org_name"),
    responses=answers(
        202,
        "Принято: письмо будет отправлено",
        RegistrationAccepted,
        {
            **ERROR_RESPONSES,
            503: {
                "description": "Очередь писем недоступна, регистрация не принята; повторите через "
                "Retry-After секунд",
                "headers": RETRY_AFTER,
                **PROBLEM_RESPONSE,
            },
        },
    ),
    tags=TAGS,
)
def register(registration: Annotated[Registration, Body()]) -> RegistrationAccepted:
    from functions.auth import service

    service.register(registration)
    return RegistrationAccepted()


@app.get(
    "/api/policy",
    operation_id="getPolicy",
    summary="Политика обработки персональных данных и текст согласия",
    description="Текст политики (152-ФЗ, ст. 18.1 ч. 2) с наименованием и адресом оператора, и действующая "
    "редакция текста согласия: её `version` регистрация передаёт в `consent_version`, а профиль хранит "
    "вместе со временем согласия и `sha256` текста.",
    responses=answers(200, "Политика и текст согласия", PolicyOutput, ERROR_RESPONSES),
    tags=TAGS,
)
def get_policy() -> PolicyOutput:
    from functions.auth import service

    return service.policy()


@app.post(
    "/api/auth/login",
    operation_id="logIn",
    summary="Войти",
    description="Сверх схемы: `email` проверяется по правилам адресов почты (RFC 5321, email-validator).",
    openapi_extensions=rules_beyond_schema("email"),
    responses=answers(
        200, "Токены", TokensOutput, {**ERROR_RESPONSES, 401: CONSUMER_ERROR_RESPONSES[401], **LOCKED_OUT}
    ),
    tags=TAGS,
)
def log_in(request: Annotated[LoginRequest, Body()]) -> TokensOutput:
    from functions.auth import service

    return _tokens(service.log_in(request))


@app.post(
    "/api/auth/refresh",
    operation_id="refreshTokens",
    summary="Обновить токены",
    responses=answers(200, "Новые id_token и access_token", TokensOutput, CONSUMER_ERROR_RESPONSES),
    tags=TAGS,
)
def refresh(request: Annotated[RefreshRequest, Body()]) -> TokensOutput:
    from functions.auth import service

    return _tokens(service.refresh(request.refresh_token))


@app.post(
    "/api/auth/logout",
    operation_id="logOut",
    summary="Выйти на всех устройствах",
    responses=answers(204, "Все токены обновления отозваны", None, CONSUMER_ERROR_RESPONSES),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def log_out() -> Response[str]:
    from functions.auth import service

    service.log_out(current_caller(app))
    return no_content()


@app.get(
    "/api/profile",
    operation_id="getProfile",
    summary="Профиль",
    responses=answers(200, "Профиль потребителя", ProfileOutput, CONSUMER_ERROR_RESPONSES),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def get_profile() -> ProfileOutput:
    from functions.auth import service

    return service.profile(current_caller(app))


@app.patch(
    "/api/profile",
    operation_id="changeProfile",
    summary="Изменить телефон, ФИО или название организации",
    description="Меняет переданные поля (хотя бы одно): `phone` — у всех, `full_name` — у физического лица, "
    "`org_name` — у юридического (другое имя — 422 на этом поле). Об изменении уходит письмо на адрес "
    "электронной почты учётной записи. Адрес (имя для входа) меняется через `POST /api/profile/email`."
    "\n\nСверх схемы: `phone` — существующий номер; `full_name` — только у физического лица, `org_name` — "
    "только у юридического.",
    openapi_extensions=rules_beyond_schema("phone", "full_name", "org_name"),
    responses=answers(200, "Профиль после изменения", ProfileOutput, CONSUMER_ERROR_RESPONSES),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def change_profile(change: Annotated[ProfileChange, Body()]) -> ProfileOutput:
    from functions.auth import service

    return service.change_profile(current_caller(app), change)


@app.post(
    "/api/profile/consent",
    operation_id="acceptConsent",
    summary="Принять действующую редакцию согласия на обработку персональных данных",
    description="Когда профиль говорит `consent_required: true` (потребитель принимал более старую "
    "редакцию), кабинет показывает действующий текст (`GET /api/policy`: `consent`) и просит принять "
    "его. Принятие записывается так же, как согласие при регистрации: редакция, время и SHA-256 текста "
    "(152-ФЗ, ст. 9 ч. 1 и ч. 4); прежнее согласие сохраняется в истории. Отказ — это отзыв согласия: "
    "удаление учётной записи (`DELETE /api/profile`). Повтор с той же редакцией ничего не меняет."
    "\n\nСверх схемы: `consent_version` — действующая редакция; `accepted` — только `true`.",
    openapi_extensions=rules_beyond_schema("consent_version", "accepted"),
    responses=answers(
        200,
        "Профиль с записанным согласием",
        ProfileOutput,
        {
            **CONSUMER_ERROR_RESPONSES,
            404: {"description": "Профиля нет: учётная запись удалена или удаляется", **PROBLEM_RESPONSE},
        },
    ),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def accept_consent(acceptance: Annotated[ConsentAcceptance, Body()]) -> ProfileOutput:
    from functions.auth import service

    return service.accept_consent(current_caller(app), acceptance)


@app.get(
    "/api/profile/export",
    operation_id="exportMyData",
    summary="Мои данные: всё, что хранится о потребителе",
    description="Профиль (с записью о согласии), заявки с историей, показания и подключение АСКУЭ "
    "без пароля, одним JSON (152-ФЗ, ст. 14). Отдаётся как файл `moi-dannye.json`.",
    responses=answers(200, "Данные потребителя", DataExport, CONSUMER_ERROR_RESPONSES),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def export_data() -> Response[str]:
    from functions.auth import export

    exported = export.export(current_caller(app).user_id)
    return Response(
        status_code=HTTPStatus.OK,
        content_type="application/json",
        body=exported.model_dump_json(),
        headers={"Content-Disposition": 'attachment; filename="moi-dannye.json"'},
    )


@app.delete(
    "/api/profile",
    operation_id="deleteAccount",
    summary="Удалить учётную запись (отозвать согласие)",
    description="Подтверждается паролем. С этого ответа войти нельзя, все сеансы завершены; на email уходит "
    "письмо. В течение 30 дней персональные данные удаляются (152-ФЗ, ст. 21 ч. 5); заявки и показания "
    "остаются обезличенными для учёта сетевой компании (ст. 9 ч. 2; 402-ФЗ, ст. 29)."
    "\n\nСверх схемы: `password` — текущий пароль учётной записи.",
    openapi_extensions=rules_beyond_schema("password"),
    responses=answers(204, "Учётная запись удалена", None, {**CONSUMER_ERROR_RESPONSES, **LOCKED_OUT}),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def delete_account(deletion: Annotated[AccountDeletion, Body()]) -> Response[str]:
    from functions.auth import service

    service.delete_account(current_caller(app), deletion)
    return no_content()


@app.post(
    "/api/profile/password",
    operation_id="changePassword",
    summary="Сменить пароль",
    description="Сверх схемы: `old_password` — текущий пароль учётной записи; новый пароль отличается "
    "от старого и повторён в `new_password_repeat` в точности; требования Cognito к паролю (буквы, "
    "цифры) проверяются до смены.",
    openapi_extensions=rules_beyond_schema("old_password", "new_password", "new_password_repeat"),
    responses=answers(
        204,
        "Пароль изменён, все сеансы завершены; письмо об этом поставлено в очередь",
        None,
        {**CONSUMER_ERROR_RESPONSES, **LOCKED_OUT},
    ),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def change_password(change: Annotated[PasswordChange, Body()]) -> Response[str]:
    from functions.auth import service

    service.change_password(current_caller(app), change)
    return no_content()


@app.post(
    "/api/auth/forgot-password",
    operation_id="requestPasswordReset",
    status_code=HTTPStatus.ACCEPTED,
    summary="Забыли пароль: получить код на email",
    description="Принимает запрос в очередь: если адрес зарегистрирован, на него придёт письмо с кодом из "
    "6 цифр для `POST /api/auth/reset-password` (код действует 15 минут и подходит один раз; новый код "
    "заменяет прежний). Ответ 202 один и тот же и за то же время для любого адреса: он не говорит, "
    "зарегистрирован ли адрес. На один адрес — не больше `MailsPerAddressPerHour` (по умолчанию 3) писем "
    "о регистрации и смене пароля в час: остальные запросы получают тот же ответ, но письма не отправляются."
    "\n\nСверх схемы: `email` проверяется по правилам адресов почты (RFC 5321, email-validator).",
    openapi_extensions=rules_beyond_schema("email"),
    responses=answers(
        202,
        "Принято: если адрес зарегистрирован, письмо с кодом будет отправлено",
        ResetCodeRequested,
        {
            **ERROR_RESPONSES,
            503: {
                "description": "Очередь писем недоступна, запрос не принят; повторите через "
                "Retry-After секунд",
                "headers": RETRY_AFTER,
                **PROBLEM_RESPONSE,
            },
        },
    ),
    tags=TAGS,
)
def forgot_password(request: Annotated[ForgottenPassword, Body()]) -> ResetCodeRequested:
    from functions.auth import service

    service.request_reset_code(request.email)
    return ResetCodeRequested()


@app.post(
    "/api/auth/reset-password",
    operation_id="resetPassword",
    summary="Забыли пароль: задать новый пароль по коду из письма",
    description="Задаёт новый пароль (длиннее 5 символов, не из списка самых распространённых; "
    "`new_password_repeat` должен совпадать с `new_password`), если `code` — код из последнего письма "
    "для этого адреса: не старше 15 минут, ещё не использованный, и на него было меньше 5 попыток. "
    "Неизвестный адрес, неверный, устаревший или исчерпавший попытки код получают один и тот же ответ "
    "422 на поле `code`. После смены пароля все сеансы завершаются, на адрес приходит уведомление."
    "\n\nСверх схемы: `email` — по правилам адресов почты (email-validator); `code` — действующий код "
    "этого адреса; `new_password` — не из списка распространённых паролей, `new_password_repeat` "
    "совпадает с ним.",
    openapi_extensions=rules_beyond_schema("email", "code", "new_password", "new_password_repeat"),
    responses=answers(
        204,
        "Пароль изменён, все сеансы завершены; уведомление поставлено в очередь",
        None,
        ERROR_RESPONSES,
    ),
    tags=TAGS,
)
def reset_password(reset: Annotated[PasswordReset, Body()]) -> Response[str]:
    from functions.auth import service

    service.reset_password(reset)
    return no_content()


@app.post(
    "/api/profile/email",
    operation_id="requestEmailChange",
    status_code=HTTPStatus.ACCEPTED,
    summary="Сменить email (имя для входа): получить код на новый адрес",
    description="Подтверждается текущим паролем (`password`; неверный — 422 на этом поле). На `new_email` "
    "уходит письмо с кодом из 6 цифр для `POST /api/profile/email/confirm` (код действует 15 минут, "
    "подходит один раз, на него 5 попыток; новый запрос заменяет прежний код). Ответ 202 один и тот же "
    "для любого нового адреса: если адрес уже занят другой учётной записью, кода не будет — письмо об "
    "этом получает владелец адреса. `new_email`, совпадающий с текущим, — 422 на этом поле. На один адрес — "
    "не больше `MailsPerAddressPerHour` (по умолчанию 3) писем с кодами в час."
    "\n\nСверх схемы: `new_email` — по правилам адресов почты (email-validator) и не текущий адрес; "
    "`password` — текущий пароль.",
    openapi_extensions=rules_beyond_schema("new_email", "password"),
    responses=answers(
        202,
        "Принято: письмо с кодом будет отправлено на новый адрес",
        EmailCodeRequested,
        {
            **CONSUMER_ERROR_RESPONSES,
            **LOCKED_OUT,
            503: {
                "description": "Очередь писем недоступна, запрос не принят; повторите через "
                "Retry-After секунд",
                "headers": RETRY_AFTER,
                **PROBLEM_RESPONSE,
            },
        },
    ),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def request_email_change(change: Annotated[EmailChange, Body()]) -> EmailCodeRequested:
    from functions.auth import service

    service.request_email_change(current_caller(app), change)
    return EmailCodeRequested()


@app.post(
    "/api/profile/email/confirm",
    operation_id="confirmEmailChange",
    summary="Сменить email (имя для входа): подтвердить кодом из письма",
    description="Если `code` — код из последнего письма на новый адрес (не старше 15 минут, не "
    "использованный, меньше 5 попыток), новый адрес становится именем для входа и адресом писем; со "
    "старым войти больше нельзя. Неверный, устаревший или исчерпавший попытки код — 422 на поле `code`; "
    "адрес, занятый за это время другой учётной записью, — тоже 422 на `code`, email не меняется. После "
    "смены все сеансы завершены (войдите с новым адресом), на старый адрес уходит уведомление."
    "\n\nСверх схемы: `code` — действующий код из письма на новый адрес.",
    openapi_extensions=rules_beyond_schema("code"),
    responses=answers(
        204,
        "Адрес электронной почты изменён, все сеансы завершены; уведомление поставлено в очередь",
        None,
        CONSUMER_ERROR_RESPONSES,
    ),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def confirm_email_change(confirmation: Annotated[EmailChangeConfirmation, Body()]) -> Response[str]:
    from functions.auth import service

    service.confirm_email_change(current_caller(app), confirmation)
    return no_content()


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


def _load_services() -> None:
    """The rules and stores each route imports when it runs (a cold start without a snapshot pays
    only its own route's: the data export's are every domain's stores), and the settings of the
    mail and the notices a change owes; with SnapStart, all of them before the snapshot."""
    from functions.auth import export, service
    from functions.common.mail import MailSettings
    from functions.common.outbox import OutboxSettings

    load_settings(MailSettings)
    load_settings(OutboxSettings)
    del export, service


# SnapStart (template.yaml): what the first requests would load is loaded before the snapshot.
prime(
    app,
    aws.cognito,
    aws.dynamodb,
    aws.sqs,
    portal_settings,
    load_validators,
    common_passwords,  # zxcvbn's list: what the first new password would load
    _load_services,
)
