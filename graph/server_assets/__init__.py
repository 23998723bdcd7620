"""The query page of ``exokg serve`` (its placeholders are filled by graph.server.build_page)."""
