"""The A+ register of each synced meter goes to the readings history, marked as coming from ASKUE."""

from functions.askue.models import AskueRow


def record_askue_readings(user_id: str, rows: list[AskueRow]) -> None:
    """Placeholder until functions.readings exposes its recording API."""
    del user_id, rows
