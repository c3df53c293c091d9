// This file is part of onewindow.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// Browser check of every page of the portal:
//   node tests/browser/portal_pages.mjs URL DATABASE PAGES.json
// PAGES.json is written by tests/browser/portal_pages.py from the routes the
// modules register: the home page, the service guide, the accounts' pages,
// the progress lookup (and its answer), the person's applications in every
// state, the kiosk, the rating device, the QR rating link, the satisfaction
// figures and the error pages (and the kiosk's warning before its idle
// end, its clock moved forward).  Each page is opened as its visitor (nobody,
// the demo person 13800000001 logged in by the keyboard, an account without
// real name, a self-service terminal, staff) and must answer the expected
// status; axe-core then finds no serious or critical violation at 375×812
// and at 1366×768, the page does not scroll sideways at 375 px and Tab
// reaches every control of its forms.  All problems are listed at the end.
import {
    DESKTOP, PHONE, checkPage, newFigures, portalLogin, portalPages,
    portalUrl, printFigures, typeInto,
} from './portal.mjs';
import { browserTest, oneLine } from './lib.mjs';

const NAME = 'portal_pages';

browserTest(NAME, async (firstPage, test) => {
    const data = portalPages();
    if (data.unknown.length) {
        throw new Error('portal pages that tests/browser/portal_pages.py does not list: '
            + data.unknown.join(', '));
    }
    const figures = newFigures();
    const problems = [];
    const pages = {};

    async function visitor(who) {
        if (pages[who]) {
            return pages[who];
        }
        test.step = `open the portal as ${who}`;
        const options = { viewport: PHONE, isMobile: false, hasTouch: true };
        if (who === 'staff') {
            // The credentials the web client sends with its calls
            options.extraHTTPHeaders = {
                Authorization: 'Basic ' + Buffer.from('clerk:wengyuan-demo').toString('base64'),
            };
        }
        const page = await test.newPage(options);
        if (who === 'person' || who === 'unbound' || who === 'rater') {
            await portalLogin(page, test, data[who].mobile, data[who].password);
        } else if (who === 'kiosk') {
            await page.goto(portalUrl(test, `kiosk/${data.kiosk}`));
            if (!(await page.locator('body.kiosk').count())) {
                throw new Error('the kiosk link does not turn the browser into a kiosk');
            }
        }
        pages[who] = page;
        return page;
    }

    for (const entry of data.pages) {
        const page = await visitor(entry.as);
        await test.usePage(page);
        const name = `${entry.path || '(home)'} as ${entry.as}`;
        test.step = `open ${name}`;
        const response = await page.goto(portalUrl(test, entry.path));
        const status = response.status();
        if (status !== entry.status) {
            problems.push(`${name}: HTTP ${status}, not ${entry.status}: `
                + oneLine(await page.locator('body').innerText()).slice(0, 200));
            continue;
        }
        if (!(await page.locator('main h1').count())) {
            problems.push(`${name}: the page has no heading`);
        }
        if (entry.link && !(await page.locator(`a[href$="/${entry.link}"]`).count())) {
            problems.push(`${name}: the page has no link to ${entry.link}`);
        }
        test.step = `check ${name}`;
        problems.push(...await checkPage(page, test, figures, name));
    }

    // The answer of the progress lookup, asked by the keyboard
    const page = await visitor('anonymous');
    await test.usePage(page);
    test.step = 'look up an application by number and query code';
    await page.goto(portalUrl(test, 'lookup'));
    await typeInto(page, '#number', data.lookup.number, 'the number');
    await typeInto(page, '#code', data.lookup.code, 'the query code');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const answer = oneLine(await page.locator('main').innerText());
    if (!answer.includes(data.lookup.number)) {
        problems.push(`the lookup of ${data.lookup.number} does not answer it: ${answer.slice(0, 200)}`);
    } else {
        problems.push(...await checkPage(page, test, figures, 'lookup answer'));
    }
    await page.setViewportSize(DESKTOP);

    problems.push(...await kioskIdle(test, data, figures));

    test.step = "report the problems of the pages";
    test.log(`${figures.pages} pages, ${figures.axe_runs} axe-core runs: `
        + `${figures.serious} serious or critical violations, ${figures.moderate} others; `
        + `${figures.forms} forms, ${figures.unreachable} keyboard problems (a control Tab does `
        + `not reach, a focus that does not show); `
        + `${figures.overflow} pages scroll sideways at ${PHONE.width} px`);
    figures.routes = data.routes.length;
    figures.files = data.files.length;
    figures.form_targets = data.forms.length;
    printFigures(test, figures);
    if (problems.length) {
        throw new Error(`${problems.length} problems:\n  ${problems.join('\n  ')}`);
    }
});

// The kiosk's idle end (WCAG 2.2.1): 20 seconds before the 2 minutes
// without a touch a dialog warns, takes the focus and counts down; its
// button counts the 2 minutes again; without an answer the session ends.
// The page's clock is Playwright's, moved forward.
async function kioskIdle(test, data, figures) {
    const problems = [];
    test.step = 'open the kiosk with a clock of its own';
    const page = await test.newPage({ viewport: PHONE, hasTouch: true });
    await page.clock.install();
    await page.goto(portalUrl(test, `kiosk/${data.kiosk}`));
    await page.goto(portalUrl(test, 'lookup'));
    const warning = page.locator('#idle-warning');
    test.step = 'wait 99 seconds without a touch';
    await page.clock.runFor(99000);
    if (await warning.isVisible()) {
        problems.push('kiosk: the idle warning shows before 100 seconds');
    }
    test.step = 'wait 2 seconds more';
    await page.clock.runFor(2000);
    if (!(await warning.isVisible())) {
        return [...problems, 'kiosk: no warning 20 seconds before the idle end'];
    }
    const text = oneLine(await warning.innerText());
    if (!/19 秒后结束/.test(text) || !text.includes('继续使用')) {
        problems.push(`kiosk: the warning does not count down in Chinese: ${text}`);
    }
    if (!(await page.locator('#idle-continue').evaluate((e) => e === document.activeElement))) {
        problems.push('kiosk: the warning does not take the focus to its button');
    }
    test.step = 'go on with the button';
    await page.locator('#idle-continue').click();
    if (await warning.isVisible()) {
        problems.push('kiosk: the button does not close the warning');
    }
    await page.clock.runFor(60000);
    if (await warning.isVisible() || !page.url().endsWith('/lookup')) {
        problems.push('kiosk: the button did not count the 2 minutes again');
    }
    test.step = 'let the session end';
    await page.clock.runFor(61000);
    await page.waitForURL((url) => !url.pathname.endsWith('/lookup'));
    const url = new URL(page.url());
    if (!url.pathname.endsWith('/portal/')) {
        problems.push(`kiosk: the idle end leads to ${url.pathname}, not the start`);
    }
    await page.close();

    // The warning itself through axe-core, on a page with the real clock
    test.step = 'check the idle warning with axe-core';
    const shown = await test.newPage({ viewport: PHONE, hasTouch: true });
    await shown.goto(portalUrl(test, `kiosk/${data.kiosk}`));
    await shown.goto(portalUrl(test, 'lookup'));
    await shown.evaluate(() => {
        const text = document.getElementById('idle-warning-text');
        text.textContent = text.dataset.message.replace('{seconds}', '20');
        document.getElementById('idle-warning').hidden = false;
    });
    problems.push(...await checkPage(shown, test, figures, 'kiosk idle warning'));
    await shown.close();
    test.log(`kiosk idle: warned at 100 s, ${problems.length} problems`);
    return problems;
}
