from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem_details import ProblemDetails
from ...models.readings_page import ReadingsPage
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
        "url": "/api/integration/readings",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ProblemDetails | ReadingsPage | None:
    if response.status_code == 200:
        response_200 = ReadingsPage.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ProblemDetails | ReadingsPage]:
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

) -> Response[ProblemDetails | ReadingsPage]:
    """ Показания для биллинга

     Каждое сохранённое показание (введённое потребителем или полученное из АСКУЭ) с показаниями по
    тарифам, источником, расчётным периодом, объектом и лицевым счётом прибора — в порядке ленты
    изменений и с теми же номерами: читайте с `after` = `next_after` прошлого ответа (в первый раз — 0),
    пока `has_more`; показание не будет пропущено. Страница может быть пустой при `has_more: true`
    (просмотренные изменения — не показания).

    Сверх схемы: `after` не больше номера последнего изменения ленты.

    Args:
        after (int | Unset): next_after прошлого ответа (0 — с начала) Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | ReadingsPage]
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

) -> ProblemDetails | ReadingsPage | None:
    """ Показания для биллинга

     Каждое сохранённое показание (введённое потребителем или полученное из АСКУЭ) с показаниями по
    тарифам, источником, расчётным периодом, объектом и лицевым счётом прибора — в порядке ленты
    изменений и с теми же номерами: читайте с `after` = `next_after` прошлого ответа (в первый раз — 0),
    пока `has_more`; показание не будет пропущено. Страница может быть пустой при `has_more: true`
    (просмотренные изменения — не показания).

    Сверх схемы: `after` не больше номера последнего изменения ленты.

    Args:
        after (int | Unset): next_after прошлого ответа (0 — с начала) Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | ReadingsPage
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

) -> Response[ProblemDetails | ReadingsPage]:
    """ Показания для биллинга

     Каждое сохранённое показание (введённое потребителем или полученное из АСКУЭ) с показаниями по
    тарифам, источником, расчётным периодом, объектом и лицевым счётом прибора — в порядке ленты
    изменений и с теми же номерами: читайте с `after` = `next_after` прошлого ответа (в первый раз — 0),
    пока `has_more`; показание не будет пропущено. Страница может быть пустой при `has_more: true`
    (просмотренные изменения — не показания).

    Сверх схемы: `after` не больше номера последнего изменения ленты.

    Args:
        after (int | Unset): next_after прошлого ответа (0 — с начала) Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | ReadingsPage]
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

) -> ProblemDetails | ReadingsPage | None:
    """ Показания для биллинга

     Каждое сохранённое показание (введённое потребителем или полученное из АСКУЭ) с показаниями по
    тарифам, источником, расчётным периодом, объектом и лицевым счётом прибора — в порядке ленты
    изменений и с теми же номерами: читайте с `after` = `next_after` прошлого ответа (в первый раз — 0),
    пока `has_more`; показание не будет пропущено. Страница может быть пустой при `has_more: true`
    (просмотренные изменения — не показания).

    Сверх схемы: `after` не больше номера последнего изменения ленты.

    Args:
        after (int | Unset): next_after прошлого ответа (0 — с начала) Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | ReadingsPage
     """


    return (await asyncio_detailed(
        client=client,
after=after,
limit=limit,

    )).parsed
