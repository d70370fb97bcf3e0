"""Date and number formats per language (settings.FORMAT_MODULE_PATH).

English is served as "en" (LANGUAGES) but written the British way, as the back office always
did; Bulgarian uses Django's own Bulgarian formats.
"""
