Feature: Time goals per priority, counted in the right calendar
  P1 counts around the clock. P2 to P4 count business hours: Monday to Friday, 08:00 to 17:00 in
  Johannesburg, without South African public holidays; a business day is nine business hours.
  A clock that starts while the office is closed starts at the next opening.

  Scenario: P1 counts every minute, weekends included
    Given a "how-to" ticket with "critical" urgency and "platform" impact
    And it was created at "Sat 2026-11-28 22:30"
    When Tier 1 triages it
    Then the first response is due "Sat 2026-11-28 23:30"
    And the resolution is due "Sun 2026-11-29 22:30"
    And the Tier acknowledgement is due "Sat 2026-11-28 23:00"

  Scenario: P2 created late on a Friday is answered on Monday
    Given a "bug" ticket with "high" urgency and "team" impact
    And Tier 1 has reproduced it
    And it was created at "Fri 2026-11-27 16:00"
    When Tier 1 triages it
    Then the first response is due "Mon 2026-11-30 11:00"
    And the resolution is due "Wed 2026-12-02 16:00"
    And the Tier acknowledgement is due "Mon 2026-11-30 09:00"

  Scenario: P3 targets in business days
    Given a "content" ticket with "medium" urgency and "team" impact
    And it was created at "Mon 2026-11-30 10:00"
    When Tier 1 triages it
    Then its priority is "P3"
    And the first response is due "Tue 2026-12-01 10:00"
    And the resolution is due "Mon 2026-12-14 10:00"
    And the Tier acknowledgement is due "Tue 2026-12-01 10:00"

  Scenario: P4 resolution skips the December public holidays
    Given a "how-to" ticket with "low" urgency and "individual" impact
    And it was created at "Tue 2026-12-01 09:00"
    When Tier 1 triages it
    Then its priority is "P4"
    And the first response is due "Thu 2026-12-03 09:00"
    And the resolution is due "Fri 2027-01-15 09:00"

  Scenario: A ticket created after hours starts its clocks at the next opening
    Given a "how-to" ticket with "high" urgency and "team" impact
    And it was created at "Mon 2026-11-30 18:30"
    When Tier 1 triages it
    Then the first response is due "Tue 2026-12-01 12:00"

  Scenario: A ticket created exactly at closing time starts its clocks at the next opening
    Given a "how-to" ticket with "high" urgency and "team" impact
    And it was created at "Tue 2026-12-01 17:00"
    When Tier 1 triages it
    Then the first response is due "Wed 2026-12-02 12:00"
    And the resolution is due "Fri 2026-12-04 17:00"

  Scenario: A ticket created before opening starts its clocks at opening
    Given a "how-to" ticket with "high" urgency and "team" impact
    And it was created at "Mon 2026-11-30 06:00"
    When Tier 1 triages it
    Then the first response is due "Mon 2026-11-30 12:00"

  Scenario: A ticket created at the weekend starts its clocks on Monday
    Given a "how-to" ticket with "high" urgency and "team" impact
    And it was created at "Sat 2026-11-28 10:00"
    When Tier 1 triages it
    Then the first response is due "Mon 2026-11-30 12:00"

  Scenario: A public holiday does not count (16 December, Day of Reconciliation)
    Given a "how-to" ticket with "high" urgency and "team" impact
    And it was created at "Tue 2026-12-15 15:00"
    When Tier 1 triages it
    Then the first response is due "Thu 2026-12-17 10:00"

  Scenario: A Sunday holiday moves to Monday (Freedom Day 2025 fell on a Sunday)
    Given a "how-to" ticket with "high" urgency and "team" impact
    And it was created at "Fri 2025-04-25 16:00"
    When Tier 1 triages it
    Then the first response is due "Tue 2025-04-29 11:00"

  Scenario Outline: Times written in another time zone count in Johannesburg
    Given a "how-to" ticket with "high" urgency and "team" impact
    And it was created at "<created>"
    When Tier 1 triages it
    Then the first response is due "<due>"

    Examples:
      | created                   | due                  |
      | 2026-11-27T14:00:00Z      | Mon 2026-11-30 11:00 |
      | 2026-11-30T08:30:00+01:00 | Mon 2026-11-30 13:30 |
      | 2026-11-30T05:00:00-05:00 | Mon 2026-11-30 16:00 |

  Scenario: Feature requests have a review goal instead of a resolution goal
    Given a "feature-request" ticket with "medium" urgency and "individual" impact
    And it was created at "Mon 2026-11-30 09:00"
    When Tier 1 triages it
    Then its priority is "P4"
    And the first response is due "Wed 2026-12-02 09:00"
    And there is no resolution goal
    And the insight review is due "Mon 2026-12-14 09:00"

  Scenario: Feedback is reviewed within ten business days whatever its priority
    Given a "feedback" ticket with "critical" urgency and "platform" impact
    And it was created at "Mon 2026-11-30 09:00"
    When Tier 1 triages it
    Then its priority is "P1"
    And the first response is due "Mon 2026-11-30 10:00"
    And there is no resolution goal
    And the insight review is due "Mon 2026-12-14 09:00"

  Scenario: A ticket that stays at Tier 1 has no acknowledgement goal
    Given a "how-to" ticket with "high" urgency and "team" impact
    When Tier 1 triages it
    Then there is no Tier acknowledgement goal

  Scenario: The acknowledgement clock starts when the ticket was escalated
    Given a "content" ticket with "high" urgency and "team" impact
    And it was created at "Mon 2026-11-30 09:00"
    And it was escalated at "Mon 2026-11-30 14:00"
    When Tier 1 triages it
    Then the Tier acknowledgement is due "Mon 2026-11-30 16:00"

  Scenario: A P1 ticket late on New Year's Eve is due in the new year
    Given a "how-to" ticket with "critical" urgency and "platform" impact
    And it was created at "Thu 2026-12-31 23:30"
    When Tier 1 triages it
    Then the first response is due "Fri 2027-01-01 00:30"
    And the resolution is due "Fri 2027-01-01 23:30"
    And the Tier acknowledgement is due "Fri 2027-01-01 00:00"

  Scenario: A P1 ticket on New Year's Eve is resolved on New Year's Day
    Given a "how-to" ticket with "critical" urgency and "platform" impact
    And it was created at "Thu 2026-12-31 20:00"
    When Tier 1 triages it
    Then the first response is due "Thu 2026-12-31 21:00"
    And the resolution is due "Fri 2027-01-01 20:00"

  Scenario: Critical feedback with its insight written is reviewed in business days all the same
    Given a "feedback" ticket with "critical" urgency and "platform" impact
    And it was created at "Mon 2026-11-30 09:00"
    And the insight is complete
    When Tier 1 triages it
    Then its priority is "P1"
    And the first response is due "Mon 2026-11-30 10:00"
    And the insight review is due "Mon 2026-12-14 09:00"

  Scenario: Every P1 ticket in one run counts its own hours, whatever zone its times are written in
    Given the tickets file reads:
      """
      {"id": "T-1", "category": "how-to", "urgency": "critical", "impact": "platform", "created": "2026-11-28T22:30:00+02:00"}
      {"id": "T-2", "category": "how-to", "urgency": "critical", "impact": "platform", "created": "2026-11-29T03:00:00+02:00", "waiting": [["2026-11-29T02:00:00Z", "2026-11-29T03:00:00Z"]]}
      """
    When it is routed
    Then the first response of "T-1" is due "Sat 2026-11-28 23:30"
    And the first response of "T-2" is due "Sun 2026-11-29 04:00"
    And the resolution of "T-2" is due "Mon 2026-11-30 04:00"

  Scenario: A P1 ticket written in UTC and checked at a moment counts its hour in Johannesburg
    Given a "how-to" ticket with "critical" urgency and "platform" impact
    And it was created at "2026-11-28T20:30:00Z"
    When the clocks are checked at "Sat 2026-11-28 23:00"
    Then the first response is due "Sat 2026-11-28 23:30"
    And the first response goal is on track
