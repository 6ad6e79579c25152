"""The one composition point: every feature registers with the shared case logic here.

Shared case logic (casework, issuing) calls ``casework.hooks`` and never imports a feature;
``compose()`` runs each feature's ``register`` once per process. Every entrypoint calls it: the
app (api.app), the workers (flows), the CLI's domain commands, the simulator, the tests.
"""

from __future__ import annotations

from approvals.casework.hooks import registry
from approvals.commitment import hooks as commitment
from approvals.exchange import hooks as exchange
from approvals.joint_review import hooks as joint_review
from approvals.liaison import hooks as liaison
from approvals.licences import hooks as licences
from approvals.participation import hooks as participation
from approvals.tolerance import hooks as tolerance


def compose() -> None:
    hooks = registry()
    if hooks.composed:
        return
    # in this order: the sign-off's checks 听证, 拟批准公示, 容缺受理; on issue the 公告, the
    # liaison's note, the national report
    participation.register(hooks)
    tolerance.register(hooks)
    liaison.register(hooks)
    exchange.register(hooks)
    licences.register(hooks)
    commitment.register()
    joint_review.register()
    hooks.composed = True
