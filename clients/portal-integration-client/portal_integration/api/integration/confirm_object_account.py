from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.integration_object import IntegrationObject
from ...models.object_change import ObjectChange
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    id: str,
    *,
    body: ObjectChange,
    idempotency_key: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/integration/objects/{id}".format(id=quote(str(id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> IntegrationObject | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = IntegrationObject.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[IntegrationObject | ProblemDetails]:
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
    body: ObjectChange,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[IntegrationObject | ProblemDetails]:
    """ Подтвердить лицевой счёт объекта, отметить приборы учёта ИСУ

     confirmed = true — лицевой счёт объекта сверен с биллингом (потребитель видит его подтверждённым);
    false — снять подтверждение (объект снова в списке на сверку). isu_meters — приборы учёта объекта,
    которые опрашивает интеллектуальная система учёта сетевой компании: ручной ввод их показаний
    потребителю не доступен (один источник показаний). Сверх схемы: номера isu_meters должны быть
    приборами учёта этого объекта; нужен confirmed или isu_meters. Повторное подтверждение сохраняет
    время и ключ (account_confirmed_by) первого.

    Args:
        id (str): id объекта
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.
        body (ObjectChange): What the company changes on an object: its лицевой счёт's
            confirmation, and which of its
            meters the company's intelligent metering system (ИСУ) reads — those take no manual
            readings.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[IntegrationObject | ProblemDetails]
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
    body: ObjectChange,
    idempotency_key: None | str | Unset = UNSET,

) -> IntegrationObject | ProblemDetails | None:
    """ Подтвердить лицевой счёт объекта, отметить приборы учёта ИСУ

     confirmed = true — лицевой счёт объекта сверен с биллингом (потребитель видит его подтверждённым);
    false — снять подтверждение (объект снова в списке на сверку). isu_meters — приборы учёта объекта,
    которые опрашивает интеллектуальная система учёта сетевой компании: ручной ввод их показаний
    потребителю не доступен (один источник показаний). Сверх схемы: номера isu_meters должны быть
    приборами учёта этого объекта; нужен confirmed или isu_meters. Повторное подтверждение сохраняет
    время и ключ (account_confirmed_by) первого.

    Args:
        id (str): id объекта
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.
        body (ObjectChange): What the company changes on an object: its лицевой счёт's
            confirmation, and which of its
            meters the company's intelligent metering system (ИСУ) reads — those take no manual
            readings.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        IntegrationObject | ProblemDetails
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
    body: ObjectChange,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[IntegrationObject | ProblemDetails]:
    """ Подтвердить лицевой счёт объекта, отметить приборы учёта ИСУ

     confirmed = true — лицевой счёт объекта сверен с биллингом (потребитель видит его подтверждённым);
    false — снять подтверждение (объект снова в списке на сверку). isu_meters — приборы учёта объекта,
    которые опрашивает интеллектуальная система учёта сетевой компании: ручной ввод их показаний
    потребителю не доступен (один источник показаний). Сверх схемы: номера isu_meters должны быть
    приборами учёта этого объекта; нужен confirmed или isu_meters. Повторное подтверждение сохраняет
    время и ключ (account_confirmed_by) первого.

    Args:
        id (str): id объекта
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.
        body (ObjectChange): What the company changes on an object: its лицевой счёт's
            confirmation, and which of its
            meters the company's intelligent metering system (ИСУ) reads — those take no manual
            readings.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[IntegrationObject | ProblemDetails]
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
    body: ObjectChange,
    idempotency_key: None | str | Unset = UNSET,

) -> IntegrationObject | ProblemDetails | None:
    """ Подтвердить лицевой счёт объекта, отметить приборы учёта ИСУ

     confirmed = true — лицевой счёт объекта сверен с биллингом (потребитель видит его подтверждённым);
    false — снять подтверждение (объект снова в списке на сверку). isu_meters — приборы учёта объекта,
    которые опрашивает интеллектуальная система учёта сетевой компании: ручной ввод их показаний
    потребителю не доступен (один источник показаний). Сверх схемы: номера isu_meters должны быть
    приборами учёта этого объекта; нужен confirmed или isu_meters. Повторное подтверждение сохраняет
    время и ключ (account_confirmed_by) первого.

    Args:
        id (str): id объекта
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.
        body (ObjectChange): What the company changes on an object: its лицевой счёт's
            confirmation, and which of its
            meters the company's intelligent metering system (ИСУ) reads — those take no manual
            readings.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        IntegrationObject | ProblemDetails
     """


    return (await asyncio_detailed(
        id=id,
client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
