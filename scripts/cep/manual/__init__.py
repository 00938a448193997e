"""The mkdocs side of cep: a plugin that loads the process once per build, and macros that render it as pages."""
