"""Who in the back office works on adoption support."""

from portal.accounts.models import StaffRole

# Duty workers screen, adoption support social workers assess and plan, team managers sign off.
SUPPORT_ROLES = [StaffRole.DUTY_WORKER, StaffRole.SUPPORT_WORKER, StaffRole.TEAM_MANAGER]
