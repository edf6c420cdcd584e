"""Date formats per language (FORMAT_MODULE_PATH), where the site's differ from Django's: readers see
a date as "14 June 2024" / "14 червня 2024". A language without a module here uses Django's own."""
