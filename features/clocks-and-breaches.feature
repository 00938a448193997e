Feature: Time goals at risk and missed
  At 75% of a goal's time a warning is posted. A ticket still at Tier 1 that misses a goal escalates
  to the Project Manager; a P1 or P2 ticket that misses a goal at Tier 2 or Tier 3 alerts the
  technical program manager and stays where it is. Resolution clocks pause while the ticket waits
  for the customer.

  Background:
    Given a "how-to" ticket with "high" urgency and "team" impact
    And it was created at "Mon 2026-11-30 08:00"

  Scenario: Early on, the clock is fine
    When the clocks are checked at "Mon 2026-11-30 10:00"
    Then the first response goal is on track

  Scenario: At 75% of the time the goal is at risk and a warning is posted
    When the clocks are checked at "Mon 2026-11-30 11:00"
    Then the first response goal is at risk and a warning is posted

  Scenario: A minute before 75% of the time the goal is still on track
    When the clocks are checked at "Mon 2026-11-30 10:59"
    Then the first response goal is on track

  Scenario: A ticket still at Tier 1 that misses its goal escalates to the Project Manager
    When the clocks are checked at "Mon 2026-11-30 12:30"
    Then the first response goal is missed and it goes to the Project Manager
    And exactly "#cep-sla-alerts" and "#cep-escalations" are told of the missed first response goal

  Scenario: A P2 ticket that misses its goal at Tier 2 alerts the technical program manager
    Given it is with the Project Manager since "Mon 2026-11-30 09:00"
    When the clocks are checked at "Wed 2026-12-02 17:00"
    Then the resolution goal is missed and the technical program manager is alerted
    And exactly "#cep-sla-alerts" is told of the missed resolution goal
    And it stays with the Project Manager

  Scenario: A P3 ticket that misses its goal at Tier 2 raises no alert
    Given a "how-to" ticket with "medium" urgency and "team" impact
    And it was created at "Mon 2026-11-30 08:00"
    And it is with the Project Manager since "Mon 2026-11-30 09:00"
    When the clocks are checked at "Tue 2026-12-01 09:00"
    Then the first response goal is missed and nothing more happens
    And no channel is told of the missed first response goal

  Scenario: A hand-over Tier 2 does not acknowledge in time alerts the technical program manager
    Given a "content" ticket with "high" urgency and "team" impact
    And it was created at "Mon 2026-11-30 08:00"
    When the clocks are checked at "Mon 2026-11-30 10:30"
    Then it is routed to the Project Manager
    And the Tier acknowledgement goal is missed and the technical program manager is alerted

  Scenario: A response in time meets the goal
    Given the first response was given at "Mon 2026-11-30 11:30"
    When the clocks are checked at "Tue 2026-12-01 09:00"
    Then the first response goal is met

  Scenario: A response given at the very moment the clocks are checked meets the goal
    Given the first response was given at "Mon 2026-11-30 11:30"
    When the clocks are checked at "Mon 2026-11-30 11:30"
    Then the first response goal is met

  Scenario: A wait that begins when the resolution is already due does not move it
    Given it waited for the customer from "Wed 2026-12-02 17:00" to "Thu 2026-12-03 10:00"
    When Tier 1 triages it
    Then the resolution is due "Wed 2026-12-02 17:00"

  Scenario: A late response misses the goal
    Given the first response was given at "Mon 2026-11-30 12:30"
    When the clocks are checked at "Tue 2026-12-01 09:00"
    Then the first response goal was missed

  Scenario: Waiting for the customer pauses the resolution clock but not the first response
    Given it waited for the customer from "Mon 2026-11-30 10:00" to "Tue 2026-12-01 10:00"
    When Tier 1 triages it
    Then the first response is due "Mon 2026-11-30 12:00"
    And the resolution is due "Thu 2026-12-03 17:00"

  Scenario: While the customer has not answered yet, the resolution clock stands still
    Given it has been waiting for the customer since "Tue 2026-12-01 08:00"
    When the clocks are checked at "Wed 2026-12-02 17:00"
    Then the resolution is due "Fri 2026-12-04 17:00"
    And the resolution goal is on track

  Scenario: A wait that comes after the moment the clocks are checked takes no time off before it
    Given it waited for the customer from "Wed 2026-12-02 14:00" to "Wed 2026-12-02 15:00"
    When the clocks are checked at "Wed 2026-12-02 10:15"
    Then the resolution is due "Thu 2026-12-03 09:00"
    And the resolution goal is at risk and a warning is posted

  Scenario: A wait that began before the ticket counts from the ticket's creation
    Given it waited for the customer from "Fri 2026-11-27 16:00" to "Mon 2026-11-30 10:00"
    When Tier 1 triages it
    Then the resolution is due "Thu 2026-12-03 10:00"

  Scenario: A wait that ended before the ticket was created moves nothing
    Given it waited for the customer from "Fri 2026-11-27 10:00" to "Fri 2026-11-27 12:00"
    When Tier 1 triages it
    Then the resolution is due "Wed 2026-12-02 17:00"

  Scenario: One wait over and one still open both pause the resolution clock
    Given it waited for the customer from "Mon 2026-11-30 10:00" to "Mon 2026-11-30 12:00"
    And it has been waiting for the customer since "Tue 2026-12-01 08:00"
    When the clocks are checked at "Tue 2026-12-01 17:00"
    Then the resolution is due "Fri 2026-12-04 10:00"
    And the resolution goal is on track

  Scenario: While the customer has not answered, the resolution has no deadline yet
    Given it has been waiting for the customer since "Tue 2026-12-01 08:00"
    When Tier 1 triages it
    Then the resolution clock stands still
    And the first response is due "Mon 2026-11-30 12:00"

  Scenario: A wait over New Year's Day pauses only the office's open time
    Given it was created at "Wed 2026-12-30 16:00"
    And it waited for the customer from "Thu 2026-12-31 10:00" to "Fri 2027-01-01 10:00"
    When Tier 1 triages it
    Then the first response is due "Thu 2026-12-31 11:00"
    And the resolution is due "Wed 2027-01-06 14:00"

  Scenario: A wait written in UTC is the same wait
    Given it was created at "Wed 2026-12-30 16:00"
    And it waited for the customer from "2026-12-31T08:00:00Z" to "2027-01-01T08:00:00Z"
    When Tier 1 triages it
    Then the resolution is due "Wed 2027-01-06 14:00"
