from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.integration_request import IntegrationRequest
from ...models.problem_details import ProblemDetails
from ...models.status_change import StatusChange
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    id: str,
    *,
    body: StatusChange,
    idempotency_key: None | str | Unset = UNSET,
    if_match: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key

    if not isinstance(if_match, Unset):
        headers["if-match"] = if_match



    

    

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/integration/requests/{id}".format(id=quote(str(id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> IntegrationRequest | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = IntegrationRequest.from_dict(response.json())



        return response_200

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

    if response.status_code == 409:
        response_409 = ProblemDetails.from_dict(response.json())



        return response_409

    if response.status_code == 412:
        response_412 = ProblemDetails.from_dict(response.json())



        return response_412

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[IntegrationRequest | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    body: StatusChange,
    idempotency_key: None | str | Unset = UNSET,
    if_match: None | str | Unset = UNSET,

) -> Response[IntegrationRequest | ProblemDetails]:
    """ Изменить статус заявки

     Переводит заявку в новый статус по правилам, сохраняет изменение в истории и отправляет потребителю
    письмо. Перевод в статус, который у заявки уже есть (например, повтор запроса после обрыва связи),
    отвечает 200 с заявкой как есть: без новой записи в истории и без письма. `expected_status` —
    статус, в котором вы видели заявку: если её уже перевела другая система, ответ 412 и ничего не
    меняется. Заголовок `If-Match` с ETag из GET заявки строже: перевод выполняется, только если заявка
    с тех пор не менялась вовсе (статус, сообщения, этапы), иначе 412 (`code: version-changed`). Ответ
    несёт новый ETag.

    Сверх схемы: для «Отклонена» (`rejected`) и «Требуются уточнения» (`needs_info`) комментарий
    `comment` обязателен; `If-Match` — ETag в кавычках или *.

    Args:
        id (str): id заявки
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.
        if_match (None | str | Unset): ETag заявки из GET /api/integration/requests/{id}: перевод
            выполняется, только если заявка не менялась с тех пор; иначе 412
        body (StatusChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[IntegrationRequest | ProblemDetails]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,
idempotency_key=idempotency_key,
if_match=if_match,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    id: str,
    *,
    client: AuthenticatedClient,
    body: StatusChange,
    idempotency_key: None | str | Unset = UNSET,
    if_match: None | str | Unset = UNSET,

) -> IntegrationRequest | ProblemDetails | None:
    """ Изменить статус заявки

     Переводит заявку в новый статус по правилам, сохраняет изменение в истории и отправляет потребителю
    письмо. Перевод в статус, который у заявки уже есть (например, повтор запроса после обрыва связи),
    отвечает 200 с заявкой как есть: без новой записи в истории и без письма. `expected_status` —
    статус, в котором вы видели заявку: если её уже перевела другая система, ответ 412 и ничего не
    меняется. Заголовок `If-Match` с ETag из GET заявки строже: перевод выполняется, только если заявка
    с тех пор не менялась вовсе (статус, сообщения, этапы), иначе 412 (`code: version-changed`). Ответ
    несёт новый ETag.

    Сверх схемы: для «Отклонена» (`rejected`) и «Требуются уточнения» (`needs_info`) комментарий
    `comment` обязателен; `If-Match` — ETag в кавычках или *.

    Args:
        id (str): id заявки
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.
        if_match (None | str | Unset): ETag заявки из GET /api/integration/requests/{id}: перевод
            выполняется, только если заявка не менялась с тех пор; иначе 412
        body (StatusChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        IntegrationRequest | ProblemDetails
     """


    return sync_detailed(
        id=id,
client=client,
body=body,
idempotency_key=idempotency_key,
if_match=if_match,

    ).parsed

async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    body: StatusChange,
    idempotency_key: None | str | Unset = UNSET,
    if_match: None | str | Unset = UNSET,

) -> Response[IntegrationRequest | ProblemDetails]:
    """ Изменить статус заявки

     Переводит заявку в новый статус по правилам, сохраняет изменение в истории и отправляет потребителю
    письмо. Перевод в статус, который у заявки уже есть (например, повтор запроса после обрыва связи),
    отвечает 200 с заявкой как есть: без новой записи в истории и без письма. `expected_status` —
    статус, в котором вы видели заявку: если её уже перевела другая система, ответ 412 и ничего не
    меняется. Заголовок `If-Match` с ETag из GET заявки строже: перевод выполняется, только если заявка
    с тех пор не менялась вовсе (статус, сообщения, этапы), иначе 412 (`code: version-changed`). Ответ
    несёт новый ETag.

    Сверх схемы: для «Отклонена» (`rejected`) и «Требуются уточнения» (`needs_info`) комментарий
    `comment` обязателен; `If-Match` — ETag в кавычках или *.

    Args:
        id (str): id заявки
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.
        if_match (None | str | Unset): ETag заявки из GET /api/integration/requests/{id}: перевод
            выполняется, только если заявка не менялась с тех пор; иначе 412
        body (StatusChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[IntegrationRequest | ProblemDetails]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,
idempotency_key=idempotency_key,
if_match=if_match,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient,
    body: StatusChange,
    idempotency_key: None | str | Unset = UNSET,
    if_match: None | str | Unset = UNSET,

) -> IntegrationRequest | ProblemDetails | None:
    """ Изменить статус заявки

     Переводит заявку в новый статус по правилам, сохраняет изменение в истории и отправляет потребителю
    письмо. Перевод в статус, который у заявки уже есть (например, повтор запроса после обрыва связи),
    отвечает 200 с заявкой как есть: без новой записи в истории и без письма. `expected_status` —
    статус, в котором вы видели заявку: если её уже перевела другая система, ответ 412 и ничего не
    меняется. Заголовок `If-Match` с ETag из GET заявки строже: перевод выполняется, только если заявка
    с тех пор не менялась вовсе (статус, сообщения, этапы), иначе 412 (`code: version-changed`). Ответ
    несёт новый ETag.

    Сверх схемы: для «Отклонена» (`rejected`) и «Требуются уточнения» (`needs_info`) комментарий
    `comment` обязателен; `If-Match` — ETag в кавычках или *.

    Args:
        id (str): id заявки
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.
        if_match (None | str | Unset): ETag заявки из GET /api/integration/requests/{id}: перевод
            выполняется, только если заявка не менялась с тех пор; иначе 412
        body (StatusChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        IntegrationRequest | ProblemDetails
     """


    return (await asyncio_detailed(
        id=id,
client=client,
body=body,
idempotency_key=idempotency_key,
if_match=if_match,

    )).parsed
