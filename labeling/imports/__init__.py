"""Import machinery: stream parsers, row validation, image intake and pre-annotation formats.

Nothing here writes to the database or knows about HTTP: ``labeling.services.imports``
composes these parts, and ``labeling.api.imports`` translates requests into service calls.
Every parser works on a bounded, incremental stream so that an import's memory does not
grow with its size.
"""
