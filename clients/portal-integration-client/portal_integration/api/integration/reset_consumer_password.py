from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.password_reset import PasswordReset
from ...models.password_reset_accepted import PasswordResetAccepted
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: PasswordReset,
    idempotency_key: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/integration/users/reset-password",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PasswordResetAccepted | ProblemDetails | None:
    if response.status_code == 202:
        response_202 = PasswordResetAccepted.from_dict(response.json())



        return response_202

    if response.status_code == 400:
        response_400 = ProblemDetails.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ProblemDetails.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetails.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = ProblemDetails.from_dict(response.json())



        return response_404

    if response.status_code == 413:
        response_413 = ProblemDetails.from_dict(response.json())



        return response_413

    if response.status_code == 415:
        response_415 = ProblemDetails.from_dict(response.json())



        return response_415

    if response.status_code == 422:
        response_422 = ProblemDetails.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = ProblemDetails.from_dict(response.json())



        return response_429

    if response.status_code == 503:
        response_503 = ProblemDetails.from_dict(response.json())



        return response_503

    if response.status_code == 504:
        response_504 = ProblemDetails.from_dict(response.json())



        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PasswordResetAccepted | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PasswordReset,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[PasswordResetAccepted | ProblemDetails]:
    """ Сбросить пароль потребителя (служба поддержки)

     Ставит сброс в очередь: в течение нескольких минут потребителю будет задан новый случайный пароль,
    все сеансы завершены, а пароль отправлен на email. На один адрес — не больше
    `MailsPerAddressPerHour` (по умолчанию 3) писем о регистрации и сбросе пароля в час.

    Сверх схемы: `email` проверяется по правилам адресов почты (RFC 5321, email-validator);
    `Idempotency-Key` — 8–128 латинских букв, цифр и знаков -_.:, тот же ключ — только с тем же адресом.

    Args:
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.
        body (PasswordReset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PasswordResetAccepted | ProblemDetails]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: PasswordReset,
    idempotency_key: None | str | Unset = UNSET,

) -> PasswordResetAccepted | ProblemDetails | None:
    """ Сбросить пароль потребителя (служба поддержки)

     Ставит сброс в очередь: в течение нескольких минут потребителю будет задан новый случайный пароль,
    все сеансы завершены, а пароль отправлен на email. На один адрес — не больше
    `MailsPerAddressPerHour` (по умолчанию 3) писем о регистрации и сбросе пароля в час.

    Сверх схемы: `email` проверяется по правилам адресов почты (RFC 5321, email-validator);
    `Idempotency-Key` — 8–128 латинских букв, цифр и знаков -_.:, тот же ключ — только с тем же адресом.

    Args:
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.
        body (PasswordReset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PasswordResetAccepted | ProblemDetails
     """


    return sync_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PasswordReset,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[PasswordResetAccepted | ProblemDetails]:
    """ Сбросить пароль потребителя (служба поддержки)

     Ставит сброс в очередь: в течение нескольких минут потребителю будет задан новый случайный пароль,
    все сеансы завершены, а пароль отправлен на email. На один адрес — не больше
    `MailsPerAddressPerHour` (по умолчанию 3) писем о регистрации и сбросе пароля в час.

    Сверх схемы: `email` проверяется по правилам адресов почты (RFC 5321, email-validator);
    `Idempotency-Key` — 8–128 латинских букв, цифр и знаков -_.:, тот же ключ — только с тем же адресом.

    Args:
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.
        body (PasswordReset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PasswordResetAccepted | ProblemDetails]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: PasswordReset,
    idempotency_key: None | str | Unset = UNSET,

) -> PasswordResetAccepted | ProblemDetails | None:
    """ Сбросить пароль потребителя (служба поддержки)

     Ставит сброс в очередь: в течение нескольких минут потребителю будет задан новый случайный пароль,
    все сеансы завершены, а пароль отправлен на email. На один адрес — не больше
    `MailsPerAddressPerHour` (по умолчанию 3) писем о регистрации и сбросе пароля в час.

    Сверх схемы: `email` проверяется по правилам адресов почты (RFC 5321, email-validator);
    `Idempotency-Key` — 8–128 латинских букв, цифр и знаков -_.:, тот же ключ — только с тем же адресом.

    Args:
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.
        body (PasswordReset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PasswordResetAccepted | ProblemDetails
     """


    return (await asyncio_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
