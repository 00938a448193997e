"""A live Jira Cloud site brought in line with the process: `cep jira plan`, `apply` and `drift`."""
