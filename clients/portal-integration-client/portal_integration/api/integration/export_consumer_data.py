from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.data_export import DataExport
from ...models.problem_details import ProblemDetails
from typing import cast



def _get_kwargs(
    user_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/integration/consumers/{user_id}/export".format(user_id=quote(str(user_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DataExport | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = DataExport.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[DataExport | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    user_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[DataExport | ProblemDetails]:
    """ Выгрузить все данные потребителя (служба поддержки)

     Та же выгрузка, что потребитель получает кнопкой «Скачать мои данные» в «Профиле» (152-ФЗ, ст. 14):
    профиль с записью о согласии, заявки с историей, перепиской и файлами (ссылки действуют час),
    объекты, приборы учёта, все показания, подключение АСКУЭ без пароля и полученные из АСКУЭ данные —
    одним JSON. Для ответа на запрос потребителя, направленный оператору. Каждая выгрузка записывается в
    журнал с именем системы. Учётная запись, удалённая и ещё не стёртая, выгружается; стёртая — 410.

    Args:
        user_id (str): Потребитель (Cognito sub)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DataExport | ProblemDetails]
     """


    kwargs = _get_kwargs(
        user_id=user_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    user_id: str,
    *,
    client: AuthenticatedClient,

) -> DataExport | ProblemDetails | None:
    """ Выгрузить все данные потребителя (служба поддержки)

     Та же выгрузка, что потребитель получает кнопкой «Скачать мои данные» в «Профиле» (152-ФЗ, ст. 14):
    профиль с записью о согласии, заявки с историей, перепиской и файлами (ссылки действуют час),
    объекты, приборы учёта, все показания, подключение АСКУЭ без пароля и полученные из АСКУЭ данные —
    одним JSON. Для ответа на запрос потребителя, направленный оператору. Каждая выгрузка записывается в
    журнал с именем системы. Учётная запись, удалённая и ещё не стёртая, выгружается; стёртая — 410.

    Args:
        user_id (str): Потребитель (Cognito sub)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DataExport | ProblemDetails
     """


    return sync_detailed(
        user_id=user_id,
client=client,

    ).parsed

async def asyncio_detailed(
    user_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[DataExport | ProblemDetails]:
    """ Выгрузить все данные потребителя (служба поддержки)

     Та же выгрузка, что потребитель получает кнопкой «Скачать мои данные» в «Профиле» (152-ФЗ, ст. 14):
    профиль с записью о согласии, заявки с историей, перепиской и файлами (ссылки действуют час),
    объекты, приборы учёта, все показания, подключение АСКУЭ без пароля и полученные из АСКУЭ данные —
    одним JSON. Для ответа на запрос потребителя, направленный оператору. Каждая выгрузка записывается в
    журнал с именем системы. Учётная запись, удалённая и ещё не стёртая, выгружается; стёртая — 410.

    Args:
        user_id (str): Потребитель (Cognito sub)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DataExport | ProblemDetails]
     """


    kwargs = _get_kwargs(
        user_id=user_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    user_id: str,
    *,
    client: AuthenticatedClient,

) -> DataExport | ProblemDetails | None:
    """ Выгрузить все данные потребителя (служба поддержки)

     Та же выгрузка, что потребитель получает кнопкой «Скачать мои данные» в «Профиле» (152-ФЗ, ст. 14):
    профиль с записью о согласии, заявки с историей, перепиской и файлами (ссылки действуют час),
    объекты, приборы учёта, все показания, подключение АСКУЭ без пароля и полученные из АСКУЭ данные —
    одним JSON. Для ответа на запрос потребителя, направленный оператору. Каждая выгрузка записывается в
    журнал с именем системы. Учётная запись, удалённая и ещё не стёртая, выгружается; стёртая — 410.

    Args:
        user_id (str): Потребитель (Cognito sub)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DataExport | ProblemDetails
     """


    return (await asyncio_detailed(
        user_id=user_id,
client=client,

    )).parsed
