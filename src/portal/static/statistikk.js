/*
 * The charts of the statistics page (/statistikk): one per figure, by day or by month, drawn
 * with Chart.js (loaded before this file, both deferred) from the page's JSON export
 * (/statistikk.json?periode=dag|maaned), the same numbers as the table. The page works without
 * this script: its chart section stays hidden.
 *
 * Served as a file because the CSP forbids inline scripts (script-src 'self').
 */
(function () {
  'use strict';
  var root = document.getElementById('statistikk-diagrammer');
  if (!root || typeof window.Chart !== 'function' || typeof window.fetch !== 'function') return;

  var Chart = window.Chart;
  var locale = root.getAttribute('data-locale') || 'nb-NO';
  var jsonUrl = root.getAttribute('data-json') || '/statistikk.json';
  var labels = { dag: root.getAttribute('data-label-dag'), maaned: root.getAttribute('data-label-maaned') };
  var buttons = Array.prototype.slice.call(root.querySelectorAll('button[data-periode]'));
  var figures = Array.prototype.slice.call(root.querySelectorAll('figure[data-indikator]'));
  var charts = {};

  function token(name, fallback) {
    var value = window.getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }
  var accent = token('--ds-color-accent-base-default', '#0062ba');
  var text = token('--ds-color-neutral-text-default', '#1e2b3c');
  var grid = token('--ds-color-neutral-border-subtle', '#d2d5d9');

  function load(periode) {
    return fetch(jsonUrl + '?periode=' + periode, { headers: { accept: 'application/json' } }).then(function (res) {
      if (!res.ok) throw new Error('statistikk.json?periode=' + periode + ' answered ' + res.status);
      return res.json();
    });
  }

  /** The values of one figure, one per period (null where unknown). */
  function seriesOf(data, id) {
    var byPeriod = {};
    data.rader.forEach(function (r) {
      if (r.indikator === id) byPeriod[r.periode] = r.verdi;
    });
    return data.perioder.map(function (p) {
      return p in byPeriod ? byPeriod[p] : null;
    });
  }

  function draw(data, periode) {
    figures.forEach(function (figure) {
      var id = figure.getAttribute('data-indikator');
      var canvas = figure.querySelector('canvas');
      var gauge = figure.getAttribute('data-type') === 'beholdning';
      canvas.setAttribute('aria-label', figure.getAttribute('data-title') + ', ' + labels[periode]);
      canvas.setAttribute('data-periode', periode);
      var values = seriesOf(data, id);
      if (charts[id]) {
        charts[id].data.labels = data.perioder;
        charts[id].data.datasets[0].data = values;
        charts[id].update();
        return;
      }
      charts[id] = new Chart(canvas, {
        type: gauge ? 'line' : 'bar',
        data: {
          labels: data.perioder,
          datasets: [
            {
              label: figure.getAttribute('data-title'),
              data: values,
              backgroundColor: accent,
              borderColor: accent,
              pointRadius: gauge ? 2 : 0,
              spanGaps: false,
            },
          ],
        },
        options: {
          locale: locale,
          animation: false,
          responsive: true,
          maintainAspectRatio: true,
          aspectRatio: 2,
          plugins: { legend: { display: false } },
          scales: {
            x: { ticks: { color: text, maxRotation: 0, autoSkip: true }, grid: { display: false } },
            y: { beginAtZero: true, ticks: { color: text, precision: 0 }, grid: { color: grid } },
          },
        },
      });
    });
  }

  function show(periode, data) {
    buttons.forEach(function (b) {
      var pressed = b.getAttribute('data-periode') === periode;
      b.setAttribute('aria-pressed', String(pressed));
      b.setAttribute('data-variant', pressed ? 'primary' : 'secondary');
    });
    draw(data, periode);
    root.setAttribute('data-periode', periode);
  }

  Promise.all([load('dag'), load('maaned')])
    .then(function (results) {
      var byPeriod = { dag: results[0], maaned: results[1] };
      root.hidden = false;
      // A young instance: its days say more than its one or two months.
      var first = byPeriod.dag.perioder.length <= 62 ? 'dag' : 'maaned';
      show(first, byPeriod[first]);
      buttons.forEach(function (b) {
        b.addEventListener('click', function () {
          show(b.getAttribute('data-periode'), byPeriod[b.getAttribute('data-periode')]);
        });
      });
      root.setAttribute('data-rendered', 'true');
    })
    .catch(function (err) {
      root.setAttribute('data-error', String(err && err.message));
      if (window.console) window.console.error('statistikk: the charts could not be drawn:', err);
    });
})();
