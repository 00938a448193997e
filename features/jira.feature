Feature: The Jira configuration enforces the documented process
  Jira admins apply a generated bundle instead of configuring routing by hand. Its automation rules are read
  back and run for every kind of ticket, and must agree with the routing the manual describes.

  Scenario: The generated Jira automation routes every kind of ticket as the manual says
    Given the generated Jira bundle
    When its automation rules are run for every kind of ticket
    Then every kind of ticket gets the tier, priority and notifications the manual says
