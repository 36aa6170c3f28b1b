from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem_details import ProblemDetails
from ...models.upload_form import UploadForm
from ...models.upload_request import UploadRequest
from typing import cast



def _get_kwargs(
    *,
    body: UploadRequest,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/integration/uploads",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ProblemDetails | UploadForm | None:
    if response.status_code == 200:
        response_200 = UploadForm.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ProblemDetails | UploadForm]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: UploadRequest,

) -> Response[ProblemDetails | UploadForm]:
    """ Получить форму загрузки документа

     Presigned POST, как у потребителя: `fields` и файл (поле `file`) отправляют в S3 по адресу `url` в
    течение 10 минут; PDF, JPEG, PNG или TIFF, не больше 10 МБ. Полученный `key` передают в
    `attachments` сообщения компании.

    Сверх схемы: `filename` оканчивается расширением типа `content_type` (.pdf; .jpg или .jpeg; .png;
    .tif или .tiff).

    Args:
        body (UploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | UploadForm]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: UploadRequest,

) -> ProblemDetails | UploadForm | None:
    """ Получить форму загрузки документа

     Presigned POST, как у потребителя: `fields` и файл (поле `file`) отправляют в S3 по адресу `url` в
    течение 10 минут; PDF, JPEG, PNG или TIFF, не больше 10 МБ. Полученный `key` передают в
    `attachments` сообщения компании.

    Сверх схемы: `filename` оканчивается расширением типа `content_type` (.pdf; .jpg или .jpeg; .png;
    .tif или .tiff).

    Args:
        body (UploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | UploadForm
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: UploadRequest,

) -> Response[ProblemDetails | UploadForm]:
    """ Получить форму загрузки документа

     Presigned POST, как у потребителя: `fields` и файл (поле `file`) отправляют в S3 по адресу `url` в
    течение 10 минут; PDF, JPEG, PNG или TIFF, не больше 10 МБ. Полученный `key` передают в
    `attachments` сообщения компании.

    Сверх схемы: `filename` оканчивается расширением типа `content_type` (.pdf; .jpg или .jpeg; .png;
    .tif или .tiff).

    Args:
        body (UploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | UploadForm]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: UploadRequest,

) -> ProblemDetails | UploadForm | None:
    """ Получить форму загрузки документа

     Presigned POST, как у потребителя: `fields` и файл (поле `file`) отправляют в S3 по адресу `url` в
    течение 10 минут; PDF, JPEG, PNG или TIFF, не больше 10 МБ. Полученный `key` передают в
    `attachments` сообщения компании.

    Сверх схемы: `filename` оканчивается расширением типа `content_type` (.pdf; .jpg или .jpeg; .png;
    .tif или .tiff).

    Args:
        body (UploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | UploadForm
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
