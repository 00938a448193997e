Feature: Tier 1 keeps the customer updated at the cadence of the ticket's priority
  Only Tier 1 talks to customers. Whichever tier holds the ticket, Tier 1 sends the customer a Customer update
  at the cadence the ticket's priority sets, saying where the ticket stands and what comes next.

  Scenario Outline: Each priority has its update cadence
    Given a "bug" ticket with "<urgency>" urgency and "<impact>" impact
    When Tier 1 triages it
    Then its priority is "<priority>"
    And Tier 1 sends the customer a Customer update <cadence>

    Examples:
      | urgency  | impact     | priority | cadence                |
      | critical | platform   | P1       | every 2 hours          |
      | high     | team       | P2       | daily                  |
      | medium   | team       | P3       | on every status change |
      | low      | individual | P4       | on resolution          |

  Scenario: A Customer update says where the ticket stands and what comes next
    Then the Customer update requires "Current status", "Next step" and "Time of next update"
