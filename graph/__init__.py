"""ExoKG: a knowledge graph of how exosomes carry cancer drug resistance.

The modules follow the data flow: curated tables (:mod:`graph.curation`) -> typed model
(:mod:`graph.model`) -> RDF graph (:mod:`graph.rdf`, :mod:`graph.build`) -> store and
projection (:mod:`graph.store`, :mod:`graph.entities`, :mod:`graph.projection`) -> use
(:mod:`graph.query`, :mod:`graph.competency`, :mod:`graph.paths`, :mod:`graph.explain`,
:mod:`graph.viz`, :mod:`graph.export`). Imports run one way, down that list.
"""


def __getattr__(name: str):
    # importlib.metadata costs ~50 ms to import: only pay for it when the version is asked for
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("exokg")
        except PackageNotFoundError:  # running from a source tree that is not installed
            return "0.0.0"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
