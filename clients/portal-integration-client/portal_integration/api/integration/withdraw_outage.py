from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.outage import Outage
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    id: str,
    *,
    idempotency_key: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/integration/outages/{id}".format(id=quote(str(id), safe=""),),
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Outage | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = Outage.from_dict(response.json())



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
    id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[Outage | ProblemDetails]:
    """ Отозвать отключение

     Отключение больше не показывается ни на странице «Отключения», ни потребителям. Повтор ничего не
    меняет.

    Сверх схемы: `Idempotency-Key` — 8–128 латинских букв, цифр и знаков -_.:.

    Args:
        id (str): id отключения
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Outage | ProblemDetails]
     """


    kwargs = _get_kwargs(
        id=id,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: None | str | Unset = UNSET,

) -> Outage | ProblemDetails | None:
    """ Отозвать отключение

     Отключение больше не показывается ни на странице «Отключения», ни потребителям. Повтор ничего не
    меняет.

    Сверх схемы: `Idempotency-Key` — 8–128 латинских букв, цифр и знаков -_.:.

    Args:
        id (str): id отключения
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Outage | ProblemDetails
     """


    return sync_detailed(
        id=id,
client=client,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[Outage | ProblemDetails]:
    """ Отозвать отключение

     Отключение больше не показывается ни на странице «Отключения», ни потребителям. Повтор ничего не
    меняет.

    Сверх схемы: `Idempotency-Key` — 8–128 латинских букв, цифр и знаков -_.:.

    Args:
        id (str): id отключения
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Outage | ProblemDetails]
     """


    kwargs = _get_kwargs(
        id=id,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: None | str | Unset = UNSET,

) -> Outage | ProblemDetails | None:
    """ Отозвать отключение

     Отключение больше не показывается ни на странице «Отключения», ни потребителям. Повтор ничего не
    меняет.

    Сверх схемы: `Idempotency-Key` — 8–128 латинских букв, цифр и знаков -_.:.

    Args:
        id (str): id отключения
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Outage | ProblemDetails
     """


    return (await asyncio_detailed(
        id=id,
client=client,
idempotency_key=idempotency_key,

    )).parsed
