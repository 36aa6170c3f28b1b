from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.integration_page import IntegrationPage
from ...models.problem_details import ProblemDetails
from ...models.request_status import RequestStatus
from ...types import UNSET, Unset
from typing import cast
import datetime



def _get_kwargs(
    *,
    status: None | RequestStatus | Unset = UNSET,
    unanswered: bool | Unset = False,
    since: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, RequestStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    params["unanswered"] = unanswered

    json_since: None | str | Unset
    if isinstance(since, Unset):
        json_since = UNSET
    elif isinstance(since, datetime.datetime):
        json_since = since.isoformat()
    else:
        json_since = since
    params["since"] = json_since

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["limit"] = limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/integration/requests",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> IntegrationPage | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = IntegrationPage.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[IntegrationPage | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: None | RequestStatus | Unset = UNSET,
    unanswered: bool | Unset = False,
    since: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,

) -> Response[IntegrationPage | ProblemDetails]:
    """ Заявки в статусе или ждущие ответа

     Заявки, перешедшие в статус `status` не раньше `since` (ISO 8601), в порядке перехода
    (`status_changed_at`). Это снимок для сверки, а не способ узнавать о новом: список читает индекс,
    который DynamoDB обновляет с задержкой, и заявка, попавшая в него позже опроса, будет пропущена.
    Чтобы не пропустить ни одного изменения, читайте ленту GET /api/integration/changes с курсором. С
    `unanswered=true` (без `status`) — заявки, где потребитель написал и компания ещё не ответила,
    начиная с дольше всех ждущих (`since` — не раньше этого времени первого неотвеченного сообщения).
    Нужен ровно один из `status` и `unanswered=true`. Следующая страница — `?cursor=` из ответа.

    Сверх схемы: нужен ровно один из `status` и `unanswered=true`; `cursor` — только тот, что выдан этим
    API для того же запроса.

    Args:
        status (None | RequestStatus | Unset):
        unanswered (bool | Unset): true — только заявки с неотвеченным сообщением потребителя
            Default: False.
        since (datetime.datetime | None | Unset):
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[IntegrationPage | ProblemDetails]
     """


    kwargs = _get_kwargs(
        status=status,
unanswered=unanswered,
since=since,
cursor=cursor,
limit=limit,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    status: None | RequestStatus | Unset = UNSET,
    unanswered: bool | Unset = False,
    since: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,

) -> IntegrationPage | ProblemDetails | None:
    """ Заявки в статусе или ждущие ответа

     Заявки, перешедшие в статус `status` не раньше `since` (ISO 8601), в порядке перехода
    (`status_changed_at`). Это снимок для сверки, а не способ узнавать о новом: список читает индекс,
    который DynamoDB обновляет с задержкой, и заявка, попавшая в него позже опроса, будет пропущена.
    Чтобы не пропустить ни одного изменения, читайте ленту GET /api/integration/changes с курсором. С
    `unanswered=true` (без `status`) — заявки, где потребитель написал и компания ещё не ответила,
    начиная с дольше всех ждущих (`since` — не раньше этого времени первого неотвеченного сообщения).
    Нужен ровно один из `status` и `unanswered=true`. Следующая страница — `?cursor=` из ответа.

    Сверх схемы: нужен ровно один из `status` и `unanswered=true`; `cursor` — только тот, что выдан этим
    API для того же запроса.

    Args:
        status (None | RequestStatus | Unset):
        unanswered (bool | Unset): true — только заявки с неотвеченным сообщением потребителя
            Default: False.
        since (datetime.datetime | None | Unset):
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        IntegrationPage | ProblemDetails
     """


    return sync_detailed(
        client=client,
status=status,
unanswered=unanswered,
since=since,
cursor=cursor,
limit=limit,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: None | RequestStatus | Unset = UNSET,
    unanswered: bool | Unset = False,
    since: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,

) -> Response[IntegrationPage | ProblemDetails]:
    """ Заявки в статусе или ждущие ответа

     Заявки, перешедшие в статус `status` не раньше `since` (ISO 8601), в порядке перехода
    (`status_changed_at`). Это снимок для сверки, а не способ узнавать о новом: список читает индекс,
    который DynamoDB обновляет с задержкой, и заявка, попавшая в него позже опроса, будет пропущена.
    Чтобы не пропустить ни одного изменения, читайте ленту GET /api/integration/changes с курсором. С
    `unanswered=true` (без `status`) — заявки, где потребитель написал и компания ещё не ответила,
    начиная с дольше всех ждущих (`since` — не раньше этого времени первого неотвеченного сообщения).
    Нужен ровно один из `status` и `unanswered=true`. Следующая страница — `?cursor=` из ответа.

    Сверх схемы: нужен ровно один из `status` и `unanswered=true`; `cursor` — только тот, что выдан этим
    API для того же запроса.

    Args:
        status (None | RequestStatus | Unset):
        unanswered (bool | Unset): true — только заявки с неотвеченным сообщением потребителя
            Default: False.
        since (datetime.datetime | None | Unset):
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[IntegrationPage | ProblemDetails]
     """


    kwargs = _get_kwargs(
        status=status,
unanswered=unanswered,
since=since,
cursor=cursor,
limit=limit,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    status: None | RequestStatus | Unset = UNSET,
    unanswered: bool | Unset = False,
    since: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,

) -> IntegrationPage | ProblemDetails | None:
    """ Заявки в статусе или ждущие ответа

     Заявки, перешедшие в статус `status` не раньше `since` (ISO 8601), в порядке перехода
    (`status_changed_at`). Это снимок для сверки, а не способ узнавать о новом: список читает индекс,
    который DynamoDB обновляет с задержкой, и заявка, попавшая в него позже опроса, будет пропущена.
    Чтобы не пропустить ни одного изменения, читайте ленту GET /api/integration/changes с курсором. С
    `unanswered=true` (без `status`) — заявки, где потребитель написал и компания ещё не ответила,
    начиная с дольше всех ждущих (`since` — не раньше этого времени первого неотвеченного сообщения).
    Нужен ровно один из `status` и `unanswered=true`. Следующая страница — `?cursor=` из ответа.

    Сверх схемы: нужен ровно один из `status` и `unanswered=true`; `cursor` — только тот, что выдан этим
    API для того же запроса.

    Args:
        status (None | RequestStatus | Unset):
        unanswered (bool | Unset): true — только заявки с неотвеченным сообщением потребителя
            Default: False.
        since (datetime.datetime | None | Unset):
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        IntegrationPage | ProblemDetails
     """


    return (await asyncio_detailed(
        client=client,
status=status,
unanswered=unanswered,
since=since,
cursor=cursor,
limit=limit,

    )).parsed
