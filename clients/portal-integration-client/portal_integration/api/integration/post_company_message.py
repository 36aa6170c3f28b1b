from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.company_message import CompanyMessage
from ...models.integration_message import IntegrationMessage
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    id: str,
    *,
    body: CompanyMessage,
    idempotency_key: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/integration/requests/{id}/messages".format(id=quote(str(id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> IntegrationMessage | ProblemDetails | None:
    if response.status_code == 201:
        response_201 = IntegrationMessage.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[IntegrationMessage | ProblemDetails]:
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
    body: CompanyMessage,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[IntegrationMessage | ProblemDetails]:
    """ Написать потребителю или отправить документ

     Сообщение компании по заявке в любом статусе: текст, документ (файлы с видом `kind`: «Технические
    условия», «Проект договора / условия договора», «Счёт», «Акт», «Акт об осуществлении
    технологического присоединения», «Уведомление об обеспечении возможности присоединения», «Акт
    допуска прибора учёта в эксплуатацию», «Другое») или и то и другое. Вид обязателен с файлами и не
    указывается без них. Сообщение отвечает на неотвеченные сообщения потребителя; потребителю уходит
    письмо со ссылкой на заявку. Заголовок `Idempotency-Key` обязателен: повтор с тем же ключом и теми
    же данными возвращает то же сообщение, с другими — 422.

    Сверх схемы: нужен текст или хотя бы один файл; `kind` указывают только с файлами и обязательно с
    ними; `attachments` — ключи файлов, загруженных через /api/integration/uploads; `Idempotency-Key`
    обязателен.

    Args:
        id (str): id заявки
        idempotency_key (None | str | Unset): Уникальная строка на каждое новое сообщение
        body (CompanyMessage): The company's message on a request: a text, or a document (files of
            one kind), or both.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[IntegrationMessage | ProblemDetails]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,
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
    body: CompanyMessage,
    idempotency_key: None | str | Unset = UNSET,

) -> IntegrationMessage | ProblemDetails | None:
    """ Написать потребителю или отправить документ

     Сообщение компании по заявке в любом статусе: текст, документ (файлы с видом `kind`: «Технические
    условия», «Проект договора / условия договора», «Счёт», «Акт», «Акт об осуществлении
    технологического присоединения», «Уведомление об обеспечении возможности присоединения», «Акт
    допуска прибора учёта в эксплуатацию», «Другое») или и то и другое. Вид обязателен с файлами и не
    указывается без них. Сообщение отвечает на неотвеченные сообщения потребителя; потребителю уходит
    письмо со ссылкой на заявку. Заголовок `Idempotency-Key` обязателен: повтор с тем же ключом и теми
    же данными возвращает то же сообщение, с другими — 422.

    Сверх схемы: нужен текст или хотя бы один файл; `kind` указывают только с файлами и обязательно с
    ними; `attachments` — ключи файлов, загруженных через /api/integration/uploads; `Idempotency-Key`
    обязателен.

    Args:
        id (str): id заявки
        idempotency_key (None | str | Unset): Уникальная строка на каждое новое сообщение
        body (CompanyMessage): The company's message on a request: a text, or a document (files of
            one kind), or both.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        IntegrationMessage | ProblemDetails
     """


    return sync_detailed(
        id=id,
client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    body: CompanyMessage,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[IntegrationMessage | ProblemDetails]:
    """ Написать потребителю или отправить документ

     Сообщение компании по заявке в любом статусе: текст, документ (файлы с видом `kind`: «Технические
    условия», «Проект договора / условия договора», «Счёт», «Акт», «Акт об осуществлении
    технологического присоединения», «Уведомление об обеспечении возможности присоединения», «Акт
    допуска прибора учёта в эксплуатацию», «Другое») или и то и другое. Вид обязателен с файлами и не
    указывается без них. Сообщение отвечает на неотвеченные сообщения потребителя; потребителю уходит
    письмо со ссылкой на заявку. Заголовок `Idempotency-Key` обязателен: повтор с тем же ключом и теми
    же данными возвращает то же сообщение, с другими — 422.

    Сверх схемы: нужен текст или хотя бы один файл; `kind` указывают только с файлами и обязательно с
    ними; `attachments` — ключи файлов, загруженных через /api/integration/uploads; `Idempotency-Key`
    обязателен.

    Args:
        id (str): id заявки
        idempotency_key (None | str | Unset): Уникальная строка на каждое новое сообщение
        body (CompanyMessage): The company's message on a request: a text, or a document (files of
            one kind), or both.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[IntegrationMessage | ProblemDetails]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,
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
    body: CompanyMessage,
    idempotency_key: None | str | Unset = UNSET,

) -> IntegrationMessage | ProblemDetails | None:
    """ Написать потребителю или отправить документ

     Сообщение компании по заявке в любом статусе: текст, документ (файлы с видом `kind`: «Технические
    условия», «Проект договора / условия договора», «Счёт», «Акт», «Акт об осуществлении
    технологического присоединения», «Уведомление об обеспечении возможности присоединения», «Акт
    допуска прибора учёта в эксплуатацию», «Другое») или и то и другое. Вид обязателен с файлами и не
    указывается без них. Сообщение отвечает на неотвеченные сообщения потребителя; потребителю уходит
    письмо со ссылкой на заявку. Заголовок `Idempotency-Key` обязателен: повтор с тем же ключом и теми
    же данными возвращает то же сообщение, с другими — 422.

    Сверх схемы: нужен текст или хотя бы один файл; `kind` указывают только с файлами и обязательно с
    ними; `attachments` — ключи файлов, загруженных через /api/integration/uploads; `Idempotency-Key`
    обязателен.

    Args:
        id (str): id заявки
        idempotency_key (None | str | Unset): Уникальная строка на каждое новое сообщение
        body (CompanyMessage): The company's message on a request: a text, or a document (files of
            one kind), or both.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        IntegrationMessage | ProblemDetails
     """


    return (await asyncio_detailed(
        id=id,
client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
