// ui.js - drives the collector's window in headless chromium (puppeteer-core)
// for tests/t/t3010-collector-ui-browser.sh.  Environment:
//   UI_URL     the one-time address printed by collector ui --no-browser
//   UI_BASE    http://127.0.0.1:PORT
//   WORK       the test's scratch folder (bundles, receipts, CSV files)
//   SHOTS      where the screenshots go
//   CHROMIUM   the browser
//   WALK       "en": a short walk through the window started in English
//              instead (requests into WORK/requests-en.txt)
// Prints one line per check, "ok NAME" or "not ok NAME: why", and the
// address of every request the browser made into WORK/requests.txt.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const puppeteer = require('puppeteer-core');

const base = process.env.UI_BASE;
const work = process.env.WORK;
const shots = process.env.SHOTS;
const tag = process.env.WALK === 'en' ? '-en' : '';
const requests = [];
const problems = [];

function check(name, ok, why) {
  console.log(ok ? `ok ${name}` : `not ok ${name}: ${why || ''}`);
}

async function shoot(page, name) {
  for (const [w, h] of [[1366, 768], [390, 844]]) {
    await page.setViewport({ width: w, height: h });
    await page.evaluate(() => { document.activeElement.blur(); window.scrollTo(0, 0); });
    await page.screenshot({ path: path.join(shots, `${name}-${w}x${h}.png`) });
  }
  await page.setViewport({ width: 1366, height: 768 });
}

async function flash(page) {
  const el = await page.$('.flash');
  return el ? page.evaluate((e) => e.textContent, el) : '';
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

// The window started in English: its pages, the grid's answers and the
// words app.js says itself (the browser is French: it is not asked).
async function walkEn(page) {
  const resp = await page.goto(process.env.UI_URL, { waitUntil: 'load' });
  const home = await page.evaluate(() => [document.documentElement.lang,
    document.querySelector('h1').textContent, document.body.textContent]);
  check('en-home', resp.status() === 200 && home[0] === 'en' && home[1] === 'Home' &&
    /Count entry/.test(home[2]) && !/Accueil|Quitter/.test(home[2]), home.join(' | '));
  await shoot(page, 'accueil-en');

  await page.goto(base + '/comptages?tableau=victims&periode=2026-T3&dept=75', { waitUntil: 'load' });
  await (await page.$$('table.grid tbody input'))[0].click();
  await page.keyboard.type('6');
  await page.keyboard.press('Tab');
  await page.waitForSelector('table.grid td.saved');
  const saved = await page.$eval('#grid-status', (e) => e.textContent);
  check('en-grid-saved', saved === 'Saved: 6.', saved);
  // The window unreachable (the cell's request cut): app.js's own words.
  const cut = (r) => (r.url().endsWith('/comptages/cellule') ? r.abort() : r.continue());
  await page.setRequestInterception(true);
  page.on('request', cut);
  await page.keyboard.type('2');
  await page.keyboard.press('Tab');
  await page.waitForSelector('table.grid td.error');
  const lost = await page.$eval('#grid-status', (e) => e.textContent);
  check('en-grid-lost', /^Not saved: the window no longer answers/.test(lost), lost);
  page.off('request', cut);
  await page.setRequestInterception(false);
  problems.length = 0;     // the cut request itself is logged
  await page.reload({ waitUntil: 'load' });
  await shoot(page, 'comptages-en');

  await submit(page, 'form[action="/quitter"] button');
  const bye = await page.$eval('h1', (e) => e.textContent);
  check('en-quit', bye === 'Window closed', bye);
  const late = problems.filter((m) => !/ERR_CONNECTION_REFUSED/.test(m));
  check('en-no-console-message', late.length === 0, problems.join(' | '));
}

(async () => {
  fs.mkdirSync(shots, { recursive: true });
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
      '--disable-default-apps', '--disable-extensions', '--lang=fr-FR'],
    userDataDir: path.join(work, 'profile' + tag),
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1366, height: 768 });
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => problems.push(`console ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => d.accept());
    if (tag) {
      await walkEn(page);
      return;
    }

    // Refused without the key.
    let resp = await page.goto(base + '/', { waitUntil: 'load' });
    let text = await page.evaluate(() => document.body.textContent);
    check('refused-without-key', resp.status() === 403 && /Accès refusé/.test(text),
      `status ${resp.status()}`);
    await shoot(page, 'refus');
    problems.length = 0;     // the 403 itself is logged by the browser

    // Opened with the key.
    resp = await page.goto(process.env.UI_URL, { waitUntil: 'load' });
    text = await page.evaluate(() => document.querySelector('h1').textContent);
    check('open-with-key', resp.status() === 200 && page.url() === base + '/' && text === 'Accueil',
      `${resp.status()} ${page.url()} ${text}`);
    await shoot(page, 'accueil');

    // A count grid: two cells, saved on blur, totals.
    await page.goto(base + '/comptages?tableau=victims&periode=2026-T1&dept=75', { waitUntil: 'load' });
    const cells = await page.$$('table.grid tbody input');
    await cells[0].click();
    await page.keyboard.type('5');
    await page.keyboard.press('Tab');
    await page.waitForSelector('table.grid td.saved');
    await page.keyboard.type('3');
    await page.keyboard.press('Tab');
    await page.waitForFunction(() => document.querySelectorAll('table.grid td.saved').length === 2);
    const grand = await page.$eval('table.grid td.grandtotal', (e) => e.textContent);
    const status = await page.$eval('#grid-status', (e) => e.textContent);
    check('grid-saved', grand === '8' && /Enregistré/.test(status), `total ${grand}, ${status}`);
    await page.reload({ waitUntil: 'load' });
    const kept = await page.$$eval('table.grid tbody input', (l) => l.slice(0, 2).map((i) => i.value));
    const grand2 = await page.$eval('table.grid td.grandtotal', (e) => e.textContent);
    check('grid-kept', kept[0] === '5' && kept[1] === '3' && grand2 === '8', `${kept} ${grand2}`);
    // A refused value shows the error state.
    await (await page.$$('table.grid tbody input'))[2].click();
    await page.keyboard.type('99999999');
    await page.keyboard.press('Tab');
    await page.waitForSelector('table.grid td.error');
    const bad = await page.$eval('#grid-status', (e) => e.textContent);
    check('grid-refused', /Non enregistré/.test(bad), bad);
    await page.reload({ waitUntil: 'load' });
    await shoot(page, 'comptages');

    // An action.
    await page.goto(base + '/actions', { waitUntil: 'load' });
    await page.select('#f_dept', '93');
    await page.select('#f_type', 'outreach');
    await page.$eval('#f_start', (e) => { e.value = '2026-03-02'; });
    await page.click('input[name="f_public"][value="adults"]');
    await page.type('#f_people', '14');
    await page.type('#f_note', 'Maraude du <soir> & "nuit"');
    await submit(page, 'form.fields button[type="submit"]');
    const saved = await flash(page);
    const listed = await page.$$eval('table.list tbody tr', (l) => l.map((r) => r.textContent).join('\n'));
    check('action-added', /Action enregistrée/.test(saved) && listed.includes('Maraude du <soir> & "nuit"'),
      `${saved} / ${listed}`);
    await shoot(page, 'actions');

    // The other forms, for their screenshots.
    await page.goto(base + '/formations', { waitUntil: 'load' });
    await shoot(page, 'formations');
    await page.goto(base + '/organisation', { waitUntil: 'load' });
    await shoot(page, 'organisation');

    // Export into a folder; the real merger merges it and writes a receipt.
    fs.mkdirSync(path.join(work, 'usb'), { recursive: true });
    await page.goto(base + '/envoyer', { waitUntil: 'load' });
    await shoot(page, 'envoyer');
    await page.$eval('#dossier', (e, v) => { e.value = v; }, path.join(work, 'usb'));
    await submit(page, 'form input[value="dossier"] ~ button');
    const sent = await flash(page);
    const bundles = fs.readdirSync(path.join(work, 'usb')).filter((f) => f.endsWith('.bundle'));
    check('bundle-written', bundles.length === 1 && /joignez ce fichier/.test(sent), `${bundles} ${sent}`);
    await shoot(page, 'accueil-apres-envoi');
    fs.mkdirSync(path.join(work, 'receipts'), { recursive: true });
    execFileSync('merger', ['merge', '--receipts', path.join(work, 'receipts'),
      path.join(work, 'usb', bundles[0])], { stdio: ['ignore', 'ignore', 'ignore'] });
    const receipts = fs.readdirSync(path.join(work, 'receipts'));
    check('bundle-merged', receipts.length === 1, `${receipts}`);

    // The receipt, uploaded.
    await page.goto(base + '/accuses', { waitUntil: 'load' });
    await shoot(page, 'accuses');
    const input = await page.$('#fichier');
    await input.uploadFile(path.join(work, 'receipts', receipts[0]));
    await submit(page, 'form.fields button[type="submit"]');
    const acked = await flash(page);
    check('receipt-applied', /reçu par le coordinateur/.test(acked), acked);
    const next = await page.$eval('p.next', (e) => e.textContent);
    check('home-all-received', /tout reçu/.test(next), next);

    // A CSV with one bad line: refused, shown, nothing stored.
    await page.goto(base + '/importer', { waitUntil: 'load' });
    await shoot(page, 'importer');
    const dump = () => execFileSync('sqlite3', [process.env.STORE_DB, '.dump']).toString();
    const before = dump();
    await (await page.$('#fichier')).uploadFile(path.join(work, 'bad.csv'));
    await submit(page, 'form.fields button[type="submit"]');
    check('csv-bad-nothing-stored', dump() === before, 'the store changed');
    const refused = await page.$$eval('ul.refused li', (l) => l.map((e) => e.textContent));
    const confirm = await page.$('form[action="/importer/confirmer"]');
    check('csv-bad-line-shown', refused.some((l) => /ligne 3 : .*975/.test(l)) && !confirm,
      JSON.stringify(refused));
    await shoot(page, 'importer-refus');

    // A correct CSV: checked, then confirmed.
    await (await page.$('#fichier')).uploadFile(path.join(work, 'good.csv'));
    await submit(page, 'form.fields button[type="submit"]');
    await shoot(page, 'importer-verifie');
    await submit(page, 'form[action="/importer/confirmer"] button');
    const imported = await flash(page);
    check('csv-imported', /2 lignes importées/.test(imported), imported);

    // Quitter.  The server stops: a request the browser makes on its own
    // after the goodbye page (its icon) may find it gone.
    await page.goto(base + '/', { waitUntil: 'load' });
    const heard = problems.length;
    await submit(page, 'form[action="/quitter"] button');
    const bye = await page.$eval('h1', (e) => e.textContent);
    check('quit', bye === 'Fenêtre fermée', bye);
    await shoot(page, 'quitter');

    const late = problems.slice(heard).filter((m) => !/ERR_CONNECTION_REFUSED/.test(m));
    check('no-console-message', heard === 0 && late.length === 0, problems.join(' | '));
  } catch (e) {
    check('script', false, e.stack);
  } finally {
    fs.writeFileSync(path.join(work, `requests${tag}.txt`), requests.join('\n') + '\n');
    await browser.close();
  }
})();
