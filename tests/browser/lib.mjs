// This file is part of onewindow.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// What the browser tests of the web client (sao) share: starting Debian's
// chromium with playwright-core, logging in through sao's dialogs, opening a
// menu entry, and reporting a failure with its step, the dialogs on the page,
// the page errors and a screenshot.
//
// playwright-core is installed (pinned) with sao by scripts/install_sao.sh into
// .sao/node_modules; the browser is Debian's chromium.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const top = path.resolve(here, '..', '..');
export const artifacts = path.join(top, 'tests', 'artifacts');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const TIMEOUT = 30000;

// The path of the file name of tests/artifacts/
export function artifact(name) {
    return path.join(artifacts, name);
}

// The path of a file from the top of the repository, for the messages
export function relative(file) {
    return path.relative(top, file);
}

// One line of text of an element, for the messages
export function oneLine(text) {
    return (text || '').replace(/\s+/g, ' ').trim();
}

function loadPlaywright(name) {
    try {
        const require = createRequire(path.join(top, '.sao', 'package.json'));
        return require('playwright-core');
    } catch (error) {
        console.error(`${name}: playwright-core is not installed in .sao/node_modules; `
            + 'run scripts/install_sao.sh\n' + error.message);
        process.exit(1);
    }
}

// Run main(page, test) in a fresh chromium page on the URL and DATABASE of
// the command line, then exit: 0 when main returns, 1 with a message (the
// step that failed, the dialogs on the page, the page errors and a
// screenshot tests/artifacts/NAME-failure.png) when it throws.  main tells
// what it does by setting test.step.
export async function browserTest(name, main) {
    const [url, database] = process.argv.slice(2);
    if (!url || !database) {
        console.error(`usage: node ${name}.mjs URL DATABASE`);
        process.exit(2);
    }
    const { chromium } = loadPlaywright(name);
    if (!fs.existsSync(CHROMIUM)) {
        console.error(`${name}: no chromium at ${CHROMIUM} (Debian package chromium)`);
        process.exit(1);
    }
    const failureScreenshot = artifact(`${name}-failure.png`);
    // Each step says what it does, so that a failure says where it happened.
    const test = {
        name, url, database,
        step: 'start chromium',
        problems: [],  // errors of the page, reported on failure
        inflight: new Set(),  // the requests of the page still running
        log(message) {
            console.log(`${name}: ${message}`);
        },
    };

    let browser;
    let page;
    let failed = false;
    try {
        fs.mkdirSync(artifacts, { recursive: true });
        fs.rmSync(failureScreenshot, { force: true });
        browser = await chromium.launch({
            executablePath: CHROMIUM,
            // Playwright adds the headless flag and a fresh profile folder itself.
            args: [
                '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                '--disable-background-networking', '--disable-component-update',
                '--disable-sync',
            ],
        });
        // Each page has its own context: its own sao session, as a user at
        // his own desk.  A failure shows the page opened last.
        // options: more options of the browser context (a phone's
        // viewport, headers)
        test.newPage = async (options = {}) => {
            const context = await browser.newContext({
                viewport: { width: 1280, height: 900 },
                locale: 'zh-CN',
                timezoneId: 'Asia/Shanghai',
                acceptDownloads: true,
                ...options,
            });
            context.setDefaultTimeout(TIMEOUT);
            const newPage = await context.newPage();
            newPage.on('pageerror', (error) => test.problems.push(`page error: ${error.message}`));
            newPage.on('request', (request) => {
                // the bus (when enabled) waits for messages: it is never done
                if (!request.url().endsWith('/bus')) {
                    test.inflight.add(request);
                }
            });
            newPage.on('requestfinished', (request) => test.inflight.delete(request));
            newPage.on('requestfailed', (request) => test.inflight.delete(request));
            newPage.on('response', (response) => {
                // sao asks for locale files that may not exist and the bus if enabled
                if (response.status() >= 500 && !response.url().endsWith('/bus')) {
                    test.problems.push(`HTTP ${response.status()} ${response.url()}`);
                }
            });
            page = newPage;
            return newPage;
        };
        // The page the user works on now, for the failure screenshot
        test.usePage = async (current) => {
            page = current;
            await current.bringToFront();
        };
        await test.newPage();
        await main(page, test);
    } catch (error) {
        failed = true;
        console.error(`${name}: FAILED to ${test.step}: ${error.message}`);
        if (page) {
            const dialogs = await page.locator('.modal-dialog:visible').allInnerTexts()
                .catch(() => []);
            for (const text of dialogs) {
                console.error(`  dialog on the page: ${oneLine(text)}`);
            }
            for (const problem of test.problems) {
                console.error(`  ${problem}`);
            }
            if (test.problems.some((problem) => /TreeXMLViewParser\.WIDGETS/.test(problem))) {
                for (const column of await unknownColumns(page).catch(() => [])) {
                    console.error(`  a list of the form sao cannot show: ${column}`);
                }
            }
            await page.screenshot({ path: failureScreenshot })
                .then(() => console.error(
                    `  screenshot of the failure: ${relative(failureScreenshot)}`))
                .catch((err) => console.error(`  no screenshot: ${err.message}`));
        }
    } finally {
        if (browser) {
            await browser.close().catch(() => {});
        }
    }
    process.exit(failed ? 1 : 0);
}

// Open sao on the database and log in through its login dialog; fail when
// sao is not fully installed or logs in to another database.
export async function login(page, test, login, password) {
    const { url, database } = test;
    test.step = `open ${url}/#${database}`;
    await page.goto(`${url}/#${database}`, { waitUntil: 'load' });
    const body = await page.locator('body').innerText();
    if (body.includes('sao is not fully installed')) {
        throw new Error('the page says "sao is not fully installed": '
            + 'run scripts/install_sao.sh');
    }

    test.step = 'wait for the login dialog';
    const loginDialog = page.locator('.modal-dialog', { has: page.locator('input#login') });
    await loginDialog.waitFor({ state: 'visible' });

    test.step = `log in as ${login}`;
    await loginDialog.locator('input#login').fill(login);
    await loginDialog.locator('button[type=submit]').click();
    const passwordInput = page.locator('.modal-dialog input[type=password]');
    await passwordInput.waitFor({ state: 'visible' });
    await passwordInput.fill(password);
    await passwordInput.press('Enter');
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
}

// Click the entries of the menu path (folders expand, the leaf opens its
// action) and wait for the tab of model.
export async function openMenu(page, test, names, model, user) {
    const menu = page.locator('#menu');
    for (const name of names) {
        test.step = 'find the menu entry '
            + names.slice(0, names.indexOf(name) + 1).join(' → ');
        // The exact name: "窗口" must not match a "窗口类型".
        const entry = menu.locator('.column-char', {
            hasText: new RegExp(`^\\s*${name}\\s*$`),
        }).first();
        try {
            await entry.waitFor({ state: 'visible' });
        } catch (error) {
            const shown = (await menu.locator('.column-char').allInnerTexts())
                .map((text) => text.trim()).filter(Boolean);
            throw new Error(`no menu entry "${name}" for ${user}; the menu shows: `
                + (shown.length ? shown.join(', ') : '(nothing)'));
        }
        // A click on a menu folder expands it, on a leaf it opens its action.
        await entry.click();
        // The menu redraws its rows once the children of a folder come
        await settle(page, test);
    }

    test.step = `wait for the ${model} tab`;
    await page.waitForFunction((name) => {
        const tab = window.Sao && Sao.Tab.tabs.get_current();
        return tab && tab.screen && tab.screen.model_name === name;
    }, model);
}

// The content of the current tab
export function currentPane(page) {
    return page.locator('#tabcontent > .tab-pane.active');
}

// Wait until the page has had no request to the server running for a
// moment: sao's calls (on_change, save, buttons) are all requests.
export async function settle(page, test, quiet = 200) {
    const end = Date.now() + TIMEOUT;
    let since = Date.now();
    while (Date.now() < end) {
        if (test.inflight.size) {
            since = Date.now();
        } else if (Date.now() - since >= quiet) {
            return;
        }
        await page.waitForTimeout(50);
    }
    throw new Error(`the server did not answer in ${TIMEOUT / 1000} s: `
        + [...test.inflight].map((request) => request.url()).join(', '));
}

// The text of the visible sao dialogs (errors, warnings, confirmations,
// search windows...) but those of the classes in allowed and the download
// dialog (sao shows it with the link of the file it hands to the browser)
export async function visibleDialogs(page, allowed = []) {
    return page.evaluate((allowedClasses) => jQuery('.modal:visible')
        .filter((i, el) => !allowedClasses.some((c) => el.classList.contains(c)))
        .filter((i, el) => !jQuery(el).find('a[download]').length)
        .map((i, el) => jQuery(el).find('.modal-content').text()
            .replace(/\s+/g, ' ').trim())
        .get(), allowed);
}

// The columns of the lists of the form of the current tab that sao cannot
// build (their widget is not one of sao's list columns)
async function unknownColumns(page) {
    return page.evaluate(async () => {
        const tab = Sao.Tab.tabs.get_current();
        if (!tab || !tab.screen) {
            return [];
        }
        const session = Sao.Session.current_session;
        const view = await Sao.rpc({
            method: `model.${tab.screen.model_name}.fields_view_get`,
            params: [null, 'form', session.context],
        }, session);
        const found = [];
        for (const [name, field] of Object.entries(view.fields)) {
            const tree = field.views && field.views.tree;
            if (!tree) {
                continue;
            }
            const arch = new DOMParser().parseFromString(tree.arch, 'text/xml');
            for (const node of arch.querySelectorAll('field')) {
                const column = node.getAttribute('name');
                const widget = node.getAttribute('widget')
                    || (tree.fields[column] || {}).type;
                if (widget && !Sao.View.TreeXMLViewParser.WIDGETS[widget]) {
                    found.push(`${field.string} (${name}, ${field.relation}): `
                        + `the column ${column} is a ${widget}`);
                }
            }
        }
        return found;
    });
}

// A hint for the errors of the page that say what is wrong in a view
function pageErrorHint(error) {
    if (/TreeXMLViewParser\.WIDGETS/.test(error)) {
        return ' (a list view has a field whose widget sao does not know: '
            + 'sao lists have no datetime column, a DateTime field needs '
            + 'widget="date" and/or widget="time")';
    }
    return '';
}

// Wait until check() (run in node) returns something true and return it;
// fail at once, with its text, when sao shows a dialog (but those of the
// classes in options.allowed) or the page raises an error.
export async function waitUntil(page, test, what, check, options = {}) {
    const timeout = options.timeout || TIMEOUT;
    const allowed = options.allowed || [];
    const errors = test.problems.filter((p) => p.startsWith('page error')).length;
    const end = Date.now() + timeout;
    for (;;) {
        const pageErrors = test.problems.filter((p) => p.startsWith('page error'));
        if (pageErrors.length > errors) {
            const error = pageErrors[pageErrors.length - 1];
            throw new Error(`${what}: ${error}${pageErrorHint(error)}`);
        }
        const dialogs = await visibleDialogs(page, allowed);
        if (dialogs.length) {
            throw new Error(`${what}: sao shows the dialog "${dialogs.join('" and "')}"`);
        }
        const result = await check();
        if (result) {
            return result;
        }
        if (Date.now() > end) {
            throw new Error(`${what}: still not so after ${timeout / 1000} s`);
        }
        await page.waitForTimeout(100);
    }
}

// The view type of the current tab: "tree" or "form"
export async function currentViewType(page) {
    return page.evaluate(() => {
        const tab = Sao.Tab.tabs.get_current();
        return tab && tab.screen && tab.screen.current_view
            && tab.screen.current_view.view_type;
    });
}

// Type text into the input of a many2one or dict widget as the user does
// and click the completion that matches; return the texts of the
// completions that were offered.
export async function chooseCompletion(page, test, input, text, match, what) {
    // sao wraps the input group into the dropdown of its completion
    const dropdown = input.locator(
        'xpath=ancestor::div[contains(concat(" ", @class, " "), " dropdown ")][1]');
    const items = dropdown.locator('li.completion a');
    const item = items.filter({ hasText: match }).first();
    const offered = async () => (await items.allInnerTexts()).map(oneLine).filter(Boolean);
    try {
        await waitUntil(page, test, `${what}: typing "${text}" offers nothing`, async () => {
            // A display of the record (after an on_change) may clear what was typed.
            if ((await input.inputValue()) !== text) {
                await input.click();
                await input.fill('');
                await input.pressSequentially(text);
            }
            return item.isVisible();
        });
    } catch (error) {
        const shown = await offered();
        if (!shown.length) {
            throw error;
        }
        throw new Error(`${what}: typing "${text}" offers `
            + shown.map((o) => `"${o}"`).join(', ') + `, not "${match}"`);
    }
    const shown = await offered();
    await item.click();
    await settle(page, test);
    return shown;
}

// The ids of the header cells of a sao list by their labels: the cells of
// the rows name the id of their column in their "headers" attribute.
export async function columnIds(table, labels) {
    const columns = await table.locator('thead th').evaluateAll((cells) => cells
        .map((th) => [(th.querySelector('label') || th).textContent.trim(), th.id]));
    const ids = {};
    for (const label of labels) {
        const found = columns.find(([text]) => text === label);
        if (!found || !found[1]) {
            throw new Error(`the list has no column "${label}"; its columns are: `
                + columns.map(([text]) => text).filter(Boolean).join(', '));
        }
        ids[label] = found[1];
    }
    return ids;
}

// Type value into the integer cell td of an editable sao list: the first
// click selects the row, the next one opens it for editing.
export async function editIntegerCell(page, test, td, value, what) {
    const row = td.locator('xpath=ancestor::tr[1]');
    const editable = td.locator('.widget-editable');
    const input = editable.locator('input[type=number]');
    for (let attempt = 0; !(await input.isVisible()); attempt++) {
        if (attempt === 3) {
            const readonly = await editable.locator('input[readonly]').count();
            throw new Error(`${what}: the cell cannot be edited`
                + (readonly ? ' (it is read-only)' : ''));
        }
        await td.click();
        // The row is opened for editing, or only selected by this click
        await waitUntil(page, test, `${what}: the line does not respond to a click`,
            async () => (await input.isVisible()) || row.evaluate((tr) =>
                tr.classList.contains('selected') && !tr.querySelector('td.edited')));
    }
    await input.fill(String(value));
    // Tab leaves the cell: sao sets the value and goes to the next column.
    await input.press('Tab');
    await settle(page, test);
}

// The only entry of the print menu of a case: the wizard that offers the
// documents the state of the case allows
export const PRINT_DOCUMENTS = '打印文书';

// Print the document label of the case of the form in pane as the user does:
// the print menu must hold the one entry PRINT_DOCUMENTS, whose wizard offers
// the documents of the state of the case; choose label, keep the format PDF,
// print and wait for the file.  Return { offered, download }: the documents
// the wizard offered and playwright's download.
// screenshot: the file of a screenshot of the wizard, if any.
export async function printDocument(page, test, pane, label, timeout = 120000,
    screenshot = null) {
    test.step = `open the print menu for the ${label}`;
    await pane.locator('button#print').click();
    const entries = pane.locator('button#print + ul.dropdown-menu a');
    await entries.first().waitFor({ state: 'visible' });
    const menu = (await entries.allInnerTexts()).map(oneLine).filter(Boolean);
    if (menu.length !== 1 || menu[0] !== PRINT_DOCUMENTS) {
        throw new Error('the print menu offers '
            + menu.map((entry) => `"${entry}"`).join(', ')
            + `, not the one entry "${PRINT_DOCUMENTS}"`);
    }
    test.step = `open "${PRINT_DOCUMENTS}" for the ${label}`;
    await entries.first().click();
    const dialog = page.locator('.modal.wizard-dialog:visible');
    const documents = dialog.locator('select[name="document"]');
    await documents.waitFor({ state: 'visible' });
    const allowed = ['wizard-dialog'];
    // sao fills the options, then keeps those of the domain of the field
    await settle(page, test);
    const options = async () => (await documents.locator('option').allInnerTexts())
        .map(oneLine).filter(Boolean);
    const offered = await waitUntil(page, test, `"${PRINT_DOCUMENTS}" offers no document`,
        async () => {
            const shown = await options();
            return shown.length ? shown : null;
        }, { allowed });
    if (!offered.includes(label)) {
        throw new Error(`"${PRINT_DOCUMENTS}" does not offer the ${label}; it offers: `
            + offered.join(', '));
    }
    test.step = `choose the ${label} as PDF`;
    // sao sets the only document allowed itself and disables the choice
    if (await documents.isEnabled()) {
        await documents.selectOption({ label });
        await settle(page, test);
    }
    const chosen = await documents.evaluate(
        (select) => select.options[select.selectedIndex].text.trim());
    if (chosen !== label) {
        throw new Error(`"${PRINT_DOCUMENTS}" shows the ${chosen}, not the ${label}`);
    }
    const format = await dialog.locator('select[name="format"]').evaluate(
        (select) => select.options[select.selectedIndex].text.trim());
    if (format !== 'PDF') {
        throw new Error(`"${PRINT_DOCUMENTS}" proposes the format "${format}", not PDF`);
    }
    if (screenshot) {
        await page.screenshot({ path: screenshot });
    }
    test.step = `print the ${label}`;
    // sao gets the report and hands it to the browser as a download.
    let download = null;
    let failure = null;
    page.waitForEvent('download', { timeout })
        .then((d) => { download = d; }, (error) => { failure = error; });
    await dialog.locator('.modal-footer button', { hasText: /^\s*打印\s*$/ }).click();
    await waitUntil(page, test, `the ${label} does not come`, async () => {
        if (failure) {
            throw failure;
        }
        return download;
    }, { timeout, allowed });
    return { offered, download };
}

// An exact text, for locators
export function exactly(text) {
    return new RegExp(`^\\s*${text}\\s*$`);
}

// The text of the option chosen in a select
export async function selectedText(select) {
    return select.evaluate((element) => {
        const option = element.options[element.selectedIndex];
        return option ? option.text.trim() : '';
    });
}

// A natural person of the demo with a resident ID (cn_ric), as the clerk
// may read it: name and ID number
export async function findApplicant(page) {
    const parties = await page.evaluate(() => Sao.rpc({
        method: 'model.party.party.search_read',
        params: [[['identifiers.type', '=', 'cn_ric']], 0, 1, [['id', 'ASC']],
            ['rec_name', 'identifiers.type', 'identifiers.code'], {}],
    }, Sao.Session.current_session));
    if (!parties.length) {
        throw new Error('the demo has no party with a resident ID (cn_ric) '
            + 'that the clerk can read');
    }
    const [party] = parties;
    const identifier = party['identifiers.'].find((i) => i.type === 'cn_ric');
    return { name: party.rec_name, id: identifier.code };
}

// The rows of the one2many list field of the form and their cells by the keys
// of labels, an object of the labels of the columns
export async function linesOf(pane, field, labels) {
    const widget = pane.locator(`.form-one2many[data-field-name="${field}"], .form-one2many`)
        .filter({ visible: true }).first();
    const table = widget.locator('table.tree');
    const rows = table.locator('tbody > tr');
    await rows.first().waitFor({ state: 'visible' });
    const ids = await columnIds(table, Object.values(labels));
    const cell = (row, column) => row.locator(`td[headers="${ids[labels[column]]}"]`);
    const text = async (row, column) => oneLine(await cell(row, column).innerText());
    return { widget, table, rows, cell, text };
}

// The columns of the materials of a case (linesOf) by their labels
// (locale/zh_CN.po)
export const CHECKED = '经与原件核对无误';
export const MATERIAL_COLUMNS = {
    name: '材料名称',
    paper: '已收纸质份数',
    paperExpected: '应交纸质份数',
    electronic: '已收电子件',
    electronicExpected: '应交电子件',
    check: '核验情况',
    status: '核验结果',
    button: CHECKED,
};

// The materials of the lines of a case (linesOf with MATERIAL_COLUMNS): their
// names and the copies expected
export async function expectedMaterials(lines) {
    const count = await lines.rows.count();
    const materials = [];
    for (let i = 0; i < count; i++) {
        const row = lines.rows.nth(i);
        materials.push({
            name: await lines.text(row, 'name'),
            paper: Number(await lines.text(row, 'paperExpected')),
            electronic: Number(await lines.text(row, 'electronicExpected')),
        });
    }
    return materials;
}

// Click the button of each line of the materials that shows one (the column
// button, labelled label) until it goes: the first click selects the line, the
// button acts on the selected one; return the indexes of the lines checked
export async function checkOriginals(page, test, lines, materials, label) {
    const checked = [];
    for (const [i, material] of materials.entries()) {
        const button = lines.cell(lines.rows.nth(i), 'button').locator('button');
        if (!(await button.isVisible())) {
            continue;
        }
        test.step = `check ${material.name} against its original`;
        for (let attempt = 0; await button.isVisible(); attempt++) {
            if (attempt === 3) {
                throw new Error(`the button "${label}" stays after ${attempt} clicks`);
            }
            await button.click();
            await settle(page, test);
        }
        checked.push(i);
    }
    return checked;
}
