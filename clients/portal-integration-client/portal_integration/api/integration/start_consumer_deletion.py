from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.account_deletion_started import AccountDeletionStarted
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    user_id: str,
    *,
    idempotency_key: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/integration/consumers/{user_id}/deletion".format(user_id=quote(str(user_id), safe=""),),
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AccountDeletionStarted | ProblemDetails | None:
    if response.status_code == 202:
        response_202 = AccountDeletionStarted.from_dict(response.json())



        return response_202

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AccountDeletionStarted | ProblemDetails]:
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
    idempotency_key: None | str | Unset = UNSET,

) -> Response[AccountDeletionStarted | ProblemDetails]:
    """ Удалить учётную запись потребителя по его обращению (служба поддержки)

     То же, что потребитель делает сам («Профиль» — «Удалить учётную запись»): согласие на обработку
    персональных данных отозвано, войти нельзя с этого ответа, все сеансы завершены; персональные данные
    стираются ежедневной обработкой, не позже чем через 30 дней (152-ФЗ, ст. 21 ч. 5), заявки и
    показания остаются обезличенными. Потребителю уходит письмо, что учётная запись удалена службой
    поддержки по его обращению; публикуется событие portal.account.deleted.v1 с `deleted_by:
    integrator:<имя>`. Повтор (в том числе уже удалённой или стёртой учётной записи) ничего не меняет и
    отвечает, когда и кем она удалена. `Idempotency-Key` — как у других записей интеграции.

    Сверх схемы: `Idempotency-Key` — 8–128 латинских букв, цифр и знаков -_.:.

    Args:
        user_id (str): Потребитель (Cognito sub)
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccountDeletionStarted | ProblemDetails]
     """


    kwargs = _get_kwargs(
        user_id=user_id,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    user_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: None | str | Unset = UNSET,

) -> AccountDeletionStarted | ProblemDetails | None:
    """ Удалить учётную запись потребителя по его обращению (служба поддержки)

     То же, что потребитель делает сам («Профиль» — «Удалить учётную запись»): согласие на обработку
    персональных данных отозвано, войти нельзя с этого ответа, все сеансы завершены; персональные данные
    стираются ежедневной обработкой, не позже чем через 30 дней (152-ФЗ, ст. 21 ч. 5), заявки и
    показания остаются обезличенными. Потребителю уходит письмо, что учётная запись удалена службой
    поддержки по его обращению; публикуется событие portal.account.deleted.v1 с `deleted_by:
    integrator:<имя>`. Повтор (в том числе уже удалённой или стёртой учётной записи) ничего не меняет и
    отвечает, когда и кем она удалена. `Idempotency-Key` — как у других записей интеграции.

    Сверх схемы: `Idempotency-Key` — 8–128 латинских букв, цифр и знаков -_.:.

    Args:
        user_id (str): Потребитель (Cognito sub)
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccountDeletionStarted | ProblemDetails
     """


    return sync_detailed(
        user_id=user_id,
client=client,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    user_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[AccountDeletionStarted | ProblemDetails]:
    """ Удалить учётную запись потребителя по его обращению (служба поддержки)

     То же, что потребитель делает сам («Профиль» — «Удалить учётную запись»): согласие на обработку
    персональных данных отозвано, войти нельзя с этого ответа, все сеансы завершены; персональные данные
    стираются ежедневной обработкой, не позже чем через 30 дней (152-ФЗ, ст. 21 ч. 5), заявки и
    показания остаются обезличенными. Потребителю уходит письмо, что учётная запись удалена службой
    поддержки по его обращению; публикуется событие portal.account.deleted.v1 с `deleted_by:
    integrator:<имя>`. Повтор (в том числе уже удалённой или стёртой учётной записи) ничего не меняет и
    отвечает, когда и кем она удалена. `Idempotency-Key` — как у других записей интеграции.

    Сверх схемы: `Idempotency-Key` — 8–128 латинских букв, цифр и знаков -_.:.

    Args:
        user_id (str): Потребитель (Cognito sub)
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccountDeletionStarted | ProblemDetails]
     """


    kwargs = _get_kwargs(
        user_id=user_id,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    user_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: None | str | Unset = UNSET,

) -> AccountDeletionStarted | ProblemDetails | None:
    """ Удалить учётную запись потребителя по его обращению (служба поддержки)

     То же, что потребитель делает сам («Профиль» — «Удалить учётную запись»): согласие на обработку
    персональных данных отозвано, войти нельзя с этого ответа, все сеансы завершены; персональные данные
    стираются ежедневной обработкой, не позже чем через 30 дней (152-ФЗ, ст. 21 ч. 5), заявки и
    показания остаются обезличенными. Потребителю уходит письмо, что учётная запись удалена службой
    поддержки по его обращению; публикуется событие portal.account.deleted.v1 с `deleted_by:
    integrator:<имя>`. Повтор (в том числе уже удалённой или стёртой учётной записи) ничего не меняет и
    отвечает, когда и кем она удалена. `Idempotency-Key` — как у других записей интеграции.

    Сверх схемы: `Idempotency-Key` — 8–128 латинских букв, цифр и знаков -_.:.

    Args:
        user_id (str): Потребитель (Cognito sub)
        idempotency_key (None | str | Unset): Необязательный ключ повтора (8–128 латинских букв,
            цифр и знаков -_.:, например UUID): повтор запроса с тем же ключом и теми же данными не
            выполняет действие второй раз и отвечает тем же, что и первый раз (с заголовком
            Idempotent-Replayed: true); тот же ключ с другим действием, другой целью или другими
            данными — 422. Ключ хранится сутки.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccountDeletionStarted | ProblemDetails
     """


    return (await asyncio_detailed(
        user_id=user_id,
client=client,
idempotency_key=idempotency_key,

    )).parsed
