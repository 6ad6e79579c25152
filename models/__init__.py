"""Tables and enums; importing this package registers every table on ``SQLModel.metadata``."""

from models.enums import (
    DispatchState,
    DocumentKind,
    DocumentState,
    Outcome,
    Role,
    Status,
)
from models.tables import (
    Application,
    AuditEvent,
    Decision,
    Document,
    Enterprise,
    FlowDispatch,
    HolidayDay,
    Material,
    OutboxMail,
    PostalDispatch,
    SerialCounter,
    User,
)

__all__ = [
    "Application",
    "AuditEvent",
    "Decision",
    "DispatchState",
    "Document",
    "DocumentKind",
    "DocumentState",
    "Enterprise",
    "FlowDispatch",
    "HolidayDay",
    "Material",
    "OutboxMail",
    "Outcome",
    "PostalDispatch",
    "Role",
    "SerialCounter",
    "Status",
    "User",
]
