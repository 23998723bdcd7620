"""The page template, script and stylesheet of ``exokg viz`` (inlined into every page)."""
