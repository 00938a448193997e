Feature: Tier 1 triage routes each ticket by the escalation triggers, in order
  Tier 1 receives every request. It checks the escalation triggers in order and the first that
  matches decides where the ticket goes and which channels hear about it. When none matches,
  Tier 1 keeps the ticket.

  Scenario: An outage goes to the Project Manager and the incident channel
    Given an "outage" ticket with "low" urgency and "individual" impact
    When Tier 1 triages it
    Then it is routed to the Project Manager
    And the trigger is "Service outage"
    And exactly "#cep-escalations" and "#cep-incidents" are notified

  Scenario: A bug that Tier 1 reproduced goes to the Project Manager
    Given a "bug" ticket with "low" urgency and "individual" impact
    And Tier 1 has reproduced it
    When Tier 1 triages it
    Then it is routed to the Project Manager
    And the trigger is "Confirmed bug"
    And exactly "#cep-escalations" is notified

  Scenario Outline: A bug nobody could reproduce still goes up when it affects a whole <impact>
    Given a "bug" ticket with "medium" urgency and "<impact>" impact
    And Tier 1 could not reproduce it
    When Tier 1 triages it
    Then it is routed to the Project Manager
    And the trigger is "Wide-impact bug"
    And exactly "#cep-escalations" is notified

    Examples:
      | impact       |
      | organisation |
      | platform     |

  Scenario: A bug nobody could reproduce that affects one team stays at Tier 1
    Given a "bug" ticket with "medium" urgency and "team" impact
    And Tier 1 could not reproduce it
    When Tier 1 triages it
    Then it stays at Tier 1
    And no trigger matches
    And no channel is notified
    And the explanation says no trigger matched and it stays at Tier 1

  Scenario: The first matching trigger wins
    Given a "bug" ticket with "medium" urgency and "platform" impact
    And Tier 1 has reproduced it
    When Tier 1 triages it
    Then the trigger is "Confirmed bug"

  Scenario: A content error goes to the Project Manager
    Given a "content" ticket with "low" urgency and "individual" impact
    When Tier 1 triages it
    Then it is routed to the Project Manager
    And the trigger is "Content error"
    And exactly "#cep-escalations" is notified

  Scenario Outline: Feature requests and feedback go to the Product Owner
    Given a "<category>" ticket with "low" urgency and "team" impact
    When Tier 1 triages it
    Then it is routed to the Product Owner
    And the trigger is "Product insight"
    And exactly "#cep-product-feedback" is notified

    Examples:
      | category        |
      | feature-request |
      | feedback        |

  Scenario: Any other critical ticket goes to the Project Manager
    Given a "how-to" ticket with "critical" urgency and "team" impact
    When Tier 1 triages it
    Then its priority is "P1"
    And it is routed to the Project Manager
    And the trigger is "Critical, unresolved at Tier 1"
    And exactly "#cep-escalations" and "#cep-incidents" are notified

  Scenario Outline: Everything else stays at Tier 1 and notifies nobody
    Given a "<category>" ticket with "<urgency>" urgency and "<impact>" impact
    When Tier 1 triages it
    Then it stays at Tier 1
    And no trigger matches
    And no channel is notified

    Examples:
      | category | urgency  | impact       |
      | how-to   | high     | team         |
      | account  | critical | individual   |
      | account  | low      | platform     |

  Scenario: Unless Tier 1 says it reproduced a bug, it was not reproduced
    Given a "bug" ticket with "medium" urgency and "organisation" impact
    When Tier 1 triages it
    Then it is routed to the Project Manager
    And the trigger is "Wide-impact bug"

  Scenario: The explanation names the trigger that matched, by its place in the list
    Given an "outage" ticket with "high" urgency and "team" impact
    When Tier 1 triages it
    Then the explanation says trigger 1, "Service outage", matched
