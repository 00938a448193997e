Feature: The ticket lines cep reads
  Tickets come to `cep route` as JSON Lines, one ticket a line. A line cep cannot read is refused with
  its line number and the reason, in words that say how to put it right; the lines around it are still
  routed. A time must say its UTC offset: the same moment is routed the same, whatever zone wrote it.

  Background:
    Given a "how-to" ticket with "high" urgency and "team" impact

  Scenario: A time without its UTC offset is refused
    Given its "created" field holds "2026-11-30T09:00:00"
    When it is routed
    Then it is refused: 'created' has no UTC offset: '2026-11-30T09:00:00' (add one, like +02:00 or Z)

  Scenario: Text that is not a time is refused
    Given its "created" field holds "next Monday"
    When it is routed
    Then it is refused: 'created' is not an ISO 8601 time: 'next Monday'

  Scenario: A number where a time belongs is refused
    Given its "created" field holds 20261130
    When it is routed
    Then it is refused: 'created' must be an ISO 8601 time with offset, like 2026-11-27T16:00:00+02:00

  Scenario Outline: Times outside the years cep routes are refused
    Given its "created" field holds "<created>"
    When it is routed
    Then it is refused: 'created' is outside the years cep routes (1970–2100): '<created>'

    Examples:
      | created                   |
      | 1969-12-31T23:59:00+00:00 |
      | 2101-01-01T00:00:00+02:00 |

  Scenario: The first and the last year cep routes
    Given the tickets file reads:
      """
      {"id": "first", "category": "how-to", "urgency": "high", "impact": "team", "created": "1970-01-05T08:00:00+02:00"}
      {"id": "last", "category": "how-to", "urgency": "high", "impact": "team", "created": "2100-12-31T08:00:00+02:00"}
      """
    When it is routed
    Then nothing is refused
    And 2 tickets are routed

  Scenario: A category the process does not know is refused, with the categories it knows
    Given its "category" field holds "bugg"
    When it is routed
    Then it is refused as an unknown category "bugg"

  Scenario: A tier the process does not know is refused
    Given its "tier" field holds "tier-9"
    When it is routed
    Then it is refused as an unknown tier "tier-9"

  Scenario: A misspelt field is refused, with the field meant
    Given its "reproducd" field holds true
    When it is routed
    Then it is refused: unknown ticket field 'reproducd' (did you mean 'reproduced'?)

  Scenario: A ticket without its impact is refused
    Given its "impact" field is left out
    When it is routed
    Then it is refused: missing ticket field 'impact'

  Scenario: A field given twice is refused, not read as either value
    Given its "category" field is given again, as "bug"
    When it is routed
    Then it is refused: the field 'category' is given twice

  Scenario: Reproduced given twice is refused
    Given its "reproduced" field holds true
    And its "reproduced" field is given again, as false
    When it is routed
    Then it is refused: the field 'reproduced' is given twice

  Scenario: Reproduced given twice is refused, with the tier given
    Given its "tier" field holds "tier-1"
    And its "reproduced" field holds true
    And its "reproduced" field is given again, as false
    When it is routed
    Then it is refused: the field 'reproduced' is given twice

  Scenario: Reproduced given twice is refused, with a number for an id
    Given its "id" field holds 42
    And its "reproduced" field holds true
    And its "reproduced" field is given again, as false
    When it is routed
    Then it is refused: the field 'reproduced' is given twice

  Scenario: An id given twice is refused
    Given its "id" field holds 42
    And its "id" field is given again, as 43
    When it is routed
    Then it is refused: the field 'id' is given twice

  Scenario: A line that gives its fields over and over is refused
    Given the tickets file reads:
      """
      {"id": "T-1", "category": "how-to", "urgency": "high", "impact": "team", "created": "2026-11-30T09:00:00+02:00", "category": "bug", "category": "how-to", "impact": "team"}
      """
    When it is routed
    Then line 1 is refused, and no other: the field 'category' is given twice

  Scenario: A field given twice is refused, even when one is spelt with an escape
    Given the tickets file reads:
      """
      {"id": "T-1", "category": "how-to", "urgency": "high", "impact": "team", "created": "2026-11-30T09:00:00+02:00", "\u0063ategory": "bug"}
      """
    When it is routed
    Then line 1 is refused, and no other: the field 'category' is given twice

  Scenario: A whole number is a ticket id, printed as text
    Given its "id" field holds 42
    When it is routed
    Then its id is printed as "42"

  Scenario: A list is not a ticket id
    Given its "id" field holds ["T-1"]
    When it is routed
    Then it is refused: 'id' must be text or a whole number

  Scenario: An id JSON can spell but no output can hold is refused
    Given its "id" field holds "\ud800"
    When it is routed
    Then it is refused: 'id' is not text: it holds a lone UTF-16 surrogate

  Scenario: Reproduced is true or false, not a word
    Given its "reproduced" field holds "yes"
    When it is routed
    Then it is refused: 'reproduced' must be true or false

  Scenario: A code change is needed or not, not a number
    Given its "needs_code_change" field holds 1
    When it is routed
    Then it is refused: 'needs_code_change' must be true or false

  Scenario: A time left empty is no time
    Given its "responded" field holds null
    And its "escalated" field holds null
    When it is routed
    Then it is routed to Tier 1
    And the first response is due "Mon 2026-11-30 13:00"

  Scenario: A wait is a pair of times
    Given its "waiting" field holds [["2026-12-01T10:00:00+02:00"]]
    When it is routed
    Then it is refused: 'waiting' must be a list of [from, to] pairs (to may be null)

  Scenario: Waits are a list of pairs
    Given its "waiting" field holds {"from": "2026-12-01T10:00:00+02:00"}
    When it is routed
    Then it is refused: 'waiting' must be a list of [from, to] pairs (to may be null)

  Scenario: A wait that ends before it starts is refused
    Given its "waiting" field holds [["2026-12-01T10:00:00+02:00", "2026-12-01T09:00:00+02:00"]]
    When it is routed
    Then it is refused: 'waiting' ends before it starts: ['2026-12-01T10:00:00+02:00', '2026-12-01T09:00:00+02:00']

  Scenario: A wait that ends as it starts is no wait
    Given its "waiting" field holds [["2026-11-30T10:00:00+02:00", "2026-11-30T10:00:00+02:00"]]
    When it is routed
    Then nothing is refused
    And the resolution is due "Thu 2026-12-03 09:00"

  Scenario: Template fields are named
    Given its "fields" field holds ["Description"]
    When it is routed
    Then it is refused: 'fields' must be an object of template fields

  Scenario: A line that is not a JSON object is refused
    Given the tickets file reads:
      """
      ["how-to", "high", "team"]
      """
    When it is routed
    Then line 1 is refused, and no other: each line must be a JSON object

  Scenario: A bad line is refused and the lines around it are routed
    Given the tickets file reads:
      """
      {"id": "T-1", "category": "how-to", "urgency": "high", "impact": "team", "created": "2026-11-30T09:00:00+02:00"}

      {"id": "T-2", "category": "how-to", "urgency": "high", "impact": "team", "created": "2026-11-30T09:00:00+02:00"
      {"id": "T-3", "category": "how-to", "urgency": "high", "impact": "team", "created": "2026-11-30T09:00:00+02:00"}
      """
    When it is routed
    Then line 3 is refused, and no other: not valid JSON: Expecting ',' delimiter (column 112)
    And 2 tickets are routed

  Scenario: The byte-order mark some Windows tools write before the first line is not part of the ticket
    Given the tickets file starts with a byte-order mark
    When it is routed
    Then nothing is refused
    And the first response is due "Mon 2026-11-30 13:00"

  Scenario: A line that is not UTF-8 text is refused, at the byte that is not
    Given its "category" field holds the byte 0xff, which is not UTF-8 text
    When it is routed
    Then it is refused: not UTF-8 text: byte 0xff (column 33)
