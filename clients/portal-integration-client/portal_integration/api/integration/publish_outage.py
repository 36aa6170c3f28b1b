from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.outage import Outage
from ...models.outage_publication import OutagePublication
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: OutagePublication,
    idempotency_key: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/integration/outages",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Outage | ProblemDetails | None:
    if response.status_code == 201:
        response_201 = Outage.from_dict(response.json())



        return response_201

    if response.status_code == 400:
        response_400 = ProblemDetails.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ProblemDetails.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetails.from_dict(response.json())



        return response_403

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Outage | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: OutagePublication,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[Outage | ProblemDetails]:
    """ Опубликовать отключение

     Плановое (planned) или аварийное (emergency) отключение по адресам: населённый пункт, улица (если
    есть) и дома — номера и диапазоны «1-15, 17, 21а» (пусто — вся улица). Для аварийного ends_at —
    ожидаемое время восстановления. Отключение сразу видно всем (GET /api/outages) и потребителям, чьи
    объекты по этим адресам (GET /api/outages/mine); о плановом им приходит письмо накануне (или сразу,
    если до начала меньше суток). Заголовок `Idempotency-Key` обязателен: повтор с тем же ключом и теми
    же данными возвращает то же отключение, с другими — 422.

    Сверх схемы: `addresses.*.houses` — номера и диапазоны домов от меньшего к большему; `ends_at` позже
    `starts_at`; `Idempotency-Key` обязателен.

    Args:
        idempotency_key (None | str | Unset): Уникальная строка на каждое новое отключение
        body (OutagePublication): What the company publishes.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Outage | ProblemDetails]
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
    body: OutagePublication,
    idempotency_key: None | str | Unset = UNSET,

) -> Outage | ProblemDetails | None:
    """ Опубликовать отключение

     Плановое (planned) или аварийное (emergency) отключение по адресам: населённый пункт, улица (если
    есть) и дома — номера и диапазоны «1-15, 17, 21а» (пусто — вся улица). Для аварийного ends_at —
    ожидаемое время восстановления. Отключение сразу видно всем (GET /api/outages) и потребителям, чьи
    объекты по этим адресам (GET /api/outages/mine); о плановом им приходит письмо накануне (или сразу,
    если до начала меньше суток). Заголовок `Idempotency-Key` обязателен: повтор с тем же ключом и теми
    же данными возвращает то же отключение, с другими — 422.

    Сверх схемы: `addresses.*.houses` — номера и диапазоны домов от меньшего к большему; `ends_at` позже
    `starts_at`; `Idempotency-Key` обязателен.

    Args:
        idempotency_key (None | str | Unset): Уникальная строка на каждое новое отключение
        body (OutagePublication): What the company publishes.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Outage | ProblemDetails
     """


    return sync_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: OutagePublication,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[Outage | ProblemDetails]:
    """ Опубликовать отключение

     Плановое (planned) или аварийное (emergency) отключение по адресам: населённый пункт, улица (если
    есть) и дома — номера и диапазоны «1-15, 17, 21а» (пусто — вся улица). Для аварийного ends_at —
    ожидаемое время восстановления. Отключение сразу видно всем (GET /api/outages) и потребителям, чьи
    объекты по этим адресам (GET /api/outages/mine); о плановом им приходит письмо накануне (или сразу,
    если до начала меньше суток). Заголовок `Idempotency-Key` обязателен: повтор с тем же ключом и теми
    же данными возвращает то же отключение, с другими — 422.

    Сверх схемы: `addresses.*.houses` — номера и диапазоны домов от меньшего к большему; `ends_at` позже
    `starts_at`; `Idempotency-Key` обязателен.

    Args:
        idempotency_key (None | str | Unset): Уникальная строка на каждое новое отключение
        body (OutagePublication): What the company publishes.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Outage | ProblemDetails]
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
    body: OutagePublication,
    idempotency_key: None | str | Unset = UNSET,

) -> Outage | ProblemDetails | None:
    """ Опубликовать отключение

     Плановое (planned) или аварийное (emergency) отключение по адресам: населённый пункт, улица (если
    есть) и дома — номера и диапазоны «1-15, 17, 21а» (пусто — вся улица). Для аварийного ends_at —
    ожидаемое время восстановления. Отключение сразу видно всем (GET /api/outages) и потребителям, чьи
    объекты по этим адресам (GET /api/outages/mine); о плановом им приходит письмо накануне (или сразу,
    если до начала меньше суток). Заголовок `Idempotency-Key` обязателен: повтор с тем же ключом и теми
    же данными возвращает то же отключение, с другими — 422.

    Сверх схемы: `addresses.*.houses` — номера и диапазоны домов от меньшего к большему; `ends_at` позже
    `starts_at`; `Idempotency-Key` обязателен.

    Args:
        idempotency_key (None | str | Unset): Уникальная строка на каждое новое отключение
        body (OutagePublication): What the company publishes.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Outage | ProblemDetails
     """


    return (await asyncio_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
