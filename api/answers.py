"""A sync endpoint's JSON answer, serialised on the worker thread that built it.

FastAPI validates and serialises a returned model on a second trip to the thread pool (a
sync endpoint's ``response_model``). An endpoint that has just built its model (validated
then) can answer with ``json_answer`` instead: the same bytes (by alias, pydantic's core), the
status and headers set on the injected ``Response``, one thread trip fewer. Keep the
decorator's ``response_model``: the OpenAPI document still describes the answer.
"""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


def json_answer(model: BaseModel, response: Response, status_code: int) -> Response:
    """``model`` as JSON with ``status_code`` (``response.status_code`` when one was set)
    and the headers set on ``response``."""
    answer = Response(
        model.__pydantic_serializer__.to_json(model, by_alias=True),
        status_code=response.status_code or status_code,
        media_type="application/json",
    )
    answer.headers.raw.extend(response.headers.raw)
    return answer
