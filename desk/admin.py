"""The desk in the admin. Each part lives in its own module, registered on import: reader tips
(admin_tips), notification settings (admin_notifications), and assignments, the internal thread and
the list filters of claims and verdicts (admin_claims)."""

from desk import admin_claims, admin_notifications, admin_tips  # noqa: F401 - each registers its admin
