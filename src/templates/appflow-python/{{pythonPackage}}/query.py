"""QueryData helpers: the filter expression, LIMIT, cursor paging and field selection.

The filter is parsed with the SDK's ANTLR parser (``custom_connector_queryfilter``) and evaluated
on every record, following the project's filter semantics (filter-language.md section 5): field
types come from the entity definition, BETWEEN is inclusive, ``x != 1`` is false when ``x`` is
missing, LIMIT caps the whole query across pages. Only ``updatedAt > t`` / ``updatedAt >= t``
(alone or AND-ed) is pushed down to the API as ``updated_since``; the whole filter is still checked
on every record.

Workarounds for the SDK's filter helper (F10 in appflow-protocol.md Part F):

* ``parse_tree_builder.parse`` only listens to *parser* errors: the lexer silently drops
  characters it cannot read, so ``a = .5`` would be read as ``a = 5``. ``parse_filter`` runs the
  same generated lexer and parser with an error listener on both.
* Its grammar needs two digits after LIMIT (``LIMIT 5`` is a syntax error). A trailing ``LIMIT n``
  is therefore taken off the text before parsing and handled here (1 to 2147483647).
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from custom_connector_sdk.lambda_handler.responses import ErrorCode

from .api import ConnectorError

Record = dict[str, Any]

NUMERIC_TYPES = frozenset(
    {"Integer", "Float", "Double", "Long", "Short", "BigInteger", "BigDecimal"}
)
TEMPORAL_TYPES = frozenset({"Date", "DateTime"})
ORDERED_TYPES = NUMERIC_TYPES | TEMPORAL_TYPES | {"String"}
MAX_LIMIT = 2**31 - 1

# A trailing "LIMIT n" ("LIMIT" or "limit", like the SDK's lexer). Text that ends in a string
# literal ends in a quote, so a LIMIT inside a string never matches.
_TRAILING_LIMIT = re.compile(
    r"^(?P<expr>.*?)(?:^|(?<=\s)|(?<=\)))(?:LIMIT|limit)\s+(?P<count>[0-9]+)\s*$", re.S
)
_NUMERIC_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATETIME_LITERAL = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z")
_DATETIME_VALUE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?"
)
_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def _invalid(message: str) -> ConnectorError:
    return ConnectorError(ErrorCode.InvalidArgument, message)


# -------------------------------------------------------------------------------------------------
# Syntax tree (independent of ANTLR)
# -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    # "string", "number", "date", "datetime", "boolean" or "null"
    kind: str
    # The token as written ("'abc'", "2026-11-01T00:00:00Z", "TRUE", ...).
    text: str

    @property
    def value(self) -> Any:
        if self.kind == "string":
            return _unquote(self.text)
        if self.kind == "boolean":
            return self.text.lower() == "true"
        return None if self.kind == "null" else self.text


@dataclass(frozen=True)
class Comparison:
    field: str
    # "=", "!=", "<", "<=", ">", ">=" or "CONTAINS"
    op: str
    value: Literal


@dataclass(frozen=True)
class Between:
    field: str
    low: Literal
    high: Literal


@dataclass(frozen=True)
class In:
    field: str
    values: tuple[Literal, ...]


@dataclass(frozen=True)
class Logical:
    # "and", "or" or "not" (``right`` is None for "not")
    op: str
    left: Node
    right: Node | None = None


Node = Comparison | Between | In | Logical


@dataclass(frozen=True)
class ParsedFilter:
    expression: Node | None
    limit: int | None


def _unquote(token: str) -> str:
    """A string token's value: quotes off, escapes applied left to right (filter-language 1.7)."""
    if token == "null":
        return token
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body) and body[i + 1] in _ESCAPES:
            out.append(_ESCAPES[body[i + 1]])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


# -------------------------------------------------------------------------------------------------
# Parsing with the SDK's ANTLR grammar
# -------------------------------------------------------------------------------------------------


def parse_filter(text: str | None) -> ParsedFilter:
    """Parses a filterExpression (None or blank: no filter).

    Raises ConnectorError(InvalidArgument) for text that does not parse.
    """
    if text is None or text.strip() == "":
        return ParsedFilter(None, None)
    limit = None
    match = _TRAILING_LIMIT.match(text)
    if match:
        count = match.group("count")
        if count.startswith("0") or int(count) > MAX_LIMIT:
            raise _invalid(
                f"Invalid filter expression: LIMIT must be 1 to {MAX_LIMIT} (got {count})"
            )
        limit = int(count)
        text = match.group("expr")
        if text.strip() == "":
            return ParsedFilter(None, limit)
    tree = _antlr_parse(text)
    expression, tree_limit = _TreeBuilder.build(tree)
    return ParsedFilter(expression, limit if limit is not None else tree_limit)


def _antlr_parse(text: str) -> Any:
    try:
        from antlr4 import CommonTokenStream, InputStream
        from antlr4.error.ErrorListener import ErrorListener
        from custom_connector_queryfilter.queryfilter.antlr import (
            CustomConnectorQueryFilterLexer as lexer_module,
        )
        from custom_connector_queryfilter.queryfilter.antlr import (
            CustomConnectorQueryFilterParser as parser_module,
        )
    except ImportError as error:
        raise ConnectorError(
            ErrorCode.UnknownError,
            "Filters need the SDK's custom_connector_queryfilter package and "
            "antlr4-python3-runtime 4.9 (pip install -r requirements.txt --target package): "
            f"{error}",
        ) from error

    class Collector(ErrorListener):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.first: str | None = None

        def syntaxError(  # noqa: N802 - ANTLR's name
            self, recognizer: Any, offending_symbol: Any, line: int, column: int, msg: str, e: Any
        ) -> None:
            if self.first is None:
                # ANTLR columns are 0-based; AppFlow users count from 1.
                self.first = f"Invalid filter expression at {line}:{column + 1}: {msg}"

    # Lexer errors first: the SDK's helper ignores them (F10).
    lexer_errors = Collector()
    lexer = lexer_module.CustomConnectorQueryFilterLexer(InputStream(text))
    lexer.removeErrorListeners()
    lexer.addErrorListener(lexer_errors)
    tokens = CommonTokenStream(lexer)
    tokens.fill()
    if lexer_errors.first:
        raise _invalid(lexer_errors.first)
    parser_errors = Collector()
    parser = parser_module.CustomConnectorQueryFilterParser(tokens)
    parser.removeErrorListeners()
    parser.addErrorListener(parser_errors)
    tree = parser.queryfilter()
    if parser_errors.first:
        raise _invalid(parser_errors.first)
    return tree


class _TreeBuilder:
    """Turns the SDK's parse tree into Comparison / Between / In / Logical nodes.

    Subclasses the SDK's generated visitor, so every method name below is one the grammar defines.
    """

    @staticmethod
    def build(tree: Any) -> tuple[Node | None, int | None]:
        from custom_connector_queryfilter.queryfilter.antlr import (
            CustomConnectorQueryFilterParser as parser_module,
        )
        from custom_connector_queryfilter.queryfilter.antlr import (
            CustomConnectorQueryFilterParserVisitor as visitor_module,
        )

        P = parser_module.CustomConnectorQueryFilterParser  # noqa: N806 - the generated class

        def literal(ctx: Any) -> Literal:
            text = ctx.getText()
            if isinstance(ctx, P.StringValueExpressionContext):
                return Literal("null" if text == "null" else "string", text)
            if isinstance(ctx, P.DecimalValueExpressionContext):
                return Literal("number", text)
            if isinstance(ctx, P.IsoDateTimeContext):
                return Literal("datetime", text)
            if isinstance(ctx, P.IsoDateContext):
                return Literal("date", text)
            if isinstance(ctx, P.BooleanContext):
                return Literal("boolean", text)
            raise _invalid(f"Unsupported value {text!r} in the filter")

        base = visitor_module.CustomConnectorQueryFilterParserVisitor

        class Visitor(base):  # type: ignore[misc, valid-type]
            def visitQueryfilter(self, ctx: Any) -> Any:  # noqa: N802
                # Parsers generated before the grammar had LIMIT have no limitexpression rule.
                limit_rule = getattr(ctx, "limitexpression", None)
                if limit_rule is not None and limit_rule() is not None:
                    return self.visit(limit_rule())
                return self.visit(ctx.expression()), None

            def visitLimitExpression(self, ctx: Any) -> Any:  # noqa: N802
                count = int(ctx.right.getText())
                if count > MAX_LIMIT:
                    raise _invalid(f"Invalid filter expression: LIMIT must be 1 to {MAX_LIMIT}")
                return (self.visit(ctx.left) if ctx.left is not None else None), count

            def visitParenExpression(self, ctx: Any) -> Node:  # noqa: N802
                return self.visit(ctx.expression())

            def visitNotExpression(self, ctx: Any) -> Node:  # noqa: N802
                return Logical("not", self.visit(ctx.expression()))

            def visitANDBinaryExpression(self, ctx: Any) -> Node:  # noqa: N802
                return Logical("and", self.visit(ctx.left), self.visit(ctx.right))

            def visitORBinaryExpression(self, ctx: Any) -> Node:  # noqa: N802
                return Logical("or", self.visit(ctx.left), self.visit(ctx.right))

            def _compare(self, ctx: Any, op: str) -> Node:
                return Comparison(ctx.left.getText(), op, literal(ctx.right))

            def visitGreaterThanComparatorExpression(self, ctx: Any) -> Node:  # noqa: N802
                return self._compare(ctx, ">")

            def visitGreaterThanEqualToComparatorExpression(self, ctx: Any) -> Node:  # noqa: N802
                return self._compare(ctx, ">=")

            def visitLesserThanComparatorExpression(self, ctx: Any) -> Node:  # noqa: N802
                return self._compare(ctx, "<")

            def visitLesserThanEqualToComparatorExpression(self, ctx: Any) -> Node:  # noqa: N802
                return self._compare(ctx, "<=")

            def visitEqualToComparatorExpression(self, ctx: Any) -> Node:  # noqa: N802
                return self._compare(ctx, "=")

            def visitBooleanEqualToComparatorExpression(self, ctx: Any) -> Node:  # noqa: N802
                return self._compare(ctx, "=")

            def visitNotEqualToComparatorExpression(self, ctx: Any) -> Node:  # noqa: N802
                return self._compare(ctx, "!=")

            def visitBooleanNotEqualToComparatorExpression(self, ctx: Any) -> Node:  # noqa: N802
                return self._compare(ctx, "!=")

            def visitLikeComparatorExpression(self, ctx: Any) -> Node:  # noqa: N802
                return self._compare(ctx, "CONTAINS")

            def visitBetweenExpression(self, ctx: Any) -> Node:  # noqa: N802
                return Between(ctx.left.getText(), literal(ctx.l1), literal(ctx.right))

            def visitInExpression(self, ctx: Any) -> Node:  # noqa: N802
                return In(ctx.identifier().getText(), tuple(literal(v) for v in ctx.value()))

            def visitIdentifierExpression(self, ctx: Any) -> Node:  # noqa: N802
                raise _invalid(f"Invalid filter expression: {ctx.getText()!r} is not a condition")

            def visitValueExpression(self, ctx: Any) -> Node:  # noqa: N802
                raise _invalid(f"Invalid filter expression: {ctx.getText()!r} is not a condition")

        result = Visitor().visit(tree)
        return result[0], result[1]


# -------------------------------------------------------------------------------------------------
# Evaluation
# -------------------------------------------------------------------------------------------------

Predicate = Callable[[Record], bool]
_MISSING = object()
_MALFORMED = object()


def _utc_ms(moment: datetime) -> float:
    return moment.timestamp() * 1000


def _literal_instant(lit: Literal) -> float:
    """A Date/DateTime/number/string literal as epoch milliseconds (filter-language R6)."""
    if lit.kind == "number":
        return float(lit.text)
    if lit.kind == "date":
        m = _DATE.fullmatch(lit.text)
        if not m:
            return _bad(lit)
        try:
            return _utc_ms(datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=timezone.utc))
        except ValueError:
            raise _invalid(f"{lit.text} is not a calendar date") from None
    if lit.kind == "datetime":
        m = _DATETIME_LITERAL.fullmatch(lit.text)
        if not m:
            return _bad(lit)
        year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
        fraction = m[7] or ""
        extra = timedelta()
        if hour == 24:
            # T24:00:00Z is the next midnight; any other hour-24 time is invalid.
            if minute or second or fraction.strip("0"):
                raise _invalid(f"{lit.text} is not a valid time")
            hour, extra = 0, timedelta(days=1)
        try:
            moment = datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc) + extra
        except ValueError:
            raise _invalid(f"{lit.text} is not a valid date-time") from None
        return _utc_ms(moment) + int((fraction + "000")[:3])
    if lit.kind == "string":
        instant = _value_instant(lit.value)
        if instant is None:
            raise _invalid(f"{lit.text} is not a date or date-time")
        return instant
    return _bad(lit)


def _bad(lit: Literal) -> float:
    raise _invalid(f"{lit.text} cannot be compared with a date")


def _value_instant(value: Any) -> float | None:
    """A record's Date/DateTime value as epoch milliseconds, or None when malformed (R7)."""
    if not isinstance(value, str):
        return None
    m = _DATETIME_VALUE.fullmatch(value)
    if not m:
        return None
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    hour, minute, second = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
    offset = m[8]
    tz = timezone.utc
    if offset and offset != "Z":
        sign = -1 if offset[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError:
        return None
    return _utc_ms(moment) + int(((m[7] or "") + "000")[:3])


def _convert(lit: Literal, data_type: str, field: str) -> Any:
    """A literal in the field's domain (filter-language R6); raises when it does not fit."""
    if data_type in NUMERIC_TYPES:
        if lit.kind == "number" or (lit.kind == "string" and _NUMERIC_TEXT.fullmatch(lit.value)):
            return float(lit.value)
        raise _invalid(f"{lit.text} is not a number (field {field} is {data_type})")
    if data_type in TEMPORAL_TYPES:
        return _literal_instant(lit)
    if data_type == "String":
        if lit.kind == "boolean":
            raise _invalid(f"{lit.text} cannot be compared with the String field {field}")
        return lit.value
    if data_type == "Boolean":
        if lit.kind == "boolean":
            return lit.value
        raise _invalid(f"{lit.text} is not true or false (field {field} is Boolean)")
    raise _invalid(f"Field {field} ({data_type}) can only be compared with null")


def _record_value(record: Record, field: str, data_type: str) -> Any:
    value = record.get(field)
    if value is None:
        return _MISSING
    if data_type in NUMERIC_TYPES:
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        return float(value) if is_number else _MALFORMED
    if data_type in TEMPORAL_TYPES:
        instant = _value_instant(value)
        return _MALFORMED if instant is None else instant
    kind = {"String": str, "Boolean": bool, "List": list, "Map": dict}.get(data_type)
    return value if kind is not None and isinstance(value, kind) else _MALFORMED


def _compile_comparison(node: Comparison, types: Mapping[str, str]) -> Predicate:
    data_type = _type_of(node.field, types)
    field, op, lit = node.field, node.op, node.value
    if op == "CONTAINS":
        return _compile_contains(node, data_type)
    if op in ("<", "<=", ">", ">=") and data_type not in ORDERED_TYPES:
        raise _invalid(f"{op} cannot be used on the {data_type} field {field}")
    if lit.kind == "null":
        # field = null: missing; field != null: present (even if malformed); anything else: never.
        if op == "=":
            return lambda r: r.get(field) is None
        if op == "!=":
            return lambda r: r.get(field) is not None
        return lambda r: False
    target = _convert(lit, data_type, field)
    test: Callable[[Any], bool] = {
        "=": lambda v: v == target,
        "!=": lambda v: v != target,
        "<": lambda v: v < target,
        "<=": lambda v: v <= target,
        ">": lambda v: v > target,
        ">=": lambda v: v >= target,
    }[op]

    def predicate(record: Record) -> bool:
        value = _record_value(record, field, data_type)
        return value is not _MISSING and value is not _MALFORMED and test(value)

    return predicate


def _compile_contains(node: Comparison, data_type: str) -> Predicate:
    field, lit = node.field, node.value
    if data_type not in ("String", "List", "Map"):
        raise _invalid(f"CONTAINS cannot be used on the {data_type} field {field}")
    if lit.kind == "null":
        return lambda r: False
    if lit.kind == "boolean":
        raise _invalid(f"CONTAINS needs a string, not {lit.text}")
    needle = str(lit.value)
    numeric = _NUMERIC_TEXT.fullmatch(needle) and lit.kind in ("number", "string")
    number = float(needle) if numeric else None

    def same_number(element: Any) -> bool:
        return (
            number is not None
            and isinstance(element, (int, float))
            and not isinstance(element, bool)
            and element == number
        )

    def predicate(record: Record) -> bool:
        value = _record_value(record, field, data_type)
        if isinstance(value, str):
            return needle in value
        if isinstance(value, dict):
            return needle in value
        if isinstance(value, list):
            return any((isinstance(e, str) and e == needle) or same_number(e) for e in value)
        return False

    return predicate


def _type_of(field: str, types: Mapping[str, str]) -> str:
    data_type = types.get(field)
    if data_type is None:
        raise _invalid(f"Invalid filter expression: unknown field {field!r}")
    return data_type


def compile_node(node: Node, types: Mapping[str, str]) -> Predicate:
    """A predicate for one filter node; all problems are raised before any record is seen (R4)."""
    if isinstance(node, Comparison):
        return _compile_comparison(node, types)
    if isinstance(node, Between):
        low = _compile_comparison(Comparison(node.field, ">=", node.low), types)
        high = _compile_comparison(Comparison(node.field, "<=", node.high), types)
        return lambda r: low(r) and high(r)
    if isinstance(node, In):
        options = [_compile_comparison(Comparison(node.field, "=", v), types) for v in node.values]
        return lambda r: any(option(r) for option in options)
    left = compile_node(node.left, types)
    if node.op == "not":
        return lambda r: not left(r)
    assert node.right is not None
    right = compile_node(node.right, types)
    if node.op == "and":
        return lambda r: left(r) and right(r)
    return lambda r: left(r) or right(r)


def updated_since(node: Node | None, field: str = "updatedAt") -> str | None:
    """The lower bound of ``field`` the API can apply (``field > t`` or ``>= t``, maybe AND-ed)."""
    if isinstance(node, Logical) and node.op == "and":
        return updated_since(node.left, field) or updated_since(node.right, field)
    if isinstance(node, Comparison) and node.field == field and node.op in (">", ">="):
        return node.value.text if node.value.kind == "datetime" else None
    return None


@dataclass(frozen=True)
class CompiledFilter:
    matches: Predicate
    limit: int | None
    updated_since: str | None


def compile_filter(text: str | None, types: Mapping[str, str]) -> CompiledFilter:
    parsed = parse_filter(text)
    if parsed.expression is None:
        return CompiledFilter(lambda r: True, parsed.limit, None)
    matches = compile_node(parsed.expression, types)
    return CompiledFilter(matches, parsed.limit, updated_since(parsed.expression))


# -------------------------------------------------------------------------------------------------
# Paging
# -------------------------------------------------------------------------------------------------

# Lambda answers at most 6 MB; keep a margin for the rest of the response.
MAX_RESPONSE_BYTES = 6 * 1024 * 1024 - 64 * 1024
# Stop calling the API for more pages after this many calls or seconds (AppFlow allows 30 s).
MAX_UPSTREAM_CALLS = 10
MAX_SECONDS = 20.0

FetchPage = Callable[[Any], tuple[list[Record], Any]]


def encode_token(state: Mapping[str, Any]) -> str:
    text = json.dumps(state, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_token(token: str) -> dict[str, Any]:
    try:
        state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, TypeError) as error:
        raise _invalid("Invalid nextToken") from error
    if (
        not isinstance(state, dict)
        or state.get("v") != 1
        or not isinstance(state.get("s"), int)
        or not isinstance(state.get("n"), int)
    ):
        raise _invalid("Invalid nextToken")
    return state


def select_fields(record: Record, selected: Iterable[str] | None) -> Record:
    """The selected fields of a record (all of them when ``selected`` is None or empty)."""
    names = list(selected or [])
    if not names:
        return record
    return {name: record[name] for name in names if name in record}


def paginate(
    next_token: str | None,
    max_results: int | None,
    compiled: CompiledFilter,
    selected: list[str] | None,
    fetch_page: FetchPage,
) -> tuple[list[str], str | None]:
    """One QueryData page: filters, applies LIMIT across pages, projects and stays under 6 MB.

    ``fetch_page(cursor)`` returns the API's records and its next cursor (None at the end). The
    returned nextToken is opaque to AppFlow: the API cursor, how many records of that API page were
    already consumed, and how many records were returned so far (for LIMIT).
    """
    state = decode_token(next_token) if next_token else {"v": 1, "c": None, "s": 0, "n": 0}
    page_size = max_results if isinstance(max_results, int) and max_results > 0 else 1000
    remaining = page_size
    if compiled.limit is not None:
        remaining = min(page_size, compiled.limit - state["n"])
    if remaining <= 0:
        return [], None
    out: list[str] = []
    used = 2
    cursor, skip, calls = state["c"], state["s"], 0
    started = time.monotonic()

    def stop(resume_cursor: Any, resume_skip: int) -> tuple[list[str], str | None]:
        returned = state["n"] + len(out)
        if compiled.limit is not None and returned >= compiled.limit:
            return out, None
        return out, encode_token({"v": 1, "c": resume_cursor, "s": resume_skip, "n": returned})

    while True:
        records, following = fetch_page(cursor)
        calls += 1
        for index in range(skip, len(records)):
            record = records[index]
            if not compiled.matches(record):
                continue
            if len(out) >= remaining:
                return stop(cursor, index)
            text = json.dumps(
                select_fields(record, selected), separators=(",", ":"), ensure_ascii=False
            )
            size = len(json.dumps(text).encode("utf-8")) + (1 if out else 0)
            if used + size > MAX_RESPONSE_BYTES:
                if not out:
                    raise _invalid(
                        f"A single record takes {size} bytes, more than a Lambda response can hold"
                    )
                return stop(cursor, index)
            used += size
            out.append(text)
        if following is None:
            return out, None
        cursor, skip = following, 0
        out_of_time = time.monotonic() - started > MAX_SECONDS
        if len(out) >= remaining or calls >= MAX_UPSTREAM_CALLS or out_of_time:
            return stop(cursor, 0)
