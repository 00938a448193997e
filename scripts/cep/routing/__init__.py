"""The routing stage: a `Process` and tickets in, decisions out.

tickets reads ticket lines, calendars counts business time, router decides (no output format); encode writes a
decision as a `cep route` line, stream routes JSON Lines (in forked workers for a large file), command is `cep route`.
"""
