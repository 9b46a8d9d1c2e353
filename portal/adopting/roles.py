"""Who in the back office works on applications to adopt."""

from portal.accounts.models import StaffRole

# Recruitment and assessment social workers run the cases; team managers sign decisions off.
APPLICATION_ROLES = [StaffRole.ASSESSMENT_WORKER, StaffRole.TEAM_MANAGER]
TRAINING_ROLES = [StaffRole.ASSESSMENT_WORKER, StaffRole.TEAM_MANAGER, StaffRole.ADMINISTRATOR]
REPORT_ROLES = [StaffRole.PERFORMANCE_OFFICER, StaffRole.TEAM_MANAGER]
