"""The executable specification: Gherkin feature files in, pytest-bdd scenarios over the router out.

gherkin reads feature files and cucumber results, steps is the pytest plugin with the step vocabulary, scenarios
binds a features folder to it for `cep spec`.
"""
