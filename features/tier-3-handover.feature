Feature: Hand-overs to development
  The Project Manager hands a bug to development when a code change is needed. P1 and P2 bugs go to
  Tier 3 at once and interrupt planned work. P3 and P4 wait for the weekly bug-fix window: Tier 3's
  acknowledgement clock starts at the first Wednesday 08:00 at or after the hand-over, or at the next
  opening after it when that Wednesday is a public holiday. The Product Owner hands a feature to
  development only once it is accepted into the roadmap; it then follows normal planning, with no
  time goal.

  Scenario: A P2 bug goes to development at once
    Given a "bug" ticket with "high" urgency and "team" impact
    And it is with the Project Manager since "Thu 2026-12-10 10:00"
    And a code change is needed
    When the Project Manager hands it over
    Then it is routed to Development
    And "#cep-dev-triage" is notified
    And the Tier acknowledgement is due "Thu 2026-12-10 12:00"
    And the explanation says the "Bug fix hand-over" takes it to Development because "a code change is needed"

  Scenario: A P1 bug interrupts the weekend
    Given a "bug" ticket with "critical" urgency and "platform" impact
    And it is with the Project Manager since "Sat 2026-11-28 10:00"
    And a code change is needed
    When the Project Manager hands it over
    Then it is routed to Development
    And "#cep-dev-triage" is notified
    And "#cep-incidents" is notified
    And the Tier acknowledgement is due "Sat 2026-11-28 10:30"

  Scenario: A P3 bug waits for next Wednesday's window
    Given a "bug" ticket with "medium" urgency and "team" impact
    And it is with the Project Manager since "Thu 2026-12-03 10:00"
    And a code change is needed
    When the Project Manager hands it over
    Then it is routed to Development
    And the Tier acknowledgement is due "Wed 2026-12-09 17:00"
    And the explanation says Development's clock starts at the fix window, "Wed 2026-12-09 08:00"

  Scenario: A hand-over early on a Wednesday catches that morning's window
    Given a "bug" ticket with "medium" urgency and "team" impact
    And it is with the Project Manager since "Wed 2026-12-09 07:30"
    And a code change is needed
    When the Project Manager hands it over
    Then the Tier acknowledgement is due "Wed 2026-12-09 17:00"

  Scenario: A hand-over after the window opened waits a week
    Given a "bug" ticket with "medium" urgency and "team" impact
    And it is with the Project Manager since "Wed 2026-12-02 09:00"
    And a code change is needed
    When the Project Manager hands it over
    Then the Tier acknowledgement is due "Wed 2026-12-09 17:00"

  Scenario: When the window's Wednesday is a public holiday, the window opens the next business morning
    Given a "bug" ticket with "low" urgency and "individual" impact
    And it is with the Project Manager since "Thu 2026-12-10 10:00"
    And a code change is needed
    When the Project Manager hands it over
    Then its priority is "P4"
    And it is routed to Development
    And the Tier acknowledgement is due "Fri 2026-12-18 17:00"

  Scenario: Without a code change the bug stays with the Project Manager
    Given a "bug" ticket with "high" urgency and "team" impact
    And it is with the Project Manager since "Thu 2026-12-10 10:00"
    When the Project Manager hands it over
    Then it stays with the Project Manager
    And there is no Tier acknowledgement goal
    And the explanation says it stays at the Project Manager

  Scenario: When the window's Wednesday and the day after are public holidays, the window opens on the Friday
    Given a "bug" ticket with "medium" urgency and "team" impact
    And it is with the Project Manager since "Thu 2030-12-19 10:00"
    And a code change is needed
    When the Project Manager hands it over
    Then its priority is "P3"
    And the Tier acknowledgement is due "Fri 2030-12-27 17:00"

  Scenario: A feature accepted into the roadmap goes to development, with no time goal
    Given a "feature-request" ticket with "medium" urgency and "team" impact
    And it is at the Product Owner since "Mon 2026-11-30 10:00"
    And it was accepted into the roadmap
    When the Product Owner hands it over
    Then it is routed to Development
    And exactly "#cep-dev-triage" is notified
    And there is no Tier acknowledgement goal
    And the explanation says the "Accepted feature hand-over" takes it to Development because "accepted into the roadmap"

  Scenario: A feature not accepted into the roadmap stays at the Product Owner
    Given a "feature-request" ticket with "medium" urgency and "team" impact
    And it is at the Product Owner since "Mon 2026-11-30 10:00"
    When the Product Owner hands it over
    Then it stays at the Product Owner
    And no channel is notified
