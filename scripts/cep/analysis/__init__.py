"""What the rules mean: a `Process` in, facts about its triggers out.

boxes turns conditions into boxes of the ticket space (shared by `cep check` and `cep diff`); check proves the
triggers sound and measures how much of them the specification exercises.
"""
