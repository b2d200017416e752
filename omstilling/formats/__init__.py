"""The portal's date and number formats per language (FORMAT_MODULE_PATH).

Templates name a format ("DATE_FORMAT") instead of spelling a pattern, so a date reads
"24. november 2026" in Danish and "24 November 2026" in English. Formats not set here fall
back to Django's own for the language.
"""
