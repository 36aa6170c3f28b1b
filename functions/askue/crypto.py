"""The remembered ASKUE password, encrypted with the portal's KMS key for one consumer only.

The encryption context binds each ciphertext to its `user_id`: a ciphertext copied into another
consumer's link cannot be decrypted. The plain password lives only in memory during a fetch.
"""

from functions.askue.settings import askue_settings
from functions.common.aws import kms


def encryption_context(user_id: str) -> dict[str, str]:
    return {"user_id": user_id, "purpose": "askue-password"}


def encrypt_password(user_id: str, password: str) -> bytes:
    result = kms().encrypt(
        KeyId=askue_settings().askue_key_id,
        Plaintext=password.encode("utf-8"),
        EncryptionContext=encryption_context(user_id),
    )
    return bytes(result["CiphertextBlob"])


def decrypt_password(user_id: str, ciphertext: bytes) -> str:
    result = kms().decrypt(
        KeyId=askue_settings().askue_key_id,
        CiphertextBlob=ciphertext,
        EncryptionContext=encryption_context(user_id),
    )
    return bytes(result["Plaintext"]).decode("utf-8")
