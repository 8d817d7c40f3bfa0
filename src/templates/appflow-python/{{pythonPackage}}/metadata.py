"""The connector's entities, their fields, and how each maps to the REST API.

Field names are what AppFlow shows and filters on; ``api`` maps them to the API's JSON keys. Filter
operators default per data type (the SDK's FieldDefinition fills them in).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import custom_connector_sdk.lambda_handler.requests as requests
import custom_connector_sdk.lambda_handler.responses as responses
from custom_connector_sdk.connector.context import Entity, EntityDefinition
from custom_connector_sdk.connector.fields import (
    FieldConstraints,
    FieldDataType,
    FieldDefinition,
    RangeConstraint,
    ReadOperationProperty,
    WriteOperationProperty,
    WriteOperationType,
)
from custom_connector_sdk.connector.settings import CacheControl, TimeUnit
from custom_connector_sdk.lambda_handler.handlers import MetadataHandler

from .api import ConnectorError, answers

CACHE_SECONDS = 3600


@dataclass(frozen=True)
class EntitySpec:
    definition: EntityDefinition
    # API collection path, e.g. "/contacts".
    path: str
    # AppFlow field name -> API JSON key, in the order records are written.
    api: dict[str, str]


def _read(incremental: bool = False) -> ReadOperationProperty:
    return ReadOperationProperty(
        is_retrievable=True,
        is_nullable=not incremental,
        is_queryable=True,
        is_timestamp_field_for_incremental_queries=True if incremental else None,
    )


def _write(
    read_only: bool = False, operations: list[WriteOperationType] | None = None
) -> WriteOperationProperty:
    return WriteOperationProperty(
        is_creatable=not read_only,
        is_updatable=not read_only,
        is_nullable=not read_only,
        is_upsertable=not read_only,
        is_defaulted_on_create=True if operations else None,
        supported_write_operations=operations,
    )


def _range(low: int, high: int) -> RangeConstraint:
    # RangeConstraint.to_dict() returns its values as given; Decimal values (the SDK's type hint)
    # are not JSON-serialisable, so plain ints are passed.
    return RangeConstraint(min_range=low, max_range=high)  # type: ignore[arg-type]


def _field(
    name: str,
    data_type: FieldDataType,
    label: str,
    *,
    read: ReadOperationProperty | None = None,
    write: WriteOperationProperty | None = None,
    constraints: FieldConstraints | None = None,
    primary_key: bool = False,
) -> FieldDefinition:
    return FieldDefinition(
        field_name=name,
        data_type=data_type,
        label=label,
        is_primary_key=True if primary_key else None,
        constraints=constraints,
        read_properties=read or _read(),
        write_properties=write or _write(),
    )


_ID_OPERATIONS = [WriteOperationType.UPDATE, WriteOperationType.UPSERT, WriteOperationType.DELETE]

ENTITIES: dict[str, EntitySpec] = {
    "Contact": EntitySpec(
        path="/contacts",
        api={
            "id": "id",
            "name": "name",
            "email": "email",
            "score": "score",
            "vip": "vip",
            "createdAt": "created_at",
            "updatedAt": "updated_at",
        },
        definition=EntityDefinition(
            entity=Entity(
                entity_identifier="Contact",
                has_nested_entities=False,
                is_writable=True,
                label="Contact",
                description="People in the CRM",
            ),
            fields=[
                _field(
                    "id",
                    FieldDataType.String,
                    "Contact ID",
                    primary_key=True,
                    write=_write(read_only=True, operations=_ID_OPERATIONS),
                ),
                _field("name", FieldDataType.String, "Name"),
                _field(
                    "email",
                    FieldDataType.String,
                    "Email",
                    constraints=FieldConstraints(allowed_length_range=_range(3, 254)),
                ),
                _field(
                    "score",
                    FieldDataType.Integer,
                    "Lead score",
                    constraints=FieldConstraints(allowed_value_range=_range(0, 100)),
                ),
                _field("vip", FieldDataType.Boolean, "VIP"),
                _field(
                    "createdAt", FieldDataType.DateTime, "Created", write=_write(read_only=True)
                ),
                _field(
                    "updatedAt",
                    FieldDataType.DateTime,
                    "Last modified",
                    read=_read(incremental=True),
                    write=_write(read_only=True),
                ),
            ],
        ),
    ),
    "Deal": EntitySpec(
        path="/deals",
        api={
            "id": "id",
            "contactId": "contact_id",
            "title": "title",
            "amount": "amount",
            "stage": "stage",
            "closeDate": "close_date",
            "updatedAt": "updated_at",
        },
        definition=EntityDefinition(
            entity=Entity(
                entity_identifier="Deal",
                has_nested_entities=False,
                is_writable=True,
                label="Deal",
                description="Sales opportunities",
            ),
            fields=[
                _field(
                    "id",
                    FieldDataType.String,
                    "Deal ID",
                    primary_key=True,
                    write=_write(read_only=True, operations=_ID_OPERATIONS),
                ),
                _field("contactId", FieldDataType.String, "Contact ID"),
                _field("title", FieldDataType.String, "Title"),
                _field("amount", FieldDataType.Double, "Amount"),
                _field(
                    "stage",
                    FieldDataType.String,
                    "Stage",
                    constraints=FieldConstraints(allowed_values=["open", "won", "lost"]),
                ),
                _field("closeDate", FieldDataType.Date, "Close date"),
                _field(
                    "updatedAt",
                    FieldDataType.DateTime,
                    "Last modified",
                    read=_read(incremental=True),
                    write=_write(read_only=True),
                ),
            ],
        ),
    ),
}

# Fields AppFlow may not write: the API assigns them.
READ_ONLY_FIELDS = frozenset({"id", "createdAt", "updatedAt"})


def entity_spec(entity_identifier: str | None) -> EntitySpec:
    spec = ENTITIES.get(entity_identifier or "")
    if spec is None:
        raise ConnectorError(
            responses.ErrorCode.InvalidArgument,
            f"Unknown entity {entity_identifier!r}; this connector has {', '.join(ENTITIES)}",
        )
    return spec


def to_record(spec: EntitySpec, item: dict[str, Any]) -> dict[str, Any]:
    """API object -> AppFlow record (only the mapped fields, None for absent ones)."""
    return {field: item.get(key) for field, key in spec.api.items()}


def to_api(spec: EntitySpec, record: dict[str, Any]) -> dict[str, Any]:
    """AppFlow record -> API object (unknown and read-only fields are not sent)."""
    return {
        key: record[field]
        for field, key in spec.api.items()
        if field not in READ_ONLY_FIELDS and field in record
    }


def _cache() -> CacheControl:
    return CacheControl(time_to_live=CACHE_SECONDS, time_to_live_unit=TimeUnit.SECONDS)


def _encode_offset(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def _decode_offset(token: str) -> int:
    try:
        state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        offset = state["o"]
    except (ValueError, TypeError, KeyError) as error:
        raise ConnectorError(responses.ErrorCode.InvalidArgument, "Invalid nextToken") from error
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise ConnectorError(responses.ErrorCode.InvalidArgument, "Invalid nextToken")
    return offset


class CrmMetadataHandler(MetadataHandler):
    """ListEntities (a flat list, paged by maxResult) and DescribeEntity."""

    @answers(responses.ListEntitiesResponse)
    def list_entities(
        self, request: requests.ListEntitiesRequest
    ) -> responses.ListEntitiesResponse:
        everything = [spec.definition.entity for spec in ENTITIES.values()]
        offset = _decode_offset(request.next_token) if request.next_token else 0
        size = request.max_result
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            size = 1000
        page = everything[offset : offset + size]
        following = offset + len(page)
        return responses.ListEntitiesResponse(
            is_success=True,
            entities=page,
            next_token=_encode_offset(following) if following < len(everything) else None,
            cache_control=_cache(),
        )

    @answers(responses.DescribeEntityResponse)
    def describe_entity(
        self, request: requests.DescribeEntityRequest
    ) -> responses.DescribeEntityResponse:
        spec = entity_spec(request.entity_identifier)
        return responses.DescribeEntityResponse(
            is_success=True, entity_definition=spec.definition, cache_control=_cache()
        )
