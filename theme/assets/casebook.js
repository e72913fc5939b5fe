/* casebook: card filters and sort on the index.  Without JavaScript the
   form stays hidden and every card shows.  The state lives in the URL
   (?platform=vk&industry=...&tag=...&sort=change) so a view can be shared. */
(function () {
  "use strict";
  var KEYS = ["platform", "industry", "tag", "sort"];

  function init() {
    var form = document.getElementById("cb-filters");
    var grid = document.getElementById("cb-grid");
    if (!form || !grid || form.dataset.cbReady) return;
    form.dataset.cbReady = "1";
    form.hidden = false;
    var cards = Array.prototype.slice.call(grid.querySelectorAll(".cb-card"));
    var empty = document.querySelector(".cb-empty");
    var count = form.querySelector(".cb-filters__count");

    function read() {
      var params = new URLSearchParams(window.location.search);
      KEYS.forEach(function (key) {
        var field = form.elements[key];
        if (!field) return;
        var value = params.get(key) || "";
        var ok = Array.prototype.some.call(field.options, function (o) { return o.value === value; });
        field.value = ok ? value : field.options[0].value;
      });
    }

    function state() {
      var s = {};
      KEYS.forEach(function (key) { var f = form.elements[key]; s[key] = f ? f.value : ""; });
      return s;
    }

    function apply(push) {
      var s = state();
      var shown = 0;
      cards.forEach(function (card) {
        var ok = (!s.platform || card.dataset.platforms.split(" ").indexOf(s.platform) >= 0) &&
                 (!s.industry || card.dataset.industry === s.industry) &&
                 (!s.tag || card.dataset.tags.split(" ").indexOf(s.tag) >= 0);
        card.hidden = !ok;
        if (ok) shown += 1;
      });
      var sorted = cards.slice().sort(function (a, b) {
        if (s.sort === "change") {
          var d = parseFloat(b.dataset.change) - parseFloat(a.dataset.change);
          if (d !== 0) return d;
        }
        return b.dataset.date < a.dataset.date ? -1 : b.dataset.date > a.dataset.date ? 1 : 0;
      });
      sorted.forEach(function (card) { grid.appendChild(card); });
      if (empty) empty.hidden = shown !== 0;
      if (count) count.textContent = count.dataset.template.replace("{shown}", shown).replace("{total}", cards.length);
      if (push) {
        var params = new URLSearchParams();
        KEYS.forEach(function (key) { if (s[key] && !(key === "sort" && s[key] === "newest")) params.set(key, s[key]); });
        var query = params.toString();
        history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
      }
    }

    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
    window.addEventListener("popstate", function () { read(); apply(false); });
    read();
    apply(false);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
