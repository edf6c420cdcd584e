"""The desk in the admin. Each part lives in its own module, registered on import: reader tips
(admin_tips) and notification settings (admin_notifications)."""

from desk import admin_notifications, admin_tips  # noqa: F401 - each registers its admin
