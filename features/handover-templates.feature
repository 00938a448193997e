Feature: Every hand-over carries its template, complete
  An escalation that lacks a required field goes back to Tier 1 with the list of what is missing;
  its time goals keep running.

  Scenario: An escalation report without a description goes back to Tier 1
    Given a "bug" ticket with "high" urgency and "team" impact
    And Tier 1 has reproduced it
    And it was created at "Fri 2026-11-27 16:00"
    And the escalation report lacks "Description" and "Steps to reproduce"
    When Tier 1 triages it
    Then it is returned to Tier 1 for "Description" and "Steps to reproduce"
    And the trigger is "Confirmed bug"
    And "#cep-escalations" is not notified
    And the first response is due "Mon 2026-11-30 11:00"
    And there is no Tier acknowledgement goal

  Scenario: Steps to reproduce are required for bugs only
    Given a "content" ticket with "high" urgency and "team" impact
    And the escalation report lacks "Steps to reproduce"
    When Tier 1 triages it
    Then it is routed to the Project Manager
    And nothing is missing

  Scenario: A complete escalation report goes through
    Given a "bug" ticket with "high" urgency and "team" impact
    And Tier 1 has reproduced it
    And the escalation report is complete
    When Tier 1 triages it
    Then it is routed to the Project Manager
    And nothing is missing

  Scenario: An insight without the user's motivation goes back to Tier 1
    Given a "feature-request" ticket with "low" urgency and "team" impact
    And the insight lacks "User's motivation"
    When Tier 1 triages it
    Then it is returned to Tier 1 for "User's motivation"
    And the trigger is "Product insight"

  Scenario: A bug hand-off without acceptance criteria stays with the Project Manager
    Given a "bug" ticket with "high" urgency and "team" impact
    And it is with the Project Manager since "Thu 2026-12-10 10:00"
    And a code change is needed
    And the bug hand-off lacks "Acceptance criteria"
    When the Project Manager hands it over
    Then it stays with the Project Manager
    And "Acceptance criteria" is missing

  Scenario Outline: An escalation report without "<field>" goes back to Tier 1
    Given a "content" ticket with "low" urgency and "individual" impact
    And the escalation report lacks "<field>"
    When Tier 1 triages it
    Then it is returned to Tier 1 for "<field>"

    Examples:
      | field                 |
      | Summary               |
      | Customer organisation |
      | Description           |
      | Expected outcome      |
      | Actual outcome        |

  Scenario Outline: An insight without "<field>" goes back to Tier 1
    Given a "feedback" ticket with "low" urgency and "individual" impact
    And the insight lacks "<field>"
    When Tier 1 triages it
    Then it is returned to Tier 1 for "<field>"

    Examples:
      | field                 |
      | Customer organisation |
      | Request               |
      | User's motivation     |

  Scenario: An insight needs none of its optional fields
    Given a "feedback" ticket with "low" urgency and "individual" impact
    And the insight lacks "How many customers asked", "Business value" and "Source ticket"
    When Tier 1 triages it
    Then it is routed to the Product Owner
    And nothing is missing

  Scenario Outline: A bug hand-off without "<field>" stays with the Project Manager
    Given a "bug" ticket with "medium" urgency and "team" impact
    And it is with the Project Manager since "Thu 2026-12-10 10:00"
    And a code change is needed
    And the bug hand-off lacks "<field>"
    When the Project Manager hands it over
    Then it stays with the Project Manager
    And "<field>" is missing

    Examples:
      | field               |
      | Source ticket       |
      | Steps to reproduce  |
      | Expected outcome    |
      | Actual outcome      |
      | Fix window          |
      | Acceptance criteria |

  Scenario: A bug hand-off needs no test notes
    Given a "bug" ticket with "medium" urgency and "team" impact
    And it is with the Project Manager since "Thu 2026-12-10 10:00"
    And a code change is needed
    And the bug hand-off lacks "Test notes"
    When the Project Manager hands it over
    Then it is routed to Development
    And nothing is missing
