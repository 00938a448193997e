"""Capacity before it hurts: `cep simulate` runs a load scenario (scenario) through the process as a
discrete-event simulation (model, with SimPy), judges every simulated ticket as `cep report` does (summary) and
sweeps volume and staff (command)."""
