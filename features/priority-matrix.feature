Feature: Priority comes from urgency and impact
  Urgency says how soon the customer needs it; impact says how many are affected. Together they
  give the priority, and an outage is never below P2.

  Scenario Outline: Urgency and impact set the priority
    Given a "how-to" ticket with "<urgency>" urgency and "<impact>" impact
    When Tier 1 triages it
    Then its priority is "<priority>"

    Examples:
      | urgency  | impact       | priority |
      | critical | platform     | P1       |
      | critical | organisation | P1       |
      | critical | team         | P1       |
      | critical | individual   | P2       |
      | high     | platform     | P1       |
      | high     | organisation | P2       |
      | high     | team         | P2       |
      | high     | individual   | P3       |
      | medium   | platform     | P2       |
      | medium   | organisation | P3       |
      | medium   | team         | P3       |
      | medium   | individual   | P4       |
      | low      | platform     | P3       |
      | low      | organisation | P3       |
      | low      | team         | P4       |
      | low      | individual   | P4       |

  Scenario Outline: An outage is never below P2
    Given an "outage" ticket with "<urgency>" urgency and "<impact>" impact
    When Tier 1 triages it
    Then its priority is "<priority>"

    Examples:
      | urgency  | impact       | priority |
      | low      | individual   | P2       |
      | medium   | organisation | P2       |
      | medium   | individual   | P2       |
      | high     | organisation | P2       |
      | critical | platform     | P1       |

  Scenario: The explanation says when a floor raised the priority
    Given an "outage" ticket with "low" urgency and "individual" impact
    When Tier 1 triages it
    Then the explanation says the "outage" floor raised the priority from "P4" to "P2"

  Scenario: The explanation says nothing of a floor the matrix already meets
    Given an "outage" ticket with "critical" urgency and "platform" impact
    When Tier 1 triages it
    Then the explanation says no floor raised the priority
