"""ExoKG: a knowledge graph of how exosomes carry cancer drug resistance.

The front door is :func:`open_graph` (:mod:`graph.api`): ``open_graph().resistance(drug="cisplatin")``.
It is imported on first use, so ``import graph`` stays cheap.

The modules follow the data flow: curated tables (:mod:`graph.curation`) -> typed model
(:mod:`graph.model`) -> RDF graph (:mod:`graph.rdf`, :mod:`graph.build`) -> store and
projection (:mod:`graph.store`, :mod:`graph.entities`, :mod:`graph.projection`) -> use
(:mod:`graph.query`, :mod:`graph.competency`, :mod:`graph.paths`, :mod:`graph.explain`,
:mod:`graph.viz`, :mod:`graph.export`, :mod:`graph.api`). Imports run one way, down that list.
"""
TYPE_CHECKING = False  # typing itself is not imported: type checkers treat this name as True
if TYPE_CHECKING:
    from .api import ExoKG, open_graph

__all__ = ["ExoKG", "open_graph", "__version__"]


def __getattr__(name: str):
    """``open_graph`` and ``ExoKG`` load graph.api, and ``__version__`` the package metadata, on first use."""
    if name in ("open_graph", "ExoKG"):
        from . import api

        return getattr(api, name)
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("exokg")
        except PackageNotFoundError:  # running from a source tree that is not installed
            found = "0.0.0"
        globals()["__version__"] = found
        return found
    raise AttributeError(f"module 'graph' has no attribute {name!r}")
