from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.feed_page import FeedPage
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    after: int | Unset = 0,
    limit: int | Unset = 100,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["after"] = after

    params["limit"] = limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/integration/changes",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> FeedPage | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = FeedPage.from_dict(response.json())



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

    if response.status_code == 410:
        response_410 = ProblemDetails.from_dict(response.json())



        return response_410

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[FeedPage | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    after: int | Unset = 0,
    limit: int | Unset = 100,

) -> Response[FeedPage | ProblemDetails]:
    """ Лента изменений

     Все изменения, о которых узнают системы компании (заявки, сообщения, этапы, объекты, показания,
    отключения, удаление учётных записей) — те же события, что публикует шина (docs/events.md), с
    номером `sequence`: 1, 2, 3… без пропусков, в порядке записи. Читайте с `after` = `next_after`
    прошлого ответа (в первый раз — 0): изменение с номером больше курсора не будет пропущено, даже если
    списки и индексы обновятся позже. Лента хранит изменения 14 дней: курсор старше — 410, сверьтесь по
    спискам и продолжайте с `latest`.

    Сверх схемы: `after` не больше номера последнего изменения.

    Args:
        after (int | Unset): Номер последнего прочитанного изменения (0 — с начала) Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FeedPage | ProblemDetails]
     """


    kwargs = _get_kwargs(
        after=after,
limit=limit,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    after: int | Unset = 0,
    limit: int | Unset = 100,

) -> FeedPage | ProblemDetails | None:
    """ Лента изменений

     Все изменения, о которых узнают системы компании (заявки, сообщения, этапы, объекты, показания,
    отключения, удаление учётных записей) — те же события, что публикует шина (docs/events.md), с
    номером `sequence`: 1, 2, 3… без пропусков, в порядке записи. Читайте с `after` = `next_after`
    прошлого ответа (в первый раз — 0): изменение с номером больше курсора не будет пропущено, даже если
    списки и индексы обновятся позже. Лента хранит изменения 14 дней: курсор старше — 410, сверьтесь по
    спискам и продолжайте с `latest`.

    Сверх схемы: `after` не больше номера последнего изменения.

    Args:
        after (int | Unset): Номер последнего прочитанного изменения (0 — с начала) Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FeedPage | ProblemDetails
     """


    return sync_detailed(
        client=client,
after=after,
limit=limit,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    after: int | Unset = 0,
    limit: int | Unset = 100,

) -> Response[FeedPage | ProblemDetails]:
    """ Лента изменений

     Все изменения, о которых узнают системы компании (заявки, сообщения, этапы, объекты, показания,
    отключения, удаление учётных записей) — те же события, что публикует шина (docs/events.md), с
    номером `sequence`: 1, 2, 3… без пропусков, в порядке записи. Читайте с `after` = `next_after`
    прошлого ответа (в первый раз — 0): изменение с номером больше курсора не будет пропущено, даже если
    списки и индексы обновятся позже. Лента хранит изменения 14 дней: курсор старше — 410, сверьтесь по
    спискам и продолжайте с `latest`.

    Сверх схемы: `after` не больше номера последнего изменения.

    Args:
        after (int | Unset): Номер последнего прочитанного изменения (0 — с начала) Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FeedPage | ProblemDetails]
     """


    kwargs = _get_kwargs(
        after=after,
limit=limit,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    after: int | Unset = 0,
    limit: int | Unset = 100,

) -> FeedPage | ProblemDetails | None:
    """ Лента изменений

     Все изменения, о которых узнают системы компании (заявки, сообщения, этапы, объекты, показания,
    отключения, удаление учётных записей) — те же события, что публикует шина (docs/events.md), с
    номером `sequence`: 1, 2, 3… без пропусков, в порядке записи. Читайте с `after` = `next_after`
    прошлого ответа (в первый раз — 0): изменение с номером больше курсора не будет пропущено, даже если
    списки и индексы обновятся позже. Лента хранит изменения 14 дней: курсор старше — 410, сверьтесь по
    спискам и продолжайте с `latest`.

    Сверх схемы: `after` не больше номера последнего изменения.

    Args:
        after (int | Unset): Номер последнего прочитанного изменения (0 — с начала) Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FeedPage | ProblemDetails
     """


    return (await asyncio_detailed(
        client=client,
after=after,
limit=limit,

    )).parsed
