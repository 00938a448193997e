Feature: What happens when a goal is missed, and where the clocks start and stop
  Every priority's ticket still at Tier 1 that misses a goal goes to the Project Manager. A P1 or P2
  ticket that misses a goal at Tier 2 or Tier 3 alerts the technical program manager; a P3 or P4 one
  does not. A goal is met when the answer comes by its deadline, the deadline included. A wait for
  the customer pauses the resolution clock only while the ticket exists, and the acknowledgement's
  warning counts from when the ticket entered the tier. Times are in Johannesburg.

  Scenario Outline: A <priority> ticket still at Tier 1 that misses its first response goes to the Project Manager
    Given a "how-to" ticket with "<urgency>" urgency and "<impact>" impact
    And it was created at "Mon 2026-11-30 09:00"
    When the clocks are checked at "<checked>"
    Then its priority is "<priority>"
    And the first response goal is missed and it goes to the Project Manager
    And exactly "#cep-sla-alerts" and "#cep-escalations" are told of the missed first response goal

    Examples:
      | urgency  | impact     | priority | checked              |
      | critical | platform   | P1       | Mon 2026-11-30 10:30 |
      | medium   | team       | P3       | Tue 2026-12-01 09:30 |
      | low      | individual | P4       | Wed 2026-12-02 09:30 |

  Scenario: A P2 bug development does not acknowledge in time alerts the technical program manager
    Given a "bug" ticket with "high" urgency and "team" impact
    And it was created at "Thu 2026-12-10 09:00"
    And it is with the Project Manager since "Thu 2026-12-10 10:00"
    And a code change is needed
    When the clocks are checked at "Thu 2026-12-10 12:30"
    Then the Tier acknowledgement goal is missed and the technical program manager is alerted
    And exactly "#cep-sla-alerts" is told of the missed Tier acknowledgement goal

  Scenario: A P3 bug development does not acknowledge in time raises no alert
    Given a "bug" ticket with "medium" urgency and "team" impact
    And it was created at "Thu 2026-12-03 09:00"
    And it is with the Project Manager since "Thu 2026-12-03 10:00"
    And a code change is needed
    When the clocks are checked at "Thu 2026-12-10 09:00"
    Then the Tier acknowledgement goal is missed and nothing more happens
    And no channel is told of the missed Tier acknowledgement goal

  Scenario Outline: A <priority> bug whose resolution goal passes while it is with <tier> <outcome>
    Given a "bug" ticket with "<urgency>" urgency and "<impact>" impact
    And Tier 1 has reproduced it
    And it was created at "Mon 2026-11-30 09:00"
    And it is with <tier> since "Mon 2026-11-30 10:00"
    When the clocks are checked at "<checked>"
    Then the resolution goal is missed and <what>

    Examples:
      | priority | urgency  | impact     | tier                | checked              | outcome             | what                                     |
      | P1       | critical | platform   | the Project Manager | Tue 2026-12-01 10:00 | alerts the manager  | the technical program manager is alerted |
      | P1       | critical | platform   | Development         | Tue 2026-12-01 10:00 | alerts the manager  | the technical program manager is alerted |
      | P2       | high     | team       | Development         | Fri 2026-12-04 10:00 | alerts the manager  | the technical program manager is alerted |
      | P3       | medium   | team       | Development         | Tue 2026-12-15 10:00 | raises no alert     | nothing more happens                     |
      | P4       | low      | individual | the Project Manager | Mon 2027-02-01 10:00 | raises no alert     | nothing more happens                     |
      | P4       | low      | individual | Development         | Mon 2027-02-01 10:00 | raises no alert     | nothing more happens                     |

  Scenario Outline: A <priority> feature request the Product Owner does not acknowledge in time <outcome>
    Given a "feature-request" ticket with "<urgency>" urgency and "<impact>" impact
    And it was created at "Mon 2026-11-30 09:00"
    When the clocks are checked at "<checked>"
    Then it is routed to the Product Owner
    And the Tier acknowledgement goal is missed and <what>

    Examples:
      | priority | urgency | impact     | checked              | outcome            | what                                     |
      | P2       | high    | team       | Mon 2026-11-30 12:00 | alerts the manager | the technical program manager is alerted |
      | P3       | medium  | team       | Tue 2026-12-01 10:00 | raises no alert    | nothing more happens                     |
      | P4       | low     | individual | Wed 2026-12-02 10:00 | raises no alert    | nothing more happens                     |

  Scenario: A P1 insight the Product Owner does not acknowledge in time alerts the technical program manager
    Given a "feature-request" ticket with "critical" urgency and "platform" impact
    And it was created at "Sat 2026-11-28 10:00"
    When the clocks are checked at "Sat 2026-11-28 10:45"
    Then it is routed to the Product Owner
    And the Tier acknowledgement goal is missed and the technical program manager is alerted

  Scenario: A response given exactly at its deadline meets the goal
    Given a "how-to" ticket with "high" urgency and "team" impact
    And it was created at "Mon 2026-11-30 08:00"
    And the first response was given at "Mon 2026-11-30 12:00"
    When the clocks are checked at "Mon 2026-11-30 13:00"
    Then the first response goal is met

  Scenario: A hand-over at the very minute the bug-fix window opens catches it
    Given a "bug" ticket with "medium" urgency and "team" impact
    And it is with the Project Manager since "Wed 2026-12-09 08:00"
    And a code change is needed
    When the Project Manager hands it over
    Then the Tier acknowledgement is due "Wed 2026-12-09 17:00"

  Scenario: A wait that began before the ticket was opened pauses the resolution only from its creation
    Given a "how-to" ticket with "high" urgency and "team" impact
    And it was created at "Mon 2026-11-30 10:00"
    And it waited for the customer from "Mon 2026-11-30 08:00" to "Mon 2026-11-30 12:00"
    When Tier 1 triages it
    Then the resolution is due "Thu 2026-12-03 12:00"

  Scenario: An escalation report without its optional fields still goes up
    Given a "content" ticket with "low" urgency and "individual" impact
    And the escalation report lacks "Workaround", "Environment", "Attachments" and "Customer context"
    When Tier 1 triages it
    Then it is routed to the Project Manager
    And nothing is missing

  Scenario: The acknowledgement's warning counts from when the ticket entered the tier
    Given a "content" ticket with "high" urgency and "team" impact
    And it was created at "Mon 2026-11-30 08:00"
    And it was escalated at "Mon 2026-11-30 10:00"
    When the clocks are checked at "Mon 2026-11-30 11:00"
    Then the Tier acknowledgement goal is on track

  Scenario: Three quarters of the way from entering the tier, the acknowledgement is at risk
    Given a "content" ticket with "high" urgency and "team" impact
    And it was created at "Mon 2026-11-30 08:00"
    And it was escalated at "Mon 2026-11-30 10:00"
    When the clocks are checked at "Mon 2026-11-30 11:45"
    Then the Tier acknowledgement goal is at risk and a warning is posted
