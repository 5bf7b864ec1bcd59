"""The GraphQL schema: root fields over the GraphStore."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLSyntaxError, OperationType
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, ExecutionResult, Info

from api.audit.query import AuditQuery
from api.audit.record import AuditWrites
from api.auth.gate import RoleGate
from api.changes.fields import ChangeQuery, Subscription
from api.changes.shared import SharedEventExecutor
from api.changes.webhooks import WebhookMutation, WebhookQuery
from api.context import Context
from api.explore import ExploreQuery
from api.hot_issues import HotIssueQuery
from api.http.observe import current_request_id
from api.investigations import InvestigationMutation, InvestigationQuery
from api.limits.cost import ESTIMATED, QueryCostLimit, operation_cost
from api.limits.lanes import Lane
from api.limits.persisted import RegisteredOnly
from api.mutations.incidents import IncidentMutation
from api.mutations.nodes import Mutation
from api.mutations.petitions import PetitionMutation
from api.nodes import (
    ALL_TYPES,
    Building,
    Device,
    Grid,
    Household,
    Incident,
    Node,
    Organisation,
    Petition,
    Resident,
)
from api.nodes.aggregates import root_aggregate
from api.nodes.filter_inputs import FILTER_INPUTS
from api.nodes.order import ORDER_INPUTS
from api.nodes.registry import to_graphql
from api.pagination import MAX_PAGE_SIZE, Connection, bad_input
from api.risk.fields import RiskQuery
from api.risk.save import RiskMutation
from api.risk.scenario import ScenarioQuery
from api.roots import root_list
from api.saved_queries import SavedQueryQuery
from api.timeline import TimelineQuery
from civicgraph.logs import get_logger
from graph.errors import ForbiddenError, InvalidInputError
from graph.model import Label
from graph.records import NodeRef
from graph.workflow import overdue_filter

log = get_logger(__name__)
L = Label


@strawberry.type
class Stats:
    """Node counts of the whole graph."""

    residents: int
    households: int
    buildings: int
    grids: int
    organisations: int
    devices: int
    incidents: int
    petitions: int


def root_connection(label: Label, node_type: Any) -> Any:
    """A root list of one type: filtered, ordered, keyset-paginated."""

    async def resolve(
        self: Any,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: Any = None,
        order_by: Any = None,
    ) -> Any:
        return await root_list(info, label, first, after, last, before, filter, order_by)

    resolve.__annotations__.update(
        {
            "filter": FILTER_INPUTS[label] | None,
            "order_by": ORDER_INPUTS[label] | None,
            "return": Connection[node_type],
        }
    )
    return strawberry.field(resolver=resolve)


def _ref(global_id: strawberry.ID, argument: str) -> NodeRef:
    try:
        return NodeRef.parse(str(global_id))
    except ValueError as exc:
        raise bad_input(f"{argument}: {exc}") from None


@strawberry.type
class Query:
    @strawberry.field(description="Node counts of the whole graph.")
    async def stats(self, info: Info[Context, None]) -> Stats:
        counts = await asyncio.to_thread(info.context.store.count_nodes)
        return Stats(
            residents=counts[L.RESIDENT],
            households=counts[L.HOUSEHOLD],
            buildings=counts[L.BUILDING],
            grids=counts[L.GRID],
            organisations=counts[L.ORGANISATION],
            devices=counts[L.DEVICE],
            incidents=counts[L.INCIDENT],
            petitions=counts[L.PETITION],
        )

    @strawberry.field(description="Any node by its global id, e.g. `Building:B000001`.")
    async def node(self, info: Info[Context, None], id: strawberry.ID) -> Node | None:
        record = await info.context.loaders.nodes.load(_ref(id, "id"))
        return to_graphql(record) if record else None

    @strawberry.field(description="Nodes by global ids, in the order asked; null where absent.")
    async def nodes(self, info: Info[Context, None], ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_PAGE_SIZE:
            raise bad_input(f"ids: at most {MAX_PAGE_SIZE} at a time")
        refs = [_ref(i, f"ids[{n}]") for n, i in enumerate(ids)]
        records = await info.context.loaders.nodes.load_many(refs)
        return [to_graphql(r) if r else None for r in records]

    @strawberry.field(description="Nodes whose names or texts contain `text` (Chinese works).")
    async def search(self, info: Info[Context, None], text: str, first: int = 20) -> list[Node]:
        if not 0 < first <= MAX_PAGE_SIZE:
            raise bad_input(f"first: must be between 1 and {MAX_PAGE_SIZE}")
        hits = await asyncio.to_thread(info.context.store.search, text, (), first)
        return [to_graphql(hit.node) for hit in hits]

    residents = root_connection(L.RESIDENT, Resident)

    residents_aggregate = root_aggregate(L.RESIDENT)

    households = root_connection(L.HOUSEHOLD, Household)

    households_aggregate = root_aggregate(L.HOUSEHOLD)

    buildings = root_connection(L.BUILDING, Building)

    buildings_aggregate = root_aggregate(L.BUILDING)

    grids = root_connection(L.GRID, Grid)

    grids_aggregate = root_aggregate(L.GRID)

    organisations = root_connection(L.ORGANISATION, Organisation)

    organisations_aggregate = root_aggregate(L.ORGANISATION)

    devices = root_connection(L.DEVICE, Device)

    devices_aggregate = root_aggregate(L.DEVICE)

    @strawberry.field(description="Open incidents past their deadline (超时), oldest first.")
    async def overdue_incidents(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Incident]:
        return await root_list(
            info, L.INCIDENT, first, after, None, None, None, None, extra=overdue_filter()
        )

    incidents = root_connection(L.INCIDENT, Incident)

    incidents_aggregate = root_aggregate(L.INCIDENT)

    petitions = root_connection(L.PETITION, Petition)

    petitions_aggregate = root_aggregate(L.PETITION)


class MaskUnexpectedErrors(MaskErrors):
    """Unexpected failures reach clients as "Internal server error" with a code, nothing more."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": current_request_id()}
        return masked


def _should_mask(error: GraphQLError) -> bool:
    """Hide unexpected failures; keep errors raised on purpose (they carry a code) and the
    store's refusals of bad input (they name the field and the reason)."""
    return error.original_error is not None and not isinstance(
        error.original_error, GraphQLError | InvalidInputError | ForbiddenError
    )


# What a GraphQL error message may quote of a request: strings, objects and lists (graphql-core
# prints a whole input object it refuses), and the value after "value" or "found".
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACED = re.compile(r"\{.*\}|\[.*\]", re.DOTALL)
_AFTER_VALUE = re.compile(r"\b(value:?|found:?) +(?!of\b)('(?:[^'\\]|\\.)*'|[^\s;,]+)")


def loggable(message: str) -> str:
    """An error message fit for the log: the values it quotes (a variable, a literal, which
    may be an ID number or a phone) are left out; names and reasons stay."""
    message = _BRACED.sub("{…}", _QUOTED.sub('"…"', message))
    return _AFTER_VALUE.sub(r"\1 …", message)


# What graphql-core says of a variable whose value fails coercion (a bad argument value), as
# opposed to a document that misuses variables (undeclared, unused: validation errors).
_COERCION = re.compile(
    r"^Variable '\$\w+' (has invalid value|got invalid value|of required type|of non-null type)"
)


def _failed_coercion(error: GraphQLError) -> bool:
    return error.path is None and _COERCION.match(error.message) is not None


def _classify(error: GraphQLError) -> None:
    """Set `extensions.code` where nothing did: parse, validation, bad variable or internal
    failure."""
    extensions = error.extensions if error.extensions is not None else {}
    if "code" not in extensions:
        if isinstance(error, GraphQLSyntaxError):
            extensions["code"] = "GRAPHQL_PARSE_FAILED"
        elif isinstance(error.original_error, ForbiddenError):
            extensions["code"] = "FORBIDDEN"
        elif isinstance(error.original_error, InvalidInputError) or _failed_coercion(error):
            extensions["code"] = "BAD_USER_INPUT"
        elif error.message == "Internal server error" or error.original_error is not None:
            extensions["code"] = "INTERNAL_SERVER_ERROR"
        else:
            extensions["code"] = "GRAPHQL_VALIDATION_FAILED"
    error.extensions = extensions


# Operations estimated to fetch more objects than this run on the costly lane (see lanes.py).
COSTLY_LANE_FROM = 2_000


class CivicSchema(strawberry.Schema):
    costly_lane = Lane("graphql-costly")
    limit_rules: list[Any]
    max_tokens: int
    max_cost: int

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Any = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """Estimate the operation once (the cost limit reads it; the answer reports it in
        `extensions.cost`); run a costly query on its own lane, so that cheap requests stay
        fast meanwhile."""
        run = super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types,
            operation_extensions,
        )
        found = (
            operation_cost(self._schema, query, operation_name, variable_values or {})
            if query
            else None
        )
        token = ESTIMATED.set(found[1] if found else None)
        try:
            if found and found[0] == OperationType.QUERY and found[1] >= COSTLY_LANE_FROM:
                result = await self.costly_lane.run(run)
            else:
                result = await run
        finally:
            ESTIMATED.reset(token)
        if found and result.data is not None:  # what it was estimated to cost, for the caller
            result.extensions = {**(result.extensions or {}), "cost": found[1]}
        return result

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Give every error a code; log it without the query text or variables (personal data)."""
        for error in errors:
            _classify(error)
            code = (error.extensions or {}).get("code")
            if not _should_mask(error):
                message = loggable(error.message)
                log.info("graphql.refused", message=message, code=code, path=error.path)
            else:
                log.error("graphql.failed", path=error.path, exc_info=error.original_error)


def build_schema(
    max_depth: int = 12,
    max_tokens: int = 5000,
    max_aliases: int = 30,
    max_cost: int = 50_000,
    registered_only: bool = False,
) -> CivicSchema:
    """The schema with its protective limits (defaults match the settings' defaults)."""
    limit_rules = [
        *QueryDepthLimiter(max_depth=max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
    ]
    built = CivicSchema(
        query=merge_types(
            "Query",
            (
                Query,
                ChangeQuery,
                WebhookQuery,
                AuditQuery,
                RiskQuery,
                ScenarioQuery,
                HotIssueQuery,
                ExploreQuery,
                TimelineQuery,
                SavedQueryQuery,
                InvestigationQuery,
            ),
        ),
        mutation=merge_types(
            "Mutation",
            (
                Mutation,
                IncidentMutation,
                WebhookMutation,
                RiskMutation,
                PetitionMutation,
                InvestigationMutation,
            ),
        ),
        subscription=Subscription,
        execution_context_class=SharedEventExecutor,
        types=list(ALL_TYPES),
        extensions=[
            lambda: MaskUnexpectedErrors(
                should_mask_error=_should_mask, error_message="Internal server error"
            ),
            # The same rule classes on every request, so the validation cache can hit.
            lambda: AddValidationRules(limit_rules),
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            RoleGate,
            AuditWrites,
            lambda: QueryCostLimit(max_cost),
            lambda: ParserCache(maxsize=1000),
            lambda: ValidationCache(maxsize=1000),
            *([RegisteredOnly] if registered_only else []),
        ],
    )
    # The same limits, for the compiled read path (api/compiled), which validates on its own.
    built.limit_rules = limit_rules
    built.max_tokens = max_tokens
    built.max_cost = max_cost
    return built


schema = build_schema()
