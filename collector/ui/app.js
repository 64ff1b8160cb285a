// The collector's window: counts saved as each cell loses focus, totals,
// confirmations.  Served by the collector itself (no inline script: the
// page's Content-Security-Policy forbids it).  Its words come from the
// page, in the page's language: the status line's data-saving and
// data-lost, a form's data-confirm.
'use strict';

function csrf() {
  const m = document.querySelector('meta[name="csrf"]');
  return m ? m.content : '';
}

function num(input) {
  const v = input.value.trim();
  return v === '' || isNaN(Number(v)) ? 0 : Number(v);
}

function totals(grid) {
  const rows = grid.querySelectorAll('tbody tr');
  const cols = [];
  let all = 0;
  rows.forEach(function (tr) {
    let sum = 0;
    tr.querySelectorAll('input').forEach(function (inp, i) {
      const n = num(inp);
      sum += n;
      cols[i] = (cols[i] || 0) + n;
    });
    const t = tr.querySelector('td.total');
    if (t) t.textContent = sum;
    all += sum;
  });
  grid.querySelectorAll('tfoot td.coltotal').forEach(function (td, i) {
    td.textContent = cols[i] || 0;
  });
  const g = grid.querySelector('tfoot td.grandtotal');
  if (g) g.textContent = all;
}

function words(name) {
  const s = document.getElementById('grid-status');
  return s ? s.dataset[name] || '' : '';
}

function say(grid, text, bad) {
  const s = document.getElementById('grid-status');
  if (!s) return;
  s.textContent = text;
  s.classList.toggle('bad', !!bad);
}

function save(grid, input) {
  const td = input.parentNode;
  if (input.value === input.dataset.saved) return;
  const body = new URLSearchParams();
  body.set('csrf', csrf());
  body.set('tableau', grid.dataset.table);
  body.set('periode', grid.dataset.period);
  body.set('dept', grid.dataset.dept);
  input.dataset.dims.split('|').forEach(function (c, i) { body.set('d' + i, c); });
  body.set('nombre', input.value.trim());
  td.className = 'saving';
  say(grid, words('saving'), false);
  fetch('/comptages/cellule', { method: 'POST', body: body, credentials: 'same-origin' })
    .then(function (r) { return r.json(); })
    .then(function (j) {
      if (j.ok) {
        input.dataset.saved = input.value;
        td.className = 'saved';
        say(grid, j.msg, false);
      } else {
        td.className = 'error';
        say(grid, j.msg, true);
      }
    })
    .catch(function () {
      td.className = 'error';
      say(grid, words('lost'), true);
    });
}

document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('table.grid').forEach(function (grid) {
    grid.querySelectorAll('input').forEach(function (inp) {
      inp.dataset.saved = inp.value;
      inp.addEventListener('input', function () { totals(grid); });
      inp.addEventListener('blur', function () { save(grid, inp); });
      inp.addEventListener('keydown', function (e) {
        if (e.key === 'Enter') { e.preventDefault(); inp.blur(); }
      });
    });
    totals(grid);
  });
  document.querySelectorAll('form[data-confirm]').forEach(function (f) {
    f.addEventListener('submit', function (e) {
      if (!window.confirm(f.dataset.confirm)) e.preventDefault();
    });
  });
  document.querySelectorAll('select[data-autosubmit]').forEach(function (s) {
    s.addEventListener('change', function () { s.form.submit(); });
  });
});
