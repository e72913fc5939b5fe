/* casebook charts: turn each static chart (figure.cb-chart) into an
   interactive vega-embed chart with tooltips.

   Loaded after the vega bundle the site serves itself (no CDN).  Without
   JavaScript, without the bundle or when rendering fails, the static SVG
   simply stays; it is hidden only once the interactive chart has rendered.
   Works with mkdocs-material's instant navigation: it runs on every page
   that `document$` announces, else once on DOMContentLoaded. */
(function () {
  "use strict";

  function payloadOf(figure) {
    var node = figure.querySelector("script.cb-chart__spec");
    if (!node) return null;
    try {
      var data = JSON.parse(node.textContent);
      // A spec handed to the template as a plain string arrives as a JSON string.
      if (typeof data.spec === "string") data.spec = JSON.parse(data.spec);
      if (typeof data.options === "string") data.options = JSON.parse(data.options);
      if (!data.spec || typeof data.spec !== "object") return null;
      return data;
    } catch (err) {
      return null;
    }
  }

  // Dark mode: Material's "slate" scheme.  The spec's light colours (casebook.render.charts.style)
  // are swapped for dark-page ones, and each chart is drawn again when the reader switches.
  var DARK = {
    "#1D1D1F": "#E8EAED", "#5F6368": "#B4B9C0", "#E6E8EC": "#3A3F47", "#9AA0A6": "#80868B",
    "#7A4100": "#F6B25E", "#A8AFB8": "#7D8590", "#2F5BD3": "#7AA2FF", "#1B7A3A": "#5CC48A",
    "#B3261E": "#FF8A80", "#000000": "#E8EAED"
  };

  function isDark() {
    var body = document.body;
    return !!body && body.getAttribute("data-md-color-scheme") === "slate";
  }

  function forScheme(spec) {
    if (!isDark()) return spec;
    var text = JSON.stringify(spec).replace(/"#[0-9A-Fa-f]{6}"/g, function (quoted) {
      var swap = DARK[quoted.slice(1, -1).toUpperCase()];
      return swap ? '"' + swap + '"' : quoted;
    });
    var dark = JSON.parse(text);
    dark.config = dark.config || {};
    dark.config.background = "transparent";
    if (dark.background) dark.background = "transparent";
    return dark;
  }

  function redraw() {
    var figures = document.querySelectorAll("figure.cb-chart[data-cb-chart]");
    for (var i = 0; i < figures.length; i++) {
      var figure = figures[i];
      var live = figure.querySelector(".cb-chart__live");
      if (live && live.parentNode) live.parentNode.removeChild(live);
      var still = figure.querySelector(".cb-chart__static");
      if (still) still.hidden = false;
      figure.removeAttribute("data-cb-chart");
      figure.removeAttribute("data-cb-scheme");
    }
    enhanceAll();
  }

  function watchScheme() {
    if (!document.body || typeof MutationObserver !== "function") return;
    new MutationObserver(function () { redraw(); })
      .observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  }

  function enhance(figure) {
    var state = figure.getAttribute("data-cb-chart");
    if (state === "live" || state === "pending") return;
    var embed = window.vegaEmbed;
    if (typeof embed !== "function") return;
    var payload = payloadOf(figure);
    var still = figure.querySelector(".cb-chart__static");
    if (!payload || !still) return;

    // The live chart renders over the static one, invisible, so that it has
    // the container's width and the page does not jump; then they swap.
    var live = document.createElement("div");
    live.className = "cb-chart__live";
    live.setAttribute("role", "img");
    live.setAttribute("aria-label", still.getAttribute("aria-label") || "");
    if (!figure.style.position) figure.style.position = "relative";
    live.style.position = "absolute";
    live.style.left = "0";
    live.style.right = "0";
    live.style.top = still.offsetTop + "px";
    live.style.visibility = "hidden";
    still.parentNode.insertBefore(live, still.nextSibling);
    figure.setAttribute("data-cb-chart", "pending");

    var options = {};
    var given = payload.options || {};
    for (var key in given) {
      if (Object.prototype.hasOwnProperty.call(given, key)) options[key] = given[key];
    }
    options.actions = false;

    function fail(err) {
      if (!live.parentNode) return;  // a stale render: redraw() has started another one
      live.parentNode.removeChild(live);
      figure.setAttribute("data-cb-chart", "static");
      if (err && window.console) window.console.warn("casebook: chart stays static:", err);
    }

    var result;
    try {
      result = embed(live, forScheme(payload.spec), options);
      figure.setAttribute("data-cb-scheme", isDark() ? "dark" : "light");
    } catch (err) {
      fail(err);
      return;
    }
    Promise.resolve(result).then(function () {
      // redraw() (the reader switched scheme) removed this container while it rendered: the
      // new render owns the figure now; this one must not hide the static image or mark it live
      if (!live.parentNode) return;
      // The live div is one image labelled with the description; the marks
      // inside are not for screen readers (the data table is).
      var drawn = live.querySelectorAll("svg, canvas");
      for (var i = 0; i < drawn.length; i++) drawn[i].setAttribute("aria-hidden", "true");
      live.style.position = "";
      live.style.left = "";
      live.style.right = "";
      live.style.top = "";
      live.style.visibility = "";
      still.hidden = true;
      figure.setAttribute("data-cb-chart", "live");
    }, fail);
  }

  function enhanceAll() {
    var figures = document.querySelectorAll("figure.cb-chart");
    for (var i = 0; i < figures.length; i++) {
      try {
        enhance(figures[i]);
      } catch (err) {
        if (window.console) window.console.warn("casebook: chart stays static:", err);
      }
    }
  }

  function start() {
    watchScheme();
    var doc$ = window.document$;
    if (doc$ && typeof doc$.subscribe === "function") {
      doc$.subscribe(enhanceAll);
    } else {
      enhanceAll();
    }
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    start();
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
