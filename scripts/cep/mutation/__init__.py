"""Mutation testing of the executable specification (`make mutate`): definition mutants (definition) and code
mutants of the router, calendars and ticket parser (code), each run against the features alone."""
