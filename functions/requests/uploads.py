"""Files of requests: the presigned upload forms, the checks of an upload, the request's own copies."""

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import quote, unquote

from aws_lambda_powertools import Logger

from functions.common.caller import Caller
from functions.common.errors import FieldError, InvalidInput
from functions.requests.files import StoredUpload, UploadStore
from functions.requests.inputs import FILE_TYPES, FILE_TYPES_TEXT, MAX_FILE_BYTES, UploadRequest
from functions.requests.outputs import UploadForm
from functions.requests.records import StoredAttachment

logger = Logger()

UPLOAD_FORM_SECONDS = 600

# ---------------------------------------------------------------- uploads

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_UPLOAD_KEY = re.compile(r"^uploads/(?P<user>[^/]+)/[0-9a-f]{32}/[A-Za-z0-9._-]{1,120}$")
_MAGIC: Mapping[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/tiff": (b"II*\x00", b"MM\x00*"),
}
FILE_NOT_FOUND = "Файл не найден: загрузите его ещё раз кнопкой «Выберите файл»."


def _safe_name(filename: str) -> str:
    """An ASCII name for the object key; the original name travels in the object's metadata."""
    stem, dot, ending = filename.rpartition(".")
    safe_stem = _UNSAFE.sub("_", stem if dot else filename).strip("._")[:80] or "file"
    return f"{safe_stem}.{ending.lower()}" if dot else safe_stem


# Whose uploads a key is under: a consumer's Cognito `sub`, or the company's systems (integrators'
# documents; a `sub` is a UUID, never this word).
COMPANY_OWNER = "company"


def owner_of(caller: Caller) -> str:
    return caller.user_id


def prepare_upload(owner: str, upload: UploadRequest) -> UploadForm:
    """A presigned POST for one file under `uploads/<owner>/`: a consumer's `sub` or COMPANY_OWNER."""
    key = f"uploads/{owner}/{uuid.uuid4().hex}/{_safe_name(upload.filename)}"
    url, fields = UploadStore().presigned_post(
        key,
        upload.content_type,
        MAX_FILE_BYTES,
        UPLOAD_FORM_SECONDS,
        {"x-amz-meta-filename": quote(upload.filename)},
    )
    return UploadForm(
        url=url, fields=fields, key=key, expires_in=UPLOAD_FORM_SECONDS, max_size=MAX_FILE_BYTES
    )


def is_own_upload(owner: str, key: str) -> bool:
    found = _UPLOAD_KEY.match(key)
    return found is not None and found.group("user") == owner


def attached_elsewhere(number: str) -> str:
    return (
        f"Этот файл уже приложен к заявке № {number}. Чтобы приложить его к новой заявке, "
        "загрузите его ещё раз кнопкой «Выберите файл»."
    )


def _filename(upload: StoredUpload) -> str:
    return unquote(upload.metadata.get("filename", "")) or upload.key.rsplit("/", 1)[-1]


def _checked_upload(uploads: UploadStore, key: str) -> StoredUpload:
    """The current version of the upload `key` (the caller's own), after checking it is really a file
    we accept: S3 enforces the form's size and type in AWS, but not locally, and a form can lie."""
    stored = uploads.read(key, max(len(magic) for kinds in _MAGIC.values() for magic in kinds))
    if stored is None:
        raise ValueError(FILE_NOT_FOUND)
    filename = _filename(stored)
    if stored.content_type not in FILE_TYPES:
        raise ValueError(f"Файл «{filename}» не подходит: можно приложить только {FILE_TYPES_TEXT}.")
    if stored.size > MAX_FILE_BYTES:
        raise ValueError(f"Файл «{filename}» больше 10 МБ: уменьшите его или разделите на части.")
    if stored.size == 0 or not stored.first_bytes.startswith(_MAGIC[stored.content_type]):
        raise ValueError(
            f"Файл «{filename}» повреждён или не является файлом "
            f"{stored.content_type.split('/')[1].upper()}: приложите настоящий файл {FILE_TYPES_TEXT}."
        )
    return stored


def attachment_refusal(errors: list[FieldError]) -> InvalidInput:
    detail = errors[0].message if len(errors) == 1 else "Исправьте отмеченные файлы."
    return InvalidInput("Проверьте приложенные файлы", detail, errors)


def checked_uploads(
    owner: str, uploads: UploadStore, keys: Sequence[str], attached: Mapping[str, str]
) -> list[StoredUpload]:
    """Each upload of `keys`, checked; all refusals at once, each on its `attachments.<i>`. Another
    consumer's key looks exactly like a missing one; an upload attached already is refused."""
    checked: list[StoredUpload] = []
    errors: list[FieldError] = []
    for index, key in enumerate(keys):
        try:
            if not is_own_upload(owner, key):
                raise ValueError(FILE_NOT_FOUND)
            if key in attached:
                raise ValueError(attached_elsewhere(attached[key]))
            checked.append(_checked_upload(uploads, key))
        except ValueError as refusal:
            errors.append(FieldError(field=f"attachments.{index}", message=str(refusal)))
    if errors:
        raise attachment_refusal(errors)
    return checked


def filed_file_key(request_id: str, index: int) -> str:
    """Where a request keeps its `index`-th file: outside `uploads/`, so no upload form can write it."""
    return f"requests/{request_id}/{index}"


def message_file_key(request_id: str, message_id: str, index: int) -> str:
    """Where a message of a request's thread keeps its `index`-th file: under the request's own keys."""
    return f"requests/{request_id}/messages/{message_id}/{index}"


def make_copies(
    uploads: UploadStore,
    destination: Callable[[int], str],
    checked: Sequence[StoredUpload],
    made: list[str],
) -> list[StoredAttachment]:
    """Copies each checked version to its own key, `destination(index)` (each key is added to `made`
    before its copy is asked for, so that a failure can delete whatever was made)."""
    attachments: list[StoredAttachment] = []
    for index, upload in enumerate(checked):
        key = destination(index)
        made.append(key)
        copied = uploads.copy(upload, key)
        if copied is None:
            raise attachment_refusal(
                [
                    FieldError(
                        field=f"attachments.{index}",
                        message=f"Файл «{_filename(upload)}» изменился после проверки: "
                        "загрузите его ещё раз.",
                    )
                ]
            )
        version_id, sha256 = copied
        attachments.append(
            StoredAttachment(
                key=key,
                filename=_filename(upload),
                content_type=upload.content_type,
                size=upload.size,
                upload=upload.key,
                version_id=version_id,
                sha256=sha256,
            )
        )
    return attachments


def discard(uploads: UploadStore, keys: Sequence[str]) -> None:
    """Deletes the copies of a filing that was not written; a copy that cannot be deleted is logged
    (it is kept, never lost: the lifecycle does not expire anything under requests/)."""
    try:
        left = uploads.discard(keys)
    except Exception:
        left = list(keys)
        logger.exception("copies of a failed filing not deleted", extra={"keys": left})
        return
    if left:
        logger.error("copies of a failed filing not deleted", extra={"keys": left})
