// The "Right now" page: finds the kind of ticket in the decisions the build embedded, and counts each clock's
// time on its calendar from the moment the customer reported it, as cep's router does: opening hours on open
// weekdays, public holidays closed, wall-clock times in the calendar's zone (clock changes included); a deadline
// that falls at closing time stays there.
(function () {
  "use strict";
  var source = document.getElementById("cep-triage-data");
  if (!source) return;
  var data = JSON.parse(source.textContent);
  var formats = {};

  function parts(instant, zone) {
    var format = formats[zone] || (formats[zone] = new Intl.DateTimeFormat("en-GB", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit"
    }));
    var out = {};
    format.formatToParts(new Date(instant)).forEach(function (p) { out[p.type] = Number(p.value); });
    return out; // year, month, day, hour, minute, second
  }

  function offsetAt(instant, zone) {
    var p = parts(instant, zone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant / 1000) * 1000;
  }

  // The instant a wall-clock time names in `zone`; an ambiguous or skipped time reads with the offset before the
  // change, as Python's zoneinfo does (fold=0).
  function instantOf(year, month, day, seconds, zone) {
    var naive = Date.UTC(year, month - 1, day) + seconds * 1000;
    var before = offsetAt(naive - 14 * 3600 * 1000, zone);
    var after = offsetAt(naive + 14 * 3600 * 1000, zone);
    var beforeHolds = offsetAt(naive - before, zone) === before;
    var afterHolds = offsetAt(naive - after, zone) === after;
    return naive - (beforeHolds || !afterHolds ? before : after);
  }

  function iso(year, month, day) {
    return year + "-" + String(month).padStart(2, "0") + "-" + String(day).padStart(2, "0");
  }

  function due(calendar, start, seconds) {
    if (calendar.alwaysOpen) return start + seconds * 1000;
    var p = parts(start, calendar.zone);
    var date = new Date(Date.UTC(p.year, p.month - 1, p.day));
    var wall = p.hour * 3600 + p.minute * 60 + p.second;
    var first = true;
    for (var guard = 0; guard < 3700; guard++) {
      var y = date.getUTCFullYear(), m = date.getUTCMonth() + 1, d = date.getUTCDate();
      var weekday = (date.getUTCDay() + 6) % 7;
      var open = calendar.days.indexOf(weekday) >= 0 && calendar.holidays.indexOf(iso(y, m, d)) < 0;
      if (open) {
        var into = first ? Math.min(Math.max(wall - calendar.opens, 0), calendar.daySeconds) : 0;
        if (into + seconds <= calendar.daySeconds) return instantOf(y, m, d, calendar.opens + into + seconds, calendar.zone);
        seconds -= calendar.daySeconds - into;
      }
      first = false;
      date = new Date(Date.UTC(y, m - 1, d + 1));
    }
    return NaN;
  }

  // What the page answers for one kind of ticket reported at `local` ("YYYY-MM-DDTHH:MM" in the team's zone).
  function answer(key, local) {
    var kind = data.kinds[key];
    var bits = local.split(/[-T:]/).map(Number);
    var start = instantOf(bits[0], bits[1], bits[2], bits[3] * 3600 + bits[4] * 60, data.zone);
    return {
      kind: kind,
      deadlines: kind.clocks.map(function (c) {
        return { name: c.name, due: due(data.calendars[c.calendar], start, c.seconds) };
      })
    };
  }

  function show(instant) {
    var p = parts(instant, data.zone);
    var names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    var weekday = names[new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay()];
    return weekday + " " + iso(p.year, p.month, p.day) + " " + String(p.hour).padStart(2, "0") + ":" +
      String(p.minute).padStart(2, "0");
  }

  function render(result, box) {
    var k = result.kind;
    box.textContent = "";
    function line(tag, text) { var e = document.createElement(tag); e.textContent = text; box.appendChild(e); return e; }
    line("h2", "Priority " + k.priority + (k.stays ? ": it stays with " : ": it goes to ") + k.route);
    line("p", k.channels.length ? "Post in: " + k.channels.join(", ") + "." : "No channel to post in.");
    // the deadlines next, so that they too are on a phone's first screen; the reasons follow
    line("p", "Deadlines (" + data.zone + " time):").className = "cep-deadlines-head";
    var list = line("ul", "");
    result.deadlines.forEach(function (d) {
      var item = document.createElement("li");
      item.textContent = d.name + ": by " + show(d.due);
      list.appendChild(item);
    });
    if (k.trigger) line("p", "Because of the trigger: " + k.trigger + ".");
    if (k.template) line("p", "Fill in the " + k.template + ": " + k.fields.join(", ") + ".");
    line("p", k.breach);
  }

  window.cepTriage = function (key, local) {
    var result = answer(key, local);
    return {
      priority: result.kind.priority, route: result.kind.route, channels: result.kind.channels,
      deadlines: result.deadlines.map(function (d) { return { name: d.name, due: new Date(d.due).toISOString() }; })
    };
  };

  var form = document.getElementById("cep-triage");
  var box = document.getElementById("cep-answer");
  var when = document.getElementById("cep-when");
  // The print page renames the form's ids: there the decision table stands alone, as without JavaScript.
  if (!form || !box || !when) return;
  form.hidden = false;
  var now = parts(Date.now(), data.zone);
  when.value = iso(now.year, now.month, now.day) + "T" + String(now.hour).padStart(2, "0") + ":" +
    String(now.minute).padStart(2, "0");
  function update() {
    var key = ["category", "urgency", "impact", "reproduced"].map(function (n) {
      return document.getElementById("cep-" + n).value;
    }).join("|");
    if (when.value) render(answer(key, when.value), box);
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
