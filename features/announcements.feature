Feature: Every P1 ticket is announced for live coordination
  Whatever its trigger, a P1 ticket is also announced in the incident channel. A ticket that stays
  at Tier 1 notifies no channel.

  Scenario Outline: P1 tickets are announced whatever their trigger
    Given a "<category>" ticket with "critical" urgency and "organisation" impact
    When Tier 1 triages it
    Then its priority is "P1"
    And the trigger is "<trigger>"
    And exactly <channels> are notified

    Examples:
      | category        | trigger                        | channels                                     |
      | content         | Content error                  | "#cep-escalations" and "#cep-incidents"      |
      | outage          | Service outage                 | "#cep-escalations" and "#cep-incidents"      |
      | feature-request | Product insight                | "#cep-product-feedback" and "#cep-incidents" |
      | account         | Critical, unresolved at Tier 1 | "#cep-escalations" and "#cep-incidents"      |

  Scenario: A P2 ticket is not announced
    Given a "content" ticket with "high" urgency and "team" impact
    When Tier 1 triages it
    Then its priority is "P2"
    And "#cep-incidents" is not notified
