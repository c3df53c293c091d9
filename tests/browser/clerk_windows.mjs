// This file is part of onewindow.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// Browser test of the web client (sao) as a window clerk:
//   node tests/browser/clerk_windows.mjs URL DATABASE
// logs in as the demo clerk through sao's login dialog, opens the menu
// 服务大厅 → 窗口 (model onewindow.window) and checks that the list shows the
// Wengyuan windows.  Screenshots go to tests/artifacts/.  Exits non-zero with a
// message (and a screenshot of the page) on any failure.
//
// playwright-core is installed (pinned) with sao by scripts/install_sao.sh into
// .sao/node_modules; the browser is Debian's chromium.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const top = path.resolve(here, '..', '..');
const artifacts = path.join(top, 'tests', 'artifacts');
const SCREENSHOT = path.join(artifacts, 'clerk_windows.png');
const FAILURE_SCREENSHOT = path.join(artifacts, 'clerk_windows-failure.png');

const LOGIN = 'clerk';
const PASSWORD = 'wengyuan-demo';
const MENU = ['服务大厅', '窗口'];
const MODEL = 'onewindow.window';
const EXPECTED = '综合服务窗口';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 30000;

const [url, database] = process.argv.slice(2);
if (!url || !database) {
    console.error('usage: node clerk_windows.mjs URL DATABASE');
    process.exit(2);
}

let chromium;
try {
    const require = createRequire(path.join(top, '.sao', 'package.json'));
    ({ chromium } = require('playwright-core'));
} catch (error) {
    console.error('clerk_windows: playwright-core is not installed in .sao/node_modules; '
        + 'run scripts/install_sao.sh\n' + error.message);
    process.exit(1);
}
if (!fs.existsSync(CHROMIUM)) {
    console.error(`clerk_windows: no chromium at ${CHROMIUM} (Debian package chromium)`);
    process.exit(1);
}

// Each step says what it does, so that a failure says where it happened.
let step = 'start chromium';
const problems = [];  // errors of the page, reported on failure

async function main(page) {
    step = `open ${url}/#${database}`;
    await page.goto(`${url}/#${database}`, { waitUntil: 'load' });
    const body = await page.locator('body').innerText();
    if (body.includes('sao is not fully installed')) {
        throw new Error('the page says "sao is not fully installed": '
            + 'run scripts/install_sao.sh');
    }

    step = 'wait for the login dialog';
    const loginDialog = page.locator('.modal-dialog', { has: page.locator('input#login') });
    await loginDialog.waitFor({ state: 'visible' });

    step = `log in as ${LOGIN}`;
    await loginDialog.locator('input#login').fill(LOGIN);
    await loginDialog.locator('button[type=submit]').click();
    const password = page.locator('.modal-dialog input[type=password]');
    await password.waitFor({ state: 'visible' });
    await password.fill(PASSWORD);
    await password.press('Enter');
    // sao logs in to the database of the address, or to the only one it lists.
    const session = await page.waitForFunction(
        () => window.Sao && Sao.Session.current_session
            && Sao.Session.current_session.session
            && Sao.Session.current_session.database);
    const loggedDatabase = await session.jsonValue();
    if (loggedDatabase !== database) {
        throw new Error(`logged in to the database "${loggedDatabase}", `
            + `not "${database}"`);
    }

    const menu = page.locator('#menu');
    let entry = null;
    for (const name of MENU) {
        step = `find the menu entry ${MENU.slice(0, MENU.indexOf(name) + 1).join(' → ')}`;
        // The exact name: "窗口" must not match a "窗口类型".
        entry = menu.locator('.column-char', { hasText: new RegExp(`^\\s*${name}\\s*$`) })
            .first();
        try {
            await entry.waitFor({ state: 'visible' });
        } catch (error) {
            const names = (await menu.locator('.column-char').allInnerTexts())
                .map((text) => text.trim()).filter(Boolean);
            throw new Error(`no menu entry "${name}" for ${LOGIN}; the menu shows: `
                + (names.length ? names.join(', ') : '(nothing)'));
        }
        // A click on a menu folder expands it, on a leaf it opens its action.
        await entry.click();
    }

    step = `wait for the ${MODEL} list`;
    await page.waitForFunction((model) => {
        const tab = window.Sao && Sao.Tab.tabs.get_current();
        return tab && tab.screen && tab.screen.model_name === model;
    }, MODEL);
    const pane = page.locator('#tabcontent > .tab-pane.active');
    const rows = pane.locator('table.tree > tbody > tr');
    await rows.first().waitFor({ state: 'visible' });

    step = `look for the window "${EXPECTED}" in the list`;
    const list = pane.locator('table.tree > tbody');
    const cell = list.getByText(EXPECTED, { exact: true }).first();
    try {
        await cell.waitFor({ state: 'visible' });
    } catch (error) {
        const shown = (await rows.allInnerTexts())
            .map((text) => text.replace(/\s+/g, ' ').trim()).filter(Boolean);
        throw new Error(`the list does not show "${EXPECTED}"; its rows are:\n  `
            + (shown.length ? shown.join('\n  ') : '(none)'));
    }
    // The text may be a zone's: it must be the name of one of the listed windows.
    const names = await page.evaluate(() => Sao.Tab.tabs.get_current().screen.group
        .map((record) => record.field_get_client('name')));
    if (!names.includes(EXPECTED)) {
        throw new Error(`no window of the list is named "${EXPECTED}"; `
            + `their names are: ${names.join(', ')}`);
    }
    await cell.scrollIntoViewIfNeeded();
    // Let the last images and fonts arrive before the picture.
    await page.waitForLoadState('networkidle').catch(() => {});

    step = 'save the screenshot';
    await page.screenshot({ path: SCREENSHOT });
    console.log(`clerk_windows: ok, ${LOGIN} sees ${names.length} windows including `
        + `"${EXPECTED}"; screenshot ${path.relative(top, SCREENSHOT)}`);
}

let browser;
let page;
let failed = false;
try {
    fs.mkdirSync(artifacts, { recursive: true });
    fs.rmSync(FAILURE_SCREENSHOT, { force: true });
    browser = await chromium.launch({
        executablePath: CHROMIUM,
        // Playwright adds the headless flag and a fresh profile folder itself.
        args: [
            '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update',
            '--disable-sync',
        ],
    });
    const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
    });
    context.setDefaultTimeout(TIMEOUT);
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
        // sao asks for locale files that may not exist and the bus if enabled
        if (response.status() >= 500 && !response.url().endsWith('/bus')) {
            problems.push(`HTTP ${response.status()} ${response.url()}`);
        }
    });
    await main(page);
} catch (error) {
    failed = true;
    console.error(`clerk_windows: FAILED to ${step}: ${error.message}`);
    if (page) {
        const dialogs = await page.locator('.modal-dialog:visible').allInnerTexts()
            .catch(() => []);
        for (const text of dialogs) {
            console.error(`  dialog on the page: ${text.replace(/\s+/g, ' ').trim()}`);
        }
        for (const problem of problems) {
            console.error(`  ${problem}`);
        }
        await page.screenshot({ path: FAILURE_SCREENSHOT })
            .then(() => console.error(
                `  screenshot of the failure: ${path.relative(top, FAILURE_SCREENSHOT)}`))
            .catch((err) => console.error(`  no screenshot: ${err.message}`));
    }
} finally {
    if (browser) {
        await browser.close().catch(() => {});
    }
}
process.exit(failed ? 1 : 0);
