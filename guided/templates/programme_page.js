"use strict";
// A programme written in Markdown, shown day by day (guided/outputs/programme_page.py).
// Every element is made here from the page's JSON data with textContent: nothing
// from the programme is ever read as markup.
(function () {
  var data = JSON.parse(document.getElementById("bundle-data").textContent);
  var p = data.journey && data.journey.programme;
  if (!p) return;
  var L = p.labels;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function inline(parent, spans) {
    (spans || []).forEach(function (s) {
      var node = document.createTextNode(s.t);
      if (s.c) { var code = el("code"); code.appendChild(node); node = code; }
      if (s.e) { var em = el("em"); em.appendChild(node); node = em; }
      if (s.s) { var strong = el("strong"); strong.appendChild(node); node = strong; }
      if (s.href) {
        var safe = p.links && /^https:\/\/[^\s"'<>]+$/.test(s.href);
        if (safe) {
          var a = el("a", {href: s.href, rel: "noopener noreferrer", target: "_blank"});
          a.appendChild(node); node = a;
        } else {
          var span = el("span", {"class": "link"});
          span.appendChild(node);
          span.appendChild(el("span", {"class": "muted"}, " (" + s.href + ")"));
          node = span;
        }
      }
      parent.appendChild(node);
    });
    return parent;
  }

  function blocks(parent, list) {
    (list || []).forEach(function (b) {
      if (b.k === "heading") {
        parent.appendChild(inline(el("h" + Math.min(6, Math.max(4, b.level + 1))), b.s));
      } else if (b.k === "bullets" || b.k === "numbers") {
        var l = el(b.k === "bullets" ? "ul" : "ol");
        b.items.forEach(function (item) { l.appendChild(inline(el("li"), item)); });
        parent.appendChild(l);
      } else if (b.k === "quote") {
        var q = el("blockquote");
        b.items.forEach(function (item) { q.appendChild(inline(el("p"), item)); });
        parent.appendChild(q);
      } else if (b.k === "code") {
        parent.appendChild(inline(el("pre"), b.s));
      } else {
        parent.appendChild(inline(el("p"), b.s));
      }
    });
  }

  function listen(parent, ids) {
    (ids || []).forEach(function (id) {
      var practice = document.querySelector('#practices button[data-id="' + CSS.escape(id) + '"]');
      if (!practice) return;
      var b = el("button", {type: "button", "class": "listen"}, L.listen + ": " +
                 practice.querySelector("strong").textContent);
      b.addEventListener("click", function () {
        practice.click();
        document.getElementById("player").scrollIntoView();
      });
      parent.appendChild(b);
      parent.appendChild(document.createTextNode(" "));
    });
  }

  function part(parent, prt, level) {
    if (prt.title) parent.appendChild(el("h" + level, {}, prt.title));
    blocks(parent, prt.blocks);
  }

  var section = el("section", {id: "programme", "aria-labelledby": "programme-heading"});
  section.appendChild(el("h2", {id: "programme-heading"}, L.heading));
  if (p.about && p.about.length) {  // the front matter's other keys (duration, category, …), as text
    var about = el("p", {"class": "muted programme-about"});
    about.textContent = p.about.map(function (kv) { return kv[0] + ": " + kv[1]; }).join(" · ");
    section.appendChild(about);
  }
  if (p.intro.length || p.intro_items.length) {
    var intro = el("article", {"class": "card programme-day", id: "programme-introduction"});
    intro.appendChild(el("h3", {}, L.introduction));
    listen(intro, p.intro_items);
    blocks(intro, p.intro);
    section.appendChild(intro);
  }
  p.before.forEach(function (prt) {
    var a = el("article", {"class": "programme-part"}); part(a, prt, 3); section.appendChild(a);
  });
  p.days.forEach(function (d) {
    var a = el("article", {"class": "card programme-day", id: "programme-day-" + d.number});
    a.appendChild(el("h3", {}, (d.title ? L.day_titled : L.day).replace("{number}", d.number).replace("{title}", d.title)));
    listen(a, d.items);
    d.learning.forEach(function (prt) { part(a, prt, 4); });
    if (d.activity) {
      a.appendChild(el("h4", {}, d.activity.title || L.activity));
      blocks(a, d.activity.setup);
      var steps = el("ol", {"class": "steps"});
      d.activity.steps.forEach(function (step) { var li = el("li"); blocks(li, step); steps.appendChild(li); });
      a.appendChild(steps);
    }
    if (d.questions.length) {
      a.appendChild(el("h4", {}, L.questions));
      var qs = el("ol", {"class": "reflection"});
      d.questions.forEach(function (q) { qs.appendChild(el("li", {}, q)); });
      a.appendChild(qs);
    }
    section.appendChild(a);
  });
  p.after.forEach(function (prt) {
    var a = el("article", {"class": "programme-part"}); part(a, prt, 3); section.appendChild(a);
  });
  var journey = document.getElementById("journey");
  journey.parentNode.insertBefore(section, journey.nextSibling);
})();
