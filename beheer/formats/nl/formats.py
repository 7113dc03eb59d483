"""Dutch formats with seconds: history rows and logs in the admin must tell apart five changes
made in one minute (Django's own nl formats stop at minutes). Every format not set here falls
back to Django's own nl formats (FORMAT_MODULE_PATH is searched first, then Django's)."""

DATETIME_FORMAT = "j F Y H:i:s"
SHORT_DATETIME_FORMAT = "j-n-Y H:i:s"
