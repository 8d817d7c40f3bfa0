"""QueryData, RetrieveData and WriteData."""

from __future__ import annotations

import json
import logging
import urllib.parse
from typing import Any

import custom_connector_sdk.lambda_handler.requests as requests
import custom_connector_sdk.lambda_handler.responses as responses
from custom_connector_sdk.connector.context import ConnectorContext, EntityDefinition
from custom_connector_sdk.connector.fields import WriteOperationType
from custom_connector_sdk.lambda_handler.handlers import RecordHandler
from custom_connector_sdk.lambda_handler.responses import (
    ErrorCode,
    ErrorDetails,
    WriteRecordResult,
)

from .api import ConnectorError, CrmClient, answers
from .metadata import EntitySpec, entity_spec, to_api, to_record
from .query import compile_filter, paginate, select_fields

LOGGER = logging.getLogger(__name__)

# Records per API call. Small so that the recorded fixtures exercise cursor paging; a real API
# would use 100 or more. It is independent of AppFlow's maxResults: paginate() cuts pages to size.
UPSTREAM_PAGE_SIZE = 2

# These concern the whole call, not one record: AppFlow refreshes the token or retries the call.
_WHOLE_CALL_ERRORS = frozenset({"InvalidCredentials", "RateLimitExceeded", "ServiceUnavailable"})


def _client(context: ConnectorContext | None) -> CrmClient:
    if context is None:
        raise ConnectorError(ErrorCode.InvalidArgument, "The request has no connectorContext")
    return CrmClient(context.connector_runtime_settings, context.credentials)


def field_types(definition: EntityDefinition | None, spec: EntitySpec) -> dict[str, str]:
    """Field name -> FieldDataType name, from AppFlow's entity definition (else our own)."""
    fields = (definition or spec.definition).fields or []
    return {f.field_name: f.data_type.name for f in fields if f.data_type is not None}


class CrmRecordHandler(RecordHandler):
    @answers(responses.QueryDataResponse)
    def query_data(self, request: requests.QueryDataRequest) -> responses.QueryDataResponse:
        spec = entity_spec(request.entity_identifier)
        context = request.connector_context
        # Parse and type-check the filter before calling the API: a bad filter is InvalidArgument.
        compiled = compile_filter(
            request.filter_expression,
            field_types(context.entity_definition if context else None, spec),
        )
        client = _client(context)

        def fetch_page(cursor: Any) -> tuple[list[dict[str, Any]], Any]:
            query = {
                "limit": UPSTREAM_PAGE_SIZE,
                "cursor": cursor,
                "updated_since": compiled.updated_since,
            }
            body = client.call("GET", spec.path, query=query)
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise ConnectorError(
                    ErrorCode.ServerError, f"GET {spec.path} answered without a data list"
                )
            return [to_record(spec, item) for item in body["data"]], body.get("next_cursor")

        records, next_token = paginate(
            request.next_token,
            request.max_results,
            compiled,
            request.selected_field_names,
            fetch_page,
        )
        return responses.QueryDataResponse(is_success=True, records=records, next_token=next_token)

    @answers(responses.RetrieveDataResponse)
    def retrieve_data(
        self, request: requests.RetrieveDataRequest
    ) -> responses.RetrieveDataResponse:
        spec = entity_spec(request.entity_identifier)
        client = _client(request.connector_context)
        records: list[str] = []
        for record_id in request.ids or []:
            try:
                item = client.call("GET", f"{spec.path}/{_quote(str(record_id))}")
            except ConnectorError as error:
                if error.http_status == 404:
                    continue  # ids the API does not know are left out
                raise
            record = select_fields(to_record(spec, item), request.selected_field_names)
            records.append(json.dumps(record, separators=(",", ":"), ensure_ascii=False))
        return responses.RetrieveDataResponse(is_success=True, records=records)

    @answers(responses.WriteDataResponse)
    def write_data(self, request: requests.WriteDataRequest) -> responses.WriteDataResponse:
        spec = entity_spec(request.entity_identifier)
        if request.operation is None:
            raise ConnectorError(ErrorCode.InvalidArgument, "WriteData needs an operation")
        operation = request.operation.name
        client = _client(request.connector_context)
        id_field = (request.id_field_names or ["id"])[0]
        results: list[WriteRecordResult] = []
        stopped = False
        for text in request.records or []:
            if stopped:
                results.append(
                    WriteRecordResult(
                        is_success=False,
                        record_id="",
                        error_message="not attempted: an earlier record failed (allOrNone)",
                    )
                )
                continue
            record_id = ""
            try:
                record = json.loads(text)
                if not isinstance(record, dict):
                    raise ConnectorError(
                        ErrorCode.InvalidArgument, "The record is not a JSON object"
                    )
                value = record.get(id_field)
                record_id = "" if value is None else str(value)
                saved = _write_one(client, spec, operation, record_id, record)
                results.append(WriteRecordResult(is_success=True, record_id=saved or record_id))
            except ValueError:
                results.append(
                    WriteRecordResult(is_success=False, record_id="", error_message="invalid JSON")
                )
                stopped = bool(request.all_or_none)
            except ConnectorError as error:
                if error.error_code.name in _WHOLE_CALL_ERRORS:
                    raise
                results.append(
                    WriteRecordResult(
                        is_success=False, record_id=record_id, error_message=error.message
                    )
                )
                stopped = bool(request.all_or_none)
        failed = sum(1 for r in results if not r.is_success)
        if failed:
            details = ErrorDetails(
                error_code=ErrorCode.PartialWriteFailure,
                error_message=f"{failed} of {len(results)} records failed",
            )
            return responses.WriteDataResponse(
                is_success=False, error_details=details, write_record_results=results
            )
        return responses.WriteDataResponse(is_success=True, write_record_results=results)


def _quote(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _write_one(
    client: CrmClient, spec: EntitySpec, operation: str, record_id: str, record: dict[str, Any]
) -> str:
    body = to_api(spec, record)

    def by_id() -> str:
        if not record_id:
            raise ConnectorError(ErrorCode.InvalidArgument, f"{operation} needs the record's id")
        return f"{spec.path}/{_quote(record_id)}"

    if operation == WriteOperationType.INSERT.name:
        saved = client.call("POST", spec.path, body=body)
    elif operation == WriteOperationType.UPDATE.name:
        saved = client.call("PATCH", by_id(), body=body)
    elif operation == WriteOperationType.UPSERT.name:
        saved = client.call("PUT", by_id(), body=body)
    elif operation == WriteOperationType.DELETE.name:
        client.call("DELETE", by_id())
        return record_id
    else:
        raise ConnectorError(ErrorCode.InvalidArgument, f"Unsupported operation {operation}")
    if isinstance(saved, dict) and saved.get("id") is not None:
        return str(saved["id"])
    return record_id
