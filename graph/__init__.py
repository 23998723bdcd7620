"""ExoKG: a knowledge graph of how exosomes carry cancer drug resistance.

The modules follow the data flow: curated tables (:mod:`graph.curation`) -> typed model
(:mod:`graph.model`) -> RDF graph (:mod:`graph.rdf`, :mod:`graph.build`) -> store and
projection (:mod:`graph.store`, :mod:`graph.entities`, :mod:`graph.projection`) -> use
(:mod:`graph.query`, :mod:`graph.competency`, :mod:`graph.paths`, :mod:`graph.explain`,
:mod:`graph.viz`, :mod:`graph.export`). Imports run one way, down that list.
"""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("exokg")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
