"""The control API's routing table: (method, path) -> endpoint."""

from __future__ import annotations

from emulator.control.cfdi import ctl_cfdi_account, ctl_cfdi_receiver, ctl_cfdi_settings
from emulator.control.common import ControlHandler
from emulator.control.fes import ctl_fes_account, ctl_fes_style
from emulator.control.fv import (
    ctl_fv_advance,
    ctl_fv_callbacks,
    ctl_fv_invalidate,
    ctl_fv_reset_code,
    ctl_fv_shapes,
    ctl_fv_token_ttl,
)
from emulator.control.general import (
    ctl_clear_faults,
    ctl_fault,
    ctl_faults,
    ctl_health,
    ctl_requests,
    ctl_reset,
    ctl_state,
    ctl_stats,
)

CONTROL_PREFIX = "/_sandbox"

CONTROL_ROUTES: dict[tuple[str, str], ControlHandler] = {
    ("GET", "/_sandbox/requests"): ctl_requests,
    ("GET", "/_sandbox/stats"): ctl_stats,
    ("POST", "/_sandbox/reset"): ctl_reset,
    ("POST", "/_sandbox/fault"): ctl_fault,
    ("GET", "/_sandbox/faults"): ctl_faults,
    ("POST", "/_sandbox/faults/clear"): ctl_clear_faults,
    ("GET", "/_sandbox/health"): ctl_health,
    ("GET", "/_sandbox/state"): ctl_state,
    ("POST", "/_sandbox/fes/account"): ctl_fes_account,
    ("POST", "/_sandbox/fv/token_ttl"): ctl_fv_token_ttl,
    ("POST", "/_sandbox/fv/invalidate_tokens"): ctl_fv_invalidate,
    ("GET", "/_sandbox/fv/reset_code"): ctl_fv_reset_code,
    ("POST", "/_sandbox/cfdi/account"): ctl_cfdi_account,
    ("POST", "/_sandbox/fv/shapes"): ctl_fv_shapes,
    ("POST", "/_sandbox/fv/advance"): ctl_fv_advance,
    ("GET", "/_sandbox/fv/callbacks"): ctl_fv_callbacks,
    ("POST", "/_sandbox/fes/style"): ctl_fes_style,
    ("POST", "/_sandbox/cfdi/receiver"): ctl_cfdi_receiver,
    ("POST", "/_sandbox/cfdi/settings"): ctl_cfdi_settings,
}
