"""SPARQL for ExoKG, in four rooms: :mod:`.text` (prefixes, lexing, the policy check, parameter
binding, syntax errors), :mod:`.results` (answers, serializers, formats and media types),
:mod:`.engine` (the engine protocol and the embedded engine) and :mod:`.library` (the named queries).
:mod:`graph.query` re-exports the public names."""
